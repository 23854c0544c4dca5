import { EventIdConflictError, InvalidAppendError, WrongExpectedVersionError, type EventStore, type EventToAppend, type StreamAppend } from '@gpds/event-store';
import { accepted, changedRecord, duplicate, notStorable, rejectedRecord } from './outcomes';
import type { CheckedRecord, RecordResult } from './submission-types';

/** A stream's decided records and their events, ready for the store. */
export interface StreamWrite {
  readonly streamId: string;
  readonly records: readonly CheckedRecord[];
  readonly events: readonly EventToAppend[];
  readonly expectedVersion: StreamAppend['expectedVersion'];
}

/** Errors that concern the records of an append, not the platform: the append is retried narrower. */
export function isRecordsFault(error: unknown): boolean {
  return error instanceof EventIdConflictError || error instanceof InvalidAppendError;
}

/**
 * Appends every stream's events in one transaction and answers each record accepted or
 * duplicate (the store's idempotency by event id). On a changed resubmission, or an event the
 * store refuses, it narrows down stream by stream and record by record, so the fault answers
 * only for itself. For streams without state (measurements: expected version 'any').
 */
export async function appendStateless(store: EventStore, writes: readonly StreamWrite[], answer: (result: RecordResult) => void): Promise<void> {
  if (writes.length === 0) return;
  try {
    const outcome = await store.appendToStreams(writes.map(({ streamId, events, expectedVersion }) => ({ streamId, events, expectedVersion })));
    outcome.forEach((result, i) => result.events.forEach((e, j) => answer((e.status === 'appended' ? accepted : duplicate)(writes[i]!.records[j]!))));
  } catch (error) {
    if (!isRecordsFault(error)) throw error;
    const single = writes.length === 1 && writes[0]!.records.length === 1 ? writes[0]! : undefined;
    if (single) return answer(rejectedRecord(single.records[0]!, error instanceof InvalidAppendError ? notStorable(error) : changedRecord(single.records[0]!)));
    for (const w of writes) {
      for (let i = 0; i < w.records.length; i++) await appendStateless(store, [{ ...w, records: [w.records[i]!], events: [w.events[i]!] }], answer);
    }
  }
}

/**
 * Appends decided streams in one transaction, each at the version its state was read at.
 * Answers true when every record was stored (each answered accepted); false when another writer
 * reached a stream first or a record's fault refused the transaction, so nothing was written and
 * the caller takes the streams one by one.
 */
export async function appendDecided(store: EventStore, writes: readonly StreamWrite[], answer: (result: RecordResult) => void): Promise<boolean> {
  if (writes.length === 0) return true;
  try {
    await store.appendToStreams(writes.map(({ streamId, events, expectedVersion }) => ({ streamId, events, expectedVersion })));
  } catch (error) {
    if (error instanceof WrongExpectedVersionError || isRecordsFault(error)) return false;
    throw error;
  }
  for (const w of writes) for (const r of w.records) answer(accepted(r));
  return true;
}
