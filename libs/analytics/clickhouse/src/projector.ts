import { projectEvent, type RowsByTable } from '@gpds/analytics';
import { START, type Checkpoint, type CheckpointStore, type EventStore, type RecordedEvent, type StoreLock, type Subscription } from '@gpds/event-store';
import type { AnalyticsStore } from './analytics-client';
import { RangeLedger, flat, type CheckpointRange } from './range-ledger';
import { insertOrIsolate, type IsolationTarget } from './refused-rows';

export { insertRows } from './refused-rows';

export interface ProjectorOptions {
  readonly store: EventStore;
  readonly analytics: AnalyticsStore;
  /** The database holding the projected tables (the live one, or a rebuild's). */
  readonly database: string;
  /** Names the projector's state rows; one per database. Default 'clickhouse'. */
  readonly projectorId?: string;
  /** Rows buffered before a write (default 50,000). */
  readonly maxRows?: number;
  /** Longest a buffered row waits for its write (default 1,000 ms). */
  readonly maxDelayMs?: number;
  /** Events per read from the store (default 10,000, the store's maximum). */
  readonly readBatchSize?: number;
  readonly pollIntervalMs?: number;
  /** Told as a write begins (before its range is recorded as pending). */
  readonly onWriteStart?: (seq: number, events: number) => void;
  /** Told after every write. */
  readonly onBatch?: (batch: BatchReport) => void;
  /** Told about every failure; writes and reads are retried until they succeed or the projector stops. */
  readonly onError?: (error: unknown, attempt: number) => void;
}

export interface BatchReport {
  readonly seq: number;
  readonly events: number;
  readonly rows: number;
  readonly to: Checkpoint;
  readonly ms: number;
  /** True for a batch written again after a crash (its rows deduplicated by ClickHouse). */
  readonly replayed: boolean;
}

export interface ProjectorStatus {
  readonly running: boolean;
  /** Everything up to here is in ClickHouse (or produced no rows). */
  readonly position: Checkpoint;
  readonly eventsProjected: number;
  readonly rowsWritten: number;
  readonly batches: number;
  /** Rows ClickHouse refused (kept in projection_errors with their event position and reason). */
  readonly rowsRefused: number;
  readonly lastBatchAt: string | null;
  readonly lastError: string | null;
}

const MAX_BACKOFF_MS = 5_000;

/** Another projector is writing the same analytics database: two would write the same facts twice. */
export class ProjectorAlreadyRunningError extends Error {
  constructor(
    readonly database: string,
    readonly projectorId: string,
  ) {
    super(
      `Another projector ('${projectorId}') is already writing ClickHouse database '${database}' from this event store: ` +
        'run one projector per analytics database. Stop the other one, or start this process with PROJECTOR=off ' +
        '(the platform) if a separate projector process (npm run projector) is meant to do the writing.',
    );
    this.name = 'ProjectorAlreadyRunningError';
  }
}

/**
 * Follows the event store into ClickHouse with exactly-once effect.
 *
 * Each write covers a range (from, to] of the store's commit order. Before writing, the range is
 * recorded as `pending` in `projector_state`; every table's rows then go in with
 * `insert_deduplication_token = <range>:<table>`; then the range is recorded `done`. After a crash
 * the last `pending` range is read again from the store (a range in commit order never changes)
 * and written again with the same tokens: what had already reached a table is dropped by
 * ClickHouse's deduplication, also in the materialized views fed by it
 * (`deduplicate_blocks_in_dependent_materialized_views`), and what had not is written. The
 * checkpoint lives beside the data, so dropping or swapping the tables moves it with them.
 *
 * The range ledger (`projector_state`) is in range-ledger.ts; the isolation of rows ClickHouse
 * refuses (`projection_errors`) in refused-rows.ts.
 */
export class Projector {
  private readonly id: string;
  private readonly maxRows: number;
  private readonly maxDelayMs: number;
  private readonly ledger: RangeLedger;
  private readonly isolation: IsolationTarget;
  private subscription: Subscription | null = null;
  private lock: StoreLock | null = null;
  private timer: NodeJS.Timeout | null = null;
  private durable: Checkpoint = START;
  private readEnd: Checkpoint = START;
  private seq = 0;
  private staged: RecordedEvent[] = [];
  private buffer: RowsByTable = new Map();
  private bufferRows = 0;
  private bufferEvents = 0;
  private bufferSince = 0;
  /** A write has taken the buffer and not finished: its rows are not yet known to be in. */
  private writing = false;
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  private stats = { events: 0, rows: 0, batches: 0, refused: 0, lastBatchAt: null as string | null, lastError: null as string | null };

  constructor(private readonly options: ProjectorOptions) {
    this.id = options.projectorId ?? 'clickhouse';
    this.maxRows = options.maxRows ?? 50_000;
    this.maxDelayMs = options.maxDelayMs ?? 1_000;
    this.ledger = new RangeLedger(options.analytics, options.database, this.id);
    this.isolation = {
      analytics: options.analytics,
      database: options.database,
      refused: (error) => {
        this.stats.refused++;
        this.options.onError?.(error, 1);
      },
    };
  }

  /** Finishes a write a crash interrupted, then follows the store from the recorded position. */
  async start(): Promise<void> {
    if (this.subscription || this.lock) throw new Error(`Projector '${this.id}' on ${this.options.database} is already running`);
    // One writer per analytics database, across processes: two projectors would batch the same
    // events differently, so their deduplication tokens would not match and facts would count twice.
    // The lock is named after the database's UUID, which no other spelling of its address shares.
    const lock = await this.options.store.tryLock(`projector:${await this.databaseIdentity()}:${this.id}`);
    if (!lock) throw new ProjectorAlreadyRunningError(this.options.database, this.id);
    this.lock = lock;
    try {
      await this.follow();
    } catch (error) {
      this.lock = null;
      await lock.release();
      throw error;
    }
  }

  private async follow(): Promise<void> {
    this.stopping = false;
    this.durable = await this.recover();
    this.readEnd = this.durable;
    const checkpoints: CheckpointStore = {
      load: async () => this.durable,
      save: async (_id, checkpoint) => this.accept(checkpoint),
    };
    this.subscription = this.options.store.subscribe({
      // The whole log, unfiltered: events of types no table needs are skipped in memory, which
      // costs less than a filtered read (it cannot walk the commit-order index).
      subscriberId: `projector:${this.options.database}:${this.id}`,
      from: this.durable,
      batchSize: this.options.readBatchSize ?? 10_000,
      pollIntervalMs: this.options.pollIntervalMs,
      checkpoints,
      handler: async (events) => {
        this.staged = events;
      },
      onError: (error, attempt) => this.failed(error, attempt),
    });
    this.timer = setInterval(
      () => {
        if (this.bufferEvents > 0 && Date.now() - this.bufferSince >= this.maxDelayMs) void this.flush().catch(() => undefined);
      },
      Math.max(10, Math.floor(this.maxDelayMs / 4)),
    );
    this.timer.unref();
  }

  /** Writes what is buffered and stops following. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
    await this.flush().catch(() => undefined);
    const lock = this.lock;
    this.lock = null;
    await lock?.release();
  }

  /** The database's UUID (Atomic databases have one), else its name. */
  private async databaseIdentity(): Promise<string> {
    const result = await this.options.analytics.client.query({
      query: 'SELECT toString(uuid) AS uuid FROM system.databases WHERE name = {name:String}',
      query_params: { name: this.options.database },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ uuid: string }>();
    return row && row.uuid !== '00000000-0000-0000-0000-000000000000' ? row.uuid : this.options.database;
  }

  /** Resolves once every event committed before the call is in ClickHouse. */
  async waitUntilCaughtUp(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.subscription) throw new Error(`Projector '${this.id}' on ${this.options.database} is not running`);
    await this.subscription.waitUntilCaughtUp(options);
    await this.flush();
  }

  /** Fails when the subscription gave up (a handler error it could not retry past). */
  get done(): Promise<void> {
    return this.subscription?.done ?? Promise.resolve();
  }

  status(): ProjectorStatus {
    return {
      running: this.subscription !== null,
      position: this.bufferEvents === 0 && this.staged.length === 0 && !this.writing ? this.readEnd : this.durable,
      eventsProjected: this.stats.events,
      rowsWritten: this.stats.rows,
      batches: this.stats.batches,
      rowsRefused: this.stats.refused,
      lastBatchAt: this.stats.lastBatchAt,
      lastError: this.stats.lastError,
    };
  }

  /** The subscription hands over a handled batch: buffer its rows; write when the buffer is full. */
  private async accept(checkpoint: Checkpoint): Promise<void> {
    const events = this.staged;
    this.staged = [];
    if (events.length > 0 && this.bufferEvents === 0) this.bufferSince = Date.now();
    for (const event of events) this.bufferRows += projectEvent(event, this.buffer);
    this.bufferEvents += events.length;
    this.readEnd = checkpoint;
    if (this.bufferRows >= this.maxRows) {
      // Back-pressure with one write in flight: the next buffer fills while the last one is
      // written, and the subscription waits only when both are full.
      await this.chain;
      void this.flush().catch(() => undefined);
    }
  }

  private flush(): Promise<void> {
    const next = this.chain.then(() => this.writeBuffer());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async writeBuffer(): Promise<void> {
    if (this.bufferEvents === 0) {
      return;
    }
    const range = { from: this.durable, to: this.readEnd };
    const rows = this.buffer;
    const events = this.bufferEvents;
    const rowCount = this.bufferRows;
    this.buffer = new Map();
    this.bufferRows = 0;
    this.bufferEvents = 0;
    const seq = ++this.seq;
    const started = Date.now();
    this.options.onWriteStart?.(seq, events);
    this.writing = true;
    try {
      await this.retrying(async () => {
        await this.ledger.writeState({ seq, status: 'pending', ...flat(range), events, rows: rowCount });
        await this.writeRows(range, rows);
        await this.ledger.writeState({ seq, status: 'done', ...flat(range), events, rows: rowCount });
      });
      this.durable = range.to;
    } finally {
      this.writing = false;
    }
    this.stats.events += events;
    this.stats.rows += rowCount;
    this.stats.batches++;
    this.stats.lastBatchAt = new Date().toISOString();
    this.stats.lastError = null;
    this.options.onBatch?.({ seq, events, rows: rowCount, to: range.to, ms: Date.now() - started, replayed: false });
  }

  private async writeRows(range: CheckpointRange, rows: RowsByTable): Promise<void> {
    const token = `${range.from.transactionId}.${range.from.globalPosition}-${range.to.transactionId}.${range.to.globalPosition}`;
    await Promise.all([...rows].map(([table, values]) => insertOrIsolate(this.isolation, table, values, `${token}:${table}`)));
  }

  /** The last recorded range: done -> resume after it; pending -> write it again first. */
  private recover(): Promise<Checkpoint> {
    return this.ledger.recover({
      store: this.options.store,
      resume: (seq) => {
        this.seq = seq;
      },
      writeRows: (range, rows) => this.writeRows(range, rows),
      retrying: (work) => this.retrying(work),
      replayed: (report) => this.options.onBatch?.({ ...report, replayed: true }),
    });
  }

  private async retrying(work: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return;
      } catch (error) {
        this.failed(error, attempt);
        if (this.stopping && attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** (attempt - 1), MAX_BACKOFF_MS)));
      }
    }
  }

  private failed(error: unknown, attempt: number): void {
    this.stats.lastError = error instanceof Error ? error.message : String(error);
    this.options.onError?.(error, attempt);
  }
}
