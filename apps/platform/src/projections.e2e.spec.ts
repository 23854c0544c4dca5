import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, seededDataDir, startPlatform } from '@gpds/platform-testing';

interface ProjectionsCheck {
  status: string;
  behind: number;
  caughtUp: boolean;
  head: { globalPosition: number };
  position: { globalPosition: number };
}

async function projectionsHealth(url: string): Promise<ProjectionsCheck> {
  const body = (await (await fetch(`${url}/health`)).json()) as { checks: { projections: ProjectionsCheck } };
  return body.checks.projections;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`metric ${name} missing from /metrics:\n${text.slice(0, 2_000)}`);
  return Number(line.split(' ')[1]);
}

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function cli(dataDir: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runCli(args, { DATA_DIR: dataDir, PORT: '1' });
}

describe('projections in the platform process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await seededDataDir();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('follows submissions into ClickHouse, shows its lag in /health and /metrics, and rebuilds on request from the CLI', async () => {
    const platform = await startPlatform({ DATA_DIR: dataDir });
    let stopped: number | null = -1;
    try {
      const first = await eventually(
        () => projectionsHealth(platform.url),
        (p) => p.caughtUp,
      );
      expect(first).toMatchObject({ status: 'up', caughtUp: true, behind: 0 });
      expect(first.position.globalPosition).toBe(first.head.globalPosition);
      const before = await metric(platform.url, 'gpds_projector_events_total');
      expect(await metric(platform.url, 'gpds_projector_running')).toBe(1);

      const key = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
      const records = [1, 2, 3].map((n) => ({
        type: 'UtilisationSampleRecorded',
        source: { system: 'projection-e2e', recordId: `p-${n}` },
        occurredAt: '2025-12-31T00:00:00Z',
        data: {
          organisationCode: 'A81001',
          organisationLevel: 'PRACTICE',
          capability: 'ONLINE_CONSULTATION',
          metric: 'SUBMISSIONS',
          periodStart: '2025-12-01',
          periodEnd: '2025-12-31',
          value: n,
          supplier: 'X',
        },
      }));
      const submitted = await fetch(`${platform.url}/v1/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
        body: records.map((r) => JSON.stringify(r)).join('\n'),
      });
      expect(((await submitted.json()) as { accepted: number }).accepted).toBe(3);
      const after = await eventually(
        () => metric(platform.url, 'gpds_projector_events_total'),
        (v) => v >= before + 3,
        5_000,
      );
      expect(after).toBe(before + 3);
      expect(await metric(platform.url, 'gpds_projector_lag_positions')).toBe(0);
      expect(await metric(platform.url, 'gpds_event_store_head_position')).toBeGreaterThan(first.head.globalPosition);
      // chDB runs in this process: its tracked memory is part of the process's, and on /metrics.
      const engine = await metric(platform.url, 'gpds_clickhouse_memory_tracked_bytes');
      expect(engine).toBeGreaterThan(1_000_000);
      expect(engine).toBeLessThan(await metric(platform.url, 'gpds_process_resident_memory_bytes'));
      // So does PGlite, on a thread of its own: its WebAssembly memory and that thread's heap.
      const wasm = await metric(platform.url, 'gpds_pglite_memory_bytes{part="wasm"}');
      expect(wasm).toBeGreaterThan(16 * 2 ** 20);
      expect(wasm).toBeLessThan(await metric(platform.url, 'gpds_process_resident_memory_bytes'));
      expect(await metric(platform.url, 'gpds_pglite_memory_bytes{part="heap_used"}')).toBeGreaterThan(0);

      const refused = await fetch(`${platform.url}/v1/admin/projections/rebuild`, { method: 'POST' });
      expect(refused.status).toBe(401);
      const rebuilt = await cli(dataDir, 'rebuild-projections', '--url', platform.url, '--key', key);
      expect(rebuilt.stderr).toContain(`asking the running process at ${platform.url} to rebuild`);
      expect(rebuilt.stderr).toMatch(/rebuild done: \d+ events, \d+ events\/s/);
      expect(rebuilt.stdout).toMatch(/^rebuilt every projection: \d+ events/);
      expect(rebuilt.status).toBe(0);
      const resumed = await eventually(
        () => projectionsHealth(platform.url),
        (p) => p.caughtUp,
      );
      expect(resumed).toMatchObject({ status: 'up', caughtUp: true });
      expect(await metric(platform.url, 'gpds_projection_rebuild_running')).toBe(0);
    } finally {
      stopped = await platform.stop('SIGINT');
    }
    if (stopped !== 0) process.stdout.write(platform.output().slice(-3_000));
    expect(stopped).toBe(0);

    // With the platform stopped, the CLI rebuilds on the embedded stores itself.
    const offline = await cli(dataDir, 'rebuild-projections');
    expect(offline.stderr).toContain('rebuilding on the stopped stores');
    expect(offline.stdout).toMatch(/^rebuilt every projection/);
    expect(offline.status).toBe(0);
  });
});
