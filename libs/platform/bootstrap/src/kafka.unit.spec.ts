import { Registry } from 'prom-client';
import type { EventStore } from '@gpds/event-store';
import { ConfigError } from '@gpds/shared-config';
import type { SubmissionProcessor } from '@gpds/submissions';
import { openPlatformKafka } from './kafka';

// Nothing here connects: the parts are built, not started (their broker contract is the *.servers.spec.ts suites').
const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used before start()')) });
const parts = {
  store: unused as EventStore,
  processor: unused as SubmissionProcessor,
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
};
const brokers = { KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_PRINCIPAL_MAP: 'tees-valley-gpit=16C' };

describe('Kafka in the platform process', () => {
  it('is absent while KAFKA_BROKERS is unset, so nothing changes', () => {
    expect(openPlatformKafka({}, parts)).toBeNull();
  });

  it('runs the connector and the relay with brokers, each switchable off', () => {
    const both = openPlatformKafka(brokers, parts)!;
    expect([both.connector !== null, both.relay !== null]).toEqual([true, true]);
    expect(Object.keys(both.healthChecks())).toEqual(['kafkaConnector', 'kafkaRelay']);
    const relayOnly = openPlatformKafka({ ...brokers, KAFKA_CONNECTOR: 'off' }, parts)!;
    expect([relayOnly.connector, relayOnly.relay !== null]).toEqual([null, true]);
    expect(Object.keys(relayOnly.healthChecks())).toEqual(['kafkaRelay']);
    expect(openPlatformKafka({ ...brokers, KAFKA_CONNECTOR: 'off', KAFKA_RELAY: 'off' }, parts)).toBeNull();
  });

  it('needs the principal map only for the connector', () => {
    expect(() => openPlatformKafka({ KAFKA_BROKERS: '127.0.0.1:9092' }, parts)).toThrow(ConfigError);
    expect(() => openPlatformKafka({ KAFKA_BROKERS: '127.0.0.1:9092' }, parts)).toThrow(/KAFKA_PRINCIPAL_MAP: is unset/);
    expect(openPlatformKafka({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_CONNECTOR: 'off' }, parts)?.relay).not.toBeNull();
  });

  it('reports a connector not yet consuming as down on /health, and its metrics on /metrics', async () => {
    const kafka = openPlatformKafka({ ...brokers, KAFKA_RELAY: 'off' }, parts)!;
    expect(await kafka.healthChecks()['kafkaConnector']!()).toMatchObject({ status: 'down', running: false, inFlight: 0 });
    const registry = new Registry();
    kafka.registerMetrics(registry);
    const text = await registry.metrics();
    expect(text).toMatch(/^gpds_kafka_connector_running 0$/m);
    expect(text).toMatch(/^gpds_kafka_connector_in_flight_records 0$/m);
    expect(text).toMatch(/^gpds_kafka_connector_dead_lettered_total 0$/m);
  });
});
