import type { IHeaders, Message } from 'kafkajs';
import type { RecordError } from '@gpds/submissions';
import type { ReadMessage } from './message-decoding';

/** Headers a dead-lettered message gains; the original headers are kept as they were. */
export const DLQ_HEADERS = {
  reasons: 'gpds-dlq-reasons',
  topic: 'gpds-dlq-topic',
  partition: 'gpds-dlq-partition',
  offset: 'gpds-dlq-offset',
  at: 'gpds-dlq-at',
} as const;

/**
 * A rejected message as it goes to the dead-letter topic: the ORIGINAL key, value bytes and
 * headers, untouched (so the producer can fix and resend exactly what it sent), plus the reasons
 * as a JSON array of {path, code, message} and where the message was read from.
 */
export function deadLetterMessage(
  original: Pick<ReadMessage, 'key' | 'value' | 'headers' | 'offset'>,
  origin: { readonly topic: string; readonly partition: number },
  errors: readonly RecordError[],
  at: Date,
): Message {
  const headers: IHeaders = { ...(original.headers ?? {}) };
  headers[DLQ_HEADERS.reasons] = JSON.stringify(errors.map(({ path, code, message }) => ({ path, code, message })));
  headers[DLQ_HEADERS.topic] = origin.topic;
  headers[DLQ_HEADERS.partition] = String(origin.partition);
  headers[DLQ_HEADERS.offset] = original.offset;
  headers[DLQ_HEADERS.at] = at.toISOString();
  return { key: original.key, value: original.value, headers };
}

/** A message's outcome as far as committing goes: durable once its record is stored (accepted, duplicate) or dead-lettered. */
export interface MessageOutcome {
  readonly offset: string;
  readonly durable: boolean;
}

/**
 * The offset that may be committed for a partition (Kafka's "next offset to read"): one past the
 * last message of the contiguous prefix of durable outcomes, in offset order; null when the first
 * is not durable (nothing may be committed). A durable message after one that is not waits: on a
 * crash both are read again, and the store's idempotency answers the stored one duplicate.
 */
export function committableOffset(outcomes: readonly MessageOutcome[]): string | null {
  const ordered = [...outcomes].sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : BigInt(a.offset) > BigInt(b.offset) ? 1 : 0));
  let last: bigint | null = null;
  for (const outcome of ordered) {
    if (!outcome.durable) break;
    last = BigInt(outcome.offset);
  }
  return last === null ? null : String(last + 1n);
}

/** When to stop fetching: records read but not yet answered by the write side. */
export interface BackPressureLimits {
  /** Pause the partitions above this many records in flight. */
  readonly pauseAbove: number;
  /** Resume them once in-flight records are down to this many (below pauseAbove, so they do not flap). */
  readonly resumeAt: number;
}

/**
 * Back-pressure as a decision: pause when the records in flight exceed the bound (the write side
 * is slower than the topic), resume once drained to the lower mark, otherwise hold as is.
 */
export function backPressure(inFlight: number, paused: boolean, limits: BackPressureLimits): 'pause' | 'resume' | 'hold' {
  if (!paused && inFlight > limits.pauseAbove) return 'pause';
  if (paused && inFlight <= limits.resumeAt) return 'resume';
  return 'hold';
}
