import { ConfigError } from '@gpds/shared-config';
import { readKafkaConnection, switchOf, topicOf } from './kafka-connection';

const failure = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe("Kafka's configuration", () => {
  it('is off, changing nothing, while KAFKA_BROKERS is unset', () => {
    expect(readKafkaConnection({})).toBeNull();
    expect(readKafkaConnection({ KAFKA_CONNECTOR: 'off' })).toBeNull();
  });
  it('refuses a part switched on without brokers', () => {
    expect(failure(() => readKafkaConnection({ KAFKA_RELAY: 'on' }))).toMatchObject({
      variable: 'KAFKA_RELAY',
      message: expect.stringMatching(/KAFKA_BROKERS is unset/),
    });
  });
  it('turns both parts on with brokers, each switchable off', () => {
    expect(readKafkaConnection({ KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9093' })).toEqual({
      config: { brokers: ['kafka-1:9092', 'kafka-2:9093'], clientId: 'gpds-platform' },
      parts: { connector: true, relay: true },
    });
    expect(readKafkaConnection({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_RELAY: 'off' })?.parts).toEqual({ connector: true, relay: false });
  });
  it('reads TLS and SASL', () => {
    const connection = readKafkaConnection({
      KAFKA_BROKERS: 'k:9093',
      KAFKA_SSL: 'on',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'gpds',
      KAFKA_SASL_PASSWORD: 'secret',
      KAFKA_CLIENT_ID: 'gpds-eu-west',
    });
    expect(connection?.config).toEqual({
      brokers: ['k:9093'],
      clientId: 'gpds-eu-west',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'gpds', password: 'secret' },
    });
  });
  it.each([
    [{ KAFKA_BROKERS: 'kafka-1' }, 'KAFKA_BROKERS', /not host:port/],
    [{ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_MECHANISM', /not supported/],
    [{ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD', /needs both/],
    [{ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_MECHANISM', /is unset/],
    [{ KAFKA_BROKERS: 'k:9092', KAFKA_SSL: 'maybe' }, 'KAFKA_SSL', /neither on nor off/],
  ])('refuses %p naming %s', (env, variable, message) => {
    const error = failure(() => readKafkaConnection(env));
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    // A password never appears in the message.
    expect(error.message).not.toMatch(/\bp\b.*secret/);
  });
  it('reads switches and topic names', () => {
    expect(switchOf({ X: 'OFF' }, 'X', true)).toBe(false);
    expect(switchOf({}, 'X', true)).toBe(true);
    expect(topicOf({}, 'KAFKA_EVENTS_TOPIC', 'gpds.events.v1')).toBe('gpds.events.v1');
    expect(failure(() => topicOf({ KAFKA_EVENTS_TOPIC: '..' }, 'KAFKA_EVENTS_TOPIC', 'gpds.events.v1')).variable).toBe('KAFKA_EVENTS_TOPIC');
  });
});
