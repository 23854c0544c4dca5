import { InvalidAppendError } from './errors';
import type { EventToAppend, ExpectedVersion } from './types';

const STREAM_ID = /^[A-Za-z][A-Za-z0-9_]*-[\x21-\x7e]{1,200}$/;
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{1,99}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Upper bound of one event's JSON, a guard against a runaway writer, not a business rule. */
export const MAX_EVENT_BYTES = 1_048_576;
export const MAX_EVENTS_PER_APPEND = 10_000;

export function assertValidStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
    throw new InvalidAppendError(
      `Stream id '${String(streamId).slice(0, 80)}' is not valid: use '<category>-<id>', a category of letters, digits and '_' starting with a letter, then printable ASCII without spaces (at most 200 characters)`,
    );
  }
}

export function assertValidExpectedVersion(expected: ExpectedVersion): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
    throw new InvalidAppendError(`Expected version ${String(expected)} is not valid: use 'any', 'no_stream', 'stream_exists' or a whole number >= 0`);
  }
}

/** Checks the envelope of each event; returns the serialised data and metadata sizes for the caller. */
export function assertValidEvent(event: EventToAppend, index: number): void {
  const where = `event ${index}`;
  if (event === null || typeof event !== 'object') throw new InvalidAppendError(`${where}: not an object`, index);
  if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
    throw new InvalidAppendError(
      `${where}: type '${String(event.type).slice(0, 80)}' is not valid: a PascalCase name in the past tense, e.g. 'CapabilityDeployed'`,
      index,
    );
  }
  if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1 || event.schemaVersion > 1000) {
    throw new InvalidAppendError(`${where}: schemaVersion ${String(event.schemaVersion)} is not a whole number from 1 to 1000`, index);
  }
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new InvalidAppendError(`${where}: data must be a JSON object`, index);
  }
  const m = event.metadata;
  if (m === null || typeof m !== 'object') throw new InvalidAppendError(`${where}: metadata is missing`, index);
  if (typeof m.occurredAt !== 'string' || Number.isNaN(Date.parse(m.occurredAt))) {
    throw new InvalidAppendError(`${where}: metadata.occurredAt must be an ISO 8601 date-time`, index);
  }
  if (!m.source || !nonEmpty(m.source.system, 200) || !nonEmpty(m.source.recordId, 500)) {
    throw new InvalidAppendError(`${where}: metadata.source needs a non-empty system (at most 200 characters) and recordId (at most 500)`, index);
  }
  if (event.eventId !== undefined && (typeof event.eventId !== 'string' || !UUID.test(event.eventId))) {
    throw new InvalidAppendError(`${where}: eventId '${String(event.eventId)}' is not a lower-case UUID`, index);
  }
}

function nonEmpty(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}
