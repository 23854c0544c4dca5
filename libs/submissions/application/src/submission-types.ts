import type { EventKind, EventType, FactOf } from '@gpds/shared-contracts';

/** Who is submitting: an API key's organisation and role. */
export interface Principal {
  /** Who sent the records: an API key's id, or `kafka:<identity>` for a Kafka producer. */
  readonly keyId: string;
  /** What kind of sender that is, as the events' `metadata.actor.type` says (default 'api-key'). */
  readonly actorType?: 'api-key' | 'kafka-producer';
  /** An organisation code, e.g. a commissioner '16C'; 'ENG' for national teams. */
  readonly organisation: string;
  readonly role: 'submitter' | 'analyst' | 'admin';
}

export interface RecordError {
  /** Field path, e.g. 'data.practiceCode'; '' for the record as a whole. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** One record as a connector read it: a parsed value, or why it could not be parsed. */
export type IncomingRecord = { readonly index: number; readonly value: unknown } | { readonly index: number; readonly parseError: RecordError };

export interface RecordResult {
  readonly index: number;
  readonly status: 'accepted' | 'duplicate' | 'rejected';
  readonly eventId?: string;
  readonly errors?: readonly RecordError[];
}

/** A record that passed the envelope and contract checks: its data typed by its event type's contract. */
export type CheckedRecord = { [T in EventType]: CheckedRecordOf<T> }[EventType];

export interface CheckedRecordOf<T extends EventType> extends FactOf<T> {
  readonly index: number;
  readonly schemaVersion: number;
  readonly source: { readonly system: string; readonly recordId: string };
  readonly kind: EventKind;
  readonly eventId: string;
}

/** The answer for a record a failure of the platform's may have kept from the store: send it again (stored already, it answers duplicate). */
export function notStored(index: number): RecordResult {
  return {
    index,
    status: 'rejected',
    errors: [
      {
        path: '',
        code: 'NOT_STORED',
        message:
          "not stored: the platform failed (logged; not the record's fault) before this record was stored; send it again: if it was stored after all, it answers duplicate",
      },
    ],
  };
}

/**
 * A chunk stopped by a failure that is the platform's, not a record's: `results` still answers
 * every record of the chunk (accepted where it was stored, NOT_STORED where it may not have been).
 */
export class ChunkFailedError extends Error {
  constructor(
    readonly results: readonly RecordResult[],
    cause: unknown,
  ) {
    super(`a chunk of ${results.length} records failed inside the platform: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ChunkFailedError';
  }
}
