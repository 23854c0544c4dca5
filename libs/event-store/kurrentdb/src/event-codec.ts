import type { JSONEventData, JSONType, Position } from '@kurrent/kurrentdb-client';
import { prepareStreamEvents, type EventToAppend, type RecordedEvent, type UpcasterRegistry } from '@gpds/event-store';
import { checkpointOf, versionOfRevision } from './mapping';

/**
 * How an event is written to KurrentDB and read back. The data is the event's JSON; the metadata
 * is a flat object of strings, the only form a multi-stream append carries (its "properties"):
 * schema version, occurredAt, source, actor, correlation and causation ids, each a key of its own.
 * `recordedAt` is the server's `created`; the stream version is revision + 1; the checkpoint is
 * the $all position. Keys the server adds (`$schema.name`, `$schema.format`) are ignored.
 */
export const PROPERTY = {
  schemaVersion: 'schemaVersion',
  occurredAt: 'occurredAt',
  sourceSystem: 'source.system',
  sourceRecordId: 'source.recordId',
  sourceOwner: 'source.owner',
  actorType: 'actor.type',
  actorId: 'actor.id',
  correlationId: 'correlationId',
  causationId: 'causationId',
} as const;

/** An event checked and encoded for KurrentDB, with its id and content hash. */
export interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** The canonical JSON of the data, parsed back: what the content hash covers is what is stored. */
  readonly data: Record<string, unknown>;
  readonly properties: Readonly<Record<string, string>>;
  readonly hash: string;
}

/**
 * Checks and encodes one stream's events before anything is written, with the rules and messages
 * every store shares (prepareStreamEvents in @gpds/event-store): the size limit, text no store can
 * hold, an id given twice with different content. Repeated identical events are kept once
 * (`unique`); `statuses` keeps every event's id in input order.
 */
export function prepareEvents(streamId: string, events: readonly EventToAppend[]): { unique: PreparedEvent[]; statuses: string[] } {
  return prepareStreamEvents(streamId, events, (event, checked) => ({
    eventId: checked.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: JSON.parse(checked.data) as Record<string, unknown>,
    properties: encodeProperties(event),
    hash: checked.hash,
  }));
}

/** The metadata as KurrentDB properties: strings only, absent values left out. */
export function encodeProperties(event: Pick<EventToAppend, 'schemaVersion' | 'metadata'>): Record<string, string> {
  const m = event.metadata;
  const properties: Record<string, string> = {
    [PROPERTY.schemaVersion]: String(event.schemaVersion),
    [PROPERTY.occurredAt]: m.occurredAt,
    [PROPERTY.sourceSystem]: m.source.system,
    [PROPERTY.sourceRecordId]: m.source.recordId,
  };
  if (m.source.owner !== undefined) properties[PROPERTY.sourceOwner] = m.source.owner;
  if (m.actor !== undefined) {
    properties[PROPERTY.actorType] = m.actor.type;
    properties[PROPERTY.actorId] = m.actor.id;
  }
  if (m.correlationId !== undefined) properties[PROPERTY.correlationId] = m.correlationId;
  if (m.causationId !== undefined) properties[PROPERTY.causationId] = m.causationId;
  return properties;
}

/** The event as the client writes it: JSON data, the properties as metadata, the platform's id as the record id. */
export function toEventData(event: PreparedEvent): JSONEventData {
  return { id: event.eventId, contentType: 'application/json', type: event.type, data: event.data as JSONType, metadata: { ...event.properties } };
}

/** What the adapter needs of a record the client read (its RecordedEvent, JSON or binary). */
export interface StoredRecord {
  readonly id: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: Date;
  readonly position?: Position;
}

/**
 * A stored record as the port's RecordedEvent, upcast to the current schema. Fails, naming the
 * record, when it was not written by this adapter (no JSON data, or the metadata lacks what every
 * platform event has), rather than inventing values.
 */
export function decodeRecorded(record: StoredRecord, upcasters: UpcasterRegistry): RecordedEvent {
  const where = `event ${record.id} (stream '${record.streamId}', revision ${record.revision})`;
  if (!record.position)
    throw new Error(`KurrentDB returned ${where} without its $all position: the adapter needs KurrentDB 22.6 or later (25.1 or later to append)`);
  if (!record.isJson || record.data === null || typeof record.data !== 'object' || Array.isArray(record.data)) {
    throw new Error(`${where} has no JSON object as data: it was not written by the platform; keep other writers out of the platform's database`);
  }
  const p = propertiesOf(record.metadata, where);
  const storedSchemaVersion = Number(p[PROPERTY.schemaVersion]);
  const occurredAt = p[PROPERTY.occurredAt];
  const system = p[PROPERTY.sourceSystem];
  const recordId = p[PROPERTY.sourceRecordId];
  if (!Number.isInteger(storedSchemaVersion) || storedSchemaVersion < 1 || occurredAt === undefined || system === undefined || recordId === undefined) {
    throw new Error(`${where} lacks the platform's metadata (schemaVersion, occurredAt, source.system, source.recordId): it was not written by the platform`);
  }
  const owner = p[PROPERTY.sourceOwner];
  const actorType = p[PROPERTY.actorType];
  const actorId = p[PROPERTY.actorId];
  const correlationId = p[PROPERTY.correlationId];
  const causationId = p[PROPERTY.causationId];
  const { schemaVersion, data } = upcasters.upcast(record.type, storedSchemaVersion, record.data);
  const position = checkpointOf({ commit: BigInt(record.position.commit), prepare: BigInt(record.position.prepare) });
  return {
    eventId: record.id,
    globalPosition: position.globalPosition,
    transactionId: position.transactionId,
    streamId: record.streamId,
    streamVersion: versionOfRevision(BigInt(record.revision)),
    type: record.type,
    schemaVersion,
    storedSchemaVersion,
    data,
    metadata: {
      occurredAt,
      source: { system, recordId, ...(owner !== undefined ? { owner } : {}) },
      ...(actorType !== undefined && actorId !== undefined ? { actor: { type: actorType, id: actorId } } : {}),
      ...(correlationId !== undefined ? { correlationId } : {}),
      ...(causationId !== undefined ? { causationId } : {}),
      recordedAt: record.created.toISOString(),
    },
  };
}

function propertiesOf(metadata: unknown, where: string): Record<string, string | undefined> {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || metadata instanceof Uint8Array) {
    throw new Error(`${where} has no JSON object as metadata: it was not written by the platform`);
  }
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(metadata as Record<string, unknown>)) if (typeof value === 'string') out[key] = value;
  return out;
}
