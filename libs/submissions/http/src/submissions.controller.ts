import { randomUUID } from 'node:crypto';
import { Controller, HttpStatus, Inject, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { IncomingRecord } from '@gpds/submissions';
import { ApiKeyGuard, Roles, type AuthenticatedRequest } from '@gpds/access-http';
import { BodyTooLargeError, UnreadableBodyError, bodyFormat, readRecords } from './record-readers';
import { ResultSpool } from './result-spool';
import { SubmitRecordsCommand } from './submit-records.command';

export const SUBMISSION_LIMITS = Symbol('SUBMISSION_LIMITS');
export interface SubmissionLimits {
  /** Largest body accepted; past it the answer is 413 with the records read before it. */
  readonly maxBodyBytes: number;
  /** Records processed (and appended) per command. */
  readonly chunkSize: number;
}

/**
 * POST /v1/submissions: the body streams through a reader into chunks of records, each chunk
 * goes through the command bus to the one command path, and the answer lists every record.
 */
@Controller('v1/submissions')
@UseGuards(ApiKeyGuard)
export class SubmissionsController {
  private readonly logger = new Logger('Submissions');

  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(SUBMISSION_LIMITS) private readonly limits: SubmissionLimits,
  ) {}

  @Post()
  @Roles('submitter', 'admin')
  async submit(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const principal = req.principal!;
    const correlationId = (typeof req.headers['x-correlation-id'] === 'string' && req.headers['x-correlation-id'].slice(0, 100)) || randomUUID();
    const format = bodyFormat(req.headers['content-type']);
    if (!format) {
      res.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).json({
        error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `Content-Type '${req.headers['content-type'] ?? ''}' is not accepted: use application/json, application/x-ndjson or text/csv` },
      });
      return;
    }
    const results = new ResultSpool();
    let chunk: IncomingRecord[] = [];
    // One chunk is processed while the next is read: parsing overlaps the store's work, and at
    // most two chunks are in memory (awaiting the previous one is the back-pressure).
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      const records = chunk;
      chunk = [];
      await inFlight;
      if (records.length === 0) return;
      inFlight = this.commands.execute(new SubmitRecordsCommand(records, principal, correlationId)).then((done) => results.add(done));
      // Its failure surfaces at the next await of inFlight; until then it must not count as unhandled.
      inFlight.catch(() => undefined);
    };
    let status: number = HttpStatus.OK;
    let error: { code: string; message: string } | null = null;
    try {
      for await (const record of readRecords(req, format, this.limits.maxBodyBytes)) {
        chunk.push(record);
        if (chunk.length >= this.limits.chunkSize) await flush();
      }
      await flush();
      await inFlight;
    } catch (failure) {
      // Whatever was read before the failure is still processed and reported: nothing read is dropped.
      await flush();
      await inFlight;
      if (failure instanceof BodyTooLargeError) {
        status = HttpStatus.PAYLOAD_TOO_LARGE;
        error = { code: 'BODY_TOO_LARGE', message: failure.message };
      } else if (failure instanceof UnreadableBodyError) {
        status = HttpStatus.BAD_REQUEST;
        error = { code: failure.code, message: failure.message };
      } else if (req.destroyed || (failure as NodeJS.ErrnoException).code === 'ECONNRESET' || (failure as Error).message === 'aborted') {
        this.logger.warn({ correlationId, processed: results.total }, 'client went away mid-upload: the records read before were processed');
        results.discard();
        return;
      } else {
        results.discard();
        throw failure;
      }
    }
    this.logger.log({ correlationId, principal: principal.keyId, organisation: principal.organisation, format, ...results.counts, status }, 'submission processed');
    if (status !== HttpStatus.OK) {
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.destroy());
    }
    res.status(status).type('application/json');
    await results.writeTo(res, error);
  }
}
