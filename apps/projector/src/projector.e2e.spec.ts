import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { startProcess, type PlatformProcess } from '@gpds/platform-testing';

/** Starts apps/projector as an operator would (npm run projector), on the servers named by the environment. */
function startProjector(env: Record<string, string>): Promise<PlatformProcess> {
  return startProcess('apps/projector/src/main.ts', 'projector following the event store', env);
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${name} `))
      ?.split(' ')[1] ?? NaN,
  );
}

async function until(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sample = (n: number) => ({
  type: 'UtilisationSampleRecorded',
  schemaVersion: 1,
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
  metadata: { occurredAt: '2025-12-31T00:00:00Z', source: { system: 'projector-e2e', recordId: `s-${n}` } },
});

describe('the projector as a process of its own (PostgreSQL server, chDB)', () => {
  let database: TestDatabase;
  let opened: OpenedEventStore;
  let dataDir: string;
  beforeAll(async () => {
    database = await postgresServer.create('projectorapp');
    opened = await database.open();
    dataDir = mkdtempSync(join(tmpdir(), 'gpds-projector-'));
  });
  afterAll(async () => {
    await opened.close();
    await database.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('follows the store named by EVENT_STORE_URL, reports health and metrics, stops on SIGTERM and resumes where it stopped', async () => {
    await opened.store.appendToStream('utilisation-A81001-ONLINE_CONSULTATION-2025-12', [1, 2, 3, 4, 5].map(sample), { expectedVersion: 'any' });
    const env = { EVENT_STORE_URL: database.connection.kind === 'postgres' ? database.connection.url : '', DATA_DIR: dataDir };
    const first = await startProjector(env);
    await until(async () => (await metric(first.url, 'gpds_projector_events_total')) === 5);
    const health = (await (await fetch(`${first.url}/health`)).json()) as { ready: boolean; checks: { projections: { caughtUp: boolean; behind: number } } };
    expect(health).toMatchObject({ ready: true, checks: { projections: { caughtUp: true, behind: 0 } } });
    expect(await first.stop('SIGTERM')).toBe(0);

    await opened.store.appendToStream('utilisation-A81001-ONLINE_CONSULTATION-2025-12', [6, 7].map(sample), { expectedVersion: 'any' });
    const second = await startProjector(env);
    try {
      // Only what was appended while it was stopped is projected again.
      await until(async () => (await metric(second.url, 'gpds_projector_events_total')) === 2);
      expect(await metric(second.url, 'gpds_projector_lag_positions')).toBe(0);
      expect(await metric(second.url, 'gpds_projector_position')).toBe(await metric(second.url, 'gpds_event_store_head_position'));
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  });

  it('stops at start-up with what to check when ClickHouse cannot be reached', async () => {
    const env = {
      EVENT_STORE_URL: database.connection.kind === 'postgres' ? database.connection.url : '',
      DATA_DIR: dataDir,
      CLICKHOUSE_URL: 'http://127.0.0.1:1/gpds',
    };
    await expect(startProjector(env)).rejects.toThrow(/ClickHouse is not reachable .*check CLICKHOUSE_URL/);
  });
});
