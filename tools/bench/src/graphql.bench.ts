import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { biMigrations, insertRows, migrateAnalytics, openAnalyticsStore, tableMigrations } from '@gpds/analytics-clickhouse';
import { UNLIMITED_READS, seededDataDir, startPlatform, type PlatformProcess } from '@gpds/platform-testing';
import type { UtilisationArgs } from '@gpds/reporting-queries';
import { load, type BenchQuery } from './direct-sql-process';
import { Generator, generatedRows } from './projection.bench';
import { WORKSPACE, emit, machine, median, progress, writeSection } from './report';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 10_000_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 200);
/** Concurrent clients: as many as the machine has cores, and twice that. */
const CONCURRENCY = (process.env['BENCH_CONCURRENCY'] ?? '2,4').split(',').map(Number);
const FRESHNESS_SAMPLES = Number(process.env['BENCH_FRESHNESS_SAMPLES'] ?? 20);

/** The two roll-ups of the issue: one capability and metric, one financial year by month, nationally and per region. */
const QUERIES: Array<{ name: string; args: UtilisationArgs }> = [
  {
    name: 'national-by-month',
    args: { capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: '2024-04-01', to: '2025-03-31', level: 'NATIONAL', granularity: 'MONTH' },
  },
  {
    name: 'regional-by-month',
    args: { capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: '2024-04-01', to: '2025-03-31', level: 'REGION', granularity: 'MONTH' },
  },
];

const ROLLUP = `query Rollup($capability: String!, $metric: String!, $from: Date!, $to: Date!, $level: Level!, $granularity: Granularity) {
  utilisation(capability: $capability, metric: $metric, from: $from, to: $to, level: $level, granularity: $granularity) {
    nodes { organisation { code name level } period { start end } value practices }
    totalCount
  }
}`;

interface LatencyRow extends Record<string, unknown>, Comparison {
  bench: 'graphql';
  query: string;
  events: number;
  requests: number;
  concurrency: number;
  runs: number;
}

/**
 * GraphQL roll-ups over HTTP against the one-process platform (embedded PGlite and chDB) with
 * EVENTS utilisation events in ClickHouse, beside the same SQL and parameters (what the API's
 * ReportingQueries prepares) sent straight to the same chDB by this process, in the same run.
 * Also: freshness (a submission's acknowledgement to its visibility in a roll-up) and the
 * platform's resident memory.
 *
 * The bulk is the projection benchmark's generator (real practice list and December 2025
 * values, synthetic history), mapped to rows by the projector's own projectEvent and inserted
 * into the platform's analytics store before it starts: appending 10M events to the embedded
 * event store first would take most of an hour here, and the projection benchmark measures that
 * path. The event store holds the real ODS hierarchy, which the platform's projector projects.
 */
export async function runGraphqlBench(): Promise<void> {
  const generator = await Generator.load();
  const dataDir = await seededDataDir();
  progress(`data directory ${dataDir} (ODS hierarchy imported); ${EVENTS} utilisation events into its analytics store`);
  try {
    await fill(dataDir, generator);
    const graphql: Record<string, number[][]> = {};
    const direct: Record<string, number[][]> = {};
    const freshness: number[] = [];
    let memory = { rssMb: 0, peakRssMb: 0 };
    let key = '';
    for (let run = 1; run <= RUNS; run++) {
      const platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'off', REFERENCE_IMPORT: 'off', ...UNLIMITED_READS }, 300_000);
      try {
        await caughtUp(platform);
        const admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
        key ||= await analystKey(platform.url, admin);
        for (const q of QUERIES) {
          const request = (): Promise<void> => graphqlRequest(platform.url, key, ROLLUP, q.args as unknown as Record<string, unknown>);
          for (const concurrency of CONCURRENCY) {
            await load(request, 20, concurrency);
            const latencies = await load(request, REQUESTS, concurrency);
            (graphql[`${q.name}/${concurrency}`] ??= []).push(latencies);
            progress(`run ${run}: GraphQL ${q.name}, ${concurrency} clients: p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms`);
          }
        }
        freshness.push(...(await measureFreshness(platform.url, admin, key, run)));
        memory = residentMemory(platform);
        progress(`run ${run}: platform resident memory ${memory.rssMb} MB (peak ${memory.peakRssMb} MB)`);
      } finally {
        await platform.stop();
      }
      // The same SQL straight to the same chDB, from a fresh process of its own (the platform holds the store's lock while it runs).
      const measured = directSql(join(dataDir, 'analytics'));
      for (const [id, latencies] of Object.entries(measured)) {
        (direct[id] ??= []).push(latencies);
        progress(`run ${run}: direct SQL ${id.replace('/', ', ')} clients: p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms`);
      }
    }
    const rows: LatencyRow[] = QUERIES.flatMap((q) =>
      CONCURRENCY.map((concurrency) => {
        const id = `${q.name}/${concurrency}`;
        const row: LatencyRow = {
          bench: 'graphql',
          query: q.name,
          events: EVENTS,
          requests: REQUESTS,
          concurrency,
          ...compare(graphql[id]!, direct[id]!),
          runs: RUNS,
        };
        emit(row);
        return row;
      }),
    );
    const fresh = {
      bench: 'graphql',
      measure: 'freshness',
      samples: freshness.length,
      p50Ms: round(pct(freshness, 50)),
      p95Ms: round(pct(freshness, 95)),
      maxMs: round(Math.max(...freshness)),
    };
    emit(fresh);
    const rss = { bench: 'graphql', measure: 'resident-memory', events: EVENTS, rssMb: memory.rssMb, peakRssMb: memory.peakRssMb };
    emit(rss);
    writeSection('graphql', markdown(rows, fresh, rss));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function fill(dataDir: string, generator: Generator): Promise<void> {
  const analytics = openAnalyticsStore({ kind: 'chdb', path: join(dataDir, 'analytics') });
  try {
    await migrateAnalytics(analytics.client, 'gpds', [...tableMigrations('gpds'), ...biMigrations('gpds', 'bi')]);
    const started = Date.now();
    let last = started;
    for (let i = 0; i < EVENTS; i += 50_000) {
      const rows = generatedRows(generator, i, Math.min(EVENTS, i + 50_000), 1_000_000_000);
      for (const [table, values] of rows) await insertRows(analytics, 'gpds', table, values, `bench-fill-${i}-${table}`);
      if (Date.now() - last > 5_000 || i + 50_000 >= EVENTS) {
        last = Date.now();
        const done = Math.min(EVENTS, i + 50_000);
        const rate = done / ((Date.now() - started) / 1000);
        progress(`filling ClickHouse: ${done}/${EVENTS} events (${Math.round(rate)} events/s, ETA ${Math.round((EVENTS - done) / rate)} s)`);
      }
    }
    await analytics.client.command({ query: 'OPTIMIZE TABLE gpds.utilisation_monthly FINAL' });
  } finally {
    await analytics.close();
  }
}

/** Runs tools/bench/src/direct-sql-process.ts on the stopped platform's analytics store. */
export function directSql(
  path: string,
  queries: readonly BenchQuery[] = QUERIES,
  requests: number = REQUESTS,
  concurrency: readonly number[] = CONCURRENCY,
): Record<string, number[]> {
  const job = { path, queries, requests, concurrency };
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE, 'tools/bench/src/direct-sql-process.ts'), JSON.stringify(job)], {
    cwd: WORKSPACE,
    env: { ...process.env, NODE_OPTIONS: '', SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.base.json') },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.status !== 0) throw new Error(`the direct SQL baseline failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, number[]>;
}

export async function caughtUp(platform: PlatformProcess): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const health = (await (await fetch(`${platform.url}/health`)).json()) as { checks: { projections?: { caughtUp?: boolean } } };
    if (health.checks.projections?.caughtUp) return;
    if (Date.now() > deadline) throw new Error(`the projector did not catch up: ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function analystKey(url: string, admin: string): Promise<string> {
  const response = await fetch(`${url}/v1/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ organisation: 'ENG', role: 'analyst' }),
  });
  return ((await response.json()) as { key: string }).key;
}

export async function graphqlRequest<T = unknown>(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!response.ok || body.errors) throw new Error(`GraphQL answered ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/**
 * A utilisation sample submitted over HTTP, then the national roll-up of its month polled (every
 * 10 ms) until it includes it: acknowledgement to visibility, in ms.
 */
async function measureFreshness(url: string, admin: string, key: string, run: number): Promise<number[]> {
  const args = { capability: 'VIDEO_CONSULTATION', metric: 'VIDEO_CONSULTATIONS', from: '2026-10-01', to: '2026-10-31', level: 'NATIONAL' };
  const total = async (): Promise<number> =>
    (await graphqlRequest<{ utilisation: { nodes: Array<{ value: number }> } }>(url, key, ROLLUP, args)).utilisation.nodes[0]?.value ?? 0;
  let expected = await total();
  const out: number[] = [];
  for (let i = 0; i < FRESHNESS_SAMPLES; i++) {
    const value = 1 + ((i * 37) % 50);
    const response = await fetch(`${url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'UtilisationSampleRecorded',
        source: { system: 'bench-freshness', recordId: `run-${run}-${i}-${Date.now()}` },
        occurredAt: '2026-10-31T12:00:00Z',
        data: {
          organisationCode: 'A81001',
          organisationLevel: 'PRACTICE',
          capability: 'VIDEO_CONSULTATION',
          metric: 'VIDEO_CONSULTATIONS',
          periodStart: '2026-10-01',
          periodEnd: '2026-10-31',
          value,
        },
      }),
    });
    const acknowledged = process.hrtime.bigint();
    const answer = (await response.json()) as { accepted: number };
    if (answer.accepted !== 1) throw new Error(`the freshness sample was not accepted: ${JSON.stringify(answer)}`);
    expected += value;
    for (;;) {
      if ((await total()) >= expected) break;
      if (Number(process.hrtime.bigint() - acknowledged) / 1e6 > 30_000) throw new Error('a submission was not visible in the roll-up within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    out.push(Number(process.hrtime.bigint() - acknowledged) / 1e6);
    // Spread the samples over the projector's batching window.
    await new Promise((resolve) => setTimeout(resolve, 137 * (i % 7)));
  }
  progress(`run ${run}: freshness p50 ${pct(out, 50).toFixed(0)} ms, p95 ${pct(out, 95).toFixed(0)} ms`);
  return out;
}

function residentMemory(platform: PlatformProcess): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${platform.child.pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

/** Latencies of several runs beside their baseline's: medians over the runs of each run's p50 and p95, and the ratio of the p50s. */
export interface Comparison {
  p50Ms: number;
  p95Ms: number;
  baselineP50Ms: number;
  baselineP95Ms: number;
  ratio: number;
}

export function compare(runs: readonly (readonly number[])[], baselineRuns: readonly (readonly number[])[]): Comparison {
  const p50 = median(runs.map((l) => pct(l, 50)));
  const baseline = median(baselineRuns.map((l) => pct(l, 50)));
  return {
    p50Ms: round(p50),
    p95Ms: round(median(runs.map((l) => pct(l, 95)))),
    baselineP50Ms: round(baseline),
    baselineP95Ms: round(median(baselineRuns.map((l) => pct(l, 95)))),
    ratio: round(p50 / baseline),
  };
}

export function pct(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function markdown(rows: LatencyRow[], fresh: Record<string, unknown>, rss: Record<string, unknown>): string {
  const lines = rows.map((r) => `| ${r.query} | ${r.concurrency} | ${r.p50Ms} | ${r.p95Ms} | ${r.baselineP50Ms} | ${r.baselineP95Ms} | ${r.ratio} |`);
  return `## GraphQL roll-ups (\`npm run bench -- graphql\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.
The one-process platform (embedded PGlite and chDB, its projector running) with ${EVENTS.toLocaleString('en-GB')}
utilisation events in ClickHouse (the projection benchmark's generator: the real October 2025 practice
list, ten metrics a month, December 2025 published values with a synthetic history; rows made by the
projector's own \`projectEvent\`, inserted before the platform starts: see the file's comment for why).
Each query: ${REQUESTS} requests from each number of concurrent clients (each sends its next request
when its last is answered) after 20 warm-up requests, over
HTTP with an analyst key; the baseline is the same SQL and parameters (as \`ReportingQueries\`
prepares them) sent straight to the same chDB from a fresh process of its own (as fresh as the platform's), in the same run. Medians of
${RUNS} runs; \`ratio\` = GraphQL p50 / direct SQL p50. Online consultation submissions, financial year
2024/25 by month.

| roll-up | clients | GraphQL p50 ms | GraphQL p95 ms | direct SQL p50 ms | direct SQL p95 ms | ratio |
|---|---|---|---|---|---|---|
${lines.join('\n')}

Freshness, from a submission's HTTP acknowledgement to its value in the national roll-up (polled
every 10 ms), ${String(fresh['samples'])} submissions: p50 ${String(fresh['p50Ms'])} ms, p95 ${String(fresh['p95Ms'])} ms, max ${String(fresh['maxMs'])} ms.

Resident memory of the platform process after the runs: ${String(rss['rssMb'])} MB (peak ${String(rss['peakRssMb'])} MB).

Targets: p95 <= 50 ms, GraphQL p50 <= 1.5 x direct SQL p50, freshness p95 <= 2 s.`;
}
