import {
  Subscriptions,
  InvalidAppendError,
  MAX_EVENTS_PER_APPEND,
  START,
  UpcasterRegistry,
  WrongExpectedVersionError,
  compareCheckpoints,
  assertValidExpectedVersion,
  assertValidStreamId,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type CheckpointStore,
  type EventStore,
  type EventToAppend,
  type ReadAllBatch,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoreLock,
  type StreamAppend,
  type Subscription,
  type SubscriptionOptions,
  type SubscriptionSource,
} from '@gpds/event-store';
import { APPEND_CHANNEL, appendInTransaction, versionIn } from './append/append-transaction';
import { prepareEvents } from './append/prepare-events';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { sqlConstraint, sqlState, type SqlDatabase } from './sql/sql-database';

export { APPEND_CHANNEL };

const MAX_READ_BATCH = 10_000;
const APPEND_ATTEMPTS = 3;

export interface PostgresEventStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  readonly checkpoints?: CheckpointStore;
}

interface EventRow {
  global_position: string | number | bigint;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: string | number | bigint;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: string;
}

const EVENT_COLUMNS = `e.global_position, e.transaction_id::text AS transaction_id, e.event_id::text AS event_id,
  e.stream_id, e.stream_version, e.event_type, e.schema_version, e.data, e.metadata,
  to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at`;

/**
 * The event store on PostgreSQL: the same SQL on the server (`pg`) and embedded (PGlite).
 * See docs/event-store.md for the schema, the ordering guarantee and the idempotency rules.
 */
export class PostgresEventStore implements EventStore, SubscriptionSource {
  private readonly upcasters: UpcasterRegistry;
  private readonly checkpoints: CheckpointStore;
  private readonly subscriptions = new Subscriptions();
  private unlisten: Promise<() => Promise<void>> | null = null;
  private closed = false;
  /** The last append met ids already stored: the next one looks for its ids before inserting. */
  private expectStored = false;

  constructor(
    readonly db: SqlDatabase,
    options: PostgresEventStoreOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.checkpoints = options.checkpoints ?? new PostgresCheckpointStore(db);
  }

  async appendToStream(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedVersion: options.expectedVersion }]);
    return result!;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (!Array.isArray(appends) || appends.length === 0) throw new InvalidAppendError('Nothing to append: give at least one stream');
    const seenStreams = new Set<string>();
    let total = 0;
    const prepared = appends.map(({ streamId, events, expectedVersion }) => {
      assertValidStreamId(streamId);
      assertValidExpectedVersion(expectedVersion);
      if (seenStreams.has(streamId)) throw new InvalidAppendError(`Stream '${streamId}' appears twice in one append: merge its events`);
      seenStreams.add(streamId);
      if (!Array.isArray(events) || events.length === 0) throw new InvalidAppendError(`Nothing to append to '${streamId}': give at least one event`);
      total += events.length;
      return { streamId, expectedVersion, ...prepareEvents(streamId, events) };
    });
    if (total > MAX_EVENTS_PER_APPEND) throw new InvalidAppendError(`${total} events in one append: at most ${MAX_EVENTS_PER_APPEND}`);
    // New events are the common case, so an append does not look for its ids among the stored
    // events first: the unique index on event_id checks them as they are inserted. When one is
    // stored already (a resubmission, or another writer's append of the same id committed first),
    // that insert fails, nothing is kept, and the append runs again looking first, which tells
    // duplicates from conflicts. After an append that met stored ids the next one looks first too.
    const optimistic = !this.expectStored;
    for (let attempt = 1; ; attempt++) {
      const lookFirst = !optimistic || attempt > 1;
      try {
        const { results, metStored } = await this.db.transaction((tx) => appendInTransaction(tx, prepared, lookFirst));
        this.expectStored = metStored;
        return results;
      } catch (error) {
        const storedAlready = sqlState(error) === '23505' && sqlConstraint(error) === 'events_event_id_unique';
        // An identical resubmission is a duplicate whatever version it expected: a version
        // conflict met without looking first is looked at again.
        const unlookedConflict = error instanceof WrongExpectedVersionError && !lookFirst;
        if (!(storedAlready || unlookedConflict) || attempt >= APPEND_ATTEMPTS + (optimistic ? 1 : 0)) throw error;
        if (storedAlready) this.expectStored = true;
      }
    }
  }

  async readEvent(eventId: string): Promise<RecordedEvent | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(eventId)) return null;
    const rows = await this.db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event_store.events e WHERE e.event_id = $1::uuid`, [eventId]);
    return rows[0] ? this.toRecorded(rows[0]) : null;
  }

  streamVersion(streamId: string): Promise<number> {
    return versionIn(this.db, streamId);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromVersion ?? (backwards ? Number.MAX_SAFE_INTEGER : 1);
    const limit = options.maxCount ?? null;
    if (limit !== null && (!Number.isInteger(limit) || limit < 0)) throw new InvalidAppendError(`maxCount ${limit} must be a whole number >= 0`);
    const rows = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events e
        WHERE e.stream_id = $1 AND ${backwards ? 'e.stream_version <= $2' : 'e.stream_version >= $2'}
        ORDER BY e.stream_version ${backwards ? 'DESC' : 'ASC'}
        LIMIT $3`,
      [streamId, from, limit],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    const after = options.after ?? START;
    const limit = options.limit ?? 1_000;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_BATCH) {
      throw new InvalidAppendError(`limit ${limit} is out of range: use 1..${MAX_READ_BATCH}`);
    }
    // Only transactions below the snapshot's xmin have all finished: an event of a transaction
    // still in flight may hold a lower position, so nothing at or above xmin is read yet.
    const rows = await this.db.query<EventRow & { visible_below: string; has_event: boolean }>(
      `WITH snap AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
       SELECT snap.xmin::text AS visible_below, e.global_position IS NOT NULL AS has_event, ${EVENT_COLUMNS}
         FROM snap
         LEFT JOIN LATERAL event_store.read_all($1::text::xid8, $2::bigint, $3::text[], $4::text[], $5::integer, snap.xmin) e ON true`,
      [String(after.transactionId), after.globalPosition, options.types ?? null, options.categories ?? null, limit],
    );
    const visibleBelow = Number(rows[0]?.visible_below ?? 0);
    const events = rows.filter((r) => r.has_event).map((row) => this.toRecorded(row));
    // read_all returns its rows in commit order and PostgreSQL keeps a function scan's order when
    // it is joined to one row, but SQL does not promise that: the order is checked (and restored
    // if ever needed) here rather than sorted again in the database, where sorting 10,000 wide
    // rows spilled to disk and took a third of the read.
    if (!inCommitOrder(events)) events.sort((a, b) => compareCheckpoints(a, b));
    const last = events.at(-1);
    let checkpoint: Checkpoint = last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after;
    const filtered = (options.types?.length ?? 0) > 0 || (options.categories?.length ?? 0) > 0;
    if (filtered && events.length < limit) {
      // Every transaction below the bound has been scanned: a filtered reader moves past the
      // events it skipped, so its next read does not scan them again. Nothing is lost: any event
      // still to come belongs to a transaction at or above the bound.
      const scanned: Checkpoint = { transactionId: visibleBelow - 1, globalPosition: Number.MAX_SAFE_INTEGER };
      if (compareCheckpoints(scanned, checkpoint) > 0) checkpoint = scanned;
    }
    return { events, checkpoint, visibleBelow };
  }

  async head(): Promise<Checkpoint> {
    const rows = await this.db.query<{ transaction_id: string; global_position: string | number }>(
      // Order by the xid8 column itself, not its text alias ('9999' sorts after '16103').
      `SELECT e.transaction_id::text AS transaction_id, e.global_position FROM event_store.events e
        ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
    );
    const row = rows[0];
    return row ? { transactionId: Number(row.transaction_id), globalPosition: Number(row.global_position) } : START;
  }

  async tryLock(name: string): Promise<StoreLock | null> {
    if (this.closed) throw new Error('The event store is closed');
    const release = await this.db.tryLock(`gpds:${name}`);
    return release ? { release } : null;
  }

  subscribe(options: SubscriptionOptions): Subscription {
    if (this.closed) throw new Error('The event store is closed');
    return this.subscriptions.start(this, options.checkpoints ?? this.checkpoints, options);
  }

  async waitForAppend(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.closed) return;
    this.unlisten ??= this.db.listen(APPEND_CHANNEL, () => this.subscriptions.wakeAll());
    try {
      await this.unlisten;
    } catch {
      // No LISTEN (e.g. a pooler in transaction mode): polling alone still delivers everything.
    }
    await this.subscriptions.waitForWake(timeoutMs, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.stopAll();
    if (this.unlisten) {
      const stop = await this.unlisten.catch(() => null);
      await stop?.().catch(() => undefined);
    }
  }

  private toRecorded(row: EventRow): RecordedEvent {
    const { schemaVersion, data } = this.upcasters.upcast(row.event_type, row.schema_version, row.data);
    const m = row.metadata;
    return {
      eventId: row.event_id,
      globalPosition: Number(row.global_position),
      transactionId: Number(row.transaction_id),
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      type: row.event_type,
      schemaVersion,
      storedSchemaVersion: row.schema_version,
      data,
      metadata: { ...(m as object), recordedAt: row.recorded_at } as RecordedEvent['metadata'],
    };
  }
}

function inCommitOrder(events: readonly RecordedEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (compareCheckpoints(events[i - 1]!, events[i]!) >= 0) return false;
  return true;
}
