import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { migrate, type Migration, type SqlDatabase, type SqlQueryable } from '@gpds/event-store-postgres';

export type Role = 'submitter' | 'analyst' | 'admin';
export const ROLES: readonly Role[] = ['submitter', 'analyst', 'admin'];

export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly organisation: string;
  readonly role: Role;
}

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
];

/** Runs as the database owner (openEventStore's asOwner hook). */
export async function migrateApiKeys(owner: SqlDatabase): Promise<void> {
  await migrate(owner, API_KEY_MIGRATIONS, { schema: 'auth' });
}

export class InvalidKeyRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidKeyRequestError';
  }
}

const KEY_FORMAT = /^gpds_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const ORGANISATION = /^[A-Z0-9]{2,10}$/;

export class ApiKeyStore {
  private readonly cache = new Map<string, { principal: ApiKeyPrincipal | null; hash: Buffer | null; at: number }>();

  constructor(
    private readonly db: SqlQueryable,
    /** How long a verified key is trusted without asking the database again (revocation delay). */
    private readonly cacheMs = 30_000,
  ) {}

  async create(organisation: string, role: string, createdBy: string): Promise<{ key: string; principal: ApiKeyPrincipal }> {
    if (typeof organisation !== 'string' || !ORGANISATION.test(organisation)) {
      throw new InvalidKeyRequestError('organisation', `organisation must be an organisation code such as "16C" or "ENG", not ${JSON.stringify(organisation)}`);
    }
    if (!ROLES.includes(role as Role)) throw new InvalidKeyRequestError('role', `role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(role)}`);
    const keyId = randomBytes(12).toString('base64url').replace(/[-_]/g, '').padEnd(16, '0').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    await this.db.query('INSERT INTO auth.api_keys (key_id, secret_sha256, organisation, role, created_by) VALUES ($1, $2, $3, $4, $5)', [
      keyId,
      sha256(secret),
      organisation,
      role,
      createdBy,
    ]);
    return { key: `gpds_${keyId}_${secret}`, principal: { keyId, organisation, role: role as Role } };
  }

  /** The key's principal, or null for a malformed, unknown or revoked key. */
  async verify(key: string): Promise<ApiKeyPrincipal | null> {
    const match = KEY_FORMAT.exec(key);
    if (!match) return null;
    const [, keyId, secret] = match as unknown as [string, string, string];
    let entry = this.cache.get(keyId);
    if (!entry || Date.now() - entry.at > this.cacheMs) {
      const rows = await this.db.query<{ secret_sha256: Buffer | Uint8Array; organisation: string; role: Role }>(
        'SELECT secret_sha256, organisation, role FROM auth.api_keys WHERE key_id = $1 AND revoked_at IS NULL',
        [keyId],
      );
      const row = rows[0];
      entry = row
        ? { principal: { keyId, organisation: row.organisation, role: row.role }, hash: Buffer.from(row.secret_sha256), at: Date.now() }
        : { principal: null, hash: null, at: Date.now() };
      this.cache.set(keyId, entry);
    }
    if (!entry.principal || !entry.hash) return null;
    const given = sha256(secret);
    return given.length === entry.hash.length && timingSafeEqual(given, entry.hash) ? entry.principal : null;
  }

  async hasAdmin(): Promise<boolean> {
    const rows = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM auth.api_keys WHERE role = 'admin' AND revoked_at IS NULL`);
    return Number(rows[0]?.n) > 0;
  }

  async revoke(keyId: string): Promise<boolean> {
    const rows = await this.db.query('UPDATE auth.api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL RETURNING key_id', [keyId]);
    this.cache.delete(keyId);
    return rows.length > 0;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
