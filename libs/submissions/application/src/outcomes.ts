import type { InvalidAppendError } from '@gpds/event-store';
import { Rejection } from '@gpds/governance';
import type { CheckedRecord, RecordError, RecordResult } from './submission-types';

/** What each step of the pipeline answers for a record: the three outcomes a sender sees. */
export const accepted = (record: CheckedRecord): RecordResult => ({ index: record.index, status: 'accepted', eventId: record.eventId });
export const duplicate = (record: CheckedRecord): RecordResult => ({ index: record.index, status: 'duplicate', eventId: record.eventId });
export function rejected(index: number, errors: readonly RecordError[], eventId?: string): RecordResult {
  return { index, status: 'rejected', ...(eventId ? { eventId } : {}), errors };
}
export const rejectedRecord = (record: CheckedRecord, error: RecordError): RecordResult => rejected(record.index, [error], record.eventId);

export const INTERNAL_ERROR: RecordError = {
  path: '',
  code: 'INTERNAL_ERROR',
  message: "the platform could not check this record (logged with the request's correlation id): tell the platform team; the other records are unaffected",
};

/** The store refused the event itself (it checks what the envelope should already have): this record's answer alone. */
export function notStorable(error: InvalidAppendError): RecordError {
  return { path: '', code: 'NOT_STORABLE', message: `the event store refused this record: ${error.message.replace(/^event \d+: /, '')}` };
}

export function changedRecord(record: CheckedRecord): RecordError {
  return {
    path: 'source.recordId',
    code: 'RECORD_CHANGED',
    message: `record ${record.source.recordId} of ${record.source.system} was accepted before with different content; a record cannot change once accepted: send the new fact with a new recordId`,
  };
}

/** A domain rejection as the record's error; anything else is the platform's failure and goes on up. */
export function asRecordError(error: unknown): RecordError {
  if (error instanceof Rejection) return { path: error.path, code: error.code, message: error.message };
  throw error;
}
