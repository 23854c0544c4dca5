import { create, fromJson, toBinary, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { anyPack, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Message } from 'kafkajs';
import { compareCheckpoints, type Checkpoint, type RecordedEvent } from '@gpds/event-store';
import { EVENT_CATALOGUE, EventEnvelopeSchema, type EventEnvelope } from '@gpds/shared-contracts';

/** The content type of every relayed message's value (the message is named, so a consumer can check it). */
export const RELAY_CONTENT_TYPE = 'application/x-protobuf; proto=gpds.relay.v1.EventEnvelope';

/** The headers each relayed message carries, so a consumer can route or deduplicate without decoding the value. */
export const RELAY_HEADERS = {
  eventId: 'event-id',
  stream: 'stream',
  type: 'type',
  schemaVersion: 'schema-version',
  occurredAt: 'occurred-at',
  recordedAt: 'recorded-at',
  contentType: 'content-type',
} as const;

/**
 * One domain event as a Kafka message on gpds.events.v1: keyed by its stream id (Kafka's default
 * partitioner hashes the key, so one stream stays on one partition and in order), its value the
 * protobuf EventEnvelope, the identifying fields repeated as headers.
 */
export function relayMessage(event: RecordedEvent): Message {
  return {
    key: event.streamId,
    value: Buffer.from(toBinary(EventEnvelopeSchema, envelopeOf(event))),
    headers: {
      [RELAY_HEADERS.eventId]: event.eventId,
      [RELAY_HEADERS.stream]: event.streamId,
      [RELAY_HEADERS.type]: event.type,
      [RELAY_HEADERS.schemaVersion]: String(event.schemaVersion),
      [RELAY_HEADERS.occurredAt]: event.metadata.occurredAt,
      [RELAY_HEADERS.recordedAt]: event.metadata.recordedAt,
      [RELAY_HEADERS.contentType]: RELAY_CONTENT_TYPE,
    },
  };
}

/**
 * The envelope of an event: its data as the typed gpds.events.v1 message (packed in an Any) where
 * the catalogue knows its type and the data still decodes by the contract, otherwise as JSON, so
 * that one odd event never stops the relay.
 */
export function envelopeOf(event: RecordedEvent): EventEnvelope {
  const { metadata } = event;
  const entry = EVENT_CATALOGUE.get(event.type);
  let payload: EventEnvelope['payload'];
  try {
    if (!entry) throw new Error('no contract');
    payload = { case: 'data', value: anyPack(entry.schema, fromJson(entry.schema, event.data as JsonValue, { ignoreUnknownFields: true })) };
  } catch {
    const data = event.data;
    // protobuf-es holds a Struct as the JSON object itself.
    payload = {
      case: 'untypedData',
      value: data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as JsonObject) : { value: data as JsonValue },
    };
  }
  return create(EventEnvelopeSchema, {
    eventId: event.eventId,
    streamId: event.streamId,
    streamVersion: BigInt(event.streamVersion),
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt: timestampFromDate(new Date(metadata.occurredAt)),
    recordedAt: timestampFromDate(new Date(metadata.recordedAt)),
    globalPosition: BigInt(event.globalPosition),
    transactionId: BigInt(event.transactionId),
    source: { system: metadata.source.system, recordId: metadata.source.recordId, owner: metadata.source.owner ?? '' },
    ...(metadata.actor ? { actor: { type: metadata.actor.type, id: metadata.actor.id } } : {}),
    correlationId: metadata.correlationId ?? '',
    causationId: metadata.causationId ?? '',
    payload,
  });
}

/** How far the relay is behind the event store's head: what /health and /metrics report. */
export interface RelayLag {
  /** What has been published and checkpointed (the head, once caught up). */
  readonly position: Checkpoint;
  readonly head: Checkpoint;
  /** Global positions not yet published (0 when caught up). */
  readonly behind: number;
  readonly caughtUp: boolean;
}

/**
 * The lag arithmetic the projector uses: past the head, a checkpoint may be a bound rather than an
 * event (a filtered read that came back short), so a caught-up relay shows the head itself.
 */
export function relayLag(position: Checkpoint, head: Checkpoint): RelayLag {
  const caughtUp = compareCheckpoints(position, head) >= 0 || position.globalPosition >= head.globalPosition;
  return { position: caughtUp ? head : position, head, caughtUp, behind: caughtUp ? 0 : head.globalPosition - position.globalPosition };
}
