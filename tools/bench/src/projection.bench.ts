import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectEvent, type RowsByTable } from '@gpds/analytics';
import { Projector, insertRows, migrateAnalytics, openAnalyticsStore, tableMigrations, type AnalyticsStore } from '@gpds/analytics-clickhouse';
import type { EventToAppend, RecordedEvent, StreamAppend } from '@gpds/event-store';
import { openEventStore, type OpenedEventStore } from '@gpds/event-store-postgres';
import { sharedDataDir } from '@gpds/shared-runtime';
import { readPublication } from '@gpds/submissions-publications';
import { createBenchDatabase } from './postgres';
import { emit, machine, median, progress, writeSection } from './report';

const OC = ['SUBMISSIONS', 'CLINICAL_SUBMISSIONS', 'ADMINISTRATIVE_SUBMISSIONS', 'OTHER_SUBMISSIONS'];
const TELEPHONY = ['INBOUND_CALLS', 'CALLS_ANSWERED', 'CALLS_ENDED_IN_IVR', 'CALLBACKS_REQUESTED', 'CALLS_MISSED', 'CALLBACKS_MADE'];
const METRICS = [...OC.map((m) => ['ONLINE_CONSULTATION', m] as const), ...TELEPHONY.map((m) => ['ADVANCED_TELEPHONY', m] as const)];

interface Row extends Record<string, unknown> {
  readonly bench: 'projection';
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly baselineEventsPerSecond: number;
  readonly ratio: number;
  readonly runs: number;
  readonly rssStartMb: number;
  readonly rssMaxMb: number;
  readonly heapMaxMb: number;
  readonly liveHeapMaxMb: number;
}

/**
 * The bulk: every practice of the October 2025 ODS list, ten utilisation metrics a month going
 * back from December 2025, each value the practice's own December 2025 published figure (the
 * national median where it has none) with a seasonal swing and noise. Synthetic in its history
 * only; practices, metrics and magnitudes are the real ones.
 */
export class Generator {
  readonly practices: string[];
  private readonly base = new Map<string, number>();
  private readonly medians = new Map<string, number>();

  private constructor(practices: string[]) {
    this.practices = practices;
  }

  static async load(): Promise<Generator> {
    const data = sharedDataDir();
    if (!data) throw new Error('The shared data directory (../shared/data) was not found beside the project: the benchmark uses its real practice list');
    const csv = readFileSync(join(data, 'ods', 'gp-reg-pat-prac-map_2025-10.csv'), 'utf8').split(/\r?\n/);
    const column = csv[0]!.split(',').indexOf('PRACTICE_CODE');
    const practices = [
      ...new Set(
        csv
          .slice(1)
          .filter(Boolean)
          .map((line) => line.split(',')[column]!),
      ),
    ];
    const g = new Generator(practices);
    for (const file of ['online-consultation-submissions_2025-12.xlsx', 'cloud-based-telephony_2025-12.xlsx']) {
      const publication = await readPublication(join(data, 'publications', file));
      const perMetric = new Map<string, number[]>();
      for (const row of publication.rows) {
        for (const [metric, value] of row.values) {
          g.base.set(`${row.practice}/${metric}`, value);
          (perMetric.get(metric) ?? perMetric.set(metric, []).get(metric)!).push(value);
        }
      }
      for (const [metric, values] of perMetric) g.medians.set(metric, median(values));
    }
    return g;
  }

  /** Events in one month of the generated history: every practice's every metric. */
  get eventsPerMonth(): number {
    return METRICS.length * this.practices.length;
  }

  /** Event i: practice-major within a month, metrics innermost, months going back from 2025-12. */
  event(i: number): { streamId: string; event: EventToAppend } {
    const m = i % METRICS.length;
    const p = Math.floor(i / METRICS.length) % this.practices.length;
    const back = Math.floor(i / (METRICS.length * this.practices.length));
    const [capability, metric] = METRICS[m]!;
    const practice = this.practices[p]!;
    const total = 2025 * 12 + 11 - back;
    const yy = Math.floor(total / 12);
    const mm = (total % 12) + 1;
    const start = `${yy}-${String(mm).padStart(2, '0')}-01`;
    const end = new Date(Date.UTC(yy, mm, 0)).toISOString().slice(0, 10);
    const base = this.base.get(`${practice}/${metric}`) ?? this.medians.get(metric) ?? 100;
    const season = 1 + 0.15 * Math.sin(((mm - 1) / 12) * 2 * Math.PI);
    const noise = 0.9 + 0.2 * fraction(i);
    const value = Math.round(base * season * noise);
    return {
      streamId: `utilisation-${practice}-${capability}-${start.slice(0, 7)}`,
      event: {
        type: 'UtilisationSampleRecorded',
        schemaVersion: 1,
        data: {
          organisationCode: practice,
          organisationLevel: 'PRACTICE',
          capability,
          metric,
          periodStart: start,
          periodEnd: end,
          value,
          supplier: 'BENCH SUPPLIER',
        },
        metadata: { occurredAt: `${end}T23:59:59Z`, source: { system: 'bench-synthetic', recordId: `bench-${i}` } },
      },
    };
  }
}

/** A deterministic fraction in [0, 1) from an index. */
function fraction(i: number): number {
  let x = (i + 1) * 2654435761;
  x = (x ^ (x >>> 13)) >>> 0;
  return (x % 10_000) / 10_000;
}

export async function runProjectionBench(): Promise<void> {
  const sizes = (process.env['BENCH_EVENTS'] ?? '1000000,10000000')
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  const runs = Number(process.env['BENCH_RUNS'] ?? 3);
  const generator = await Generator.load();
  progress(`${generator.practices.length} practices, ${METRICS.length} metrics a month; sizes ${sizes.join(', ')}; ${runs} run(s) each`);
  const target = await openBenchStore();
  const chdb = mkdtempSync(join(tmpdir(), 'gpds-bench-chdb-'));
  const analytics = openAnalyticsStore({ kind: 'chdb', path: chdb });
  const rows: Row[] = [];
  let appended = 0;
  try {
    for (const size of sizes) {
      appended = await appendUpTo(target.opened, generator, appended, size);
      const projected: number[] = [];
      const raw: number[] = [];
      let memory = { rssStartMb: 0, rssMaxMb: 0, heapMaxMb: 0, liveHeapMaxMb: 0 };
      for (let run = 1; run <= runs; run++) {
        raw.push(await rawInsert(analytics, generator, size, run));
        const measured = await project(analytics, target.opened, size, run);
        projected.push(measured.eventsPerSecond);
        memory = measured.memory;
      }
      const row: Row = {
        bench: 'projection',
        events: size,
        eventsPerSecond: Math.round(median(projected)),
        baselineEventsPerSecond: Math.round(median(raw)),
        ratio: Number((median(projected) / median(raw)).toFixed(2)),
        runs,
        ...memory,
      };
      emit(row);
      rows.push(row);
    }
  } finally {
    await analytics.close();
    rmSync(chdb, { recursive: true, force: true });
    await target.dispose();
  }
  writeSection('projection', markdown(rows, generator.practices.length));
}

export async function openBenchStore(): Promise<{ opened: OpenedEventStore; dispose(): Promise<void> }> {
  const database = await createBenchDatabase('gpds_bench_projection');
  const opened = await openEventStore({ kind: 'postgres', url: database.url, poolSize: 4 });
  return {
    opened,
    async dispose() {
      await opened.close();
      await database.drop();
    },
  };
}

export async function appendUpTo(opened: OpenedEventStore, generator: Generator, from: number, to: number): Promise<number> {
  const started = Date.now();
  let last = started;
  for (let i = from; i < to; i += 2_000) {
    const streams = new Map<string, EventToAppend[]>();
    for (let k = i; k < Math.min(to, i + 2_000); k++) {
      const { streamId, event } = generator.event(k);
      (streams.get(streamId) ?? streams.set(streamId, []).get(streamId)!).push(event);
    }
    const appends: StreamAppend[] = [...streams].map(([streamId, events]) => ({ streamId, events, expectedVersion: 'any' }));
    await opened.store.appendToStreams(appends);
    if (Date.now() - last > 5_000 || i + 2_000 >= to) {
      last = Date.now();
      const done = Math.min(to, i + 2_000) - from;
      const rate = done / ((Date.now() - started) / 1000);
      progress(`appending events: ${from + done}/${to} (${Math.round(rate)} events/s, ETA ${Math.round((to - from - done) / rate)} s)`);
    }
  }
  return to;
}

/** Events `from`..`to` of the generator as rows of the analytics tables, as the projector maps them (event k at position `firstPosition + k`). */
export function generatedRows(generator: Generator, from: number, to: number, firstPosition: number): RowsByTable {
  const rows: RowsByTable = new Map();
  for (let k = from; k < to; k++) {
    const { event } = generator.event(k);
    projectEvent(
      {
        eventId: '00000000-0000-4000-8000-000000000000',
        globalPosition: firstPosition + k,
        transactionId: 1,
        streamId: '',
        streamVersion: 1,
        type: event.type,
        schemaVersion: 1,
        storedSchemaVersion: 1,
        data: event.data,
        metadata: { ...event.metadata, recordedAt: '2026-01-01T00:00:00.000Z' },
      } satisfies RecordedEvent,
      rows,
    );
  }
  return rows;
}

/** Baseline: the same rows, generated in memory, into the same tables through the same insert path, in the projector's batch size, without its bookkeeping. */
async function rawInsert(analytics: AnalyticsStore, generator: Generator, size: number, run: number): Promise<number> {
  const db = `bench_raw_${run}`;
  await analytics.client.command({ query: `DROP DATABASE IF EXISTS ${db} SYNC` });
  await migrateAnalytics(analytics.client, db, tableMigrations(db));
  global.gc?.();
  const started = process.hrtime.bigint();
  for (let i = 0; i < size; i += 50_000) {
    const rows = generatedRows(generator, i, Math.min(size, i + 50_000), 1);
    for (const [table, values] of rows) await insertRows(analytics, db, table, values, `raw-${run}-${i}-${table}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await analytics.client.command({ query: `DROP DATABASE IF EXISTS ${db} SYNC` });
  progress(`raw insert of ${size} rows, run ${run}: ${Math.round(size / seconds)} rows/s`);
  return size / seconds;
}

async function project(
  analytics: AnalyticsStore,
  opened: OpenedEventStore,
  size: number,
  run: number,
): Promise<{ eventsPerSecond: number; memory: { rssStartMb: number; rssMaxMb: number; heapMaxMb: number; liveHeapMaxMb: number } }> {
  const db = `bench_projection_${run}`;
  await analytics.client.command({ query: `DROP DATABASE IF EXISTS ${db} SYNC` });
  await migrateAnalytics(analytics.client, db, tableMigrations(db));
  global.gc?.();
  const mb = (n: number): number => Math.round(n / 2 ** 20);
  const rssStart = process.memoryUsage().rss;
  let rssMax = rssStart;
  let heapMax = 0;
  // What is still reachable after a full collection, every 5 s: the projector's own working set.
  let liveHeapMax = 0;
  let events = 0;
  let lastReport = Date.now();
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssMax = Math.max(rssMax, m.rss);
    heapMax = Math.max(heapMax, m.heapUsed);
  }, 100);
  const started = process.hrtime.bigint();
  const projector = new Projector({
    store: opened.store,
    analytics,
    database: db,
    onBatch: (b) => {
      events += b.events;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        global.gc?.();
        liveHeapMax = Math.max(liveHeapMax, process.memoryUsage().heapUsed);
        const rate = events / (Number(process.hrtime.bigint() - started) / 1e9);
        progress(
          `projecting, run ${run}: ${events}/${size} events (${Math.round(rate)} events/s, ETA ${Math.round((size - events) / rate)} s, rss ${mb(process.memoryUsage().rss)} MB)`,
        );
      }
    },
  });
  await projector.start();
  await projector.waitUntilCaughtUp({ timeoutMs: 3_600_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await projector.stop();
  clearInterval(sampler);
  const [count] = await (
    await analytics.client.query({ query: `SELECT count() AS n FROM ${db}.utilisation_samples`, format: 'JSONEachRow' })
  ).json<{ n: string }>();
  if (Number(count?.n) !== size) throw new Error(`projected ${count?.n} rows, expected ${size}`);
  await analytics.client.command({ query: `DROP DATABASE IF EXISTS ${db} SYNC` });
  progress(`projection of ${size} events, run ${run}: ${Math.round(size / seconds)} events/s, rss ${mb(rssStart)} -> max ${mb(rssMax)} MB`);
  return {
    eventsPerSecond: size / seconds,
    memory: { rssStartMb: mb(rssStart), rssMaxMb: mb(rssMax), heapMaxMb: mb(heapMax), liveHeapMaxMb: mb(liveHeapMax) },
  };
}

function markdown(rows: Row[], practices: number): string {
  const table = rows
    .map(
      (r) =>
        `| ${r.events.toLocaleString('en-GB')} | ${r.eventsPerSecond.toLocaleString('en-GB')} | ${r.baselineEventsPerSecond.toLocaleString('en-GB')} | ${r.ratio} | ${r.rssStartMb} -> ${r.rssMaxMb} | ${r.heapMaxMb} | ${r.liveHeapMaxMb} |`,
    )
    .join('\n');
  return `## Projection into ClickHouse (\`npm run bench -- projection\`)

Machine: ${machine()}; chDB ${'26.7'} embedded, event store on the PostgreSQL server. Measured ${new Date().toISOString().slice(0, 10)}; medians of ${rows[0]?.runs ?? 0} run(s) per size.

The events: utilisation samples of all ${practices.toLocaleString('en-GB')} practices of the October 2025 ODS list, ten metrics
(online consultation and telephony) a month going back from December 2025, each value the
practice's own December 2025 published figure with a seasonal swing and noise (synthetic history,
real practices and magnitudes). Projection runs from position 0 into fresh tables with the
production settings (batches of up to 50,000 rows, insert deduplication tokens, pending/done
bookkeeping, the monthly materialized view). The baseline inserts the same rows, generated in
memory, into the same tables through the same insert path (\`insertRows\`: chDB's raw insert of
JSONCompactEachRow) in batches of 50,000, without reading the event store or any bookkeeping. Memory is the benchmark process's resident set (it holds chDB,
so ClickHouse's own caches and merges count) at the start of projection and its maximum during
it; the JS heap maximum includes garbage not yet collected; the live heap is what is still
reachable after a full collection, sampled every 5 s (the memory of the last run).

| events | projection events/s | raw insert rows/s | ratio | RSS MB (start -> max) | JS heap max MB | live JS heap max MB |
|---:|---:|---:|---:|---:|---:|---:|
${table}

Target: >= 100,000 events/s and ratio >= 0.5, memory flat (the same whatever the number of events).
`;
}
