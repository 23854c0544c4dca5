/** Where a fact came from: identifies the record forever (see DOMAIN.md, canonical submission). */
export interface EventSource {
  readonly system: string;
  readonly recordId: string;
  /**
   * The organisation the record belongs to (the submitter's), where one does: part of the
   * record's identity (see eventIdForOwner), not of its content hash.
   */
  readonly owner?: string;
}

/** Who or what caused an append: a user, an API key, an importer. */
export interface EventActor {
  readonly type: string;
  readonly id: string;
}

/** Metadata supplied by the writer. `recordedAt` is set by the store, never by the writer. */
export interface EventMetadataInput {
  readonly occurredAt: string;
  readonly source: EventSource;
  readonly actor?: EventActor;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface EventMetadata extends EventMetadataInput {
  /** When the store committed the event (ISO 8601, UTC). */
  readonly recordedAt: string;
}

/** An event as a writer hands it to the store. */
export interface EventToAppend<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadataInput;
  /**
   * Normally derived from `metadata.source` (see eventIdFromSource); may be given explicitly
   * by a writer that derives ids differently, but must still be stable across resubmissions.
   */
  readonly eventId?: string;
}

/** An event as the store hands it back. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly globalPosition: number;
  readonly transactionId: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: Type;
  /** The schema version after upcasting: what `data` now conforms to. */
  readonly schemaVersion: number;
  /** The schema version the stored bytes were written with. */
  readonly storedSchemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/**
 * What the writer believes the stream's version is. Stream versions count events from 1; a
 * stream that does not exist has version 0.
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
}

export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expectedVersion: ExpectedVersion;
}

export type AppendedEventStatus = 'appended' | 'duplicate';

export interface AppendResult {
  /** `duplicate` when every event was already stored with identical content: nothing was written. */
  readonly status: 'appended' | 'duplicate';
  readonly streamId: string;
  /** The stream's version after the append (0 if it still does not exist). */
  readonly nextExpectedVersion: number;
  /** Highest global position written by this append, or null when nothing was written. */
  readonly lastGlobalPosition: number | null;
  /** Per event, in input order. */
  readonly events: ReadonlyArray<{ readonly eventId: string; readonly status: AppendedEventStatus }>;
}

/** A position in the store's commit order: (writing transaction id, global position). */
export interface Checkpoint {
  readonly transactionId: number;
  readonly globalPosition: number;
}

export const START: Checkpoint = Object.freeze({ transactionId: 0, globalPosition: 0 });

export interface EventFilter {
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Only streams of these categories (the part of the stream id before the first `-`). */
  readonly categories?: readonly string[];
}

export interface ReadAllOptions extends EventFilter {
  /** Exclusive: events strictly after this checkpoint. Default START. */
  readonly after?: Checkpoint;
  /** Batch size, 1..10,000. Default 1,000. */
  readonly limit?: number;
}

export interface ReadAllBatch {
  readonly events: RecordedEvent[];
  /**
   * Where the next read continues from: the last returned event, or `after` when none; for a
   * filtered read that came back short, past every transaction already scanned.
   */
  readonly checkpoint: Checkpoint;
  /**
   * The read's snapshot bound (PostgreSQL `pg_snapshot_xmin`): every transaction below it had
   * finished, so when the batch is not full, everything committed by those transactions after
   * `after` has been returned. Events of transactions at or above it are left for a later read.
   */
  readonly visibleBelow: number;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive start version: default 1 forwards, the last version backwards. */
  readonly fromVersion?: number;
  /** Maximum number of events. Default all. */
  readonly maxCount?: number;
}
