import type {
  AppendOptions,
  AppendResult,
  Checkpoint,
  EventFilter,
  EventToAppend,
  ReadAllBatch,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
} from './types';

/** The platform's only source of truth. Implementations: PostgreSQL server and PGlite. */
export interface EventStore {
  /**
   * Appends events to one stream atomically, checking the expected version. Events whose id is
   * already stored with identical content are duplicates and are not written again; an id
   * stored with different content fails the whole append with EventIdConflictError.
   */
  appendToStream(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction: all or nothing, each stream checked against
   * its own expected version. For batches of independent facts (measurements), one round of
   * statements instead of one per stream.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** The stored event with this id, or null. */
  readEvent(eventId: string): Promise<RecordedEvent | null>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The stream's version: 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /** Events in commit order (transaction id, global position), only those no writer can still precede. */
  readAll(options?: ReadAllOptions): Promise<ReadAllBatch>;
  /** The last committed, readable event in commit order, or START for an empty store. */
  head(): Promise<Checkpoint>;
  subscribe(options: SubscriptionOptions): Subscription;
  /**
   * Takes a named lock shared by every process on this store, held until released or until the
   * holder's connection ends (a crash releases it); null when another holder has it. For work
   * that must run once at a time across processes, e.g. one projector per analytics database.
   */
  tryLock(name: string): Promise<StoreLock | null>;
  close(): Promise<void>;
}

export interface StoreLock {
  release(): Promise<void>;
}

/** Per-subscriber checkpoints, so a restarted subscriber resumes where it stopped. */
export interface CheckpointStore {
  load(subscriberId: string): Promise<Checkpoint | null>;
  save(subscriberId: string, checkpoint: Checkpoint): Promise<void>;
}

export type BatchHandler = (events: RecordedEvent[]) => Promise<void>;

export interface SubscriptionOptions extends EventFilter {
  /** Names the checkpoint; one per independent consumer. */
  readonly subscriberId: string;
  /** Called with each batch in commit order; the checkpoint moves only after it resolves. */
  readonly handler: BatchHandler;
  /** Events per read, 1..10,000 (default 500). At most two batches are in memory at once. */
  readonly batchSize?: number;
  /** Start here instead of the stored checkpoint. */
  readonly from?: Checkpoint;
  /** Where checkpoints live; default: the event store's own table. */
  readonly checkpoints?: CheckpointStore;
  /** Upper bound on the wait between reads when nothing wakes the subscriber (default 500 ms). */
  readonly pollIntervalMs?: number;
  /**
   * Handler failures in a row before the subscription stops with the error (default 5). Failed
   * reads and checkpoint saves (the store unreachable) are retried without limit.
   */
  readonly maxRetries?: number;
  /** Told about every failure (handler, read, checkpoint save), retried or not. */
  readonly onError?: (error: unknown, attempt: number) => void;
}

export interface Subscription {
  readonly subscriberId: string;
  /** The last checkpoint handled and saved. */
  position(): Checkpoint;
  /** Resolves once every event committed before the call has been handled. */
  waitUntilCaughtUp(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops after the batch in hand (its checkpoint is saved); resolves when stopped. */
  stop(): Promise<void>;
  /** Resolves when stopped; rejects if the handler kept failing. */
  readonly done: Promise<void>;
}

/** What a catch-up subscription needs from a store: bounded reads and a wake-up signal. */
export interface SubscriptionSource {
  readAll(options: ReadAllOptions): Promise<ReadAllBatch>;
  /** Resolves at the next append notification, after `timeoutMs`, or when `signal` aborts. */
  waitForAppend(timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** The last committed event in commit order (START when empty), readable or not yet. */
  head(): Promise<Checkpoint>;
}
