import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgDatabase } from '@gpds/event-store-postgres';
import { UNLIMITED_READS, seededDataDir, startPlatform, type PlatformProcess } from '@gpds/platform-testing';
import { analystKey, caughtUp, graphqlRequest, pct, round } from './graphql.bench';
import { createBenchDatabase, type BenchDatabase } from './postgres';
import { Generator } from './projection.bench';
import { emit, machine, progress, writeSection } from './report';

/** How long the soak holds its load, in minutes (the issue: ten). */
const MINUTES = Number(process.env['SOAK_MINUTES'] ?? 10);
/** The share of the measured capacity the soak holds: `50%`, `50` or `0.5`. */
const LOAD = parseLoad(process.env['SOAK_LOAD'] ?? '50%');
/** Seconds between progress lines and rows of the over-time table (the issue: 30). */
const SAMPLE_SECONDS = Number(process.env['SOAK_SAMPLE_SECONDS'] ?? 30);
/** Seconds of the saturation phase that measures capacity, in the same run, before the soak. */
const CAPACITY_SECONDS = Number(process.env['SOAK_CAPACITY_SECONDS'] ?? 30);
/** Records a submission request carries: a connector's small batch, not the submissions benchmark's bulk. */
const BATCH = Number(process.env['SOAK_BATCH'] ?? 500);
/** Concurrent clients of each kind in the capacity phase: as many as the machine has cores. */
const CLIENTS = 2;
/**
 * Requests of each kind the soak lets be in flight at once: as many as the capacity phase had, so
 * the soak never asks more at once than the capacity was measured with. A platform that cannot
 * keep up then falls behind the schedule (reported: `held`) instead of being buried under a
 * growing pile of requests (8 in flight measured query p95s of a minute on the embedded store,
 * the client's doing more than the platform's).
 */
const IN_FLIGHT = CLIENTS;
/** Shorter soaks report their slope but no verdict: caches still fill in the first minutes. */
const MIN_MINUTES_FOR_VERDICT = 5;
/** How often lag and memory are read from /metrics: often enough for the lag's peak and the slope's fit. */
const POLL_MS = 2_000;
/**
 * The verdict's line: resident memory growing faster than this over the soak's second half (after
 * the caches have filled) is called growth. 1 MB/min is 1.4 GB a day: a leak a day's running would
 * show, while a 10-minute run's noise (chDB merges, GC) stays below it.
 */
const FLAT_MB_PER_MINUTE = 1;
/** The benchmark measures the machine, not one principal's budget: limits far above what it sends (RATE_LIMIT_*). */
const UNLIMITED = { ...UNLIMITED_READS, RATE_LIMIT_SUBMISSION_RECORDS_PER_MINUTE: '1000000000' };

type Store = 'embedded' | 'postgres';
/** The machine's load average (1 and 5 min) before the benchmark started: other work on the shared cores. */
let loadBefore = '';
const STORES: readonly Store[] = ['embedded', 'postgres'];

const ORG = 'code name level';
/**
 * The dashboard's questions (apps/dashboard/src/data/queries.ts, copied: the bench does not build
 * against the SPA): its utilisation panel nationally and a level down, compliance and maturity
 * per region. Sent in turn, so every kind of roll-up is in the mix.
 */
const UTILISATION = `query DashboardUtilisation($capability: String!, $metric: String!, $level: Level!, $parent: String, $from: Date!, $to: Date!, $after: String) {
  utilisation(capability: $capability, metric: $metric, level: $level, parent: $parent, from: $from, to: $to, granularity: MONTH, first: 240, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { organisation { ${ORG} } period { start end } value practices registeredPatients ratePer1000 }
  }
}`;
const COUNTS = 'compliant nonCompliant unknown evaluated compliantShare';
const COMPLIANCE = `query DashboardCompliance($level: Level!, $parent: String, $after: String) {
  complianceRules { version rules { id title holdsWhen } }
  compliance(level: $level, parent: $parent, first: 100, after: $after) {
    rulesVersion
    pageInfo { hasNextPage endCursor }
    nodes { organisation { ${ORG} } practicesEvaluated allRules { ${COUNTS} } rules { rule { id } ${COUNTS} } }
  }
}`;
const MATURITY = `query DashboardMaturity($level: Level!, $parent: String, $after: String) {
  maturity(level: $level, parent: $parent, first: 100, after: $after) {
    indexVersion
    pageInfo { hasNextPage endCursor }
    nodes { organisation { ${ORG} } practices practicesWithIndex mean weightedMean min lowerQuartile median upperQuartile max meanCoverage }
  }
  england: maturity(level: NATIONAL) { nodes { organisation { ${ORG} } practicesWithIndex mean median } }
}`;
const QUERIES: ReadonlyArray<{ name: string; query: string; variables: Record<string, unknown> }> = [
  {
    name: 'utilisation-national',
    query: UTILISATION,
    variables: { capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', level: 'NATIONAL', from: '2024-04-01', to: '2025-03-31' },
  },
  {
    name: 'utilisation-regions',
    query: UTILISATION,
    variables: { capability: 'ADVANCED_TELEPHONY', metric: 'INBOUND_CALLS', level: 'REGION', from: '2024-04-01', to: '2025-03-31' },
  },
  {
    name: 'utilisation-icbs',
    query: UTILISATION,
    variables: { capability: 'ONLINE_CONSULTATION', metric: 'CLINICAL_SUBMISSIONS', level: 'ICB', from: '2025-01-01', to: '2025-12-31' },
  },
  { name: 'compliance-regions', query: COMPLIANCE, variables: { level: 'REGION' } },
  { name: 'maturity-regions', query: MATURITY, variables: { level: 'REGION' } },
];

/** What one /metrics scrape says: the projector's lag and the process's memory. */
interface Poll {
  readonly at: number;
  readonly lag: number;
  readonly head: number;
  readonly projected: number;
  readonly rssMb: number;
  readonly heapMb: number;
  /** The heap V8 holds (used and free): resident whether or not the objects in it are live. */
  readonly heapTotalMb: number;
  /** The ClickHouse engine's tracked memory and its caches (chDB: inside the platform process). */
  readonly engineMb: number;
  readonly cachesMb: number;
  /** The embedded event store's thread: PGlite's WebAssembly memory, that thread's heap and external memory (0 on a server). */
  readonly pgliteMb: number;
  /** Of which PGlite's WebAssembly memory (PostgreSQL's shared buffers, caches, work memory). */
  readonly pgliteWasmMb: number;
  /** What the parts above do not account for: RSS less the main heap V8 holds, ClickHouse's tracked memory and PGlite's (code, allocator arenas, untracked native memory). */
  readonly restMb: number;
}

interface Capacity extends Record<string, unknown> {
  bench: 'soak';
  store: Store;
  phase: 'capacity';
  seconds: number;
  recordsPerSecond: number;
  queriesPerSecond: number;
  projectedPerSecond: number;
  submissionP95Ms: number;
  queryP95Ms: number;
  maxLag: number;
  drainSeconds: number;
}

interface Sample extends Record<string, unknown> {
  bench: 'soak';
  store: Store;
  phase: 'sample';
  minute: number;
  recordsPerSecond: number;
  queriesPerSecond: number;
  submissionP95Ms: number;
  queryP95Ms: number;
  lagNow: number;
  lagMax: number;
  rssMb: number;
  heapMb: number;
  engineMb: number;
  cachesMb: number;
  pgliteMb: number;
  pgliteWasmMb: number;
  restMb: number;
  /** The roll-up with the highest p95 in the interval, and that p95. */
  slowestQuery: string;
}

interface Summary extends Record<string, unknown> {
  bench: 'soak';
  store: Store;
  phase: 'soak';
  minutes: number;
  load: number;
  targetRecordsPerSecond: number;
  recordsPerSecond: number;
  targetQueriesPerSecond: number;
  queriesPerSecond: number;
  projectedPerSecond: number;
  records: number;
  /** Of `records`, those the platform rightly rejected (practices not yet open so far back). */
  recordsRejected: number;
  queries: number;
  submissionP50Ms: number;
  submissionP95Ms: number;
  queryP50Ms: number;
  queryP95Ms: number;
  queryP95MsByName: Record<string, number>;
  maxLag: number;
  drainSeconds: number;
  rssFirstMb: number;
  rssLastMb: number;
  rssMaxMb: number;
  heapFirstMb: number;
  heapLastMb: number;
  heapMaxMb: number;
  rssSlopeMbPerMinute: number;
  heapSlopeMbPerMinute: number;
  engineFirstMb: number;
  engineLastMb: number;
  engineMaxMb: number;
  cachesLastMb: number;
  /** ClickHouse's tracked memory over the second half: how much of the RSS slope is the engine's. */
  engineSlopeMbPerMinute: number;
  /** The JavaScript heap's floor (its least in each sample window) over the second half: a leak in JavaScript raises it. */
  heapFloorSlopeMbPerMinute: number;
  /** RSS over the last quarter alone: below the second half's slope when growth is levelling off. */
  rssLastQuarterSlopeMbPerMinute: number;
  heapTotalFirstMb: number;
  heapTotalLastMb: number;
  heapTotalSlopeMbPerMinute: number;
  pgliteFirstMb: number;
  pgliteLastMb: number;
  pgliteWasmLastMb: number;
  pgliteSlopeMbPerMinute: number;
  restFirstMb: number;
  restLastMb: number;
  restSlopeMbPerMinute: number;
  verdict: 'flat' | 'grows' | 'too short to tell';
  /** Submission batches the schedule offered and sent; queries likewise (the rest fell past the end). */
  offeredBatches: number;
  sentBatches: number;
  offeredQueries: number;
  sentQueries: number;
  /** The platform kept up: at least 95% of both target rates were answered. */
  held: boolean;
  /** Events appended during the soak (the store's head moved by this many positions). */
  eventsWritten: number;
  /** Growth on disk over the soak per event written: the event store's tables and indexes; the analytics store's directory. */
  eventStoreBytesPerEvent: number;
  analyticsBytesPerEvent: number;
}

/**
 * `npm run bench -- soak`: submissions (NDJSON over HTTP), the platform's own projector following
 * them into ClickHouse, and the dashboard's GraphQL roll-ups, all at once against one platform
 * process for SOAK_MINUTES at SOAK_LOAD of the capacity measured by a saturation phase of the same
 * mix in the same run. Reports p95s, projection lag and the platform's memory over time, and
 * whether its resident memory is flat. On the embedded store (PGlite and chDB) and on the
 * PostgreSQL server (BENCH_POSTGRES_URL), in turn, or the one SOAK_STORE names.
 */
export async function runSoakBench(): Promise<void> {
  const only = process.env['SOAK_STORE'];
  if (only && !STORES.includes(only as Store)) throw new Error(`SOAK_STORE=${only}: use one of ${STORES.join(', ')}, or leave it unset to run both`);
  if (!(MINUTES > 0) || !(CAPACITY_SECONDS > 0) || !(SAMPLE_SECONDS > 0) || !(BATCH > 0))
    throw new Error('SOAK_MINUTES, SOAK_CAPACITY_SECONDS, SOAK_SAMPLE_SECONDS and SOAK_BATCH must be positive numbers');
  const generator = await Generator.load();
  loadBefore = loadavg()
    .slice(0, 2)
    .map((l) => l.toFixed(2))
    .join(', ');
  for (const store of only ? [only as Store] : STORES) {
    // Each store gets the same records from the first (a store's run does not start where the last one stopped).
    const { capacity, samples, summary } = await soak(store, new Records(generator));
    // The issue's ten-minute soak has a section per store; longer or shorter runs one of their own beside it.
    writeSection(MINUTES === 10 ? `soak-${store}` : `soak-${store}-${MINUTES}min`, markdown(capacity, samples, summary));
  }
}

/**
 * Canonical utilisation records, each with a record id of its own: the projection benchmark's
 * generator (every practice of the October 2025 ODS list, ten metrics a month back from December
 * 2025, each practice's own December 2025 published figure with a seasonal swing), as a connector
 * would send them. Months fill one after another, so the roll-ups' data grows as the soak runs.
 */
/** Months of records the soak sends before starting again from December 2025 (to January 2024). */
const MONTHS_BACK = 24;

class Records {
  private next = 0;
  constructor(private readonly generator: Generator) {}

  body(count: number, store: Store): string {
    const lines: string[] = [];
    // Months go back from December 2025 and wrap after MONTHS_BACK: the ODS hierarchy starts in
    // January 2022, before which every practice's records would be rejected. A wrapped record has a
    // record id of its own, so it is a new fact about the same month (a connector's correction).
    const wrap = this.generator.eventsPerMonth * MONTHS_BACK;
    for (let k = 0; k < count; k++) {
      const i = this.next++;
      const { event } = this.generator.event(i % wrap);
      const data = event.data as Record<string, unknown>;
      lines.push(
        JSON.stringify({
          type: event.type,
          schemaVersion: 1,
          source: { system: 'bench-soak', recordId: `soak-${store}-${Date.now().toString(36)}-${i}` },
          occurredAt: event.metadata?.['occurredAt'],
          data: {
            ...data,
            supplier: data['capability'] === 'ONLINE_CONSULTATION' ? 'Example Online Consultation Supplier Ltd' : 'Example Cloud Telephony Supplier Ltd',
          },
        }),
      );
    }
    return lines.join('\n');
  }
}

async function soak(store: Store, records: Records): Promise<{ capacity: Capacity; samples: Sample[]; summary: Summary }> {
  let database: BenchDatabase | null = null;
  let dataDir: string;
  let env: Record<string, string>;
  if (store === 'embedded') {
    dataDir = await seededDataDir();
    env = { DATA_DIR: dataDir, DEMO_DATA: 'off', REFERENCE_IMPORT: 'off', ...UNLIMITED };
  } else {
    database = await createBenchDatabase('gpds_bench_soak');
    dataDir = mkdtempSync(join(tmpdir(), 'gpds-bench-soak-'));
    env = { EVENT_STORE_URL: database.url, DATA_DIR: dataDir, DEMO_DATA: 'off', REFERENCE_IMPORT: 'on', ...UNLIMITED };
  }
  progress(`${store}: starting the platform (its projector on) with the ODS hierarchy in ${database ? `database ${database.name}` : dataDir}`);
  const platform = await startPlatform(env, 300_000);
  try {
    await caughtUp(platform);
    const admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    const analyst = await analystKey(platform.url, admin);
    const client = new Client(platform, store, admin, analyst, records);
    // Warm-up: every query once and a few batches, so the capacity phase does not time the first compilations.
    for (const q of QUERIES) await client.query(q);
    for (let i = 0; i < 3; i++) await client.submit();
    await drain(platform);

    progress(`${store}: measuring capacity: ${CLIENTS} submission clients and ${CLIENTS} query clients flat out for ${CAPACITY_SECONDS} s`);
    const capacity = await measureCapacity(store, client, platform);
    emit(capacity);
    progress(
      `${store}: capacity ${capacity.recordsPerSecond.toLocaleString('en-GB')} records/s and ${capacity.queriesPerSecond} queries/s together (projector ${capacity.projectedPerSecond.toLocaleString('en-GB')} events/s, max lag ${capacity.maxLag.toLocaleString('en-GB')}, drained in ${capacity.drainSeconds} s)`,
    );

    const targetRecords = capacity.recordsPerSecond * LOAD;
    const targetQueries = capacity.queriesPerSecond * LOAD;
    progress(
      `${store}: soaking for ${MINUTES} min at ${Math.round(LOAD * 100)}%: ${Math.round(targetRecords).toLocaleString('en-GB')} records/s in batches of ${BATCH} and ${round(targetQueries)} queries/s`,
    );
    const { samples, summary } = await runSoak(store, client, platform, targetRecords, targetQueries, dataDir, database);
    for (const s of samples) emit(s);
    emit(summary);
    return { capacity, samples, summary };
  } finally {
    await platform.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A submission's answer, as far as the soak reads it. */
interface SubmissionAnswer {
  readonly accepted?: number;
  readonly duplicates?: number;
  readonly rejected?: number;
  readonly results?: ReadonlyArray<{ readonly status: string }>;
}

/** The platform's client: submission batches with the admin key, the dashboard's questions with an analyst's. */
class Client {
  private turn = 0;
  submissions: number[] = [];
  queries: Array<{ name: string; ms: number }> = [];
  recordsSent = 0;
  /** Generated records the platform rejected (counted in recordsSent): reported, not a failure. */
  recordsRejected = 0;
  private rejectionSeen = false;

  constructor(
    readonly platform: PlatformProcess,
    private readonly store: Store,
    private readonly admin: string,
    private readonly analyst: string,
    private readonly records: Records,
  ) {}

  async submit(): Promise<void> {
    const body = this.records.body(BATCH, this.store);
    const started = process.hrtime.bigint();
    const response = await fetch(`${this.platform.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.admin}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    const answer = (await response.json()) as SubmissionAnswer;
    const stored = (answer.accepted ?? 0) + (answer.duplicates ?? 0);
    const rejected = answer.rejected ?? 0;
    // The generator goes back a month per 65,000 records: far enough back, a practice of the 2025 list
    // was not open yet and its records are rightly rejected. Those are the data's, and counted; a
    // batch that is not wholly answered, or mostly rejected, is the platform's failure and stops the run.
    if (response.status !== 200 || stored + rejected !== BATCH || rejected > BATCH / 10) {
      const reasons = (answer.results ?? []).find((r) => r.status === 'rejected');
      throw new Error(
        `a batch of ${BATCH} was answered ${response.status}: ${stored} stored, ${rejected} rejected${reasons ? ` (first: ${JSON.stringify(reasons).slice(0, 400)})` : ''}: ${JSON.stringify({ ...answer, results: undefined }).slice(0, 300)}`,
      );
    }
    this.submissions.push(Number(process.hrtime.bigint() - started) / 1e6);
    this.recordsSent += BATCH;
    this.recordsRejected += rejected;
    if (rejected > 0 && !this.rejectionSeen) {
      this.rejectionSeen = true;
      progress(
        `some generated records are rejected (practices not open yet so far back): ${JSON.stringify(answer.results?.find((r) => r.status === 'rejected')).slice(0, 300)}`,
      );
    }
  }

  async query(q = QUERIES[this.turn++ % QUERIES.length]!): Promise<void> {
    const started = process.hrtime.bigint();
    await graphqlRequest(this.platform.url, this.analyst, q.query, q.variables);
    this.queries.push({ name: q.name, ms: Number(process.hrtime.bigint() - started) / 1e6 });
  }

  /** The latencies since the last call, and forgets them. */
  take(): { submissions: number[]; queries: Array<{ name: string; ms: number }>; records: number } {
    const out = { submissions: this.submissions, queries: this.queries, records: this.recordsSent };
    this.submissions = [];
    this.queries = [];
    this.recordsSent = 0;
    return out;
  }
}

/** The same mix flat out: closed-loop clients, each sending its next request when its last is answered. */
async function measureCapacity(store: Store, client: Client, platform: PlatformProcess): Promise<Capacity> {
  client.take();
  const polls: Poll[] = [await poll(platform)];
  const poller = setInterval(
    () =>
      void poll(platform).then(
        (p) => polls.push(p),
        () => undefined,
      ),
    POLL_MS,
  );
  const started = performance.now();
  const until = started + CAPACITY_SECONDS * 1000;
  const loop = (send: () => Promise<void>) => async (): Promise<void> => {
    while (performance.now() < until) await send();
  };
  try {
    await Promise.all([
      ...Array.from(
        { length: CLIENTS },
        loop(() => client.submit()),
      ),
      ...Array.from(
        { length: CLIENTS },
        loop(() => client.query()),
      ),
    ]);
  } finally {
    clearInterval(poller);
  }
  const seconds = (performance.now() - started) / 1000;
  const end = await poll(platform);
  polls.push(end);
  const { submissions, queries, records } = client.take();
  const drainStarted = performance.now();
  await drain(platform);
  return {
    bench: 'soak',
    store,
    phase: 'capacity',
    seconds: round(seconds),
    recordsPerSecond: Math.round(records / seconds),
    queriesPerSecond: round(queries.length / seconds),
    projectedPerSecond: Math.round((end.projected - polls[0]!.projected) / seconds),
    submissionP95Ms: round(pct(submissions, 95)),
    queryP95Ms: round(
      pct(
        queries.map((q) => q.ms),
        95,
      ),
    ),
    maxLag: Math.max(...polls.map((p) => p.lag)),
    drainSeconds: round((performance.now() - drainStarted) / 1000),
  };
}

/**
 * Open-loop pacing: request k is due at start + k / rate, taken by whichever of the workers is
 * free, so a slow answer does not slow the offered load (a worker behind schedule sends at once).
 */
async function paced(rate: number, until: number, send: () => Promise<void>): Promise<{ offered: number; sent: number }> {
  const start = performance.now();
  let k = 0;
  let sent = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (;;) {
        const due = start + (k++ * 1000) / rate;
        // Past the end, what is still due is not sent: a backlog would stretch the soak.
        if (due >= until || performance.now() >= until) return;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        sent++;
        await send();
      }
    }),
  );
  return { offered: Math.floor(((until - start) * rate) / 1000), sent };
}

async function runSoak(
  store: Store,
  client: Client,
  platform: PlatformProcess,
  targetRecords: number,
  targetQueries: number,
  dataDir: string,
  database: BenchDatabase | null,
): Promise<{ samples: Sample[]; summary: Summary }> {
  client.take();
  client.recordsRejected = 0;
  const start = performance.now();
  const until = start + MINUTES * 60_000;
  const polls: Poll[] = [await poll(platform)];
  const samples: Sample[] = [];
  const all = { submissions: [] as number[], queries: [] as Array<{ name: string; ms: number }>, records: 0 };
  let windowStart = start;
  let windowPolls = 0;
  const sample = (): void => {
    const now = performance.now();
    const taken = client.take();
    all.submissions.push(...taken.submissions);
    all.queries.push(...taken.queries);
    all.records += taken.records;
    const seconds = (now - windowStart) / 1000;
    const recent = polls.slice(windowPolls);
    const last = polls.at(-1)!;
    windowStart = now;
    windowPolls = polls.length;
    const s: Sample = {
      bench: 'soak',
      store,
      phase: 'sample',
      minute: round((now - start) / 60_000),
      recordsPerSecond: Math.round(taken.records / seconds),
      queriesPerSecond: round(taken.queries.length / seconds),
      submissionP95Ms: taken.submissions.length ? round(pct(taken.submissions, 95)) : 0,
      queryP95Ms: taken.queries.length
        ? round(
            pct(
              taken.queries.map((q) => q.ms),
              95,
            ),
          )
        : 0,
      lagNow: last.lag,
      lagMax: Math.max(0, ...recent.map((p) => p.lag)),
      rssMb: last.rssMb,
      heapMb: last.heapMb,
      engineMb: last.engineMb,
      cachesMb: last.cachesMb,
      pgliteMb: last.pgliteMb,
      pgliteWasmMb: last.pgliteWasmMb,
      restMb: last.restMb,
      slowestQuery: slowest(taken.queries),
    };
    samples.push(s);
    progress(
      `${store} ${s.minute.toFixed(1)} min: submissions ${s.recordsPerSecond.toLocaleString('en-GB')} records/s p95 ${s.submissionP95Ms} ms; queries ${s.queriesPerSecond}/s p95 ${s.queryP95Ms} ms (slowest ${s.slowestQuery}); lag now ${s.lagNow.toLocaleString('en-GB')}, max ${s.lagMax.toLocaleString('en-GB')} positions; RSS ${s.rssMb} MB, heap ${s.heapMb} MB, ClickHouse ${s.engineMb} MB (caches ${s.cachesMb}), PGlite ${s.pgliteMb} MB (WebAssembly ${s.pgliteWasmMb}), rest ${s.restMb} MB`,
    );
  };
  let submitted = { offered: 0, sent: 0 };
  let asked = { offered: 0, sent: 0 };
  const disk0 = await diskUse(store, dataDir, database);
  const head0 = polls[0]!.head;
  const poller = setInterval(
    () =>
      void poll(platform).then(
        (p) => polls.push(p),
        () => undefined,
      ),
    POLL_MS,
  );
  const sampler = setInterval(() => {
    // The sample reads the latest poll: take one now, so it is never older than the window.
    void poll(platform).then(
      (p) => {
        polls.push(p);
        sample();
      },
      () => sample(),
    );
  }, SAMPLE_SECONDS * 1000);
  try {
    [submitted, asked] = await Promise.all([paced(targetRecords / BATCH, until, () => client.submit()), paced(targetQueries, until, () => client.query())]);
  } finally {
    clearInterval(poller);
    clearInterval(sampler);
  }
  polls.push(await poll(platform));
  if (performance.now() - windowStart > 1_000) sample();
  else {
    const taken = client.take();
    all.submissions.push(...taken.submissions);
    all.queries.push(...taken.queries);
    all.records += taken.records;
  }
  const seconds = (performance.now() - start) / 1000;
  const drainStarted = performance.now();
  await drain(platform);
  const drainSeconds = round((performance.now() - drainStarted) / 1000);
  const last = await poll(platform);
  polls.push(last);
  const disk1 = await diskUse(store, dataDir, database);
  const events = last.head - head0;

  const soakPolls = polls.filter((p) => p.at <= until + POLL_MS);
  const secondHalf = soakPolls.filter((p) => p.at >= start + (until - start) / 2);
  /** Least-squares slope of a figure over the second half, in MB a minute. */
  const halfSlope = (pick: (p: Poll) => number): number => slope(secondHalf.map((p) => [(p.at - start) / 60_000, pick(p)]));
  const rssSlope = halfSlope((p) => p.rssMb);
  const heapSlope = halfSlope((p) => p.heapMb);
  const engineSlope = halfSlope((p) => p.engineMb);
  // The heap's floor: its least in each sample window, what survived the collections there (the
  // heap used at one read is mostly garbage not yet collected, a sawtooth a slope fits badly).
  const floors = new Map<number, { at: number; mb: number }>();
  for (const p of secondHalf) {
    const window = Math.floor((p.at - start) / (SAMPLE_SECONDS * 1000));
    const floor = floors.get(window);
    if (!floor || p.heapMb < floor.mb) floors.set(window, { at: p.at, mb: p.heapMb });
  }
  const heapFloorSlope = slope([...floors.values()].map((f) => [(f.at - start) / 60_000, f.mb]));
  const lastQuarter = soakPolls.filter((p) => p.at >= start + (3 * (until - start)) / 4);
  const rssLastQuarterSlope = slope(lastQuarter.map((p) => [(p.at - start) / 60_000, p.rssMb]));
  const byName: Record<string, number> = {};
  for (const q of QUERIES)
    byName[q.name] = round(
      pct(
        all.queries.filter((x) => x.name === q.name).map((x) => x.ms),
        95,
      ) || 0,
    );
  const queryMs = all.queries.map((q) => q.ms);
  const summary: Summary = {
    bench: 'soak',
    store,
    phase: 'soak',
    minutes: MINUTES,
    load: LOAD,
    targetRecordsPerSecond: Math.round(targetRecords),
    recordsPerSecond: Math.round(all.records / seconds),
    targetQueriesPerSecond: round(targetQueries),
    queriesPerSecond: round(all.queries.length / seconds),
    projectedPerSecond: Math.round((last.projected - polls[0]!.projected) / (seconds + drainSeconds)),
    records: all.records,
    recordsRejected: client.recordsRejected,
    queries: all.queries.length,
    submissionP50Ms: round(pct(all.submissions, 50)),
    submissionP95Ms: round(pct(all.submissions, 95)),
    queryP50Ms: round(pct(queryMs, 50)),
    queryP95Ms: round(pct(queryMs, 95)),
    queryP95MsByName: byName,
    maxLag: Math.max(...soakPolls.map((p) => p.lag)),
    drainSeconds,
    rssFirstMb: soakPolls[0]!.rssMb,
    rssLastMb: soakPolls.at(-1)!.rssMb,
    rssMaxMb: Math.max(...soakPolls.map((p) => p.rssMb)),
    heapFirstMb: soakPolls[0]!.heapMb,
    heapLastMb: soakPolls.at(-1)!.heapMb,
    heapMaxMb: Math.max(...soakPolls.map((p) => p.heapMb)),
    rssSlopeMbPerMinute: round(rssSlope),
    heapSlopeMbPerMinute: round(heapSlope),
    engineFirstMb: soakPolls[0]!.engineMb,
    engineLastMb: soakPolls.at(-1)!.engineMb,
    engineMaxMb: Math.max(...soakPolls.map((p) => p.engineMb)),
    cachesLastMb: soakPolls.at(-1)!.cachesMb,
    engineSlopeMbPerMinute: round(engineSlope),
    heapFloorSlopeMbPerMinute: round(heapFloorSlope),
    rssLastQuarterSlopeMbPerMinute: round(rssLastQuarterSlope),
    heapTotalFirstMb: soakPolls[0]!.heapTotalMb,
    heapTotalLastMb: soakPolls.at(-1)!.heapTotalMb,
    heapTotalSlopeMbPerMinute: round(halfSlope((p) => p.heapTotalMb)),
    pgliteFirstMb: soakPolls[0]!.pgliteMb,
    pgliteLastMb: soakPolls.at(-1)!.pgliteMb,
    pgliteWasmLastMb: soakPolls.at(-1)!.pgliteWasmMb,
    pgliteSlopeMbPerMinute: round(halfSlope((p) => p.pgliteMb)),
    restFirstMb: soakPolls[0]!.restMb,
    restLastMb: soakPolls.at(-1)!.restMb,
    restSlopeMbPerMinute: round(halfSlope((p) => p.restMb)),
    verdict: MINUTES < MIN_MINUTES_FOR_VERDICT ? 'too short to tell' : rssSlope <= FLAT_MB_PER_MINUTE ? 'flat' : 'grows',
    offeredBatches: submitted.offered,
    sentBatches: submitted.sent,
    offeredQueries: asked.offered,
    sentQueries: asked.sent,
    held: all.records >= 0.95 * targetRecords * seconds && all.queries.length >= 0.95 * targetQueries * seconds,
    eventsWritten: events,
    eventStoreBytesPerEvent: events > 0 ? Math.round((disk1.eventStore - disk0.eventStore) / events) : 0,
    analyticsBytesPerEvent: events > 0 ? Math.round((disk1.analytics - disk0.analytics) / events) : 0,
  };
  const expected = polls[0]!.projected + all.records;
  if (last.projected < expected)
    throw new Error(`the projector reports ${last.projected} events projected after draining, fewer than the ${expected} expected: see the platform's log`);
  return { samples, summary };
}

function slowest(queries: ReadonlyArray<{ name: string; ms: number }>): string {
  let worst = { name: '-', p95: 0 };
  for (const q of QUERIES) {
    const ms = queries.filter((x) => x.name === q.name).map((x) => x.ms);
    if (ms.length && pct(ms, 95) > worst.p95) worst = { name: q.name, p95: pct(ms, 95) };
  }
  return worst.p95 ? `${worst.name} ${Math.round(worst.p95)} ms` : '-';
}

/** Reads /metrics: the projector's lag (global positions behind the store's head) and the process's memory. */
async function poll(platform: PlatformProcess): Promise<Poll> {
  const text = await (await fetch(`${platform.url}/metrics`)).text();
  const value = (name: string): number | null => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  /** The sum over a metric's labelled series (those whose labels match `labels`, when given). */
  const total = (name: string, labels?: RegExp): number => {
    let sum = 0;
    for (const match of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} ([0-9.e+-]+)$`, 'gm'))) {
      if (labels === undefined || labels.test(match[1]!)) sum += Number(match[2]);
    }
    return sum;
  };
  const lag = value('gpds_projector_lag_positions');
  if (lag === null) throw new Error('/metrics has no gpds_projector_lag_positions: is the projector on in the platform process (PROJECTOR unset)?');
  // The process's own figures; /proc when a prom-client version does not export them.
  const rss = value('gpds_process_resident_memory_bytes') ?? procRssBytes(platform);
  const heapTotal = value('gpds_nodejs_heap_size_total_bytes') ?? 0;
  const engine = value('gpds_clickhouse_memory_tracked_bytes') ?? 0;
  // PGlite's thread: its WebAssembly memory, and the heap it holds and its memory outside it (not heap_used, a part of heap_total).
  const pglite = total('gpds_pglite_memory_bytes', /part="(wasm|heap_total|external)"/);
  const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
  return {
    at: performance.now(),
    lag,
    head: value('gpds_event_store_head_position') ?? 0,
    projected: value('gpds_projector_events_total') ?? 0,
    rssMb: mb(rss),
    heapMb: mb(value('gpds_nodejs_heap_size_used_bytes') ?? 0),
    heapTotalMb: mb(heapTotal),
    engineMb: mb(engine),
    cachesMb: mb(total('gpds_clickhouse_cache_bytes')),
    pgliteMb: mb(pglite),
    pgliteWasmMb: mb(total('gpds_pglite_memory_bytes', /part="wasm"/)),
    restMb: mb(rss - heapTotal - engine - pglite),
  };
}

/**
 * Bytes on disk: the event store's tables and indexes (on the server: `pg_total_relation_size`;
 * embedded: the PGlite directory, WAL included) and the chDB directory (parts as written, before
 * later merges compress them further).
 */
async function diskUse(store: Store, dataDir: string, database: BenchDatabase | null): Promise<{ eventStore: number; analytics: number }> {
  const analytics = duBytes(join(dataDir, 'analytics'));
  if (store === 'embedded' || !database) return { eventStore: duBytes(join(dataDir, 'event-store')), analytics };
  const db = new PgDatabase({ connectionString: database.url, max: 1 });
  try {
    const [row] = await db.query<{ bytes: string }>(
      "SELECT pg_total_relation_size('event_store.events') + pg_total_relation_size('event_store.streams') AS bytes",
    );
    return { eventStore: Number(row?.bytes ?? 0), analytics };
  } finally {
    await db.close();
  }
}

function duBytes(path: string): number {
  const out = spawnSync('du', ['-sb', path], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`du -sb ${path} failed: ${out.stderr}`);
  return Number(out.stdout.split(/\s/)[0]);
}

function procRssBytes(platform: PlatformProcess): number {
  const status = readFileSync(`/proc/${platform.child.pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

/** Waits until the projector has caught up with the store's head (for at most ten minutes). */
async function drain(platform: PlatformProcess): Promise<void> {
  const deadline = Date.now() + 600_000;
  while ((await poll(platform)).lag > 0) {
    if (Date.now() > deadline) throw new Error('the projector did not catch up within 10 minutes of the load stopping: see its lastError on /health');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await caughtUp(platform);
}

/** Least-squares slope of y over x; 0 for fewer than two points. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function parseLoad(text: string): number {
  const n = Number(text.replace(/%$/, ''));
  const share = text.endsWith('%') || n > 1 ? n / 100 : n;
  if (!(share > 0 && share <= 1)) throw new Error(`SOAK_LOAD=${text}: give a share of capacity such as 50% (or 0.5)`);
  return share;
}

function markdown(capacity: Capacity, samples: Sample[], s: Summary): string {
  const n = (x: number): string => x.toLocaleString('en-GB');
  const ms = (x: number): string => Math.round(x).toLocaleString('en-GB');
  const label =
    s.store === 'embedded' ? 'embedded store (PGlite and chDB in the platform process)' : 'PostgreSQL server (event store), chDB in the platform process';
  const command = `SOAK_STORE=${s.store}${s.minutes !== 10 ? ` SOAK_MINUTES=${s.minutes}` : ''} npm run bench -- soak`;
  return `## Soak, ${s.store} (\`${command}\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}: a 2-core machine shared with other
work (load average before the benchmark started, 1 and 5 min: ${loadBefore}; near 0 when idle), so absolute figures move from run to run; the ratios (soak against capacity in the same run,
last memory against first) are the comparable part. One platform process, ${label},
its projector on. Submissions: NDJSON batches of ${BATCH} utilisation records (every practice of the
October 2025 ODS list, ten metrics a month back from December 2025, each practice's own December
2025 published figure with a seasonal swing: the projection benchmark's generator) with the admin key.
Queries: the dashboard's utilisation (national, regions, ICBs), compliance and maturity roll-ups in
turn with an analyst key. Capacity: ${CLIENTS} submission clients and ${CLIENTS} query clients flat out together
for ${capacity.seconds} s in the same run; then the soak offers ${Math.round(s.load * 100)}% of both rates for ${s.minutes} min: requests
due on a fixed schedule, at most ${IN_FLIGHT} of each kind in flight (as in the capacity phase), so a platform that cannot keep up
falls behind the schedule. Lag is the projector's
\`gpds_projector_lag_positions\` (global positions behind the store's head, about events) and memory
the platform's \`gpds_process_resident_memory_bytes\` and \`gpds_nodejs_heap_size_used_bytes\`, with the part of it
that is the ClickHouse engine's (chDB runs in the platform process): its tracked memory
\`gpds_clickhouse_memory_tracked_bytes\` and caches \`gpds_clickhouse_cache_bytes\`${
    s.store === 'embedded' ? ", and PGlite's thread's (`gpds_pglite_memory_bytes`: its WebAssembly memory, heap and external memory)" : ''
  }, read from /metrics every ${POLL_MS / 1000} s.

| phase | records/s | queries/s | projector events/s | submission p95 ms | query p95 ms | max lag | drain s |
|---|---:|---:|---:|---:|---:|---:|---:|
| capacity (flat out) | ${n(capacity.recordsPerSecond)} | ${capacity.queriesPerSecond} | ${n(capacity.projectedPerSecond)} | ${ms(capacity.submissionP95Ms)} | ${ms(capacity.queryP95Ms)} | ${n(capacity.maxLag)} | ${capacity.drainSeconds} |
| soak (target ${n(s.targetRecordsPerSecond)} records/s, ${s.targetQueriesPerSecond} queries/s) | ${n(s.recordsPerSecond)} | ${s.queriesPerSecond} | ${n(s.projectedPerSecond)} | ${ms(s.submissionP95Ms)} | ${ms(s.queryP95Ms)} | ${n(s.maxLag)} | ${s.drainSeconds} |

The platform ${s.held ? 'held' : '**did not hold**'} the load (at least 95% of both target rates answered): ${n(s.sentBatches)} of ${n(s.offeredBatches)} scheduled batches
and ${n(s.sentQueries)} of ${n(s.offeredQueries)} scheduled queries were sent before the end (at most ${IN_FLIGHT} of each kind in flight; what
was still due at the end was dropped). Soak: ${n(s.records)} records and ${n(s.queries)} queries; submission p50 ${ms(s.submissionP50Ms)} ms, query p50 ${ms(s.queryP50Ms)} ms;
query p95 by roll-up: ${Object.entries(s.queryP95MsByName)
    .map(([k, v]) => `${k} ${ms(v)} ms`)
    .join(', ')}. Ratios: achieved/target records ${round(s.recordsPerSecond / Math.max(1, s.targetRecordsPerSecond))},
queries ${round(s.queriesPerSecond / Math.max(0.01, s.targetQueriesPerSecond))}; soak/capacity p95 submissions ${round(s.submissionP95Ms / Math.max(0.01, capacity.submissionP95Ms))},
queries ${round(s.queryP95Ms / Math.max(0.01, capacity.queryP95Ms))}.

Over time (one row every ${SAMPLE_SECONDS} s; p95s and lag maximum within the interval):

| minute | records/s | queries/s | submission p95 ms | query p95 ms | slowest roll-up (p95) | lag now | lag max | RSS MB | heap MB | ClickHouse MB (caches) | PGlite MB (WebAssembly) | rest MB |
|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|
${samples.map((x) => `| ${x.minute.toFixed(1)} | ${n(x.recordsPerSecond)} | ${x.queriesPerSecond} | ${ms(x.submissionP95Ms)} | ${ms(x.queryP95Ms)} | ${x.slowestQuery} | ${n(x.lagNow)} | ${n(x.lagMax)} | ${x.rssMb} | ${x.heapMb} | ${x.engineMb} (${x.cachesMb}) | ${x.pgliteMb} (${x.pgliteWasmMb}) | ${x.restMb} |`).join('\n')}

Memory: RSS first ${s.rssFirstMb} MB, last ${s.rssLastMb} MB, max ${s.rssMaxMb} MB (last/first ${round(s.rssLastMb / Math.max(1, s.rssFirstMb))}); JS heap used
first ${s.heapFirstMb} MB, last ${s.heapLastMb} MB, max ${s.heapMaxMb} MB. Slope over the second half (least squares over the
/metrics reads): RSS ${s.rssSlopeMbPerMinute} MB/min, heap ${s.heapSlopeMbPerMinute} MB/min, ClickHouse's tracked memory ${s.engineSlopeMbPerMinute} MB/min
(first ${s.engineFirstMb} MB, last ${s.engineLastMb} MB, max ${s.engineMaxMb} MB; caches last ${s.cachesLastMb} MB), the JS heap's floor
(its least in each ${SAMPLE_SECONDS} s window: what survived collection) ${s.heapFloorSlopeMbPerMinute} MB/min; RSS over the last quarter alone
${s.rssLastQuarterSlopeMbPerMinute} MB/min; the heap V8 holds (used and free) ${s.heapTotalFirstMb} MB first, ${s.heapTotalLastMb} MB last, ${s.heapTotalSlopeMbPerMinute} MB/min${
    s.store === 'embedded'
      ? `; PGlite's thread (\`gpds_pglite_memory_bytes\`: WebAssembly memory, its heap and external memory) ${s.pgliteFirstMb} MB first, ${s.pgliteLastMb} MB last (WebAssembly ${s.pgliteWasmLastMb} MB), ${s.pgliteSlopeMbPerMinute} MB/min`
      : ''
  }; the rest (RSS less the main heap V8 holds, ClickHouse's tracked memory${s.store === 'embedded' ? " and PGlite's" : ''}: code, allocator arenas, native memory no tracker counts) ${s.restFirstMb} MB first, ${s.restLastMb} MB last, ${s.restSlopeMbPerMinute} MB/min. **Verdict: ${s.verdict}** (flat when the RSS
slope is at most ${FLAT_MB_PER_MINUTE} MB/min, which would be 1.4 GB a day).${s.minutes < 10 ? ` A ${s.minutes}-minute run: too short to judge a leak (no verdict under ${MIN_MINUTES_FOR_VERDICT} minutes); the issue's soak is 10 minutes (the default).` : ''}

Disk: ${n(s.eventsWritten)} events written during the soak grew the event store by ${n(s.eventStoreBytesPerEvent)} bytes an event (${s.store === 'embedded' ? 'the PGlite directory, WAL included' : '`pg_total_relation_size` of `event_store.events` and `event_store.streams`: heap, TOAST and indexes, no WAL'})
and the chDB directory by ${n(s.analyticsBytesPerEvent)} bytes an event (parts as written, before later merges).`;
}
