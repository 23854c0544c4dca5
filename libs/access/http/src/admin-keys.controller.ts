import { Controller, Delete, Get, HttpStatus, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { InvalidKeyRequestError, KeyNotRotatableError, parseDuration, type ApiKeyPrincipal, type ApiKeyStore, type CreatedKey } from '@gpds/access-api-keys';
import { API_KEYS, ApiKeyGuard, Roles, type AuthenticatedRequest } from './auth';

const MAX_ADMIN_BODY = 16 * 1024;
const KEY_ID = /^[A-Za-z0-9]{16}$/;
const ORGANISATION = /^[A-Z0-9]{2,10}$/;
/** The levels a scope may be (besides ENG): the organisations that see a set of practices. */
const SCOPE_LEVELS: ReadonlySet<string> = new Set(['REGION', 'ICB', 'COMMISSIONER']);

export const KEY_ORGANISATIONS = Symbol('KEY_ORGANISATIONS');
export const KEY_CHANGES = Symbol('KEY_CHANGES');
/** The level of an organisation in the reference data (ODS), or undefined for a code it does not have. */
export type OrganisationLevelOf = (code: string) => string | undefined;

/** A change to the keys, made by an admin: what the audit trail records (never a secret). */
export interface KeyChange {
  readonly action: 'create' | 'rotate' | 'revoke';
  readonly keyId: string;
  readonly by: ApiKeyPrincipal;
  readonly organisation?: string;
  readonly role?: string;
  readonly scope?: string;
  readonly expiresAt?: string | null;
  /** For a rotation: the key replaced. */
  readonly rotatedFrom?: string;
}
/** Told of every key change once it is stored, before the answer; it must not throw (the change is made). */
export type OnKeyChange = (change: KeyChange) => void;

/** A bad request, answered 400 `{"error": {"code": "INVALID_FIELD", path, message}}` (as before keys had scopes and expiry: clients keep working). */
class BadKeyRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * API keys, for admins: POST /v1/admin/keys {"organisation":"16C","role":"submitter"} (and
 * optionally "scope":"Y56", "expiresIn":"90d") -> the key (shown once); POST
 * /v1/admin/keys/<keyId>/rotate {"grace":"7d"} -> its successor; GET lists them (never their
 * secrets); DELETE /v1/admin/keys/<keyId> revokes one. A key is for an organisation the
 * reference data knows (or ENG, England); a submitter's key is a commissioner's, the only
 * organisations that state facts about practices; a scope is England, a region, an ICB or a
 * commissioner.
 */
@Controller('v1/admin/keys')
@UseGuards(ApiKeyGuard)
export class AdminKeysController {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(KEY_ORGANISATIONS) private readonly levelOf: OrganisationLevelOf,
    @Inject(KEY_CHANGES) private readonly onKeyChange: OnKeyChange,
  ) {}

  @Post()
  @Roles('admin')
  async create(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    await answering(res, async () => {
      const body = await readJsonObject(req, '{"organisation": "16C", "role": "submitter"}');
      const organisation = this.organisation(body['organisation'], body['role']);
      // Without one, the scope is the organisation: it must be one that can be a scope.
      const scope = this.scope(body['scope'] === undefined ? organisation : body['scope'], body['scope'] === undefined ? 'organisation' : 'scope');
      const expiresInMs = body['expiresIn'] === undefined ? undefined : parseDuration(text(body['expiresIn'], 'expiresIn'), 'expiresIn');
      const created = await this.keys.create(organisation, body['role'] as string, req.principal!.keyId, { scope: scope as string, expiresInMs });
      this.onKeyChange({ action: 'create', keyId: created.principal.keyId, by: req.principal!, ...described(created) });
      res.status(HttpStatus.CREATED).json(keyAnswer(created));
    });
  }

  @Post(':keyId/rotate')
  @Roles('admin')
  async rotate(@Req() req: AuthenticatedRequest, @Param('keyId') keyId: string, @Res() res: Response): Promise<void> {
    await answering(res, async () => {
      checkKeyId(keyId);
      const body = await readJsonObject(req, '{"grace": "7d"}', true);
      const graceMs = body['grace'] === undefined ? undefined : parseDuration(text(body['grace'], 'grace'), 'grace');
      const rotated = await this.keys.rotate(keyId, req.principal!.keyId, { graceMs });
      if (!rotated) return void res.status(HttpStatus.NOT_FOUND).json(noSuchKey(keyId));
      this.onKeyChange({ action: 'rotate', keyId: rotated.principal.keyId, by: req.principal!, rotatedFrom: keyId, ...described(rotated) });
      res.status(HttpStatus.CREATED).json({ ...keyAnswer(rotated), rotatedFrom: keyId, oldKeyExpiresAt: rotated.oldKeyExpiresAt });
    });
  }

  @Get()
  @Roles('admin')
  async list(@Res() res: Response): Promise<void> {
    res.status(HttpStatus.OK).json({ keys: await this.keys.list() });
  }

  @Delete(':keyId')
  @Roles('admin')
  async revoke(@Req() req: AuthenticatedRequest, @Param('keyId') keyId: string, @Res() res: Response): Promise<void> {
    await answering(res, async () => {
      checkKeyId(keyId);
      if (keyId === req.principal!.keyId) {
        res
          .status(HttpStatus.CONFLICT)
          .json({ error: { code: 'OWN_KEY', message: 'a key cannot revoke itself: use another admin key, so that one always remains' } });
        return;
      }
      if (!(await this.keys.revoke(keyId))) return void res.status(HttpStatus.NOT_FOUND).json(noSuchKey(keyId, 'revoked already'));
      this.onKeyChange({ action: 'revoke', keyId, by: req.principal! });
      res.status(HttpStatus.OK).json({ keyId, revoked: true });
    });
  }

  /** The key's organisation, upper-cased: one the reference data knows (or ENG), and a commissioner for a submitter. */
  private organisation(given: unknown, role: unknown): string {
    const organisation = typeof given === 'string' ? given.trim().toUpperCase() : given;
    if (typeof organisation !== 'string' || !ORGANISATION.test(organisation)) return organisation as string; // the store says what is wrong
    if (organisation === 'ENG') {
      if (role === 'submitter')
        throw new BadKeyRequest('organisation', 'submitter keys are for commissioners, who state facts about their practices; national feeds use an admin key');
      return organisation;
    }
    const level = this.levelOf(organisation);
    if (level === undefined) {
      throw new BadKeyRequest(
        'organisation',
        `'${organisation}' is not an organisation in the reference data (ODS): use a commissioner's code such as 16C, or ENG for England`,
      );
    }
    if (role === 'submitter' && level !== 'COMMISSIONER') {
      throw new BadKeyRequest(
        'organisation',
        `${organisation} is a ${level}: submitter keys are for commissioners (sub-ICB locations, CCGs before July 2022), who state facts about their practices`,
      );
    }
    return organisation;
  }

  /**
   * A scope, upper-cased: ENG, or a region, ICB or commissioner the reference data knows. `from`
   * says where it came from: the request's scope, or the organisation (the default scope).
   */
  private scope(given: unknown, from: 'scope' | 'organisation'): unknown {
    if (typeof given !== 'string') return given; // the store says what is wrong
    const scope = given.trim().toUpperCase();
    if (scope === 'ENG' || !ORGANISATION.test(scope)) return scope;
    const level = this.levelOf(scope);
    if (level !== undefined && SCOPE_LEVELS.has(level)) return scope;
    const what = level === undefined ? `'${scope}' is not an organisation in the reference data (ODS)` : `${scope} is a ${level}`;
    throw new BadKeyRequest(
      'scope',
      `${what}: a key's scope is England (ENG), a region, an ICB or a commissioner${from === 'organisation' ? ', and is the organisation unless given' : ''}; give "scope", e.g. "Y56" or "16C"`,
    );
  }
}

/** Runs a handler, answering a bad request as 400 INVALID_FIELD and a key that cannot be rotated as 409. */
async function answering(res: Response, handle: () => Promise<void>): Promise<void> {
  try {
    await handle();
  } catch (error) {
    if (error instanceof MalformedBody) {
      res.status(HttpStatus.BAD_REQUEST).json({ error: { code: 'MALFORMED_JSON', message: error.message } });
    } else if (error instanceof BadKeyRequest || error instanceof InvalidKeyRequestError) {
      res.status(HttpStatus.BAD_REQUEST).json({ error: { code: 'INVALID_FIELD', path: error.field, message: error.message } });
    } else if (error instanceof KeyNotRotatableError) {
      res.status(HttpStatus.CONFLICT).json({ error: { code: 'KEY_NOT_ROTATABLE', reason: error.reason, message: error.message } });
    } else {
      throw error;
    }
  }
}

function checkKeyId(keyId: string): void {
  if (!KEY_ID.test(keyId)) {
    throw new BadKeyRequest('keyId', `'${keyId.slice(0, 40)}' is not a key id: the 16 letters and digits after gpds_ in a key (keys list shows them)`);
  }
}

function noSuchKey(keyId: string, or = 'revoked'): { error: { code: string; message: string } } {
  return { error: { code: 'NO_SUCH_KEY', message: `there is no key ${keyId} in use (never created, or ${or})` } };
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new BadKeyRequest(field, `${field} must be a string, not ${JSON.stringify(value)}`);
  return value;
}

function keyAnswer(created: CreatedKey): Record<string, unknown> {
  const { principal } = created;
  return {
    key: created.key,
    keyId: principal.keyId,
    organisation: principal.organisation,
    role: principal.role,
    scope: principal.scope,
    expiresAt: created.expiresAt,
  };
}

function described(created: CreatedKey): Pick<KeyChange, 'organisation' | 'role' | 'scope' | 'expiresAt'> {
  const { principal } = created;
  return { organisation: principal.organisation, role: principal.role, scope: principal.scope, expiresAt: created.expiresAt };
}

class MalformedBody extends Error {}

/** The body as a JSON object; an empty body is `{}` when `emptyIsNothing` (a rotation with the default grace). */
async function readJsonObject(req: AuthenticatedRequest, example: string, emptyIsNothing = false): Promise<Record<string, unknown>> {
  try {
    const raw = await readSmallBody(req);
    if (emptyIsNothing && raw.trim() === '') return {};
    const body = JSON.parse(raw) as unknown;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body as Record<string, unknown>;
  } catch (error) {
    throw new MalformedBody(`the body must be a JSON object ${example}: ${(error as Error).message}`);
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
