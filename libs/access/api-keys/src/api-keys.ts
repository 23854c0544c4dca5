import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROLES, type ApiKeyPrincipal, type Role } from '@gpds/access';
import { migrate, type Migration, type SqlDatabase, type SqlQueryable } from '@gpds/event-store-postgres';

// The principal is the platform's one shape (@gpds/access); re-exported so that importers of this library keep working.
export { ROLES, type ApiKeyPrincipal, type Role } from '@gpds/access';

/**
 * API keys, stored hashed: `gpds_<keyId>_<secret>`. The key id finds the row; the secret's
 * SHA-256 is compared in constant time. Secrets are 256 random bits, so a fast hash is enough
 * (no password stretching needed), and the plain key is shown once, at creation.
 */
export const API_KEY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'api keys',
    sql: `
CREATE TABLE IF NOT EXISTS auth.api_keys (
  key_id        text PRIMARY KEY,
  secret_sha256 bytea NOT NULL,
  organisation  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('submitter', 'analyst', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  revoked_at    timestamptz
);
GRANT USAGE ON SCHEMA auth TO gpds_app;
GRANT SELECT, INSERT, UPDATE ON auth.api_keys TO gpds_app;
`,
  },
  {
    version: 2,
    name: 'source systems used before records were owned',
    // ADR 0020: records stored before a record's identity named its owner keep their ids. Each
    // (system, organisation) that sent them then goes on using the old ids for that system, so
    // resending an old record stays a duplicate; anyone else gets ids of its own namespace.
    // Writers without an API key of the table (the demo data, the CLI's publication import) are
    // the platform's own national importers: ENG.
    sql: `
CREATE TABLE IF NOT EXISTS auth.legacy_source_owners (
  system        text NOT NULL,
  organisation  text NOT NULL,
  events        bigint NOT NULL,
  PRIMARY KEY (system, organisation)
);
INSERT INTO auth.legacy_source_owners (system, organisation, events)
SELECT e.metadata->'source'->>'system', COALESCE(k.organisation, 'ENG'), count(*)
  FROM event_store.events e
  LEFT JOIN auth.api_keys k ON k.key_id = e.metadata->'actor'->>'id'
 WHERE e.metadata->'actor'->>'type' = 'api-key' AND NOT (e.metadata->'source' ? 'owner')
 GROUP BY 1, 2
ON CONFLICT DO NOTHING;
GRANT SELECT ON auth.legacy_source_owners TO gpds_app;
`,
  },
  {
    version: 3,
    name: 'key scope, expiry, last use and rotation',
    // Keys made before scopes kept what they could do: analysts and admins saw England, and a
    // submitter's reach is its organisation's commissioning (so its scope is the organisation).
    // They never expired, and keep doing so until rotated or revoked.
    sql: `
ALTER TABLE auth.api_keys ADD COLUMN IF NOT EXISTS scope text;
UPDATE auth.api_keys SET scope = CASE WHEN role = 'submitter' THEN organisation ELSE 'ENG' END WHERE scope IS NULL;
ALTER TABLE auth.api_keys ALTER COLUMN scope SET NOT NULL;
ALTER TABLE auth.api_keys ADD CONSTRAINT api_keys_submitter_scope CHECK (role <> 'submitter' OR scope = organisation);
ALTER TABLE auth.api_keys ADD COLUMN IF NOT EXISTS expires_at timestamptz;
ALTER TABLE auth.api_keys ADD COLUMN IF NOT EXISTS last_used_at timestamptz;
ALTER TABLE auth.api_keys ADD COLUMN IF NOT EXISTS rotated_from text REFERENCES auth.api_keys (key_id);
ALTER TABLE auth.api_keys ADD COLUMN IF NOT EXISTS rotated_at timestamptz;
`,
  },
];

/**
 * The (system, organisation) pairs whose records were stored before identities named their
 * owner (ADR 0020): frozen at the migration, read once per process.
 */
export async function loadLegacySourceOwners(db: SqlQueryable): Promise<LegacySourceOwners> {
  const rows = await db.query<{ system: string; organisation: string }>('SELECT system, organisation FROM auth.legacy_source_owners');
  const pairs = new Set(rows.map((r) => `${r.organisation}\u0000${r.system}`));
  return { has: (organisation, system) => pairs.has(`${organisation}\u0000${system}`), size: pairs.size };
}

export interface LegacySourceOwners {
  has(organisation: string, system: string): boolean;
  readonly size: number;
}

/** Runs as the database owner (openEventStore's asOwner hook). */
export async function migrateApiKeys(owner: SqlDatabase): Promise<void> {
  await migrate(owner, API_KEY_MIGRATIONS, { schema: 'auth' });
}

/** A key as `keys list` shows it: never its secret or hash. */
export interface ApiKeyListing {
  readonly keyId: string;
  readonly organisation: string;
  readonly role: Role;
  readonly scope: string;
  readonly status: ApiKeyStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Null: the key does not expire. A rotated key's is the end of its grace period. */
  readonly expiresAt: string | null;
  /** To the minute: the time is written at most once a minute per key and process. */
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
  /** The key this one replaced. */
  readonly rotatedFrom: string | null;
  /** When this key was replaced by a rotation (it works until `expiresAt`). */
  readonly rotatedAt: string | null;
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** A request for a key that cannot be granted as asked: `field` names the part to change. */
export class InvalidKeyRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidKeyRequestError';
  }
}

/** A key that exists but cannot be rotated (revoked, expired, or replaced already): its holder needs a new key. */
export class KeyNotRotatableError extends Error {
  constructor(
    readonly reason: 'REVOKED' | 'EXPIRED' | 'ROTATED',
    message: string,
  ) {
    super(message);
    this.name = 'KeyNotRotatableError';
  }
}

export interface CreateKeyOptions {
  /** The organisation whose practices the key sees in detail; defaults to the key's organisation (ENG: England). */
  readonly scope?: string;
  /** Undefined: the role's default (analysts 90 days, others none); null: never (not for analysts). */
  readonly expiresInMs?: number | null;
}

export interface CreatedKey {
  /** The plain key: shown once, never stored. */
  readonly key: string;
  readonly principal: ApiKeyPrincipal;
  readonly expiresAt: string | null;
}

export interface RotatedKey extends CreatedKey {
  readonly oldKeyId: string;
  /** Until when the replaced key still works (the grace period, or its own earlier expiry). */
  readonly oldKeyExpiresAt: string;
}

/** What a key is: its principal, or why it was refused (REVOKED and EXPIRED only for a key whose secret matched). */
export type KeyVerification = { readonly principal: ApiKeyPrincipal } | { readonly refused: 'INVALID' | 'REVOKED' | 'EXPIRED'; readonly expiredAt?: string };

const KEY_FORMAT = /^gpds_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const ORGANISATION = /^[A-Z0-9]{2,10}$/;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The longest a key may live (and the longest duration parseDuration takes): keys are rotated at least this often. */
export const MAX_KEY_LIFETIME_MS = 730 * DAY;
/** How long a rotated key keeps working, unless said otherwise: time to deploy its successor. */
export const DEFAULT_ROTATION_GRACE_MS = 7 * DAY;
/** Analysts' keys are for service accounts that read everything they may: they expire unless rotated. */
const DEFAULT_LIFETIME_MS: Readonly<Record<Role, number | null>> = { analyst: 90 * DAY, submitter: null, admin: null };
/** Last use is a hint for operators (which keys are dead), not an audit: one write a minute per key is plenty. */
const LAST_USED_EVERY_MS = MINUTE;
/** Bounds the memory unknown key ids (guesses) can take; the oldest entries go first. */
const MAX_CACHED_KEYS = 10_000;
const UNITS = { d: DAY, h: HOUR, m: MINUTE, s: SECOND } as const;

/**
 * A duration as operators write it: `90d`, `12h`, `30m` or `3600s`, in milliseconds, at most
 * 2 years. Throws InvalidKeyRequestError naming `field` otherwise.
 */
export function parseDuration(text: string, field = 'expiresIn'): number {
  const match = /^(\d{1,6})([dhms])$/.exec(typeof text === 'string' ? text.trim() : '');
  if (!match) {
    throw new InvalidKeyRequestError(
      field,
      `${field} must be a whole number of days, hours, minutes or seconds such as 90d, 12h, 30m or 3600s, not ${JSON.stringify(text)}`,
    );
  }
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNITS];
  const ms = Number(amount) * UNITS[unit];
  if (ms > MAX_KEY_LIFETIME_MS)
    throw new InvalidKeyRequestError(field, `${field} ${text} is longer than 2 years (730d): keys must be rotated at least that often`);
  return ms;
}

interface StoredKey {
  readonly hash: Buffer;
  readonly principal: ApiKeyPrincipal;
  readonly revoked: boolean;
  readonly expiresAtMs: number | null;
}

interface KeyRow {
  secret_sha256: Buffer | Uint8Array;
  organisation: string;
  role: Role;
  scope: string;
  revoked: boolean;
  expires_ms: number | null;
}

/** The ISO time of a timestamptz column, to the millisecond (as Date.toISOString writes it). */
const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export class ApiKeyStore {
  private readonly cache = new Map<string, { key: StoredKey | null; at: number }>();
  private readonly lastUseWritten = new Map<string, number>();

  constructor(
    private readonly db: SqlQueryable,
    /**
     * How long a key read from the database is trusted without reading it again: the delay before
     * another process's revocation takes effect here. Expiry is checked on every call whatever it is.
     */
    private readonly cacheMs = 5_000,
  ) {}

  /**
   * A new key for `organisation` and `role`, seeing `options.scope` (default: the organisation)
   * and expiring after `options.expiresInMs` (default: the role's). The plain key is answered
   * once and stored only as its hash.
   */
  async create(organisation: string, role: string, createdBy: string, options: CreateKeyOptions = {}): Promise<CreatedKey> {
    const request = checkKeyRequest(organisation, role, options);
    const { keyId, secret } = newSecret();
    const expiresAt = request.lifetimeMs === null ? null : new Date(Date.now() + request.lifetimeMs).toISOString();
    await this.db.query(
      'INSERT INTO auth.api_keys (key_id, secret_sha256, organisation, role, scope, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [keyId, sha256(secret), organisation, role, request.scope, createdBy, expiresAt],
    );
    return { key: `gpds_${keyId}_${secret}`, principal: principalOf(keyId, organisation, role as Role, request.scope), expiresAt };
  }

  /** The key's principal, or null for a malformed, unknown, mistyped, revoked or expired key. */
  async verify(key: string): Promise<ApiKeyPrincipal | null> {
    const verification = await this.verifyDetailed(key);
    return 'principal' in verification ? verification.principal : null;
  }

  /**
   * The key's principal, or why it was refused. Revoked and expired are said only to a caller
   * who holds the key's secret: a key id alone (keys list, logs) learns nothing. Expiry is
   * checked on every call; revocation when the cached row is older than the cache time.
   */
  async verifyDetailed(key: string): Promise<KeyVerification> {
    const match = typeof key === 'string' ? KEY_FORMAT.exec(key) : null;
    if (!match) return { refused: 'INVALID' };
    const [, keyId, secret] = match as unknown as [string, string, string];
    const stored = await this.stored(keyId);
    if (!stored || !sameHash(sha256(secret), stored.hash)) return { refused: 'INVALID' };
    if (stored.revoked) return { refused: 'REVOKED' };
    if (stored.expiresAtMs !== null && Date.now() >= stored.expiresAtMs) return { refused: 'EXPIRED', expiredAt: new Date(stored.expiresAtMs).toISOString() };
    this.noteUse(keyId);
    return { principal: stored.principal };
  }

  /** Whether an admin key can still be used (not revoked or expired): the first start makes one otherwise. */
  async hasAdmin(): Promise<boolean> {
    const rows = await this.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM auth.api_keys WHERE role = 'admin' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    );
    return Number(rows[0]?.n) > 0;
  }

  /** Every key, newest first, without its secret: what an operator needs to find one to rotate or revoke, and to see which are unused. */
  async list(): Promise<ApiKeyListing[]> {
    const rows = await this.db.query<{
      key_id: string;
      organisation: string;
      role: Role;
      scope: string;
      status: ApiKeyStatus;
      created_at: string;
      created_by: string;
      expires_at: string | null;
      last_used_at: string | null;
      revoked_at: string | null;
      rotated_from: string | null;
      rotated_at: string | null;
    }>(
      `SELECT key_id, organisation, role, scope,
              CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN expires_at <= now() THEN 'expired' ELSE 'active' END AS status,
              ${iso('created_at')} AS created_at, created_by, ${iso('expires_at')} AS expires_at, ${iso('last_used_at')} AS last_used_at,
              ${iso('revoked_at')} AS revoked_at, rotated_from, ${iso('rotated_at')} AS rotated_at
         FROM auth.api_keys ORDER BY auth.api_keys.created_at DESC, key_id`,
    );
    return rows.map((r) => ({
      keyId: r.key_id,
      organisation: r.organisation,
      role: r.role,
      scope: r.scope,
      status: r.status,
      createdAt: r.created_at,
      createdBy: r.created_by,
      expiresAt: r.expires_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
      rotatedFrom: r.rotated_from,
      rotatedAt: r.rotated_at,
    }));
  }

  /**
   * Replaces a key: a new one for the same organisation, role and scope, living as long as the
   * old one was made to (or the role's default), while the old one keeps working for the grace
   * period (default 7 days; never longer than it would have). Null for an unknown key; throws
   * KeyNotRotatableError for a revoked, expired or already rotated one.
   */
  async rotate(keyId: string, createdBy: string, options: { readonly graceMs?: number } = {}): Promise<RotatedKey | null> {
    const graceMs = options.graceMs ?? DEFAULT_ROTATION_GRACE_MS;
    if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_KEY_LIFETIME_MS) {
      throw new InvalidKeyRequestError('grace', `the grace period must be between 0 and 2 years, not ${graceMs} ms`);
    }
    const old = await this.rotationCandidate(keyId);
    if (!old) return null;
    const refusal = rotationRefusal(keyId, old);
    if (refusal) throw refusal;
    const lifetimeMs = old.expires_ms !== null ? Math.min(old.expires_ms - old.created_ms, MAX_KEY_LIFETIME_MS) : DEFAULT_LIFETIME_MS[old.role];
    const now = Date.now();
    const expiresAt = lifetimeMs === null ? null : new Date(now + lifetimeMs).toISOString();
    const { keyId: newKeyId, secret } = newSecret();
    // One statement: the old key is retired and its successor made together, or neither is (a concurrent rotation finds no row).
    const rows = await this.db.query<{ old_expires_ms: number }>(
      `WITH retired AS (
         UPDATE auth.api_keys SET rotated_at = now(), expires_at = LEAST(expires_at, $5::timestamptz)
          WHERE key_id = $1 AND revoked_at IS NULL AND rotated_at IS NULL AND (expires_at IS NULL OR expires_at > now())
         RETURNING key_id, organisation, role, scope, expires_at
       ), fresh AS (
         INSERT INTO auth.api_keys (key_id, secret_sha256, organisation, role, scope, created_by, expires_at, rotated_from)
         SELECT $2, $3, organisation, role, scope, $4, $6::timestamptz, key_id FROM retired
         RETURNING key_id
       )
       SELECT (extract(epoch FROM retired.expires_at) * 1000)::float8 AS old_expires_ms FROM retired, fresh`,
      [keyId, newKeyId, sha256(secret), createdBy, new Date(now + graceMs).toISOString(), expiresAt],
    );
    this.cache.delete(keyId);
    const retired = rows[0];
    if (!retired) {
      const changed = await this.rotationCandidate(keyId);
      throw (
        (changed && rotationRefusal(keyId, changed)) ?? new KeyNotRotatableError('EXPIRED', `key ${keyId} expired while it was being rotated: create a new key`)
      );
    }
    return {
      key: `gpds_${newKeyId}_${secret}`,
      principal: principalOf(newKeyId, old.organisation, old.role, old.scope),
      expiresAt,
      oldKeyId: keyId,
      oldKeyExpiresAt: new Date(retired.old_expires_ms).toISOString(),
    };
  }

  /** Revokes a key: false when there is no such key or it was revoked already. Other processes stop trusting it within their cache time (5 s by default). */
  async revoke(keyId: string): Promise<boolean> {
    const rows = await this.db.query('UPDATE auth.api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL RETURNING key_id', [keyId]);
    this.cache.delete(keyId);
    return rows.length > 0;
  }

  /** The key's row, from the cache while it is younger than the cache time. */
  private async stored(keyId: string): Promise<StoredKey | null> {
    const cached = this.cache.get(keyId);
    if (cached && Date.now() - cached.at <= this.cacheMs) return cached.key;
    const rows = await this.db.query<KeyRow>(
      `SELECT secret_sha256, organisation, role, scope, revoked_at IS NOT NULL AS revoked, (extract(epoch FROM expires_at) * 1000)::float8 AS expires_ms
         FROM auth.api_keys WHERE key_id = $1`,
      [keyId],
    );
    const row = rows[0];
    const key: StoredKey | null = row
      ? {
          hash: Buffer.from(row.secret_sha256),
          principal: principalOf(keyId, row.organisation, row.role, row.scope),
          revoked: row.revoked,
          expiresAtMs: row.expires_ms === null ? null : Number(row.expires_ms),
        }
      : null;
    this.cache.delete(keyId);
    const oldest = this.cache.keys().next();
    if (this.cache.size >= MAX_CACHED_KEYS && !oldest.done) this.cache.delete(oldest.value);
    this.cache.set(keyId, { key, at: Date.now() });
    return key;
  }

  /** Records the key's use at most once a minute; a failed write costs only the hint, never the request. */
  private noteUse(keyId: string): void {
    const now = Date.now();
    const last = this.lastUseWritten.get(keyId);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    if (this.lastUseWritten.size >= MAX_CACHED_KEYS) this.lastUseWritten.clear();
    this.lastUseWritten.set(keyId, now);
    this.db.query('UPDATE auth.api_keys SET last_used_at = now() WHERE key_id = $1', [keyId]).catch(() => undefined);
  }

  private async rotationCandidate(keyId: string): Promise<RotationCandidate | null> {
    const rows = await this.db.query<RotationCandidate>(
      `SELECT k.organisation, k.role, k.scope, ${iso('k.revoked_at')} AS revoked_at, ${iso('k.rotated_at')} AS rotated_at,
              (extract(epoch FROM k.expires_at) * 1000)::float8 AS expires_ms, (extract(epoch FROM k.created_at) * 1000)::float8 AS created_ms,
              (SELECT s.key_id FROM auth.api_keys s WHERE s.rotated_from = k.key_id ORDER BY s.created_at DESC LIMIT 1) AS successor
         FROM auth.api_keys k WHERE k.key_id = $1`,
      [keyId],
    );
    const row = rows[0];
    return row ? { ...row, expires_ms: row.expires_ms === null ? null : Number(row.expires_ms), created_ms: Number(row.created_ms) } : null;
  }
}

interface RotationCandidate {
  organisation: string;
  role: Role;
  scope: string;
  revoked_at: string | null;
  rotated_at: string | null;
  expires_ms: number | null;
  created_ms: number;
  successor: string | null;
}

/** Why a stored key cannot be rotated, or null when it can. */
function rotationRefusal(keyId: string, key: RotationCandidate): KeyNotRotatableError | null {
  if (key.revoked_at) return new KeyNotRotatableError('REVOKED', `key ${keyId} was revoked at ${key.revoked_at}: create a new key instead (keys create)`);
  if (key.rotated_at) {
    return new KeyNotRotatableError(
      'ROTATED',
      `key ${keyId} was rotated at ${key.rotated_at}${key.successor ? ` into ${key.successor}` : ''}: rotate ${key.successor ?? 'its successor'} instead`,
    );
  }
  if (key.expires_ms !== null && key.expires_ms <= Date.now()) {
    return new KeyNotRotatableError('EXPIRED', `key ${keyId} expired at ${new Date(key.expires_ms).toISOString()}: create a new key instead (keys create)`);
  }
  return null;
}

/** The scope and lifetime of a requested key, or InvalidKeyRequestError naming what to change. */
function checkKeyRequest(organisation: string, role: string, options: CreateKeyOptions): { scope: string; lifetimeMs: number | null } {
  if (typeof organisation !== 'string' || !ORGANISATION.test(organisation)) {
    throw new InvalidKeyRequestError('organisation', `organisation must be an organisation code such as "16C" or "ENG", not ${JSON.stringify(organisation)}`);
  }
  if (!ROLES.includes(role as Role)) throw new InvalidKeyRequestError('role', `role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(role)}`);
  const scope = options.scope ?? organisation;
  if (typeof scope !== 'string' || !ORGANISATION.test(scope)) {
    throw new InvalidKeyRequestError(
      'scope',
      `scope must be the code of England (ENG), a region, an ICB or a commissioner, such as "Y56" or "16C", not ${JSON.stringify(scope)}`,
    );
  }
  if (role === 'submitter' && scope !== organisation) {
    throw new InvalidKeyRequestError(
      'scope',
      `a submitter key's scope is its organisation (${organisation}): what it may submit is decided by the practices ${organisation} commissions, not by a scope; leave the scope out`,
    );
  }
  return { scope, lifetimeMs: checkLifetime(role as Role, options.expiresInMs) };
}

function checkLifetime(role: Role, expiresInMs: number | null | undefined): number | null {
  if (expiresInMs === undefined) return DEFAULT_LIFETIME_MS[role];
  if (expiresInMs === null) {
    if (role === 'analyst')
      throw new InvalidKeyRequestError('expiresIn', 'analyst keys always expire: give a lifetime of at most 2 years (730d), or leave it out for 90 days');
    return null;
  }
  if (!Number.isInteger(expiresInMs) || expiresInMs <= 0 || expiresInMs > MAX_KEY_LIFETIME_MS) {
    throw new InvalidKeyRequestError('expiresIn', `a key's lifetime must be more than 0 and at most 2 years (730d), not ${expiresInMs} ms`);
  }
  return expiresInMs;
}

function principalOf(keyId: string, organisation: string, role: Role, scope: string): ApiKeyPrincipal {
  return { id: `key:${keyId}`, kind: 'api-key', keyId, organisation, role, scope };
}

function newSecret(): { keyId: string; secret: string } {
  const keyId = randomBytes(12).toString('base64url').replace(/[-_]/g, '').padEnd(16, '0').slice(0, 16);
  return { keyId, secret: randomBytes(32).toString('base64url') };
}

function sameHash(given: Buffer, stored: Buffer): boolean {
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
