// The one command path every connector uses (HTTP, Kafka, publications, demo data).
export { SubmissionProcessor, type SubmissionProcessorOptions } from './submission-processor';
export { SUBMISSION_PROCESSOR, SubmitRecordsCommand, SubmitRecordsHandler } from './submit-records.command';
export type { LegacySources } from './record-identity';
export { decisionContext } from './decision-context';
export { ChunkFailedError, notStored, type CheckedRecord, type IncomingRecord, type Principal, type RecordError, type RecordResult } from './submission-types';
