// The one command path every connector uses (HTTP, publications, demo data; Kafka next).
export { SubmissionProcessor, type SubmissionProcessorOptions } from './submission-processor';
export type { LegacySources } from './record-identity';
export { decisionContext } from './decision-context';
export { ChunkFailedError, notStored, type CheckedRecord, type IncomingRecord, type Principal, type RecordError, type RecordResult } from './submission-types';
