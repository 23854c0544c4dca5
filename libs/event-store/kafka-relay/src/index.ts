// Kafka for the platform: the connection settings every Kafka part shares, and the relay that
// publishes domain events to gpds.events.v1 (docs/kafka.md).
export { readKafkaConnection, switchOf, topicOf, type KafkaConnection, type KafkaParts } from './kafka-connection';
export { KafkaEventRelay, RELAY_SUBSCRIBER_ID, type KafkaEventRelayOptions, type RelayStatus } from './kafka-event-relay';
export { RELAY_CONTENT_TYPE, RELAY_HEADERS, envelopeOf, relayLag, relayMessage, type RelayLag } from './relay-message';
