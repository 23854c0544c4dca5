import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { START, contentHash, eventIdFromSource, streamCategory, type EventToAppend } from '@gpds/event-store';
import { openEventStore, type EventStoreConnection, type OpenedEventStore } from '@gpds/event-store-postgres';
import { createBenchDatabase } from './postgres';
import { emit, machine, median, progress, writeSection } from './report';

const RUNS = 5;
const BATCHES = [1, 100, 1_000] as const;
const EVENTS_PER_RUN: Record<(typeof BATCHES)[number], number> = { 1: 1_000, 100: 10_000, 1_000: 50_000 };
const COLUMNS = ['event_id', 'stream_id', 'stream_version', 'category', 'event_type', 'schema_version', 'data', 'metadata', 'occurred_at', 'content_hash'];

interface Row {
  adapter: string;
  operation: 'append' | 'catch-up read';
  batch: number;
  eventsPerSecond: number;
  baselineEventsPerSecond: number;
  ratio: number;
}

/**
 * Append throughput of the event store (expected-version check, idempotency check, atomic
 * multi-event insert, notify) beside the raw multi-row INSERT of the same rows into a table of
 * the same shape without any check; then catch-up read throughput from position 0 beside a raw
 * keyset scan of the same rows. Real utilisation-sample-shaped events of about 500 bytes.
 */
export async function runEventStoreBench(): Promise<void> {
  const rows: Row[] = [];
  let eventBytes = 0;
  for (const adapter of ['postgres', 'pglite'] as const) {
    // A fresh database per batch size, so every row of the table starts from the same state.
    let runSeq = 0;
    let last: Awaited<ReturnType<typeof openTarget>> | null = null;
    for (const batch of BATCHES) {
      await last?.dispose();
      const target = (last = await openTarget(adapter));
      const store: number[] = [];
      const raw: number[] = [];
      for (let run = 1; run <= RUNS; run++) {
        runSeq++;
        const events = makeEvents(`${adapter}-${batch}-${runSeq}`, EVENTS_PER_RUN[batch]);
        eventBytes = JSON.stringify(events[0]).length;
        // Alternate which goes first, so neither always meets a warmer cache.
        for (const which of run % 2 ? ['store', 'raw'] : ['raw', 'store']) {
          // The baseline's rows are built before its clock starts: it measures the INSERT alone.
          const rawBatches = which === 'raw' ? rawRows(events, batch, runSeq) : [];
          collectGarbage();
          const t0 = process.hrtime.bigint();
          if (which === 'store') await appendThroughStore(target.opened, events, batch, runSeq);
          else await insertRaw(target.opened, rawBatches);
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          (which === 'store' ? store : raw).push(events.length / seconds);
        }
        progress(`${adapter} append batch ${batch} run ${run}/${RUNS}: store ${Math.round(store.at(-1)!)} ev/s, raw insert ${Math.round(raw.at(-1)!)} ev/s`);
      }
      rows.push(row(adapter, 'append', batch, median(store), median(raw)));
    }
    // Catch-up reads over the last database: 5 x 50,000 events in the store and in the raw table.
    const target = last!;
    try {
      const reads: number[] = [];
      const rawReads: number[] = [];
      for (let run = 1; run <= RUNS; run++) {
        collectGarbage();
        const [n, s] = await timed(() => readAllThroughStore(target.opened));
        const [m, r] = await timed(() => readRaw(target.opened));
        reads.push(n / s);
        rawReads.push(m / r);
        progress(`${adapter} catch-up read run ${run}/${RUNS}: ${n} events, store ${Math.round(n / s)} ev/s, raw scan ${Math.round(m / r)} ev/s`);
      }
      rows.push(row(adapter, 'catch-up read', 1_000, median(reads), median(rawReads)));
    } finally {
      await target.dispose();
    }
  }
  for (const r of rows) emit({ bench: 'event-store', ...r, runs: RUNS });
  writeSection('event-store', markdown(rows, eventBytes));
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function row(adapter: string, operation: Row['operation'], batch: number, eventsPerSecond: number, baselineEventsPerSecond: number): Row {
  return {
    adapter,
    operation,
    batch,
    eventsPerSecond: Math.round(eventsPerSecond),
    baselineEventsPerSecond: Math.round(baselineEventsPerSecond),
    ratio: Number((eventsPerSecond / baselineEventsPerSecond).toFixed(2)),
  };
}

async function timed(fn: () => Promise<number>): Promise<[number, number]> {
  const t0 = process.hrtime.bigint();
  const n = await fn();
  return [n, Number(process.hrtime.bigint() - t0) / 1e9];
}

async function openTarget(adapter: 'postgres' | 'pglite'): Promise<{ opened: OpenedEventStore; dispose(): Promise<void> }> {
  const asOwner: Parameters<typeof openEventStore>[1] = {
    asOwner: async (db) => {
      await db.exec(`CREATE TABLE IF NOT EXISTS public.bench_raw (LIKE event_store.events INCLUDING ALL);
                     GRANT SELECT, INSERT ON public.bench_raw TO gpds_app;`);
    },
  };
  if (adapter === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'gpds-bench-'));
    progress(`PGlite in ${dir}`);
    const opened = await openEventStore({ kind: 'pglite', dataDir: dir }, asOwner);
    return { opened, dispose: async () => (await opened.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const database = await createBenchDatabase('gpds_bench');
  const connection: EventStoreConnection = { kind: 'postgres', url: database.url, poolSize: 2 };
  progress(`PostgreSQL database ${database.name}`);
  const opened = await openEventStore(connection, asOwner);
  return {
    opened,
    async dispose() {
      await opened.close();
      await database.drop();
    },
  };
}

/** Synthetic utilisation samples shaped like the December 2025 publication rows (synthetic: throughput only). */
function makeEvents(prefix: string, count: number): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'UtilisationSampleRecorded',
    schemaVersion: 1,
    data: {
      organisationCode: `P${String(i % 6_000).padStart(5, '0')}`,
      organisationLevel: 'PRACTICE',
      capability: 'ONLINE_CONSULTATION',
      metric: ['SUBMISSIONS', 'CLINICAL_SUBMISSIONS', 'ADMINISTRATIVE_SUBMISSIONS', 'OTHER_SUBMISSIONS'][i % 4],
      periodStart: '2025-12-01',
      periodEnd: '2025-12-31',
      value: (i * 7919) % 5_000,
      supplier: 'Example Online Consultation Supplier Ltd',
      note: 'synthetic benchmark payload',
    },
    metadata: {
      occurredAt: '2025-12-31T23:59:59Z',
      source: { system: 'bench-online-consultation-2025-12', recordId: `${prefix}-${i}` },
      actor: { type: 'importer', id: 'bench' },
      correlationId: `${prefix}-import`,
    },
  }));
}

async function appendThroughStore(opened: OpenedEventStore, events: EventToAppend[], batch: number, run: number): Promise<void> {
  for (let i = 0, b = 0; i < events.length; i += batch, b++) {
    await opened.store.appendToStream(`utilisation-r${run}s${b}`, events.slice(i, i + batch), { expectedVersion: 'no_stream' });
  }
}

const insertSql = new Map<number, string>();
function rawInsert(n: number): string {
  let sql = insertSql.get(n);
  if (!sql) {
    const tuples = Array.from({ length: n }, (_, r) => {
      const p = (c: number): string => `$${r * COLUMNS.length + c + 1}`;
      return `(${p(0)}::uuid, ${p(1)}, ${p(2)}::bigint, ${p(3)}, ${p(4)}, ${p(5)}::int, ${p(6)}::jsonb, ${p(7)}::jsonb, ${p(8)}::timestamptz, ${p(9)})`;
    });
    sql = `INSERT INTO public.bench_raw (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`;
    insertSql.set(n, sql);
  }
  return sql;
}

/** The same rows as the store writes, built the same way, as the parameters of one multi-row INSERT per batch. */
function rawRows(events: EventToAppend[], batch: number, run: number): unknown[][] {
  const batches: unknown[][] = [];
  for (let i = 0, b = 0; i < events.length; i += batch, b++) {
    const streamId = `utilisation-raw-r${run}s${b}`;
    const params: unknown[] = [];
    events.slice(i, i + batch).forEach((e, v) => {
      params.push(
        eventIdFromSource(e.metadata.source),
        streamId,
        v + 1,
        streamCategory(streamId),
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        JSON.stringify({ occurredAt: e.metadata.occurredAt, source: e.metadata.source, actor: e.metadata.actor, correlationId: e.metadata.correlationId }),
        new Date(e.metadata.occurredAt).toISOString(),
        contentHash(streamId, e),
      );
    });
    batches.push(params);
  }
  return batches;
}

async function insertRaw(opened: OpenedEventStore, batches: unknown[][]): Promise<void> {
  for (const params of batches) await opened.store.db.query(rawInsert(params.length / COLUMNS.length), params);
}

async function readAllThroughStore(opened: OpenedEventStore): Promise<number> {
  let after = START;
  let n = 0;
  for (;;) {
    const batch = await opened.store.readAll({ after, limit: 1_000 });
    if (batch.events.length === 0) return n;
    n += batch.events.length;
    after = batch.checkpoint;
  }
}

async function readRaw(opened: OpenedEventStore): Promise<number> {
  let after = 0;
  let n = 0;
  for (;;) {
    const rows = await opened.store.db.query<{ global_position: string | number }>(
      `SELECT global_position, transaction_id::text, event_id::text, stream_id, stream_version, event_type, schema_version, data, metadata, recorded_at
         FROM public.bench_raw WHERE global_position > $1 ORDER BY global_position LIMIT 1000`,
      [after],
    );
    if (rows.length === 0) return n;
    n += rows.length;
    after = Number(rows.at(-1)!.global_position);
  }
}

function markdown(rows: Row[], eventBytes: number): string {
  const lines = [
    '## Event store (`npm run bench -- event-store`)',
    '',
    `Machine: ${machine()}. Run on ${new Date().toISOString().slice(0, 10)}.`,
    `Median of ${RUNS} runs each; one writer; events of about ${eventBytes} bytes of JSON (synthetic utilisation samples).`,
    "Append baseline: a raw multi-row INSERT of the same rows into a table of the same shape and indexes (`LIKE event_store.events INCLUDING ALL`), without the store's checks. Read baseline: a raw keyset scan of those rows by position, 1,000 at a time, without the snapshot bound.",
    '',
    '| adapter | operation | batch | events/s | baseline events/s | ratio |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.adapter} | ${r.operation} | ${r.batch.toLocaleString('en-GB')} | ${r.eventsPerSecond.toLocaleString('en-GB')} | ${r.baselineEventsPerSecond.toLocaleString('en-GB')} | ${r.ratio} |`,
    ),
    '',
    'Target (issue 2): server adapter, batch 1,000: at least 30,000 events/s and a ratio of at least 0.5.',
  ];
  return lines.join('\n');
}
