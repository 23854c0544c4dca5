import { Gauge, type Registry } from 'prom-client';
import type { EventStore } from '@gpds/event-store';
import { KafkaEventRelay, readKafkaConnection, topicOf } from '@gpds/event-store-kafka-relay';
import { monotonicCounter } from '@gpds/shared-runtime';
import { SubmitRecordsHandler, type SubmissionProcessor } from '@gpds/submissions';
import { KafkaSubmissionConnector, readConnectorSettings } from '@gpds/submissions-kafka';
import { withTimeout, type HealthCheck, type HealthProbe } from './health/health-checks';

/** The Kafka parts this process runs (docs/kafka.md): null parts are switched off. */
export interface PlatformKafka {
  readonly connector: KafkaSubmissionConnector | null;
  readonly relay: KafkaEventRelay | null;
  /** Connects and starts consuming and publishing (after the HTTP server is up). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** /health checks: kafkaConnector and kafkaRelay, for the parts that run. */
  healthChecks(): Record<string, HealthProbe>;
  /** Adds the parts' gauges and counters to the process's /metrics registry. */
  registerMetrics(registry: Registry): void;
}

type Log = { info(details: object, message: string): void; warn(details: object, message: string): void; error(details: object, message: string): void };

/**
 * Kafka in the platform process, from the environment: null while KAFKA_BROKERS is unset (nothing
 * changes). With brokers, the submissions connector and the event relay both run unless
 * KAFKA_CONNECTOR=off or KAFKA_RELAY=off. Throws ConfigError for a mistake in the settings.
 */
export function openPlatformKafka(
  env: Readonly<Record<string, string | undefined>>,
  parts: { readonly store: EventStore; readonly processor: SubmissionProcessor; readonly log: Log },
): PlatformKafka | null {
  const connection = readKafkaConnection(env);
  if (!connection || (!connection.parts.connector && !connection.parts.relay)) return null;
  const { log } = parts;
  // The connector sends the HTTP connector's own command to the same handler: one command path.
  const handler = new SubmitRecordsHandler(parts.processor);
  const connector = connection.parts.connector
    ? new KafkaSubmissionConnector({
        kafka: connection.config,
        settings: readConnectorSettings(env),
        submit: (command) => handler.execute(command),
        onError: (error, context) => log.error({ err: error, ...context }, 'the Kafka submissions connector failed (retried; nothing is committed past it)'),
      })
    : null;
  const relay = connection.parts.relay
    ? new KafkaEventRelay({
        store: parts.store,
        kafka: connection.config,
        topic: topicOf(env, 'KAFKA_EVENTS_TOPIC', 'gpds.events.v1'),
        onError: (error, attempt) => log.warn({ err: error, attempt }, 'the Kafka event relay could not publish (retried; the checkpoint waits)'),
      })
    : null;
  return {
    connector,
    relay,
    async start() {
      await relay?.start();
      await connector?.start();
      log.info({ brokers: connection.config.brokers, connector: connector !== null, relay: relay !== null }, 'Kafka connected');
    },
    async stop() {
      await connector?.stop();
      await relay?.stop();
    },
    healthChecks() {
      return {
        ...(connector ? { kafkaConnector: () => connectorHealth(connector) } : {}),
        ...(relay
          ? { kafkaRelay: () => withTimeout(relayHealth(relay), 2_000).catch((error: unknown) => ({ status: 'down' as const, error: String(error) })) }
          : {}),
      };
    },
    registerMetrics(registry) {
      if (connector) connectorMetrics(connector, registry);
      if (relay) relayMetrics(relay, registry);
    },
  };
}

function connectorHealth(connector: KafkaSubmissionConnector): HealthCheck {
  const status = connector.status();
  return status.running
    ? { status: 'up', ...status }
    : { status: 'down', error: 'the Kafka submissions connector is not consuming: see the log for why', ...status };
}

/** As the projector's: up while it runs, with its lag; down while the broker refuses it. */
async function relayHealth(relay: KafkaEventRelay): Promise<HealthCheck> {
  const status = relay.status();
  const lag = await relay.lag();
  const details = { position: lag.position, head: lag.head, behind: lag.behind, caughtUp: lag.caughtUp, ...status };
  if (!status.running) return { status: 'down', error: 'the Kafka event relay is not running: see the log for why', ...details };
  if (status.failing > 0)
    return { status: 'down', error: `the Kafka event relay cannot publish (${status.failing} failures in a row): ${status.lastError}`, ...details };
  return { status: 'up', ...details };
}

function relayMetrics(relay: KafkaEventRelay, registry: Registry): void {
  let lag: Awaited<ReturnType<KafkaEventRelay['lag']>> | null = null;
  new Gauge({
    name: 'gpds_kafka_relay_position',
    help: 'Global position up to which domain events are published to Kafka',
    registers: [registry],
    async collect() {
      lag = await relay.lag().catch(() => null);
      this.set(lag?.position.globalPosition ?? 0);
    },
  });
  new Gauge({
    name: 'gpds_kafka_relay_lag_positions',
    help: 'Global positions between the event store head and the Kafka relay (0 when caught up)',
    registers: [registry],
    collect() {
      this.set(lag?.behind ?? 0);
    },
  });
  new Gauge({
    name: 'gpds_kafka_relay_running',
    help: '1 while the Kafka relay follows the event store and its last publish succeeded',
    registers: [registry],
    collect() {
      const status = relay.status();
      this.set(status.running && status.failing === 0 ? 1 : 0);
    },
  });
  monotonicCounter(registry, 'gpds_kafka_relay_events_total', 'Domain events published to Kafka by this process', () => relay.status().eventsPublished);
}

function connectorMetrics(connector: KafkaSubmissionConnector, registry: Registry): void {
  new Gauge({
    name: 'gpds_kafka_connector_in_flight_records',
    help: 'Records read from Kafka and not yet answered by the write side',
    registers: [registry],
    collect() {
      this.set(connector.status().inFlight);
    },
  });
  new Gauge({
    name: 'gpds_kafka_connector_paused_partitions',
    help: 'Partitions paused by back-pressure (the write side slower than the topic)',
    registers: [registry],
    collect() {
      this.set(connector.status().pausedPartitions);
    },
  });
  new Gauge({
    name: 'gpds_kafka_connector_running',
    help: '1 while the Kafka submissions connector consumes',
    registers: [registry],
    collect() {
      this.set(connector.status().running ? 1 : 0);
    },
  });
  for (const [outcome, read] of [
    ['accepted', () => connector.status().accepted],
    ['duplicate', () => connector.status().duplicates],
    ['dead_lettered', () => connector.status().deadLettered],
  ] as const)
    monotonicCounter(registry, `gpds_kafka_connector_${outcome}_total`, `Kafka records answered ${outcome.replace('_', '-')} by this process`, read);
  monotonicCounter(
    registry,
    'gpds_kafka_connector_retries_total',
    'Times a partition was read again after the write side or the dead-letter topic failed',
    () => connector.status().retries,
  );
}
