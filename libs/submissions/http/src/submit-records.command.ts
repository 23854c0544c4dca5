import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { IncomingRecord, Principal, RecordResult, SubmissionProcessor } from '@gpds/submissions';

export const SUBMISSION_PROCESSOR = Symbol('SUBMISSION_PROCESSOR');

/** Record a chunk of submitted facts (any connector): one result per record. */
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
