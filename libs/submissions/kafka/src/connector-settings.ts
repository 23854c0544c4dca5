import { topicOf } from '@gpds/event-store-kafka-relay';
import { ConfigError } from '@gpds/shared-config';
import type { BackPressureLimits } from './delivery';
import { parsePrincipalMap, type PrincipalMap } from './producer-principals';

/** How the submissions connector consumes: topics, group, producers' organisations and its bounds. */
export interface ConnectorSettings {
  /** KAFKA_SUBMISSIONS_TOPIC, default gpds.submissions.v1. */
  readonly topic: string;
  /** KAFKA_DLQ_TOPIC, default gpds.submissions.dlq.v1. */
  readonly deadLetterTopic: string;
  /** KAFKA_CONSUMER_GROUP, default gpds-submissions: every platform process in the group shares the partitions. */
  readonly groupId: string;
  readonly principals: PrincipalMap;
  /** KAFKA_TOPIC_PRODUCER: the one identity the topic's ACLs let write, for messages without a producer header. */
  readonly topicProducer?: string;
  /** Records per command (the HTTP connector's chunk size is of the same order). */
  readonly chunkSize: number;
  readonly backPressure: BackPressureLimits;
  /** Partitions whose batches are handled at once (KAFKA_PARTITIONS_CONCURRENTLY, default 2: this is a 2-core machine's default). */
  readonly partitionsConcurrently: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The connector's settings from the environment; ConfigError on any mistake, naming the variable. */
export function readConnectorSettings(env: Env): ConnectorSettings {
  const principals = parsePrincipalMap(env['KAFKA_PRINCIPAL_MAP']);
  const topicProducer = env['KAFKA_TOPIC_PRODUCER']?.trim() || undefined;
  if (topicProducer && !principals.has(topicProducer))
    throw new ConfigError('KAFKA_TOPIC_PRODUCER', `'${topicProducer}' is not in KAFKA_PRINCIPAL_MAP: map it to its organisation there too`);
  const topic = topicOf(env, 'KAFKA_SUBMISSIONS_TOPIC', 'gpds.submissions.v1');
  const deadLetterTopic = topicOf(env, 'KAFKA_DLQ_TOPIC', 'gpds.submissions.dlq.v1');
  if (deadLetterTopic === topic)
    throw new ConfigError('KAFKA_DLQ_TOPIC', `is the submissions topic itself (${topic}): a rejected record would be read again forever; name another topic`);
  const groupId = env['KAFKA_CONSUMER_GROUP']?.trim() || 'gpds-submissions';
  const maxInFlight = wholeNumber(env, 'KAFKA_MAX_IN_FLIGHT', 5_000, 1);
  return {
    topic,
    deadLetterTopic,
    groupId,
    principals,
    ...(topicProducer ? { topicProducer } : {}),
    chunkSize: 500,
    backPressure: { pauseAbove: maxInFlight, resumeAt: Math.floor(maxInFlight / 2) },
    partitionsConcurrently: wholeNumber(env, 'KAFKA_PARTITIONS_CONCURRENTLY', 2, 1),
  };
}

function wholeNumber(env: Env, variable: string, fallback: number, min: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min)
    throw new ConfigError(variable, `'${raw}' is not a whole number of at least ${min}: e.g. ${variable}=${fallback}`);
  return value;
}
