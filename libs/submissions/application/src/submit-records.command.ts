import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SubmissionProcessor } from './submission-processor';
import type { IncomingRecord, Principal, RecordResult } from './submission-types';

export const SUBMISSION_PROCESSOR = Symbol('SUBMISSION_PROCESSOR');

/**
 * Record a chunk of submitted facts (any connector: HTTP, Kafka): one result per record. Here, beside
 * the processor, so every transport sends the same command rather than each wrapping the processor.
 */
export class SubmitRecordsCommand extends Command<RecordResult[]> {
  constructor(
    readonly records: readonly IncomingRecord[],
    readonly principal: Principal,
    readonly correlationId: string,
  ) {
    super();
  }
}

@CommandHandler(SubmitRecordsCommand)
export class SubmitRecordsHandler implements ICommandHandler<SubmitRecordsCommand, RecordResult[]> {
  constructor(@Inject(SUBMISSION_PROCESSOR) private readonly processor: SubmissionProcessor) {}

  execute(command: SubmitRecordsCommand): Promise<RecordResult[]> {
    return this.processor.process(command.records, command.principal, command.correlationId);
  }
}
