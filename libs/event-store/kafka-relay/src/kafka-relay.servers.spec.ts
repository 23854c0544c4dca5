import { randomUUID } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { Kafka, type Admin, type KafkaMessage } from 'kafkajs';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { pglite, sampleEvent, type TestDatabase } from '@gpds/event-store-testing';
import { EventEnvelopeSchema } from '@gpds/shared-contracts';
import { KafkaEventRelay } from './kafka-event-relay';
import { RELAY_HEADERS } from './relay-message';

/**
 * The relay's contract against a real Kafka broker (KAFKA_BROKERS; infra/compose.yaml starts one):
 * every event reaches the topic keyed by its stream, in order per stream, with its headers; a
 * restarted relay resumes from its checkpoint in the event store. `npm run test:servers -- kafka`.
 */
const brokers = process.env['KAFKA_BROKERS'];
const RUN = randomUUID().slice(0, 8);
const TOPIC = `gpds.events.contract-${RUN}`;

describe('the Kafka event relay against a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let database: TestDatabase;
  let opened: OpenedEventStore;
  const relays: KafkaEventRelay[] = [];

  beforeAll(async () => {
    if (!brokers)
      throw new Error('KAFKA_BROKERS is unset: start a broker (docker compose -f infra/compose.yaml up -d kafka) and set KAFKA_BROKERS=127.0.0.1:9092');
    kafka = new Kafka({ brokers: brokers.split(','), clientId: `relay-contract-${RUN}` });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPIC, numPartitions: 3 }] });
    database = await pglite.create('kafka-relay');
    opened = await database.open();
  });
  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    await admin?.deleteTopics({ topics: [TOPIC] }).catch(() => undefined);
    await admin?.disconnect();
    await opened?.close();
    await database?.dispose();
  });

  const startRelay = async (): Promise<KafkaEventRelay> => {
    const relay = new KafkaEventRelay({ store: opened.store, kafka: { brokers: brokers!.split(','), clientId: `relay-${RUN}` }, topic: TOPIC, batchSize: 7 });
    relays.push(relay);
    await relay.start();
    return relay;
  };

  /** Appends `count` events to each stream, interleaved, each append its own transaction. */
  const append = async (streams: readonly string[], from: number, count: number): Promise<void> => {
    for (let n = from; n < from + count; n++)
      for (const stream of streams) await opened.store.appendToStream(stream, [sampleEvent(`${stream}-${n}`, { value: n })], { expectedVersion: 'any' });
  };

  const readTopic = async (count: number): Promise<KafkaMessage[]> => {
    const consumer = kafka.consumer({ groupId: `reader-${RUN}-${randomUUID()}` });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    const deadline = Date.now() + 60_000;
    try {
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} messages on ${TOPIC}: ${messages.length} arrived`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // A moment more, so that a message published twice would show.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return messages;
    } finally {
      await consumer.disconnect();
    }
  };

  const header = (message: KafkaMessage, name: string): string => String(message.headers?.[name]);
  const streams = ['measurement-a', 'measurement-b', 'measurement-c', 'measurement-d'].map((s) => `${s}_${RUN}`);

  it('publishes every event keyed by its stream, in order per stream, with its headers; a restart resumes from the checkpoint', async () => {
    await append(streams, 1, 5);
    const first = await startRelay();
    await first.waitUntilCaughtUp(60_000);
    expect(await first.lag()).toMatchObject({ behind: 0, caughtUp: true });
    expect(first.status()).toMatchObject({ running: true, eventsPublished: 20, failing: 0 });
    await first.stop();

    // Written while no relay runs: the next one starts at the checkpoint the first left in the store.
    await append(streams, 6, 3);
    const second = await startRelay();
    await second.waitUntilCaughtUp(60_000);
    expect(second.status().eventsPublished).toBe(12);

    const messages = await readTopic(32);
    expect(messages).toHaveLength(32);
    const stored = (await opened.store.readAll({ limit: 1_000 })).events;
    for (const stream of streams) {
      const published = messages.filter((m) => m.key?.toString() === stream);
      // One stream stays on one partition (its key), and in the order of its versions.
      expect(published.map((m) => header(m, RELAY_HEADERS.stream))).toEqual(Array(8).fill(stream));
      const envelopes = published.map((m) => fromBinary(EventEnvelopeSchema, m.value!));
      expect(envelopes.map((e) => Number(e.streamVersion))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const [i, message] of published.entries()) {
        const event = stored.find((e) => e.eventId === header(message, RELAY_HEADERS.eventId))!;
        expect(event).toBeDefined();
        expect(envelopes[i]!.eventId).toBe(event.eventId);
        expect({
          type: header(message, RELAY_HEADERS.type),
          schemaVersion: header(message, RELAY_HEADERS.schemaVersion),
          occurredAt: header(message, RELAY_HEADERS.occurredAt),
          recordedAt: header(message, RELAY_HEADERS.recordedAt),
        }).toEqual({
          type: event.type,
          schemaVersion: String(event.schemaVersion),
          occurredAt: event.metadata.occurredAt,
          recordedAt: event.metadata.recordedAt,
        });
      }
    }
    // Nothing published twice across the restart.
    expect(new Set(messages.map((m) => header(m, RELAY_HEADERS.eventId))).size).toBe(32);
  });
});
