import {
  EventIdConflictError,
  InvalidAppendError,
  MAX_EVENT_BYTES,
  assertValidEvent,
  canonicalJson,
  contentHashOf,
  eventIdFromSource,
  type EventToAppend,
  type ExpectedVersion,
} from '@gpds/event-store';

/** An event checked and serialised for the store: canonical JSON, its content hash, its id. */
export interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly occurredAt: string;
  readonly hash: string;
}

export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly unique: PreparedEvent[];
  readonly statuses: string[];
}

// Lone UTF-16 surrogates and NUL survive JSON.stringify as escapes that PostgreSQL's jsonb rejects.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/**
 * Checks and serialises one stream's events before the transaction: the size limit, text the
 * store cannot hold, an id given twice with different content. Repeated identical events are
 * kept once (`unique`); `statuses` keeps every event's id in input order.
 */
export function prepareEvents(streamId: string, events: readonly EventToAppend[]): { unique: PreparedEvent[]; statuses: string[] } {
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
