import { Controller, HttpStatus, Inject, Logger, Module, Post, Req, Res, UseGuards, type DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import { ApiKeyGuard, Roles, apiKeyProviders, type AuthenticatedRequest } from '@gpds/access-http';
import { checkHierarchyEvidence, type HierarchyEvidence } from '@gpds/organisations';

export const RECORD_EVIDENCE = Symbol('RECORD_EVIDENCE');
/** Records a source's hierarchy evidence in the platform's store and answers once its directory holds it. */
export type RecordEvidence = (evidence: HierarchyEvidence) => Promise<object>;

/** A publication's evidence is about 1 MB of JSON; a whole mapping file's about 4 MB. */
const MAX_BODY = 16 * 1024 * 1024;

/**
 * POST /v1/admin/hierarchy-evidence: a publication's placements (or a mapping file's) from
 * `npm run cli -- import-publication` when a platform is running, recorded before its samples
 * are sent so a practice only that publication names is known when they are checked. Admins only.
 */
@Controller('v1/admin/hierarchy-evidence')
@UseGuards(ApiKeyGuard)
export class HierarchyEvidenceController {
  private readonly logger = new Logger('HierarchyEvidence');

  constructor(@Inject(RECORD_EVIDENCE) private readonly record: RecordEvidence) {}

  @Post()
  @Roles('admin')
  async post(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      res
        .status(HttpStatus.BAD_REQUEST)
        .json({ error: { code: 'MALFORMED_JSON', message: `the body must be hierarchy evidence as JSON: ${(error as Error).message}` } });
      return;
    }
    const checked = checkHierarchyEvidence(body);
    if (!checked.ok) {
      res.status(HttpStatus.BAD_REQUEST).json({ error: { code: 'INVALID_EVIDENCE', message: checked.problems.join('; '), problems: checked.problems } });
      return;
    }
    const report = await this.record(checked.evidence);
    this.logger.log(`hierarchy evidence ${checked.evidence.source}: ${checked.evidence.organisations.length} organisations recorded`);
    res.status(HttpStatus.OK).json(report);
  }
}

async function readBody(req: AuthenticatedRequest): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error(`larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Mount in the process that owns the event store and the live directory (the platform). */
@Module({})
export class HierarchyEvidenceModule {
  static register(options: { keys: ApiKeyStore; record: RecordEvidence }): DynamicModule {
    return {
      module: HierarchyEvidenceModule,
      controllers: [HierarchyEvidenceController],
      providers: [...apiKeyProviders(options.keys), { provide: RECORD_EVIDENCE, useValue: options.record }],
    };
  }
}
