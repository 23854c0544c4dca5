import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fromJson, toBinary } from '@bufbuild/protobuf';
import { Kafka, type Admin, type IHeaders, type KafkaMessage, type Producer } from 'kafkajs';
import type { RecordedEvent } from '@gpds/event-store';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { pglite, type TestDatabase } from '@gpds/event-store-testing';
import { importMappingFile, loadDirectory } from '@gpds/organisations-importer';
import { TypedSubmissionRecordSchema } from '@gpds/shared-contracts';
import { sharedDataDir } from '@gpds/shared-runtime';
import { SubmissionProcessor, SubmitRecordsHandler, type SubmitRecordsCommand } from '@gpds/submissions';
import { readConnectorSettings } from './connector-settings';
import { DLQ_HEADERS } from './delivery';
import { KafkaSubmissionConnector, type SubmitRecords } from './kafka-submission-connector';

/**
 * The connector's contract against a real Kafka broker (KAFKA_BROKERS; infra/compose.yaml starts
 * one): records produced to the topic are stored through the one command path, a bad record and
 * a poison message reach the dead-letter topic with their original bytes, and a failure between
 * the append and the commit re-delivers the records without storing anything twice. Run by
 * `npm run test:servers -- kafka`. Never a fake broker: without KAFKA_BROKERS this suite fails.
 */
const brokers = process.env['KAFKA_BROKERS'];
const ods = join(sharedDataDir() ?? '/missing', 'ods');
const RUN = randomUUID().slice(0, 8);
const TOPIC = `gpds.submissions.contract-${RUN}`;
const DLQ = `gpds.submissions.dlq.contract-${RUN}`;
const SYSTEM = `kafka-contract-${RUN}`;

const bcp = (recordId: string, reviewedBy = '16C') => ({
  type: 'BusinessContinuityPlanReviewed',
  schemaVersion: 1,
  source: { system: SYSTEM, recordId },
  occurredAt: '2022-07-12T10:00:00Z',
  data: { practiceCode: 'A81001', reviewedBy, outcome: 'APPROVED', covers: ['CYBER'] },
});
const sample = (recordId: string, value: number) => ({
  schemaVersion: 1,
  source: { system: SYSTEM, recordId },
  occurredAt: '2025-12-01T00:00:00Z',
  utilisationSampleRecorded: {
    organisationCode: 'A81001',
    organisationLevel: 'PRACTICE',
    capability: 'ONLINE_CONSULTATION',
    metric: 'SUBMISSIONS',
    periodStart: '2025-11-01',
    periodEnd: '2025-11-30',
    value,
  },
});
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const protobuf = (value: Record<string, unknown>): Buffer =>
  Buffer.from(toBinary(TypedSubmissionRecordSchema, fromJson(TypedSubmissionRecordSchema, value as never)));
const producerHeader = { producer: 'tees-valley-gpit' };

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the Kafka submissions connector against a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let database: TestDatabase;
  let opened: OpenedEventStore;
  let processor: SubmissionProcessor;
  const connectors: KafkaSubmissionConnector[] = [];

  beforeAll(async () => {
    if (!brokers)
      throw new Error('KAFKA_BROKERS is unset: start a broker (docker compose -f infra/compose.yaml up -d kafka) and set KAFKA_BROKERS=127.0.0.1:9092');
    kafka = new Kafka({ brokers: brokers.split(','), clientId: `contract-${RUN}` });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: TOPIC, numPartitions: 3 },
        { topic: DLQ, numPartitions: 1 },
      ],
    });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    database = await pglite.create('kafka-connector');
    opened = await database.open();
    await importMappingFile(opened.store, join(ods, 'gp-reg-pat-prac-map_2022-01.csv'));
    await importMappingFile(opened.store, join(ods, 'gp-reg-pat-prac-map_2025-10.csv'));
    const directory = (await loadDirectory(opened.store)).directory;
    processor = new SubmissionProcessor({ store: opened.store, directory: () => directory });
  });
  afterAll(async () => {
    for (const connector of connectors) await connector.stop();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [TOPIC, DLQ] }).catch(() => undefined);
    await admin?.disconnect();
    await opened?.close();
    await database?.dispose();
  });

  const startConnector = async (groupId: string, submit?: (handler: SubmitRecordsHandler) => SubmitRecords): Promise<KafkaSubmissionConnector> => {
    const handler = new SubmitRecordsHandler(processor);
    const connector = new KafkaSubmissionConnector({
      kafka: { brokers: brokers!.split(','), clientId: `connector-${RUN}` },
      settings: readConnectorSettings({
        KAFKA_PRINCIPAL_MAP: 'tees-valley-gpit=16C',
        KAFKA_SUBMISSIONS_TOPIC: TOPIC,
        KAFKA_DLQ_TOPIC: DLQ,
        KAFKA_CONSUMER_GROUP: groupId,
      }),
      submit: submit ? submit(handler) : (command: SubmitRecordsCommand) => handler.execute(command),
      retryDelayMs: 200,
    });
    connectors.push(connector);
    await connector.start();
    return connector;
  };

  const ours = async (): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for (let after = undefined as RecordedEvent | undefined; ;) {
      const batch = await opened.store.readAll({ limit: 10_000, ...(after ? { after } : {}) });
      events.push(...batch.events.filter((e) => e.metadata.source.system === SYSTEM));
      if (batch.events.length < 10_000) return events;
      after = batch.events[batch.events.length - 1];
    }
  };

  const readTopic = async (topic: string, count: number): Promise<KafkaMessage[]> => {
    const consumer = kafka.consumer({ groupId: `reader-${RUN}-${randomUUID()}` });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    try {
      return await until(`${count} messages on ${topic}`, async () => (messages.length >= count ? messages : undefined));
    } finally {
      await consumer.disconnect();
    }
  };

  it('stores JSON and protobuf records through the command path, and dead-letters a refused record and a poison message with their original bytes', async () => {
    const refused = json(bcp('bcp-not-ours', '01Y'));
    const poison = Buffer.from([0x12, 0x05, 0x01]);
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: [
        { key: SYSTEM, value: json(bcp('bcp-1')), headers: producerHeader },
        { key: SYSTEM, value: protobuf(sample('oc-1', 17)), headers: { ...producerHeader, 'content-type': 'application/x-protobuf' } },
        { key: SYSTEM, value: refused, headers: { ...producerHeader, trace: 'abc' } },
        { key: SYSTEM, value: poison, headers: { ...producerHeader, 'content-type': 'application/x-protobuf' } },
      ],
    });
    const connector = await startConnector(`connector-${RUN}-a`);

    const stored = await until('the two good records in the store', async () => {
      const events = await ours();
      return events.length >= 2 ? events : undefined;
    });
    expect(stored.map((e) => [e.type, e.metadata.source.recordId, e.metadata.source.owner, e.metadata.actor?.type, e.metadata.actor?.id]).sort()).toEqual([
      ['BusinessContinuityPlanReviewed', 'bcp-1', '16C', 'kafka-producer', 'kafka:tees-valley-gpit'],
      ['UtilisationSampleRecorded', 'oc-1', '16C', 'kafka-producer', 'kafka:tees-valley-gpit'],
    ]);
    expect(stored.find((e) => e.type === 'UtilisationSampleRecorded')?.data).toMatchObject({ value: 17 });

    const dead = await readTopic(DLQ, 2);
    const byOffset = new Map(dead.map((m) => [m.headers?.[DLQ_HEADERS.offset]?.toString(), m]));
    const reasons = (m: KafkaMessage | undefined) => JSON.parse(String(m?.headers?.[DLQ_HEADERS.reasons])) as Array<{ code: string }>;
    const [refusedDead, poisonDead] = [...byOffset.values()].sort((a, b) => Number(a.headers![DLQ_HEADERS.offset]) - Number(b.headers![DLQ_HEADERS.offset]));
    expect(Buffer.compare(refusedDead!.value!, refused)).toBe(0);
    expect(refusedDead!.key?.toString()).toBe(SYSTEM);
    expect(headerString(refusedDead!.headers, 'trace')).toBe('abc');
    expect(headerString(refusedDead!.headers, 'producer')).toBe('tees-valley-gpit');
    expect(headerString(refusedDead!.headers, DLQ_HEADERS.topic)).toBe(TOPIC);
    expect(reasons(refusedDead)[0]?.code).toBe('NOT_PERMITTED');
    expect(Buffer.compare(poisonDead!.value!, poison)).toBe(0);
    expect(reasons(poisonDead)[0]?.code).toBe('MALFORMED_PROTOBUF');

    // Every offset is committed once its outcome is durable: the group has nothing left to read.
    await until('the offsets committed', async () => {
      const offsets = await admin.fetchOffsets({ groupId: `connector-${RUN}-a`, topics: [TOPIC] });
      const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      return committed >= 4 ? committed : undefined;
    });
    expect(connector.status()).toMatchObject({ running: true, accepted: 2, deadLettered: 2, inFlight: 0, pausedPartitions: 0 });
  });

  it('re-delivers records whose commit never happened, and stores nothing twice', async () => {
    const before = (await ours()).length;
    // The write side stores the chunk, then fails before answering: as a crash between the append and the commit.
    let crashed = false;
    const connector = await startConnector(`connector-${RUN}-b`, (handler) => async (command) => {
      const results = await handler.execute(command);
      const isNew = command.records.some((r) => 'value' in r && JSON.stringify(r.value).includes('"bcp-2"'));
      if (isNew && !crashed) {
        crashed = true;
        throw new Error('crash after the append, before the commit');
      }
      return results;
    });
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: [2, 3, 4].map((n) => ({ key: SYSTEM, value: json(bcp(`bcp-${n}`)), headers: producerHeader })),
    });
    // Group b reads the whole topic: the first test's records again (duplicates) and the three new ones, stored before the crash.
    await until('the new records answered', async () => {
      const status = connector.status();
      return status.accepted + status.duplicates >= 5 && status.retries >= 1 ? status : undefined;
    });
    expect(crashed).toBe(true);
    // The crashed chunk was stored before the failure: read again, it answers duplicate, never a second event.
    expect(connector.status()).toMatchObject({ accepted: 0, duplicates: 5 });
    const events = await ours();
    expect(events.length).toBe(before + 3);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(connector.status().retries).toBeGreaterThanOrEqual(1);

    // A restart that lost every commit (a new group reading from the start) stores nothing new either.
    const again = await startConnector(`connector-${RUN}-c`);
    await until('every record read again', async () => {
      const status = again.status();
      return status.duplicates >= 5 ? status : undefined;
    });
    expect(again.status()).toMatchObject({ accepted: 0, duplicates: 5 });
    expect((await ours()).length).toBe(before + 3);
  });
});

function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}
