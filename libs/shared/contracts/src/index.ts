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
  type TypedData,
} from './event-catalogue';
export {
  BEGINNING,
  OPEN_END,
  PROVENANCE_COLUMNS,
  defineTable,
  rowMapping,
  type Cell,
  type Row,
  type RowMapping,
  type RowMappingSpec,
  type Source,
  type TableShape,
} from './row-mapping';
export * from './gen/gpds/submission/v1/submission_pb';
export * from './gen/gpds/events/v1/organisation_pb';
export * from './gen/gpds/events/v1/governance_pb';
export * from './gen/gpds/events/v1/measurement_pb';
