import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { EventStore, RecordedEvent, Subscription } from '@gpds/event-store';
import { relayLag, relayMessage, type RelayLag } from './relay-message';

/** The relay's checkpoint name in the event store: one relay per store, whichever process runs it. */
export const RELAY_SUBSCRIBER_ID = 'kafka-relay';

export interface KafkaEventRelayOptions {
  readonly store: EventStore;
  readonly kafka: KafkaConfig;
  /** Default gpds.events.v1 (KAFKA_EVENTS_TOPIC). */
  readonly topic: string;
  /** Events per read and per produce request (default 500). */
  readonly batchSize?: number;
  /** Told of every failure (the broker unreachable, say): the relay retries with back-off, without limit. */
  readonly onError?: (error: unknown, attempt: number) => void;
}

/** What /health shows of the relay beside its lag. */
export interface RelayStatus {
  readonly running: boolean;
  readonly eventsPublished: number;
  readonly batchesPublished: number;
  readonly lastPublishedAt: string | null;
  readonly lastError: string | null;
  /** Failures in a row: above 0 while the broker refuses or is unreachable. */
  readonly failing: number;
}

/**
 * Publishes every domain event, in commit order, to Kafka. It follows the event store with a
 * catch-up subscription (its checkpoint kept in the event store under `kafka-relay`, gap-safe as
 * the projector's: a read never passes a transaction still in flight). A batch is sent with
 * acks=all by an idempotent producer (one request in flight, so retries cannot reorder), and only
 * after the brokers acknowledge it does the checkpoint move. So delivery is at least once: a crash
 * between the ack and the checkpoint publishes the batch again, and consumers deduplicate by the
 * event id (the `event-id` header).
 */
export class KafkaEventRelay {
  private producer: Producer | null = null;
  private subscription: Subscription | null = null;
  private published = 0;
  private batches = 0;
  private lastPublishedAt: string | null = null;
  private lastError: string | null = null;
  private failing = 0;
  private ended = false;

  constructor(private readonly options: KafkaEventRelayOptions) {}

  /** Connects the producer and starts following the store from the relay's checkpoint. */
  async start(): Promise<void> {
    if (this.subscription) return;
    const producer = new Kafka(this.options.kafka).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.producer = producer;
    await producer.connect();
    this.subscription = this.options.store.subscribe({
      subscriberId: RELAY_SUBSCRIBER_ID,
      batchSize: this.options.batchSize ?? 500,
      handler: (events) => this.publish(producer, events),
      // The broker may be away for a while: keep retrying (with the subscription's back-off) and say so on /health.
      maxRetries: Number.POSITIVE_INFINITY,
      onError: (error, attempt) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.failing = attempt;
        this.options.onError?.(error, attempt);
      },
    });
    this.ended = false;
    // A subscription that ends other than by stop() has failed: /health reports it from status().
    this.subscription.done.then(
      () => void (this.ended = true),
      (error: unknown) => {
        this.ended = true;
        this.lastError = error instanceof Error ? error.message : String(error);
      },
    );
  }

  private async publish(producer: Producer, events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await producer.send({ topic: this.options.topic, messages: events.map(relayMessage), acks: -1 });
    this.published += events.length;
    this.batches += 1;
    this.lastPublishedAt = new Date().toISOString();
    this.failing = 0;
  }

  /** Events behind the store's head (the projector's arithmetic). */
  async lag(): Promise<RelayLag> {
    const head = await this.options.store.head();
    return relayLag(this.subscription?.position() ?? { transactionId: 0, globalPosition: 0 }, head);
  }

  /** Resolves once every event committed before the call is published (for tests and orderly hand-overs). */
  async waitUntilCaughtUp(timeoutMs = 30_000): Promise<void> {
    if (!this.subscription) throw new Error('the Kafka relay is not running: call start() first');
    await this.subscription.waitUntilCaughtUp({ timeoutMs });
  }

  status(): RelayStatus {
    return {
      running: this.subscription !== null && !this.ended,
      eventsPublished: this.published,
      batchesPublished: this.batches,
      lastPublishedAt: this.lastPublishedAt,
      lastError: this.lastError,
      failing: this.failing,
    };
  }

  /** Stops after the batch in hand (published and checkpointed), then disconnects the producer. */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
    await this.producer?.disconnect();
    this.producer = null;
  }
}
