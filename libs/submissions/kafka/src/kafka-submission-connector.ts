import { Kafka, type Consumer, type EachBatchPayload, type KafkaConfig, type KafkaMessage, type Producer } from 'kafkajs';
import { ChunkFailedError, SubmitRecordsCommand, notStored, type IncomingRecord, type Principal, type RecordError, type RecordResult } from '@gpds/submissions';
import type { ConnectorSettings } from './connector-settings';
import { backPressure, committableOffset, deadLetterMessage, type MessageOutcome } from './delivery';
import { decodeSubmissionMessage } from './message-decoding';
import { principalOf } from './producer-principals';

/** Runs a submission command: the HTTP connector's handler (or a CommandBus) in the platform. */
export type SubmitRecords = (command: SubmitRecordsCommand) => Promise<RecordResult[]>;

export interface KafkaSubmissionConnectorOptions {
  readonly kafka: KafkaConfig;
  readonly settings: ConnectorSettings;
  readonly submit: SubmitRecords;
  /** Told of failures that are the platform's or the broker's (each is retried; nothing is lost). */
  readonly onError?: (error: unknown, context: Record<string, unknown>) => void;
  /** Wait before reading a partition again after the write side failed (default 2 s). */
  readonly retryDelayMs?: number;
}

/** What /health and /metrics show of the connector. */
export interface ConnectorStatus {
  readonly running: boolean;
  /** Records read and not yet answered by the write side. */
  readonly inFlight: number;
  readonly pausedPartitions: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  /** Times a partition was read again because the write side or the dead-letter topic failed. */
  readonly retries: number;
  readonly lastError: string | null;
}

/**
 * The Kafka submission connector: each message of the submissions topic is one record, sent
 * through the same SubmitRecordsCommand as HTTP. Accepted and duplicate records are done;
 * rejected ones (and messages that are no record at all) go to the dead-letter topic with the
 * reasons and the original bytes. A partition's offset is committed only up to the last message
 * whose outcome is durable (stored, or acknowledged by the dead-letter topic), so a crash reads
 * the rest again and the store's idempotency answers them duplicate. Partitions pause while more
 * than the bound of records are in flight, and resume once the write side has drained them.
 */
export class KafkaSubmissionConnector {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private inFlight = 0;
  private readonly paused = new Map<string, () => void>();
  private counts = { accepted: 0, duplicates: 0, deadLettered: 0, retries: 0 };
  private lastError: string | null = null;
  private crashed = false;

  constructor(private readonly options: KafkaSubmissionConnectorOptions) {}

  async start(): Promise<void> {
    if (this.consumer) return;
    const { settings } = this.options;
    const kafka = new Kafka(this.options.kafka);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: settings.groupId, allowAutoTopicCreation: false });
    // Held at once, so that stop() disconnects whatever connected before a failed start.
    this.producer = producer;
    this.consumer = consumer;
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: settings.topic, fromBeginning: true });
    consumer.on(consumer.events.CRASH, (event) => {
      this.crashed = !event.payload.restart;
      this.lastError = event.payload.error.message;
      this.options.onError?.(event.payload.error, { groupId: settings.groupId, restart: event.payload.restart });
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: settings.partitionsConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** One partition's batch, chunk by chunk: answer, dead-letter, commit the durable prefix. */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const origin = { topic: batch.topic, partition: batch.partition };
    const key = `${batch.topic}:${batch.partition}`;
    const { chunkSize } = this.options.settings;
    // The whole batch counts as in flight: kafkajs fetches ahead while it is handled, and pausing stops that.
    let waiting = batch.messages.length;
    this.inFlight += waiting;
    this.applyBackPressure(key, payload);
    try {
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (!payload.isRunning() || payload.isStale()) return;
        const chunk = batch.messages.slice(i, i + chunkSize);
        const outcomes = await this.handleChunk(chunk, origin);
        this.inFlight -= chunk.length;
        waiting -= chunk.length;
        this.applyBackPressure(key, payload);
        const next = committableOffset(outcomes);
        if (next !== null) {
          payload.resolveOffset(String(BigInt(next) - 1n));
          await payload.commitOffsetsIfNecessary({ topics: [{ topic: origin.topic, partitions: [{ partition: origin.partition, offset: next }] }] });
        }
        if (next === null || outcomes.some((o) => !o.durable)) {
          // The write side or the dead-letter topic failed: read the rest again after a pause (nothing past it is committed).
          this.counts.retries += 1;
          await sleep(this.options.retryDelayMs ?? 2_000);
          try {
            this.consumer?.seek({ topic: origin.topic, partition: origin.partition, offset: next ?? chunk[0]!.offset });
          } catch (error) {
            // The partition went to another member meanwhile: it reads from the committed offset, which is what matters.
            this.options.onError?.(error, { ...origin, seeking: true });
          }
          return;
        }
        await payload.heartbeat();
      }
    } finally {
      this.inFlight -= waiting;
      this.applyBackPressure(key, payload);
    }
  }

  private applyBackPressure(key: string, payload: EachBatchPayload): void {
    const limits = this.options.settings.backPressure;
    if (backPressure(this.inFlight, this.paused.has(key), limits) === 'pause') this.paused.set(key, payload.pause());
    if (this.paused.size > 0 && backPressure(this.inFlight, true, limits) === 'resume') {
      for (const resume of this.paused.values()) resume();
      this.paused.clear();
    }
  }

  /**
   * One chunk of messages: decoded and attributed, sent as commands (one per run of messages
   * from the same producer), rejections dead-lettered. Answers each message durable or not.
   */
  private async handleChunk(chunk: readonly KafkaMessage[], origin: { topic: string; partition: number }): Promise<MessageOutcome[]> {
    const { settings, submit } = this.options;
    const durable = new Map<string, boolean>();
    const dead: Array<{ message: KafkaMessage; errors: readonly RecordError[] }> = [];
    const runs: Array<{ principal: Principal; identity: string; messages: Array<{ message: KafkaMessage; value: unknown }> }> = [];
    for (const message of chunk) {
      const attributed = principalOf(message.headers, settings.principals, settings.topicProducer);
      if (!attributed.ok) {
        dead.push({ message, errors: [attributed.error] });
        continue;
      }
      const decoded = decodeSubmissionMessage(message);
      if (!decoded.ok) {
        dead.push({ message, errors: decoded.errors });
        continue;
      }
      const last = runs[runs.length - 1];
      if (last && last.identity === attributed.principal.keyId) last.messages.push({ message, value: decoded.value });
      else runs.push({ principal: attributed.principal, identity: attributed.principal.keyId, messages: [{ message, value: decoded.value }] });
    }

    for (const run of runs) {
      const records: IncomingRecord[] = run.messages.map(({ value }, index) => ({ index, value }));
      const correlationId = `kafka:${origin.topic}:${origin.partition}:${run.messages[0]!.message.offset}`;
      let results: readonly RecordResult[];
      try {
        results = await submit(new SubmitRecordsCommand(records, run.principal, correlationId));
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error, { ...origin, correlationId });
        results = error instanceof ChunkFailedError ? error.results : records.map((r) => notStored(r.index));
      }
      for (const result of results) {
        const { message } = run.messages[result.index]!;
        if (result.status === 'accepted' || result.status === 'duplicate') {
          durable.set(message.offset, true);
          if (result.status === 'accepted') this.counts.accepted += 1;
          else this.counts.duplicates += 1;
        } else if (result.errors?.some((e) => e.code === 'NOT_STORED')) durable.set(message.offset, false);
        else dead.push({ message, errors: result.errors ?? [] });
      }
    }

    if (dead.length > 0) {
      const at = new Date();
      try {
        await this.producer!.send({
          topic: settings.deadLetterTopic,
          messages: dead.map(({ message, errors }) => deadLetterMessage(message, origin, errors, at)),
          acks: -1,
        });
        for (const { message } of dead) durable.set(message.offset, true);
        this.counts.deadLettered += dead.length;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error, { ...origin, deadLetterTopic: settings.deadLetterTopic });
        for (const { message } of dead) durable.set(message.offset, false);
      }
    }
    return chunk.map((message) => ({ offset: message.offset, durable: durable.get(message.offset) ?? false }));
  }

  status(): ConnectorStatus {
    return {
      running: this.consumer !== null && !this.crashed,
      inFlight: this.inFlight,
      pausedPartitions: this.paused.size,
      ...this.counts,
      lastError: this.lastError,
    };
  }

  /** Stops after the chunk in hand (its durable prefix committed), then disconnects. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect();
    await this.producer?.disconnect();
    this.producer = null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
