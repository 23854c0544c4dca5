import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventIdForOwner, type StreamAppend } from '@gpds/event-store';
import { openEventStore } from '@gpds/event-store-postgres';
import { createBenchDatabase } from './postgres';
import { measurementStreamId, type MeasurementCommand } from '@gpds/governance';
import { startPlatform, type PlatformProcess } from '@gpds/platform-testing';
import { WORKSPACE, emit, machine, median, progress, writeSection } from './report';

/** The benchmark measures the write path's capacity, not one principal's budget: far above what it sends (RATE_LIMIT_*). */
const UNLIMITED = { RATE_LIMIT_SUBMISSION_RECORDS_PER_MINUTE: '100000000' };
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const HEAP_CAP_MB = 128;
const PLAN = [
  { batch: 1_000, batchesPerRun: 20 },
  { batch: 10_000, batchesPerRun: 2 },
].filter((p) => !process.env['BENCH_BATCHES'] || process.env['BENCH_BATCHES'].split(',').includes(String(p.batch)));

interface Row {
  batch: number;
  recordsPerSecond: number;
  baselineRecordsPerSecond: number;
  ratio: number;
  p50Ms: number;
  p95Ms: number;
}

/**
 * NDJSON utilisation samples through HTTP (the platform process on the PostgreSQL server: auth,
 * streaming parse, envelope, contract, reference data, decisions, multi-stream append) beside the
 * raw multi-stream append of the same events into the same store, in the same run.
 * The samples are synthetic values for the real practices of the October 2025 mapping file.
 */
export async function runSubmissionsBench(): Promise<void> {
  const practices = readFileSync(join(WORKSPACE, '..', 'shared', 'data', 'ods', 'gp-reg-pat-prac-map_2025-10.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[2])
    .filter((c): c is string => !!c && /^[A-Z]\d{5}$/.test(c));
  const rows: Row[] = [];
  let memory: { bodyMb: number; records: number; baselineRssMb: number; peakRssMb: number; seconds: number } | null = null;
  let seq = 0;
  const samples = (count: number, prefix: string): Array<Record<string, unknown>> =>
    Array.from({ length: count }, () => {
      const n = seq++;
      return {
        type: 'UtilisationSampleRecorded',
        schemaVersion: 1,
        source: { system: 'bench-submissions', recordId: `${prefix}-${n}` },
        occurredAt: '2025-12-31T23:59:59Z',
        data: {
          organisationCode: practices[n % practices.length],
          organisationLevel: 'PRACTICE',
          capability: 'ONLINE_CONSULTATION',
          metric: ['SUBMISSIONS', 'CLINICAL_SUBMISSIONS', 'ADMINISTRATIVE_SUBMISSIONS', 'OTHER_SUBMISSIONS'][Math.floor(n / practices.length) % 4],
          periodStart: '2025-12-01',
          periodEnd: '2025-12-31',
          value: (n * 7919) % 3_000,
          supplier: 'Example Online Consultation Supplier Ltd',
        },
      };
    });
  // A fresh database and platform per batch size, so each row starts from the same state.
  for (const { batch, batchesPerRun } of PLAN) {
    const database = await createBenchDatabase('gpds_bench_sub');
    const { name } = database;
    const url = new URL(database.url);
    const dataDir = mkdtempSync(join(tmpdir(), 'gpds-bench-sub-'));
    progress(`batch ${batch}: PostgreSQL database ${name}; starting the platform (imports the ODS hierarchy first)`);
    const platform = await startPlatform(
      { EVENT_STORE_URL: url.toString(), DATA_DIR: dataDir, REFERENCE_IMPORT: 'on', PROJECTOR: 'off', ...UNLIMITED },
      180_000,
    );
    const key = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    const direct = await openEventStore({ kind: 'postgres', url: url.toString(), poolSize: 2 }, { migrate: false });
    try {
      const http: number[] = [];
      const raw: number[] = [];
      const latencies: number[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const bodies = Array.from({ length: batchesPerRun }, () =>
          samples(batch, `http-${batch}-${run}`)
            .map((r) => JSON.stringify(r))
            .join('\n'),
        );
        const rawBatches = Array.from({ length: batchesPerRun }, () => toAppends(samples(batch, `raw-${batch}-${run}`)));
        let t0 = process.hrtime.bigint();
        for (const body of bodies) {
          const started = process.hrtime.bigint();
          const response = await fetch(`${platform.url}/v1/submissions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
            body,
          });
          const answer = (await response.json()) as { accepted: number };
          if (answer.accepted !== batch) throw new Error(`expected ${batch} accepted, got ${JSON.stringify(answer).slice(0, 400)}`);
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        http.push((batch * batchesPerRun) / (Number(process.hrtime.bigint() - t0) / 1e9));
        t0 = process.hrtime.bigint();
        for (const appends of rawBatches) await direct.store.appendToStreams(appends);
        raw.push((batch * batchesPerRun) / (Number(process.hrtime.bigint() - t0) / 1e9));
        progress(`batch ${batch} run ${run}/${RUNS}: HTTP ${Math.round(http.at(-1)!)} records/s, raw append ${Math.round(raw.at(-1)!)} events/s`);
      }
      if (batch === 10_000) {
        // A second platform on the same database with its heap capped below the body's size:
        // the upload succeeding proves the body is never held in memory.
        const capped = await startPlatform(
          { EVENT_STORE_URL: url.toString(), DATA_DIR: dataDir, PROJECTOR: 'off', NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}`, ...UNLIMITED },
          180_000,
        );
        try {
          memory = await measureLargeUpload(capped, key, practices);
        } finally {
          await capped.stop();
        }
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      rows.push({
        batch,
        recordsPerSecond: Math.round(median(http)),
        baselineRecordsPerSecond: Math.round(median(raw)),
        ratio: Number((median(http) / median(raw)).toFixed(2)),
        p50Ms: Math.round(median(sorted)),
        p95Ms: Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!),
      });
    } finally {
      await direct.close();
      await platform.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  for (const r of rows) emit({ bench: 'submissions', adapter: 'postgres', ...r, runs: RUNS });
  if (memory)
    emit({ bench: 'submissions', operation: '200 MB upload', heapCapMb: HEAP_CAP_MB, ...memory, peakGrowthMb: memory.peakRssMb - memory.baselineRssMb });
  writeSection(
    'submissions',
    [
      '## Submissions over HTTP (`npm run bench -- submissions`)',
      '',
      `Machine: ${machine()}. Run on ${new Date().toISOString().slice(0, 10)}.`,
      `Median of ${RUNS} runs, each batch size on a fresh database and platform (both slow down as the tables grow: see docs/benchmarks.md notes); one client sending NDJSON batches one after another to the platform process on the PostgreSQL server (admin key; every record checked: envelope, contract, reference data, decision) and awaiting each answer. Baseline: \`appendToStreams\` of the same events, grouped by stream the same way, straight into the same store from the benchmark process. Synthetic values for the real practices of the October 2025 mapping file.`,
      '',
      '| batch (records) | records/s over HTTP | raw append events/s | ratio | request p50 ms | request p95 ms |',
      '|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.batch.toLocaleString('en-GB')} | ${r.recordsPerSecond.toLocaleString('en-GB')} | ${r.baselineRecordsPerSecond.toLocaleString('en-GB')} | ${r.ratio} | ${r.p50Ms} | ${r.p95Ms} |`,
      ),
      '',
      'Target (issue 3): at least 15,000 records/s and a ratio of at least 0.4.',
      ...(memory
        ? [
            '',
            `Memory: one ${memory.bodyMb} MB NDJSON upload (${memory.records.toLocaleString('en-GB')} records, 1 in 200 accepted, streamed by the client) to a platform process started with its V8 heap capped at ${HEAP_CAP_MB} MB (\`--max-old-space-size=${HEAP_CAP_MB}\`) was answered 200 in ${memory.seconds} s; its resident memory (heap, code, buffers) went from ${memory.baselineRssMb} MB to a peak of ${memory.peakRssMb} MB (sampled every 50 ms from /proc). Results past 10,000 records are spooled to a temporary file, not held.`,
          ]
        : []),
    ].join('\n'),
  );
}

/** Streams ~200 MB of NDJSON (1 kB records, mostly refused cheaply, 1 in 200 accepted) and samples the platform's RSS. */
async function measureLargeUpload(platform: PlatformProcess, key: string, practices: string[]) {
  const rss = (): number => {
    const status = readFileSync(`/proc/${platform.child.pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  };
  const baselineRssMb = rss();
  let peak = baselineRssMb;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
  const target = 200 * 1024 * 1024;
  let sent = 0;
  let records = 0;
  async function* body(): AsyncGenerator<Buffer> {
    while (sent < target) {
      const lines: string[] = [];
      for (let i = 0; i < 500; i++, records++) {
        lines.push(
          JSON.stringify({
            type: 'UtilisationSampleRecorded',
            source: { system: 'bench-memory', recordId: `mem-${records}` },
            occurredAt: '2025-12-31T23:59:59Z',
            data: {
              organisationCode: records % 200 === 0 ? practices[records % practices.length] : 'Z99999',
              organisationLevel: 'PRACTICE',
              capability: 'ONLINE_CONSULTATION',
              metric: 'SUBMISSIONS',
              periodStart: '2025-12-01',
              periodEnd: '2025-12-31',
              value: records,
              supplier: 'x'.repeat(700),
            },
          }),
        );
      }
      const chunk = Buffer.from(`${lines.join('\n')}\n`);
      sent += chunk.length;
      yield chunk;
    }
  }
  progress('streaming a 200 MB upload and sampling the platform memory');
  const t0 = Date.now();
  const { Readable } = await import('node:stream');
  const response = await fetch(`${platform.url}/v1/submissions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    body: Readable.from(body()) as unknown as NonNullable<RequestInit['body']>,
    duplex: 'half',
  } as RequestInit);
  const answer = (await response.json()) as { accepted: number; rejected: number };
  clearInterval(sampler);
  if (response.status !== 200 || answer.accepted + answer.rejected !== records) throw new Error(`the 200 MB upload was answered ${response.status}`);
  return { bodyMb: Math.round(sent / 1024 / 1024), records, baselineRssMb, peakRssMb: peak, seconds: Math.round((Date.now() - t0) / 100) / 10 };
}

function toAppends(records: Array<Record<string, unknown>>): StreamAppend[] {
  const byStream = new Map<string, StreamAppend['events'][number][]>();
  for (const r of records) {
    const command = { type: r['type'], data: r['data'], occurredAt: r['occurredAt'] } as MeasurementCommand;
    // The events the platform writes for the admin key: in England's namespace (ADR 0020).
    const source = { ...(r['source'] as { system: string; recordId: string }), owner: 'ENG' };
    const streamId = measurementStreamId(command);
    const events = byStream.get(streamId) ?? [];
    events.push({
      type: 'UtilisationSampleRecorded',
      schemaVersion: 1,
      data: r['data'],
      eventId: eventIdForOwner('ENG', source),
      metadata: { occurredAt: r['occurredAt'] as string, source, actor: { type: 'api-key', id: 'bench' } },
    });
    byStream.set(streamId, events);
  }
  return [...byStream].map(([streamId, events]) => ({ streamId, events, expectedVersion: 'any' as const }));
}
