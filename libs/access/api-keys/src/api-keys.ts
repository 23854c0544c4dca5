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

export interface ApiKeyListing {
  readonly keyId: string;
  readonly organisation: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
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

  /** Every key, newest first, without its secret: what an operator needs to find one to revoke. */
  async list(): Promise<ApiKeyListing[]> {
    const rows = await this.db.query<{ key_id: string; organisation: string; role: Role; created_at: string; created_by: string; revoked_at: string | null }>(
      `SELECT key_id, organisation, role, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at, created_by,
              to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS revoked_at
         FROM auth.api_keys ORDER BY auth.api_keys.created_at DESC, key_id`,
    );
    return rows.map((r) => ({
      keyId: r.key_id,
      organisation: r.organisation,
      role: r.role,
      createdAt: r.created_at,
      createdBy: r.created_by,
      revokedAt: r.revoked_at,
    }));
  }

  /** Revokes a key: false when there is no such key or it was revoked already. Other processes stop trusting it within their cache time (30 s). */
  async revoke(keyId: string): Promise<boolean> {
    const rows = await this.db.query('UPDATE auth.api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL RETURNING key_id', [keyId]);
    this.cache.delete(keyId);
    return rows.length > 0;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
