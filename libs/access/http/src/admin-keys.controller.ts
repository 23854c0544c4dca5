import { Controller, Delete, Get, HttpStatus, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { InvalidKeyRequestError, type ApiKeyStore } from '@gpds/access-api-keys';
import { API_KEYS, ApiKeyGuard, Roles, type AuthenticatedRequest } from './auth';

const MAX_ADMIN_BODY = 16 * 1024;
const KEY_ID = /^[A-Za-z0-9]{16}$/;

export const KEY_ORGANISATIONS = Symbol('KEY_ORGANISATIONS');
/** The level of an organisation in the reference data (ODS), or undefined for a code it does not have. */
export type OrganisationLevelOf = (code: string) => string | undefined;

/**
 * API keys, for admins: POST /v1/admin/keys {"organisation":"16C","role":"submitter"} -> the key
 * (shown once); GET lists them (never their secrets); DELETE /v1/admin/keys/<keyId> revokes one.
 * A key is for an organisation the reference data knows (or ENG, England); a submitter's key is
 * a commissioner's, the only organisations that state facts about practices.
 */
@Controller('v1/admin/keys')
@UseGuards(ApiKeyGuard)
export class AdminKeysController {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(KEY_ORGANISATIONS) private readonly levelOf: OrganisationLevelOf,
  ) {}

  @Post()
  @Roles('admin')
  async create(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    let body: { organisation?: unknown; role?: unknown };
    try {
      body = JSON.parse(await readSmallBody(req)) as typeof body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch (error) {
      res.status(HttpStatus.BAD_REQUEST).json({
        error: {
          code: 'MALFORMED_JSON',
          message: `the body must be a JSON object {"organisation": "16C", "role": "submitter"}: ${(error as Error).message}`,
        },
      });
      return;
    }
    const invalid = (path: string, message: string): void => void res.status(HttpStatus.BAD_REQUEST).json({ error: { code: 'INVALID_FIELD', path, message } });
    try {
      const organisation = typeof body.organisation === 'string' ? body.organisation.trim().toUpperCase() : body.organisation;
      if (typeof organisation === 'string' && organisation !== 'ENG' && /^[A-Z0-9]{2,10}$/.test(organisation)) {
        const level = this.levelOf(organisation);
        if (level === undefined)
          return invalid(
            'organisation',
            `'${organisation}' is not an organisation in the reference data (ODS): use a commissioner's code such as 16C, or ENG for England`,
          );
        if (body.role === 'submitter' && level !== 'COMMISSIONER') {
          return invalid(
            'organisation',
            `${organisation} is a ${level}: submitter keys are for commissioners (sub-ICB locations, CCGs before July 2022), who state facts about their practices`,
          );
        }
      } else if (organisation === 'ENG' && body.role === 'submitter') {
        return invalid('organisation', 'submitter keys are for commissioners, who state facts about their practices; national feeds use an admin key');
      }
      const created = await this.keys.create(organisation as string, body.role as string, req.principal!.keyId);
      res
        .status(HttpStatus.CREATED)
        .json({ key: created.key, keyId: created.principal.keyId, organisation: created.principal.organisation, role: created.principal.role });
    } catch (error) {
      if (error instanceof InvalidKeyRequestError) return invalid(error.field, error.message);
      throw error;
    }
  }

  @Get()
  @Roles('admin')
  async list(@Res() res: Response): Promise<void> {
    res.status(HttpStatus.OK).json({ keys: await this.keys.list() });
  }

  @Delete(':keyId')
  @Roles('admin')
  async revoke(@Req() req: AuthenticatedRequest, @Param('keyId') keyId: string, @Res() res: Response): Promise<void> {
    if (!KEY_ID.test(keyId)) {
      res.status(HttpStatus.BAD_REQUEST).json({
        error: {
          code: 'INVALID_FIELD',
          path: 'keyId',
          message: `'${keyId.slice(0, 40)}' is not a key id: the 16 letters and digits after gpds_ in a key (keys list shows them)`,
        },
      });
      return;
    }
    if (keyId === req.principal!.keyId) {
      res
        .status(HttpStatus.CONFLICT)
        .json({ error: { code: 'OWN_KEY', message: 'a key cannot revoke itself: use another admin key, so that one always remains' } });
      return;
    }
    if (!(await this.keys.revoke(keyId))) {
      res.status(HttpStatus.NOT_FOUND).json({ error: { code: 'NO_SUCH_KEY', message: `there is no key ${keyId} in use (never created, or revoked already)` } });
      return;
    }
    res.status(HttpStatus.OK).json({ keyId, revoked: true });
  }
}

async function readSmallBody(req: AuthenticatedRequest): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_ADMIN_BODY) throw new Error(`larger than ${MAX_ADMIN_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
