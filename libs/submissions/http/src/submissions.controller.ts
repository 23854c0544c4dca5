import { randomUUID } from 'node:crypto';
import { Controller, HttpStatus, Inject, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { ChunkFailedError, SubmitRecordsCommand, notStored, type IncomingRecord } from '@gpds/submissions';
import { ApiKeyGuard, RateLimited, Roles, type AuthenticatedRequest, type PrincipalRateLimits } from '@gpds/access-http';
import { BodyTooLargeError, UnreadableBodyError, bodyFormat, decodedBody, readRecords } from './record-readers';
import { ResultSpool } from './result-spool';

export const SUBMISSION_LIMITS = Symbol('SUBMISSION_LIMITS');
export const SUBMISSION_OVERSIGHT = Symbol('SUBMISSION_OVERSIGHT');

/** What watches submissions: each principal's records-a-minute budget, and the audit trail every batch is recorded in. */
export interface SubmissionOversight {
  readonly rateLimits?: PrincipalRateLimits | null;
  readonly audit?: {
    record(entry: {
      kind: 'submission';
      principal: AuthenticatedRequest['principal'] & object;
      operation: string;
      arguments?: unknown;
      organisations?: readonly string[];
      durationMs?: number;
      outcome: string;
      details?: unknown;
    }): void;
  } | null;
}
/** How long a sender may go on sending after its answer (a 413, a 400, a 503) before the connection is cut. */
const DRAIN_GRACE_MS = 10_000;
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
    @Inject(SUBMISSION_OVERSIGHT) private readonly oversight: SubmissionOversight,
  ) {}

  @Post()
  @Roles('submitter', 'admin')
  async submit(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const principal = req.principal!;
    const started = process.hrtime.bigint();
    const correlationId = (typeof req.headers['x-correlation-id'] === 'string' && req.headers['x-correlation-id'].slice(0, 100)) || randomUUID();
    const format = bodyFormat(req.headers['content-type']);
    if (!format) {
      res.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).json({
        error: {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: `Content-Type '${req.headers['content-type'] ?? ''}' is not accepted: use application/json, application/x-ndjson or text/csv`,
        },
      });
      return;
    }
    const body = decodedBody(req, req.headers['content-encoding']);
    if ('unsupported' in body) {
      res.setHeader('Accept-Encoding', 'gzip, deflate, br');
      res.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).json({
        error: {
          code: 'UNSUPPORTED_ENCODING',
          message: `Content-Encoding '${body.unsupported}' is not accepted: send the body as it is, or compressed with gzip, deflate or br`,
        },
      });
      return;
    }
    const results = new ResultSpool();
    let chunk: IncomingRecord[] = [];
    // A failure that is the platform's (the store unreachable, say) stops the request: every
    // record read is still answered, those stored as accepted and the others as NOT_STORED.
    let failure: unknown = null;
    // Past the principal's records-a-minute budget: what is read from then on is not stored (429).
    let limited: RateLimited | null = null;
    const submit = async (records: IncomingRecord[]): Promise<void> => {
      try {
        results.add(await this.commands.execute(new SubmitRecordsCommand(records, principal, correlationId)));
      } catch (error) {
        failure ??= error;
        results.add(error instanceof ChunkFailedError ? error.results : records.map((r) => notStored(r.index)));
      }
    };
    // One chunk is processed while the next is read: parsing overlaps the store's work, and at
    // most two chunks are in memory (awaiting the previous one is the back-pressure).
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      const records = chunk;
      chunk = [];
      await inFlight;
      if (records.length === 0) return;
      if (!failure && !limited && this.oversight.rateLimits) {
        limited = await this.oversight.rateLimits.spendSubmissionRecords(principal.id, records.length).then(
          () => null,
          (refused: unknown) => {
            if (refused instanceof RateLimited) return refused;
            throw refused;
          },
        );
      }
      if (failure || limited) results.add(records.map((r) => notStored(r.index)));
      else inFlight = submit(records);
    };
    let status: number = HttpStatus.OK;
    let error: { code: string; message: string } | null = null;
    try {
      for await (const record of readRecords(body.stream, format, this.limits.maxBodyBytes, body.encoding)) {
        chunk.push(record);
        if (chunk.length >= this.limits.chunkSize) await flush();
        if (failure || limited) break; // nothing more is read: the rest of the body is not answered
      }
      await flush();
      await inFlight;
    } catch (thrown) {
      // Whatever was read before the failure is still processed and reported: nothing read is dropped.
      await flush();
      await inFlight;
      if (thrown instanceof BodyTooLargeError) {
        status = HttpStatus.PAYLOAD_TOO_LARGE;
        error = { code: 'BODY_TOO_LARGE', message: thrown.message };
      } else if (thrown instanceof UnreadableBodyError) {
        status = HttpStatus.BAD_REQUEST;
        error = { code: thrown.code, message: thrown.message };
      } else if (req.destroyed || (thrown as NodeJS.ErrnoException).code === 'ECONNRESET' || (thrown as Error).message === 'aborted') {
        this.logger.warn({ correlationId, processed: results.total }, 'client went away mid-upload: the records read before were processed');
        results.discard();
        return;
      } else {
        // A reader's own failure: answered like the store's, with what was read and stored.
        failure ??= thrown;
      }
    }
    if (failure) {
      this.logger.error({ correlationId, err: failure, answered: results.total }, 'a submission stopped on a failure inside the platform');
      status = HttpStatus.SERVICE_UNAVAILABLE;
      error = {
        code: 'SUBMISSION_INCOMPLETE',
        message: `the platform failed while storing this submission (logged under correlation id ${correlationId}): the results say which records were stored (accepted, duplicate) and which were not (NOT_STORED); records after the last result were not read. Send the records not stored again: resending a stored one is a no-op`,
      };
      res.setHeader('Retry-After', '5');
    }
    // Set inside flush(), which TypeScript does not follow.
    const rateLimited = limited as RateLimited | null;
    if (rateLimited && !failure && !error) {
      status = HttpStatus.TOO_MANY_REQUESTS;
      error = {
        code: 'RATE_LIMITED',
        message: `${rateLimited.message}. The records answered accepted or duplicate are stored; those answered NOT_STORED, and any after the last result, were not: send them again after ${rateLimited.retryAfterSeconds} s (resending a stored one is a no-op)`,
      };
      res.setHeader('Retry-After', String(rateLimited.retryAfterSeconds));
    }
    this.logger.log(
      { correlationId, principal: principal.keyId, organisation: principal.organisation, format, ...results.counts, status },
      'submission processed',
    );
    this.oversight.audit?.record({
      kind: 'submission',
      principal,
      operation: 'submit',
      arguments: { format, ...results.counts },
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      outcome: error?.code ?? 'ok',
      details: { correlationId, status },
    });
    if (status !== HttpStatus.OK) {
      // The rest of the body is not read into records: it is drained, not left unread (closing a
      // socket with unread bytes resets it and can cut the answer short). A sender that goes on
      // past a grace period after its answer is cut off.
      req.unpipe();
      req.resume();
      res.on('finish', () => {
        if (!req.complete) setTimeout(() => req.destroy(), DRAIN_GRACE_MS).unref();
      });
    }
    res.status(status).type('application/json');
    await results.writeTo(res, error);
  }
}
