import { Controller, HttpStatus, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { InvalidKeyRequestError, type ApiKeyStore } from '@gpds/access-api-keys';
import { API_KEYS, ApiKeyGuard, Roles, type AuthenticatedRequest } from '@gpds/access-http';

const MAX_ADMIN_BODY = 16 * 1024;

/** POST /v1/admin/keys {"organisation":"16C","role":"submitter"} -> {"key":"..."} (admin role). */
@Controller('v1/admin/keys')
@UseGuards(ApiKeyGuard)
export class AdminKeysController {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyStore) {}

  @Post()
  @Roles('admin')
  async create(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    let body: { organisation?: unknown; role?: unknown };
    try {
      body = JSON.parse(await readSmallBody(req)) as typeof body;
      if (body === null || typeof body !== 'object') throw new Error('not an object');
    } catch (error) {
      res.status(HttpStatus.BAD_REQUEST).json({ error: { code: 'MALFORMED_JSON', message: `the body must be a JSON object {"organisation": "16C", "role": "submitter"}: ${(error as Error).message}` } });
      return;
    }
    try {
      const created = await this.keys.create(body.organisation as string, body.role as string, req.principal!.keyId);
      res.status(HttpStatus.CREATED).json({ key: created.key, keyId: created.principal.keyId, organisation: created.principal.organisation, role: created.principal.role });
    } catch (error) {
      if (error instanceof InvalidKeyRequestError) {
        res.status(HttpStatus.BAD_REQUEST).json({ error: { code: 'INVALID_FIELD', path: error.field, message: error.message } });
        return;
      }
      throw error;
    }
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
