// The Kafka submission connector: gpds.submissions.v1 in, through the one command path (docs/kafka.md).
export { readConnectorSettings, type ConnectorSettings } from './connector-settings';
export { DLQ_HEADERS, backPressure, committableOffset, deadLetterMessage, type BackPressureLimits, type MessageOutcome } from './delivery';
export { KafkaSubmissionConnector, type ConnectorStatus, type KafkaSubmissionConnectorOptions, type SubmitRecords } from './kafka-submission-connector';
export {
  MAX_MESSAGE_BYTES,
  PROTOBUF_CONTENT_TYPE,
  canonicalOf,
  decodeSubmissionMessage,
  headerText,
  type DecodedMessage,
  type ReadMessage,
} from './message-decoding';
export { PRODUCER_HEADER, parsePrincipalMap, principalOf, type PrincipalMap } from './producer-principals';
