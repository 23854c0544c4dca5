import {
  CatchUpSubscription,
  EventIdConflictError,
  InvalidAppendError,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_APPEND,
  START,
  UpcasterRegistry,
  WrongExpectedVersionError,
  assertValidEvent,
  compareCheckpoints,
  assertValidExpectedVersion,
  assertValidStreamId,
  canonicalJson,
  contentHashOf,
  eventIdFromSource,
  streamCategory,
  type AppendOptions,
  type AppendResult,
  type AppendedEventStatus,
  type Checkpoint,
  type CheckpointStore,
  type EventStore,
  type EventToAppend,
  type ExpectedVersion,
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
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { sqlConstraint, sqlState, type SqlDatabase, type SqlQueryable } from './sql/sql-database';

export const APPEND_CHANNEL = 'event_store_appended';
const MAX_READ_BATCH = 10_000;
const APPEND_ATTEMPTS = 3;

export interface PostgresEventStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  readonly checkpoints?: CheckpointStore;
}

interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly occurredAt: string;
  readonly hash: string;
}

interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly unique: PreparedEvent[];
  readonly statuses: string[];
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

// Lone UTF-16 surrogates and NUL survive JSON.stringify as escapes that PostgreSQL's jsonb rejects.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/**
 * The event store on PostgreSQL: the same SQL on the server (`pg`) and embedded (PGlite).
 * See docs/event-store.md for the schema, the ordering guarantee and the idempotency rules.
 */
export class PostgresEventStore implements EventStore, SubscriptionSource {
  private readonly upcasters: UpcasterRegistry;
  private readonly checkpoints: CheckpointStore;
  private readonly subscriptions = new Set<Subscription>();
  private readonly appendWaiters = new Set<() => void>();
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
      return { streamId, expectedVersion, ...this.prepare(streamId, events) };
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
        const { results, metStored } = await this.db.transaction((tx) => this.appendInTransaction(tx, prepared, lookFirst));
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

  private prepare(streamId: string, events: readonly EventToAppend[]): { unique: PreparedEvent[]; statuses: string[] } {
    const byId = new Map<string, PreparedEvent>();
    const unique: PreparedEvent[] = [];
    const ids: string[] = [];
    events.forEach((event, index) => {
      assertValidEvent(event, index);
      const eventId = event.eventId ?? eventIdFromSource(event.metadata.source);
      // Canonical text: hashed for idempotency and stored as it is (jsonb does not keep key order anyway).
      const data = canonicalJson(event.data);
      const m = event.metadata;
      const metadata = JSON.stringify({
        occurredAt: m.occurredAt,
        source: { system: m.source.system, recordId: m.source.recordId, ...(m.source.owner !== undefined ? { owner: m.source.owner } : {}) },
        actor: m.actor,
        correlationId: m.correlationId,
        causationId: m.causationId,
      });
      if (data.length + metadata.length > MAX_EVENT_BYTES) {
        throw new InvalidAppendError(`event ${index}: ${data.length + metadata.length} bytes of JSON, at most ${MAX_EVENT_BYTES}`, index);
      }
      if (UNSTORABLE_ESCAPE.test(data) || UNSTORABLE_ESCAPE.test(metadata)) {
        throw new InvalidAppendError(`event ${index}: text contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored`, index);
      }
      const prepared: PreparedEvent = {
        eventId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data,
        metadata,
        occurredAt: new Date(m.occurredAt).toISOString(),
        hash: contentHashOf(streamId, event, data),
      };
      const seen = byId.get(eventId);
      if (seen) {
        if (seen.hash !== prepared.hash) {
          throw new EventIdConflictError(eventId, streamId, null, streamId, `appears twice in one append with different content (events ${ids.indexOf(eventId)} and ${index})`);
        }
      } else {
        byId.set(eventId, prepared);
        unique.push(prepared);
      }
      ids.push(eventId);
    });
    return { unique, statuses: ids };
  }

  private async appendInTransaction(
    tx: SqlQueryable,
    appends: readonly PreparedAppend[],
    lookFirst: boolean,
  ): Promise<{ results: AppendResult[]; metStored: boolean }> {
    const stored = lookFirst
      ? await tx.query<{ event_id: string; content_hash: string; stream_id: string; global_position: string | number }>(
          `SELECT event_id::text AS event_id, content_hash, stream_id, global_position
             FROM event_store.events WHERE event_id = ANY($1::uuid[])`,
          [appends.flatMap((a) => a.unique.map((e) => e.eventId))],
        )
      : [];
    const storedById = new Map(stored.map((row) => [row.event_id, row]));
    const claimedIds = new Map<string, { hash: string; streamId: string }>();
    const plans = appends.map((append) => {
      const fresh: PreparedEvent[] = [];
      for (const event of append.unique) {
        const row = storedById.get(event.eventId);
        const claimed = claimedIds.get(event.eventId);
        if (row && row.content_hash !== event.hash) {
          throw new EventIdConflictError(event.eventId, row.stream_id, Number(row.global_position), append.streamId);
        }
        if (claimed && claimed.hash !== event.hash) {
          throw new EventIdConflictError(event.eventId, claimed.streamId, null, append.streamId, `is also given for stream '${claimed.streamId}' in the same append`);
        }
        if (!row) fresh.push(event);
        claimedIds.set(event.eventId, { hash: event.hash, streamId: append.streamId });
      }
      const freshIds = new Set(fresh.map((e) => e.eventId));
      const firstSeen = new Set<string>();
      const perEvent = append.statuses.map((eventId) => {
        const status: AppendedEventStatus = freshIds.has(eventId) && !firstSeen.has(eventId) ? 'appended' : 'duplicate';
        firstSeen.add(eventId);
        return { eventId, status };
      });
      return { append, fresh, perEvent, version: 0 };
    });

    // Versions: streams expecting 'any' in one statement, the others one by one (each checked).
    const writing = plans.filter((p) => p.fresh.length > 0);
    const anyVersion = writing.filter((p) => p.append.expectedVersion === 'any');
    if (anyVersion.length > 0) {
      const rows = await tx.query<{ stream_id: string; version: string | number }>(
        `INSERT INTO event_store.streams (stream_id, category, version)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (stream_id) DO UPDATE SET version = event_store.streams.version + EXCLUDED.version, updated_at = now()
         RETURNING stream_id, version`,
        [anyVersion.map((p) => p.append.streamId), anyVersion.map((p) => streamCategory(p.append.streamId)), anyVersion.map((p) => p.fresh.length)],
      );
      const versions = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
      for (const p of anyVersion) p.version = versions.get(p.append.streamId)!;
    }
    for (const p of writing) {
      if (p.append.expectedVersion !== 'any') p.version = await this.claimVersions(tx, p.append.streamId, p.fresh.length, p.append.expectedVersion);
    }

    const lastPositions = new Map<string, number>();
    if (writing.length > 0) {
      // One JSON document carries every event: PostgreSQL parses it once, and the already
      // serialised data and metadata are spliced in as they are (no array-literal escaping).
      let ord = 0;
      const rows = writing
        .flatMap((p) => {
          const streamId = JSON.stringify(p.append.streamId);
          const category = JSON.stringify(streamCategory(p.append.streamId));
          const first = p.version - p.fresh.length;
          return p.fresh.map(
            (e, i) =>
              `{"ord":${ord++},"event_id":"${e.eventId}","stream_id":${streamId},"category":${category},"stream_version":${first + i + 1},"event_type":"${e.type}",` +
              `"schema_version":${e.schemaVersion},"data":${e.data},"metadata":${e.metadata},"occurred_at":"${e.occurredAt}","content_hash":"${e.hash}"}`,
          );
        })
        .join(',');
      const inserted = await tx.query<{ stream_id: string; last_position: string | number }>(
        `WITH ins AS (
           INSERT INTO event_store.events
             (event_id, stream_id, stream_version, category, event_type, schema_version, data, metadata, occurred_at, content_hash)
           SELECT r.event_id, r.stream_id, r.stream_version, r.category, r.event_type, r.schema_version, r.data, r.metadata, r.occurred_at, r.content_hash
             FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, stream_id text, category text, stream_version bigint,
                                                      event_type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz, content_hash text, ord bigint)
            ORDER BY r.ord
           RETURNING stream_id, global_position),
         per_stream AS (SELECT stream_id, max(global_position) AS last_position FROM ins GROUP BY stream_id)
         SELECT stream_id, last_position, pg_notify('${APPEND_CHANNEL}', (SELECT max(last_position) FROM per_stream)::text)
           FROM per_stream`,
        [`[${rows}]`],
      );
      for (const row of inserted) lastPositions.set(row.stream_id, Number(row.last_position));
    }

    const results: AppendResult[] = [];
    for (const p of plans) {
      if (p.fresh.length === 0) {
        // An identical resubmission: nothing to write, whatever the stream's version is now.
        results.push({ status: 'duplicate', streamId: p.append.streamId, nextExpectedVersion: await this.versionIn(tx, p.append.streamId), lastGlobalPosition: null, events: p.perEvent });
      } else {
        results.push({ status: 'appended', streamId: p.append.streamId, nextExpectedVersion: p.version, lastGlobalPosition: lastPositions.get(p.append.streamId) ?? null, events: p.perEvent });
      }
    }
    return { results, metStored: stored.length > 0 };
  }

  /** Moves the stream's version on by `count` if it is what the writer expected; returns the new version. */
  private async claimVersions(tx: SqlQueryable, streamId: string, count: number, expected: ExpectedVersion): Promise<number> {
    let rows: Array<{ version: string | number }>;
    if (expected === 'any') {
      rows = await tx.query(
        `INSERT INTO event_store.streams (stream_id, category, version) VALUES ($1, $2, $3)
         ON CONFLICT (stream_id) DO UPDATE SET version = event_store.streams.version + $3, updated_at = now()
         RETURNING version`,
        [streamId, streamCategory(streamId), count],
      );
    } else if (expected === 'no_stream' || expected === 0) {
      rows = await tx.query(
        `INSERT INTO event_store.streams (stream_id, category, version) VALUES ($1, $2, $3)
         ON CONFLICT (stream_id) DO NOTHING RETURNING version`,
        [streamId, streamCategory(streamId), count],
      );
    } else if (expected === 'stream_exists') {
      rows = await tx.query(
        `UPDATE event_store.streams SET version = version + $2, updated_at = now() WHERE stream_id = $1 RETURNING version`,
        [streamId, count],
      );
    } else {
      rows = await tx.query(
        `UPDATE event_store.streams SET version = version + $3, updated_at = now()
          WHERE stream_id = $1 AND version = $2 RETURNING version`,
        [streamId, expected, count],
      );
    }
    const row = rows[0];
    if (!row) throw new WrongExpectedVersionError(streamId, expected, await this.versionIn(tx, streamId));
    return Number(row.version);
  }

  private async versionIn(q: SqlQueryable, streamId: string): Promise<number> {
    const rows = await q.query<{ version: string | number }>('SELECT version FROM event_store.streams WHERE stream_id = $1', [streamId]);
    return rows[0] ? Number(rows[0].version) : 0;
  }

  streamVersion(streamId: string): Promise<number> {
    return this.versionIn(this.db, streamId);
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
    const subscription = new CatchUpSubscription(this, options.checkpoints ?? this.checkpoints, options);
    this.subscriptions.add(subscription);
    void subscription.done.finally(() => this.subscriptions.delete(subscription)).catch(() => undefined);
    return subscription;
  }

  async waitForAppend(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.closed) return;
    this.unlisten ??= this.db.listen(APPEND_CHANNEL, () => this.wakeAll());
    try {
      await this.unlisten;
    } catch {
      // No LISTEN (e.g. a pooler in transaction mode): polling alone still delivers everything.
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.appendWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.appendWaiters.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.appendWaiters]) wake();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.wakeAll();
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
