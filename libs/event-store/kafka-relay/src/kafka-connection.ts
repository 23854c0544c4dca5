import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { ConfigError } from '@gpds/shared-config';

/** Which Kafka parts run in this process: both follow KAFKA_BROKERS unless switched off one by one. */
export interface KafkaParts {
  /** The submissions connector (gpds.submissions.v1 in). */
  readonly connector: boolean;
  /** The domain event relay (gpds.events.v1 out). */
  readonly relay: boolean;
}

/** How to reach the brokers: kafkajs's client configuration, with the choices made explicit. */
export interface KafkaConnection {
  readonly config: KafkaConfig;
  readonly parts: KafkaParts;
}

type Env = Readonly<Record<string, string | undefined>>;

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * Kafka's configuration from the environment, or null when KAFKA_BROKERS is unset: then the
 * platform runs exactly as without Kafka. Every mistake is a ConfigError naming the variable and
 * what to write instead, so the process refuses to start rather than half-connecting.
 */
export function readKafkaConnection(env: Env): KafkaConnection | null {
  const raw = env['KAFKA_BROKERS']?.trim();
  if (!raw) {
    for (const variable of ['KAFKA_CONNECTOR', 'KAFKA_RELAY'])
      if (switchOf(env, variable, false))
        throw new ConfigError(variable, 'is on but KAFKA_BROKERS is unset: name the brokers, e.g. KAFKA_BROKERS=kafka-1:9092,kafka-2:9092');
    return null;
  }
  const brokers = raw.split(',').map((b) => b.trim());
  for (const broker of brokers)
    if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(broker))
      throw new ConfigError('KAFKA_BROKERS', `'${broker}' is not host:port: write a comma-separated list, e.g. kafka-1:9092,kafka-2:9092`);
  const parts = { connector: switchOf(env, 'KAFKA_CONNECTOR', true), relay: switchOf(env, 'KAFKA_RELAY', true) };
  const ssl = switchOf(env, 'KAFKA_SSL', false);
  const sasl = saslOf(env);
  return {
    config: {
      brokers,
      clientId: env['KAFKA_CLIENT_ID']?.trim() || 'gpds-platform',
      ...(ssl ? { ssl: true } : {}),
      ...(sasl ? { sasl } : {}),
    },
    parts,
  };
}

/** An on/off variable: `on`/`off` (also true/false, 1/0), or the default when unset. */
export function switchOf(env: Env, variable: string, fallback: boolean): boolean {
  const value = env[variable]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(variable, `'${env[variable]}' is neither on nor off: write ${variable}=on or ${variable}=off`);
}

function saslOf(env: Env): SASLOptions | undefined {
  const mechanism = env['KAFKA_SASL_MECHANISM']?.trim().toLowerCase();
  const username = env['KAFKA_SASL_USERNAME'];
  const password = env['KAFKA_SASL_PASSWORD'];
  if (!mechanism) {
    if (username || password)
      throw new ConfigError('KAFKA_SASL_MECHANISM', `is unset but a SASL user name or password is given: set it to one of ${SASL_MECHANISMS.join(', ')}`);
    return undefined;
  }
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism))
    throw new ConfigError('KAFKA_SASL_MECHANISM', `'${mechanism}' is not supported: use one of ${SASL_MECHANISMS.join(', ')}`);
  if (!username || !password)
    throw new ConfigError(username ? 'KAFKA_SASL_PASSWORD' : 'KAFKA_SASL_USERNAME', `SASL ${mechanism} needs both KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  return { mechanism: mechanism as (typeof SASL_MECHANISMS)[number], username, password } as SASLOptions;
}

/** A topic name from the environment, checked against Kafka's rules (letters, digits, `.`, `_`, `-`; at most 249). */
export function topicOf(env: Env, variable: string, fallback: string): string {
  const topic = env[variable]?.trim() || fallback;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..')
    throw new ConfigError(variable, `'${topic}' is not a Kafka topic name: use letters, digits, '.', '_' and '-' (at most 249), e.g. ${fallback}`);
  return topic;
}
