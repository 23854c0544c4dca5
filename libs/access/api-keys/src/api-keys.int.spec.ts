import { pglite, postgresServer, type TestDatabase, type TestDatabaseFactory } from '@gpds/event-store-testing';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { migrate, type SqlQueryable } from '@gpds/event-store-postgres';
import { eventIdFromSource } from '@gpds/event-store';
import {
  API_KEY_MIGRATIONS,
  ApiKeyStore,
  InvalidKeyRequestError,
  KeyNotRotatableError,
  loadLegacySourceOwners,
  migrateApiKeys,
  parseDuration,
} from './api-keys';

/** A key row as versions 1 and 2 of the table had it. */
async function insertVersion1Key(db: SqlQueryable, keyId: string, organisation: string, role: string): Promise<{ keyId: string }> {
  await db.query("INSERT INTO auth.api_keys (key_id, secret_sha256, organisation, role, created_by) VALUES ($1, sha256('x'::bytea), $2, $3, 'test')", [
    keyId,
    organisation,
    role,
  ]);
  return { keyId };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;

/** Polls `read` until it answers something other than null (a write made without waiting for it). */
async function eventually<T>(read: () => Promise<T | null>, timeoutMs = 5_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(20)) {
    const value = await read();
    if (value !== null) return value;
  }
  throw new Error(`nothing within ${timeoutMs} ms`);
}

describe('parseDuration', () => {
  it('reads days, hours, minutes and seconds', () => {
    expect([parseDuration('90d'), parseDuration('12h'), parseDuration('30m'), parseDuration('3600s'), parseDuration('0s')]).toEqual([
      90 * DAY,
      12 * 3_600_000,
      30 * 60_000,
      3_600_000,
      0,
    ]);
  });

  it('refuses anything else, and more than 2 years, naming the field', () => {
    for (const bad of ['90', '1y', '-1d', '1.5d', 'd', ' ', '9999999d']) expect(() => parseDuration(bad, 'grace')).toThrow(/^grace must be a whole number/);
    expect(() => parseDuration('731d')).toThrow('expiresIn 731d is longer than 2 years (730d): keys must be rotated at least that often');
    expect(parseDuration('730d')).toBe(730 * DAY);
  });
});

describe.each<[string, TestDatabaseFactory]>([
  ['PGlite', pglite],
  ['PostgreSQL', postgresServer],
])('API keys on %s', (_name, factory) => {
  let database: TestDatabase;
  let opened: OpenedEventStore;
  let keys: ApiKeyStore;
  beforeAll(async () => {
    database = await factory.create('keys');
    opened = await database.open({ asOwner: migrateApiKeys });
    keys = new ApiKeyStore(opened.store.db, 0);
  });
  afterAll(async () => {
    await opened.close();
    await database.dispose();
  });

  it('creates a key bound to an organisation and role, stores only its hash, and verifies it', async () => {
    const { key, principal } = await keys.create('16C', 'submitter', 'test');
    expect(key).toMatch(/^gpds_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await keys.verify(key)).toEqual(principal);
    const [row] = await opened.store.db.query<Record<string, unknown>>('SELECT * FROM auth.api_keys WHERE key_id = $1', [principal.keyId]);
    // The secret may itself contain '_' (base64url), so take everything after the key id.
    const secret = key.slice('gpds_'.length + principal.keyId.length + 1);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(await keys.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await keys.verify('gpds_nope')).toBeNull();
  });

  it('refuses a bad organisation or role, and forgets revoked keys', async () => {
    await expect(keys.create('sixteen c', 'submitter', 'test')).rejects.toBeInstanceOf(InvalidKeyRequestError);
    await expect(keys.create('16C', 'god', 'test')).rejects.toThrow(/role must be one of submitter, analyst, admin/);
    const { key, principal } = await keys.create('ENG', 'admin', 'test');
    expect(await keys.hasAdmin()).toBe(true);
    expect(await keys.revoke(principal.keyId)).toBe(true);
    expect(await keys.verify(key)).toBeNull();
    expect(await keys.revoke(principal.keyId)).toBe(false);
    const listed = await keys.list();
    expect(listed.find((k) => k.keyId === principal.keyId)).toMatchObject({
      organisation: 'ENG',
      role: 'admin',
      createdBy: 'test',
      revokedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(listed)).not.toContain(key.slice(-20));
  });

  it('gives keys the principal of @gpds/access, with a scope defaulting to the organisation', async () => {
    const submitter = await keys.create('16C', 'submitter', 'test');
    expect(submitter.principal).toEqual({
      id: `key:${submitter.principal.keyId}`,
      kind: 'api-key',
      keyId: submitter.principal.keyId,
      organisation: '16C',
      role: 'submitter',
      scope: '16C',
    });
    expect(submitter.expiresAt).toBeNull();
    const national = await keys.create('ENG', 'admin', 'test');
    expect([national.principal.scope, national.expiresAt]).toEqual(['ENG', null]);
    const regional = await keys.create('ENG', 'analyst', 'test', { scope: 'Y56' });
    expect(await keys.verify(regional.key)).toEqual(expect.objectContaining({ organisation: 'ENG', role: 'analyst', scope: 'Y56' }));
  });

  it("refuses a scope that is not an organisation code, and a submitter's scope other than its organisation", async () => {
    await expect(keys.create('ENG', 'analyst', 'test', { scope: 'north east' })).rejects.toMatchObject({ field: 'scope' });
    const other = keys.create('16C', 'submitter', 'test', { scope: 'Y63' });
    await expect(other).rejects.toBeInstanceOf(InvalidKeyRequestError);
    await expect(other).rejects.toMatchObject({ field: 'scope', message: expect.stringContaining("a submitter key's scope is its organisation (16C)") });
    expect((await keys.create('16C', 'submitter', 'test', { scope: '16C' })).principal.scope).toBe('16C');
  });

  it("expires analysts' keys after 90 days by default, others when asked, never beyond 2 years", async () => {
    const before = Date.now();
    const analyst = await keys.create('ENG', 'analyst', 'test');
    expect(Date.parse(analyst.expiresAt!) - before).toBeGreaterThanOrEqual(90 * DAY);
    expect(Date.parse(analyst.expiresAt!) - Date.now()).toBeLessThanOrEqual(90 * DAY);
    const submitter = await keys.create('16C', 'submitter', 'test', { expiresInMs: parseDuration('12h') });
    expect(Date.parse(submitter.expiresAt!) - before).toBeGreaterThanOrEqual(12 * 3_600_000);
    await expect(keys.create('ENG', 'analyst', 'test', { expiresInMs: 731 * DAY })).rejects.toMatchObject({ field: 'expiresIn' });
    await expect(keys.create('ENG', 'analyst', 'test', { expiresInMs: 0 })).rejects.toMatchObject({ field: 'expiresIn' });
    await expect(keys.create('ENG', 'analyst', 'test', { expiresInMs: null })).rejects.toThrow(/analyst keys always expire/);
    expect((await keys.create('ENG', 'admin', 'test', { expiresInMs: null })).expiresAt).toBeNull();
  });

  it('refuses an expired key as EXPIRED, even while it is cached, and only to the holder of its secret', async () => {
    const cached = new ApiKeyStore(opened.store.db, 60_000);
    const { key, principal, expiresAt } = await cached.create('ENG', 'analyst', 'test', { expiresInMs: 800 });
    expect(await cached.verify(key)).toEqual(principal);
    await sleep(900);
    expect(await cached.verifyDetailed(key)).toEqual({ refused: 'EXPIRED', expiredAt: expiresAt });
    expect(await cached.verify(key)).toBeNull();
    const otherSecret = `gpds_${principal.keyId}_${'A'.repeat(43)}`;
    expect(await cached.verifyDetailed(otherSecret)).toEqual({ refused: 'INVALID' });
    expect((await keys.list()).find((k) => k.keyId === principal.keyId)).toMatchObject({ status: 'expired', expiresAt });
    expect(await keys.verifyDetailed('gpds_nope')).toEqual({ refused: 'INVALID' });
  });

  it('says REVOKED to the holder of a revoked key', async () => {
    const { key, principal } = await keys.create('ENG', 'analyst', 'test');
    await keys.revoke(principal.keyId);
    expect(await keys.verifyDetailed(key)).toEqual({ refused: 'REVOKED' });
  });

  it('rotates a key: a successor with the same organisation, role, scope and lifetime; the old key works for the grace period, then not', async () => {
    const old = await keys.create('ENG', 'analyst', 'test', { scope: 'Y56', expiresInMs: 30 * DAY });
    const rotated = (await keys.rotate(old.principal.keyId, 'admin-key', { graceMs: 1_000 }))!;
    expect(rotated.principal).toEqual(expect.objectContaining({ organisation: 'ENG', role: 'analyst', scope: 'Y56' }));
    expect(rotated.principal.keyId).not.toBe(old.principal.keyId);
    expect(rotated.oldKeyId).toBe(old.principal.keyId);
    const lifetime = Date.parse(rotated.expiresAt!) - Date.now();
    expect(lifetime).toBeGreaterThan(30 * DAY - 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * DAY);
    expect(Date.parse(rotated.oldKeyExpiresAt) - Date.now()).toBeLessThanOrEqual(1_000);
    expect(await keys.verify(old.key)).toEqual(old.principal);
    expect(await keys.verify(rotated.key)).toEqual(rotated.principal);
    const listed = await keys.list();
    expect(listed.find((k) => k.keyId === rotated.principal.keyId)).toMatchObject({
      rotatedFrom: old.principal.keyId,
      status: 'active',
      createdBy: 'admin-key',
    });
    expect(listed.find((k) => k.keyId === old.principal.keyId)).toMatchObject({
      rotatedAt: expect.stringMatching(/^\d{4}-/),
      expiresAt: rotated.oldKeyExpiresAt,
    });
    await expect(keys.rotate(old.principal.keyId, 'admin-key')).rejects.toMatchObject({
      reason: 'ROTATED',
      message: expect.stringContaining(`rotate ${rotated.principal.keyId} instead`),
    });
    await sleep(1_100);
    expect(await keys.verifyDetailed(old.key)).toEqual({ refused: 'EXPIRED', expiredAt: rotated.oldKeyExpiresAt });
    expect(await keys.verify(rotated.key)).toEqual(rotated.principal);
    await expect(keys.rotate(old.principal.keyId, 'admin-key')).rejects.toBeInstanceOf(KeyNotRotatableError);
  });

  it("never lengthens the old key's life, gives the successor the role's default when the old key had no expiry, and refuses revoked and unknown keys", async () => {
    const soon = await keys.create('16C', 'submitter', 'test', { expiresInMs: 60_000 });
    const rotated = (await keys.rotate(soon.principal.keyId, 'admin-key'))!;
    expect(rotated.oldKeyExpiresAt).toBe(soon.expiresAt);
    const legacyAnalyst = await keys.create('ENG', 'analyst', 'test');
    await opened.store.db.query('UPDATE auth.api_keys SET expires_at = NULL WHERE key_id = $1', [legacyAnalyst.principal.keyId]);
    const successor = (await keys.rotate(legacyAnalyst.principal.keyId, 'admin-key'))!;
    expect(Date.parse(successor.expiresAt!) - Date.now()).toBeGreaterThan(90 * DAY - 60_000);
    expect(Date.parse(successor.oldKeyExpiresAt) - Date.now()).toBeGreaterThan(7 * DAY - 60_000);
    const admin = await keys.create('ENG', 'admin', 'test');
    expect((await keys.rotate(admin.principal.keyId, 'admin-key'))!.expiresAt).toBeNull();
    const revoked = await keys.create('ENG', 'analyst', 'test');
    await keys.revoke(revoked.principal.keyId);
    await expect(keys.rotate(revoked.principal.keyId, 'admin-key')).rejects.toMatchObject({
      reason: 'REVOKED',
      message: expect.stringMatching(/was revoked at .*: create a new key/),
    });
    expect(await keys.rotate('ZZZZZZZZZZZZZZZZ', 'admin-key')).toBeNull();
    await expect(keys.rotate(admin.principal.keyId, 'admin-key', { graceMs: -1 })).rejects.toMatchObject({ field: 'grace' });
  });

  it('records when a key was last used, at most once a minute, and lists keys without secrets or hashes', async () => {
    const { key, principal } = await keys.create('ENG', 'analyst', 'test');
    const lastUsed = (): Promise<string | null> => keys.list().then((all) => all.find((k) => k.keyId === principal.keyId)!.lastUsedAt);
    expect(await lastUsed()).toBeNull();
    await keys.verify(key);
    const first = await eventually(lastUsed);
    expect(Math.abs(Date.parse(first) - Date.now())).toBeLessThan(10_000);
    await sleep(20);
    await keys.verify(key);
    await sleep(100);
    expect(await lastUsed()).toBe(first);
    const listed = await keys.list();
    const text = JSON.stringify(listed);
    expect(text).not.toContain(key.slice(-20));
    expect(text).not.toMatch(/sha256|secret|hash/i);
    expect(Object.keys(listed.find((k) => k.keyId === principal.keyId)!).sort()).toEqual(
      ['createdAt', 'createdBy', 'expiresAt', 'keyId', 'lastUsedAt', 'organisation', 'revokedAt', 'role', 'rotatedAt', 'rotatedFrom', 'scope', 'status'].sort(),
    );
  });

  it('sees a revocation made by another process within its cache time', async () => {
    const thisProcess = new ApiKeyStore(opened.store.db, 200);
    const otherProcess = new ApiKeyStore(opened.store.db, 200);
    const { key, principal } = await otherProcess.create('16C', 'submitter', 'test');
    expect(await thisProcess.verify(key)).toEqual(principal);
    expect(await otherProcess.revoke(principal.keyId)).toBe(true);
    await sleep(250);
    expect(await thisProcess.verifyDetailed(key)).toEqual({ refused: 'REVOKED' });
  });
});

describe.each<[string, TestDatabaseFactory]>([
  ['PGlite', pglite],
  ['PostgreSQL', postgresServer],
])('keys made before scopes and expiry, on %s (migration 3)', (_name, factory) => {
  it('keep what they could do: analysts and admins see England, submitters their organisation; none expires', async () => {
    const database = await factory.create('keys-v2');
    const opened = await database.open({ asOwner: (owner) => migrate(owner, API_KEY_MIGRATIONS.slice(0, 2), { schema: 'auth' }).then(() => undefined) });
    const made: Record<string, string> = {};
    try {
      for (const [name, organisation, role] of [
        ['submitter', '16C', 'submitter'],
        ['analyst', '16C', 'analyst'],
        ['admin', 'ENG', 'admin'],
      ] as const) {
        made[name] = (await insertVersion1Key(opened.store.db, `V2${name.toUpperCase().padEnd(14, '0')}`, organisation, role)).keyId;
      }
    } finally {
      await opened.close();
    }
    const upgraded = await database.open({ asOwner: migrateApiKeys });
    try {
      const listed = await new ApiKeyStore(upgraded.store.db, 0).list();
      const byId = (keyId: string | undefined) => listed.find((k) => k.keyId === keyId);
      expect(byId(made['submitter'])).toMatchObject({ scope: '16C', expiresAt: null, lastUsedAt: null, rotatedFrom: null, status: 'active' });
      expect(byId(made['analyst'])).toMatchObject({ organisation: '16C', scope: 'ENG', expiresAt: null, status: 'active' });
      expect(byId(made['admin'])).toMatchObject({ scope: 'ENG', expiresAt: null, status: 'active' });
      // The rule that a submitter's scope is its organisation holds in the table too.
      await expect(upgraded.store.db.query("UPDATE auth.api_keys SET scope = 'ENG' WHERE key_id = $1", [made['submitter']])).rejects.toThrow(
        /api_keys_submitter_scope/,
      );
    } finally {
      await upgraded.close();
      await database.dispose();
    }
  });
});

describe.each<[string, TestDatabaseFactory]>([
  ['PGlite', pglite],
  ['PostgreSQL', postgresServer],
])('the owners of source systems used before identities named them, on %s (ADR 0020)', (_name, factory) => {
  it('are recorded once, from the keys that sent the stored records; writers without a key are ENG; owned records are not legacy', async () => {
    const database = await factory.create('legacy');
    // A store as it was: version 1 of the auth schema, records appended by keys and by the platform's importers.
    const opened = await database.open({ asOwner: (owner) => migrate(owner, API_KEY_MIGRATIONS.slice(0, 1), { schema: 'auth' }).then(() => undefined) });
    try {
      // Keys as version 1 stored them (today's store writes the later columns).
      const teesValley = await insertVersion1Key(opened.store.db, 'TEESVALLEY000016', '16C', 'submitter');
      const derby = await insertVersion1Key(opened.store.db, 'DERBY00000000015', '15M', 'submitter');
      const append = (system: string, recordId: string, actor: string, owner?: string) =>
        opened.store.appendToStream(
          `test-${recordId}`,
          [
            {
              type: 'SomethingRecorded',
              schemaVersion: 1,
              data: {},
              eventId: eventIdFromSource({ system, recordId }),
              metadata: {
                occurredAt: '2025-01-01T00:00:00Z',
                source: { system, recordId, ...(owner ? { owner } : {}) },
                actor: { type: 'api-key', id: actor },
              },
            },
          ],
          { expectedVersion: 'any' },
        );
      await append('tees-feed', 'a', teesValley.keyId);
      await append('tees-feed', 'b', teesValley.keyId);
      await append('shared-name', 'c', teesValley.keyId);
      await append('shared-name', 'd', derby.keyId);
      await append('synthetic-demo', 'e', 'demo-data');
      await append('owned-feed', 'f', derby.keyId, '15M');
      await opened.store.appendToStream(
        'organisation-X',
        [
          {
            type: 'OrganisationRegistered',
            schemaVersion: 1,
            data: {},
            metadata: { occurredAt: '2025-01-01T00:00:00Z', source: { system: 'ods', recordId: 'x' }, actor: { type: 'importer', id: 'ods' } },
          },
        ],
        { expectedVersion: 'any' },
      );
    } finally {
      await opened.close();
    }
    const upgraded = await database.open({ asOwner: migrateApiKeys });
    try {
      const rows = await upgraded.store.db.query<{ system: string; organisation: string; events: string | number }>(
        'SELECT system, organisation, events FROM auth.legacy_source_owners ORDER BY system, organisation',
      );
      expect(rows.map((r) => [r.system, r.organisation, Number(r.events)])).toEqual([
        ['shared-name', '15M', 1],
        ['shared-name', '16C', 1],
        ['synthetic-demo', 'ENG', 1],
        ['tees-feed', '16C', 2],
      ]);
      const legacy = await loadLegacySourceOwners(upgraded.store.db);
      expect([
        legacy.has('16C', 'tees-feed'),
        legacy.has('15M', 'tees-feed'),
        legacy.has('ENG', 'synthetic-demo'),
        legacy.has('15M', 'owned-feed'),
        legacy.size,
      ]).toEqual([true, false, true, false, 4]);
    } finally {
      await upgraded.close();
      await database.dispose();
    }
  });
});
