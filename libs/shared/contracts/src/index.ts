export {
  EVENT_CATALOGUE,
  decodeEventData,
  isEventType,
  isOfKind,
  requiredFieldsOf,
  storedFact,
  type AnyFact,
  type CatalogueEntry,
  type ContractError,
  type DecodeResult,
  type EventData,
  type EventKind,
  type EventType,
  type EventTypeOfKind,
  type FactOf,
  type FactOfKind,
  type SubmittedData,
  type TypedData,
} from './event-catalogue';
export { instantProblem } from './instant';
export {
  BEGINNING,
  OPEN_END,
  PROVENANCE_COLUMNS,
  dateTime,
  defineTable,
  rowMapping,
  type Cell,
  type Row,
  type RowMapping,
  type RowMappingSpec,
  type Source,
  type TableShape,
} from './row-mapping';
export { type EvidenceKindJson, type OrganisationLevelJson, type RelationshipKindJson } from './gen/gpds/events/v1/organisation_pb';
// Binary protobuf on Kafka: a submitted record (connector in) and the envelope of a published domain event (relay out).
export { TypedSubmissionRecordSchema, type TypedSubmissionRecord } from './gen/gpds/submission/v1/submission_pb';
export { EventEnvelopeSchema, type EventEnvelope } from './gen/gpds/relay/v1/relay_pb';
