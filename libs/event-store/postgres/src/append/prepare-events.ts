import { prepareStreamEvents, type EventToAppend, type ExpectedVersion } from '@gpds/event-store';

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

/**
 * Checks and serialises one stream's events before the transaction, with the rules and messages
 * every store shares (prepareStreamEvents in @gpds/event-store): the size limit, text the store
 * cannot hold, an id given twice with different content. Repeated identical events are kept once
 * (`unique`); `statuses` keeps every event's id in input order.
 */
export function prepareEvents(streamId: string, events: readonly EventToAppend[]): { unique: PreparedEvent[]; statuses: string[] } {
  return prepareStreamEvents(streamId, events, (event, checked) => ({
    eventId: checked.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    // Canonical text: hashed for idempotency and stored as it is (jsonb does not keep key order anyway).
    data: checked.data,
    metadata: checked.metadata,
    occurredAt: new Date(event.metadata.occurredAt).toISOString(),
    hash: checked.hash,
  }));
}
