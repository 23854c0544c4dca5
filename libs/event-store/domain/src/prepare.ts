import { EventIdConflictError, InvalidAppendError } from './errors';
import { canonicalJson, contentHashOf, eventIdFromSource } from './identity';
import type { EventToAppend } from './types';
import { MAX_EVENT_BYTES, assertValidEvent } from './validation';

/** An event checked for storage, whatever the store: its id, canonical data, metadata JSON and content hash. */
export interface CheckedEvent {
  readonly eventId: string;
  /** The canonical JSON of the data: what the content hash covers. */
  readonly data: string;
  /** The metadata as JSON: what the size limit counts beside the data. */
  readonly metadata: string;
  readonly hash: string;
}

// Lone UTF-16 surrogates cannot be written as UTF-8 (they would be replaced, silently changing the
// fact) and PostgreSQL's jsonb refuses them and NUL: every store refuses them alike, so an event
// accepted by one store is accepted by any other.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** Checks one event as every store does (valid, within the size limit, storable text) and serialises it. */
export function checkEventForStorage(streamId: string, event: EventToAppend, index: number): CheckedEvent {
  assertValidEvent(event, index);
  const eventId = event.eventId ?? eventIdFromSource(event.metadata.source);
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
  return { eventId, data, metadata, hash: contentHashOf(streamId, event, data) };
}

/**
 * Checks and encodes one stream's events before anything is written, with every store's rules
 * and messages: `encode` turns each checked event into the store's own form. Repeated identical
 * events are kept once (`unique`); the same id with different content in one append is an
 * EventIdConflictError; `statuses` keeps every event's id in input order.
 */
export function prepareStreamEvents<Prepared extends { readonly eventId: string; readonly hash: string }>(
  streamId: string,
  events: readonly EventToAppend[],
  encode: (event: EventToAppend, checked: CheckedEvent) => Prepared,
): { unique: Prepared[]; statuses: string[] } {
  const byId = new Map<string, Prepared>();
  const unique: Prepared[] = [];
  const ids: string[] = [];
  events.forEach((event, index) => {
    const prepared = encode(event, checkEventForStorage(streamId, event, index));
    const { eventId } = prepared;
    const seen = byId.get(eventId);
    if (seen) {
      if (seen.hash !== prepared.hash) {
        throw new EventIdConflictError(
          eventId,
          streamId,
          null,
          streamId,
          `appears twice in one append with different content (events ${ids.indexOf(eventId)} and ${index})`,
        );
      }
    } else {
      byId.set(eventId, prepared);
      unique.push(prepared);
    }
    ids.push(eventId);
  });
  return { unique, statuses: ids };
}
