import {
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  STREAM_STATE,
  jsonEvent,
  type AllStreamSubscription,
  type AppendStreamRequest,
  type AppendStreamState,
  type EventData,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import {
  Subscriptions,
  EventIdConflictError,
  InvalidAppendError,
  MAX_EVENTS_PER_APPEND,
  START,
  UpcasterRegistry,
  WrongExpectedVersionError,
  assertValidExpectedVersion,
  assertValidStreamId,
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
import { decodeRecorded, prepareEvents, toEventData, type PreparedEvent, type StoredRecord } from './event-codec';
import { KurrentDbCheckpointStore } from './kurrentdb-checkpoint-store';
import { isUnsupported, readLast, readRecords, recordOf, versionConflictsOf, type VersionConflict } from './kurrent-io';
import { LeaseLocks, type LeaseOptions } from './lease-locks';
import {
  DOMAIN_FILTER,
  batchProgress,
  checkpointOf,
  claimStreamOf,
  isClaimStream,
  needsCurrentVersion,
  positionOf,
  readFilter,
  recordsAfter,
  resolveExpected,
  revisionOfVersion,
  versionOfState,
} from './mapping';

const MAX_READ_BATCH = 10_000;
/** Appends planned again after a conflict: every look at the claims finds at least one more stored id, so this bounds only 'any' under contention. */
const APPEND_ATTEMPTS = 50;
/** Reads in flight at once when looking up many claims or versions. */
const READ_CONCURRENCY = 32;
export const CLAIM_EVENT_TYPE = 'gpds-id-claimed';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface KurrentDbEventStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  /** Where subscriptions keep checkpoints by default: `_gpds-checkpoints-<subscriber>` streams. */
  readonly checkpoints?: CheckpointStore;
  /** tryLock's leases (time to live, what to tell when one is lost). */
  readonly leases?: LeaseOptions;
  /** Named in errors: the server's address with its password hidden. */
  readonly serverLabel?: string;
}

/** Where an event id is stored: written in the same transaction as the event, in `_gpds-ids-<eventId>`. */
interface Claim {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly hash: string;
}

/** One stream's part of an atomic append: its events and the state it must be in. */
interface AtomicWrite {
  readonly streamName: string;
  readonly expectedState: AppendStreamState;
  readonly events: readonly EventData[];
}

interface Plan {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly unique: PreparedEvent[];
  readonly statuses: string[];
}

/** The server is older than the adapter needs: say which version and what to do. */
export class KurrentDbVersionError extends Error {
  readonly code = 'KURRENTDB_VERSION';
  constructor(server: string, cause: unknown) {
    super(
      `KurrentDB at ${server} cannot append to several streams in one transaction (appendRecords or the multi-stream append: KurrentDB 25.1 or later). ` +
        'The platform needs it for every append: each event id is claimed in a stream of its own, in the same transaction as the event, ' +
        'so ids stay unique across the whole store and a resubmission is answered duplicate or conflict. ' +
        'Upgrade the server to KurrentDB 25.1 or later, or use PostgreSQL (EVENT_STORE_URL=postgres://...)',
      { cause },
    );
    this.name = 'KurrentDbVersionError';
  }
}

/**
 * The event store on KurrentDB (`@kurrent/kurrentdb-client`), behind the same port as the
 * PostgreSQL store and held to the same contract suite where a server runs
 * (event-store.kurrentdb.servers.spec.ts). How each rule maps onto KurrentDB, and the limits,
 * are in docs/event-store.md, "KurrentDB". The client is the caller's: close() leaves it open.
 */
export class KurrentDbEventStore implements EventStore, SubscriptionSource {
  private readonly upcasters: UpcasterRegistry;
  private readonly checkpoints: CheckpointStore;
  private readonly leases: LeaseLocks;
  private readonly server: string;
  private readonly subscriptions = new Subscriptions();
  private notifier: AllStreamSubscription | null = null;
  /** Which atomic append the server has: unknown until the first append. */
  private atomicAppend: 'records' | 'session' | null = null;
  private closed = false;

  constructor(
    readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.checkpoints = options.checkpoints ?? new KurrentDbCheckpointStore(client);
    this.leases = new LeaseLocks(client, options.leases);
    this.server = options.serverLabel ?? 'the configured server';
  }

  async appendToStream(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedVersion: options.expectedVersion }]);
    return result as AppendResult;
  }

  /**
   * One atomic append per attempt: every stream's new events, each checked against its expected
   * revision, and one claim stream per new event id, expected not to exist. A claim that exists
   * makes the whole append fail; the claims are then read, stored ids with the same content are
   * dropped as duplicates, other content is a conflict, and the rest is appended again.
   */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    this.assertOpen();
    const plans = this.plan(appends);
    const stored = new Map<string, Claim>();
    let looked = false;
    for (let attempt = 1; ; attempt++) {
      const fresh = await this.freshEvents(plans, stored);
      const writing = plans.flatMap((plan) => {
        const events = fresh.get(plan.streamId) ?? [];
        return events.length > 0 ? [{ plan, events }] : [];
      });
      if (writing.length === 0) return this.results(plans, fresh, new Map());
      try {
        const current = await mapLimit(writing, ({ plan }) =>
          needsCurrentVersion(plan.expectedVersion) ? this.streamVersion(plan.streamId) : Promise.resolve(null),
        );
        const steps = writing.map(({ plan, events }, i) => ({ plan, events, ...resolveExpected(plan.streamId, plan.expectedVersion, current[i] ?? null) }));
        const writes: AtomicWrite[] = steps.map((step) => ({
          streamName: step.plan.streamId,
          expectedState: step.state,
          events: step.events.map(toEventData),
        }));
        for (const { plan, events, startVersion } of steps) {
          events.forEach((event, i) => {
            const claim: Claim = { streamId: plan.streamId, streamVersion: startVersion + i + 1, hash: event.hash };
            writes.push({
              streamName: claimStreamOf(event.eventId),
              expectedState: NO_STREAM,
              events: [jsonEvent({ type: CLAIM_EVENT_TYPE, data: { ...claim } })],
            });
          });
        }
        await this.appendAtomically(writes);
        return this.results(plans, fresh, new Map(steps.map((step) => [step.plan.streamId, step])));
      } catch (error) {
        const conflicts: VersionConflict[] | null =
          error instanceof WrongExpectedVersionError ? [{ streamName: error.streamId, actual: undefined }] : versionConflictsOf(error);
        if (!conflicts) throw error;
        if (attempt >= APPEND_ATTEMPTS) {
          const streams = writing.map(({ plan }) => `'${plan.streamId}'`).join(', ');
          throw new Error(`Append to ${streams} gave up after ${attempt} attempts: other writers kept moving the streams; try again`, { cause: error });
        }
        // An identical resubmission is a duplicate whatever version it expected, and a stored id
        // with other content is a conflict before any version question: look at the claims first.
        if (!looked || conflicts.some((c) => isClaimStream(c.streamName))) {
          await this.lookUpClaims(plans, stored);
          looked = true;
          continue;
        }
        const plan = plans.find((p) => conflicts.some((c) => c.streamName === p.streamId));
        const conflict = conflicts.find((c) => c.streamName === plan?.streamId);
        if (!plan || !conflict) throw error;
        // 'any' and 'stream_exists' were pinned to the version read: another writer moved the stream since. Plan again.
        if (needsCurrentVersion(plan.expectedVersion) && !(error instanceof WrongExpectedVersionError)) {
          await sleep(Math.min(2 ** attempt, 50) * Math.random());
          continue;
        }
        const actual = conflict.actual === undefined ? await this.streamVersion(plan.streamId) : versionOfState(conflict.actual);
        throw new WrongExpectedVersionError(plan.streamId, plan.expectedVersion, actual);
      }
    }
  }

  /**
   * Writes to several streams in one transaction, each checked against its expected state:
   * appendRecords (KurrentDB 26.1+) where the server has it, else the multi-stream append session
   * (25.1+); the API that worked is remembered. Older servers have neither: the error says what to do.
   */
  private async appendAtomically(writes: readonly AtomicWrite[]): Promise<void> {
    if (this.atomicAppend !== 'session') {
      try {
        await this.client.appendRecords(
          writes.flatMap((w) => w.events.map((record) => ({ streamName: w.streamName, record }))),
          writes.map((w) => ({ type: STREAM_STATE, streamName: w.streamName, expectedState: w.expectedState })),
        );
        this.atomicAppend = 'records';
        return;
      } catch (error) {
        if (!isUnsupported(error)) throw error;
        this.atomicAppend = 'session';
      }
    }
    try {
      await this.client.multiStreamAppend(
        writes.map((w): AppendStreamRequest => ({ streamName: w.streamName, expectedState: w.expectedState, events: [...w.events] })),
      );
    } catch (error) {
      if (isUnsupported(error)) throw new KurrentDbVersionError(this.server, error);
      throw error;
    }
  }

  async readEvent(eventId: string): Promise<RecordedEvent | null> {
    if (!UUID.test(eventId)) return null;
    const claim = await this.readClaim(eventId);
    if (!claim) return null;
    const [record] = await readRecords(this.client, claim.streamId, { fromRevision: revisionOfVersion(claim.streamVersion), maxCount: 1 });
    return record && record.id === eventId ? this.decode(record) : null;
  }

  async streamVersion(streamId: string): Promise<number> {
    const last = await readLast(this.client, streamId);
    return last ? Number(BigInt(last.revision)) + 1 : 0;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? null;
    if (limit !== null && (!Number.isInteger(limit) || limit < 0)) throw new InvalidAppendError(`maxCount ${limit} must be a whole number >= 0`);
    if (limit === 0) return [];
    const from = options.fromVersion;
    if (from !== undefined && !Number.isInteger(from)) throw new InvalidAppendError(`fromVersion ${from} must be a whole number`);
    // Versions count from 1: forwards from version <= 1 is the start; backwards from below 1 is nothing.
    if (backwards && from !== undefined && from < 1) return [];
    const fromRevision = from === undefined ? (backwards ? END : undefined) : from <= 1 && !backwards ? undefined : revisionOfVersion(from);
    const records = await readRecords(this.client, streamId, {
      direction: backwards ? 'backwards' : 'forwards',
      ...(fromRevision !== undefined ? { fromRevision } : {}),
      ...(limit !== null ? { maxCount: limit } : {}),
    });
    return records.map((r) => this.decode(r));
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    const after = options.after ?? START;
    const limit = options.limit ?? 1_000;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_BATCH) {
      throw new InvalidAppendError(`limit ${limit} is out of range: use 1..${MAX_READ_BATCH}`);
    }
    const filter = readFilter(options);
    // The end of the log before reading: everything up to it is readable (KurrentDB makes records
    // visible in log order), so a read that comes back short has seen all of it. (The server's
    // filtered read goes on page after page until it has maxCount events or meets the end.)
    const logEnd = await this.logEnd();
    const events: RecordedEvent[] = [];
    let scanned = after;
    let from = after;
    let full = false;
    for (;;) {
      // One more than wanted: a read from a position may return the record at it first.
      const want = limit - events.length + 1;
      const page: Array<StoredRecord & { checkpoint: Checkpoint }> = [];
      for await (const resolved of this.client.readAll({
        fromPosition: positionOf(from),
        maxCount: want,
        filter: filter.server,
        direction: FORWARDS,
        requiresLeader: true,
      })) {
        const record = recordOf(resolved);
        if (record?.position) page.push({ ...record, checkpoint: checkpointOf(record.position) });
      }
      for (const record of recordsAfter(page, from)) {
        scanned = record.checkpoint;
        if (filter.accepts(record.streamId, record.type)) events.push(this.decode(record));
        if (events.length === limit) break;
      }
      if (events.length === limit) {
        full = true;
        break;
      }
      if (page.length < want || scanned === from) break; // the end of the log
      from = scanned;
    }
    const last = events.at(-1);
    const { checkpoint, visibleBelow } = batchProgress({
      after,
      lastEvent: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : null,
      scanned,
      logEnd,
      full,
    });
    return { events, checkpoint, visibleBelow };
  }

  /** The last event of the platform's streams in $all, or START. */
  async head(): Promise<Checkpoint> {
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: DOMAIN_FILTER, requiresLeader: true })) {
      const record = recordOf(resolved);
      if (record?.position) return checkpointOf(record.position);
    }
    return START;
  }

  /** See LeaseLocks: a lease, renewed while held, free again when released or after its time to live. */
  tryLock(name: string): Promise<StoreLock | null> {
    this.assertOpen();
    return this.leases.tryLock(name);
  }

  subscribe(options: SubscriptionOptions): Subscription {
    this.assertOpen();
    return this.subscriptions.start(this, options.checkpoints ?? this.checkpoints, options);
  }

  /**
   * Wakes catch-up subscribers when the platform's streams get an event: one live subscription
   * to $all from its end, shared by every subscriber of this store. If it drops, polling every
   * `timeoutMs` still delivers everything, and the next wait subscribes again.
   */
  async waitForAppend(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.closed) return;
    this.listen();
    await this.subscriptions.waitForWake(timeoutMs, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.stopAll();
    await this.leases.releaseAll();
    const notifier = this.notifier;
    this.notifier = null;
    await notifier?.unsubscribe().catch(() => undefined);
  }

  private listen(): void {
    if (this.notifier) return;
    try {
      const notifier = this.client.subscribeToAll({ fromPosition: END, filter: DOMAIN_FILTER });
      const drop = (): void => {
        if (this.notifier === notifier) this.notifier = null;
      };
      notifier.on('data', () => this.subscriptions.wakeAll());
      notifier.on('error', drop);
      notifier.on('end', drop);
      notifier.on('close', drop);
      this.notifier = notifier;
    } catch {
      // Polling alone still delivers everything.
    }
  }

  /** Checks the append as the PostgreSQL store does, with the same messages, and encodes its events. */
  private plan(appends: readonly StreamAppend[]): Plan[] {
    if (!Array.isArray(appends) || appends.length === 0) throw new InvalidAppendError('Nothing to append: give at least one stream');
    const seenStreams = new Set<string>();
    let total = 0;
    const plans = appends.map(({ streamId, events, expectedVersion }) => {
      assertValidStreamId(streamId);
      assertValidExpectedVersion(expectedVersion);
      if (seenStreams.has(streamId)) throw new InvalidAppendError(`Stream '${streamId}' appears twice in one append: merge its events`);
      seenStreams.add(streamId);
      if (!Array.isArray(events) || events.length === 0) throw new InvalidAppendError(`Nothing to append to '${streamId}': give at least one event`);
      total += events.length;
      return { streamId, expectedVersion, ...prepareEvents(streamId, events) };
    });
    if (total > MAX_EVENTS_PER_APPEND) throw new InvalidAppendError(`${total} events in one append: at most ${MAX_EVENTS_PER_APPEND}`);
    // The same id for two streams of one append: the content hash covers the stream, so it is a conflict.
    const claimed = new Map<string, string>();
    for (const plan of plans) {
      for (const event of plan.unique) {
        const other = claimed.get(event.eventId);
        if (other !== undefined) {
          throw new EventIdConflictError(event.eventId, other, null, plan.streamId, `is also given for stream '${other}' in the same append`);
        }
        claimed.set(event.eventId, plan.streamId);
      }
    }
    return plans;
  }

  /** Each stream's events not yet stored; a stored id with other content fails the append, naming the stored event. */
  private async freshEvents(plans: readonly Plan[], stored: ReadonlyMap<string, Claim>): Promise<Map<string, PreparedEvent[]>> {
    const fresh = new Map<string, PreparedEvent[]>();
    for (const plan of plans) {
      const events: PreparedEvent[] = [];
      for (const event of plan.unique) {
        const claim = stored.get(event.eventId);
        if (!claim) events.push(event);
        else if (claim.hash !== event.hash) {
          // Read the stored event itself, so the error names where it is.
          const storedEvent = await this.readEvent(event.eventId);
          throw new EventIdConflictError(event.eventId, claim.streamId, storedEvent?.globalPosition ?? null, plan.streamId);
        }
      }
      fresh.set(plan.streamId, events);
    }
    return fresh;
  }

  private async lookUpClaims(plans: readonly Plan[], stored: Map<string, Claim>): Promise<void> {
    const ids = plans.flatMap((p) => p.unique.map((e) => e.eventId)).filter((id) => !stored.has(id));
    const claims = await mapLimit(ids, (id) => this.readClaim(id));
    ids.forEach((id, i) => {
      const claim = claims[i];
      if (claim) stored.set(id, claim);
    });
  }

  private async readClaim(eventId: string): Promise<Claim | null> {
    const stream = claimStreamOf(eventId);
    const record = await readLast(this.client, stream);
    if (!record) return null;
    const d = record.data as Partial<Claim> | null;
    if (typeof d?.streamId !== 'string' || typeof d.hash !== 'string' || !Number.isSafeInteger(d.streamVersion) || (d.streamVersion ?? 0) < 1) {
      throw new Error(`The claim of event ${eventId} in '${stream}' is not { streamId, streamVersion, hash }: it was not written by the platform`);
    }
    return { streamId: d.streamId, streamVersion: d.streamVersion as number, hash: d.hash };
  }

  /** The results in input order: per event, appended the first time a new id appears, duplicate otherwise. */
  private async results(
    plans: readonly Plan[],
    fresh: ReadonlyMap<string, readonly PreparedEvent[]>,
    resolved: ReadonlyMap<string, { readonly startVersion: number }>,
  ): Promise<AppendResult[]> {
    return mapLimit(plans, async (plan) => {
      const written = fresh.get(plan.streamId) ?? [];
      const freshIds = new Set(written.map((e) => e.eventId));
      const firstSeen = new Set<string>();
      const events = plan.statuses.map((eventId) => {
        const status: AppendedEventStatus = freshIds.has(eventId) && !firstSeen.has(eventId) ? 'appended' : 'duplicate';
        firstSeen.add(eventId);
        return { eventId, status };
      });
      const start = resolved.get(plan.streamId)?.startVersion;
      if (written.length === 0 || start === undefined) {
        // An identical resubmission: nothing written, whatever the stream's version is now.
        return { status: 'duplicate', streamId: plan.streamId, nextExpectedVersion: await this.streamVersion(plan.streamId), lastGlobalPosition: null, events };
      }
      const nextExpectedVersion = start + written.length;
      // The append's answer has the transaction's position, not each stream's last event: read it back.
      const [last] = await readRecords(this.client, plan.streamId, { fromRevision: revisionOfVersion(nextExpectedVersion), maxCount: 1 });
      const lastGlobalPosition = last?.position ? checkpointOf(last.position).globalPosition : null;
      return { status: 'appended', streamId: plan.streamId, nextExpectedVersion, lastGlobalPosition, events };
    });
  }

  /** The last record of the whole log (system records included), or START for an empty log. */
  private async logEnd(): Promise<Checkpoint> {
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, requiresLeader: true })) {
      const record = recordOf(resolved);
      if (record?.position) return checkpointOf(record.position);
    }
    return START;
  }

  private decode(record: StoredRecord): RecordedEvent {
    return decodeRecorded(record, this.upcasters);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

/** `fn` over `items` with at most READ_CONCURRENCY calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker));
  return results;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
