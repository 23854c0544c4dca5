import type { ExpectedVersion } from './types';

/** Base class of every error the store raises on purpose; `code` is stable and machine-readable. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream's version is not the one the writer expected: reload, decide again, retry. */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    /** The stream's actual version; 0 when the stream does not exist. */
    readonly actualVersion: number,
  ) {
    super(
      `Stream '${streamId}': expected version ${describeExpected(expectedVersion)} but the stream is at version ${actualVersion}` +
        (actualVersion === 0 ? ' (it does not exist)' : ''),
    );
  }
}

/** An event id already stored with different content: a source record was changed and resent. */
export class EventIdConflictError extends EventStoreError {
  readonly code = 'EVENT_ID_CONFLICT';
  constructor(
    readonly eventId: string,
    readonly storedStreamId: string,
    readonly storedGlobalPosition: number | null,
    readonly attemptedStreamId: string,
    detail = 'it is already stored with different content',
  ) {
    super(
      `Event ${eventId} (stream '${attemptedStreamId}'): ${detail}` +
        (storedGlobalPosition === null ? '' : ` (stored in stream '${storedStreamId}' at position ${storedGlobalPosition})`) +
        '; a source record cannot change once accepted: send a new record id for a new fact',
    );
  }
}

/** The event or the request is malformed: nothing was written. */
export class InvalidAppendError extends EventStoreError {
  readonly code = 'INVALID_APPEND';
  constructor(
    message: string,
    readonly index: number | null = null,
  ) {
    super(message);
  }
}

function describeExpected(expected: ExpectedVersion): string {
  switch (expected) {
    case 'any':
      return 'any';
    case 'no_stream':
      return "'no stream'";
    case 'stream_exists':
      return "'stream exists'";
    default:
      return String(expected);
  }
}
