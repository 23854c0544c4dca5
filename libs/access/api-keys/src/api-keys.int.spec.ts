import { pglite, postgresServer, type TestDatabase, type TestDatabaseFactory } from '@gpds/event-store-testing';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { ApiKeyStore, InvalidKeyRequestError, migrateApiKeys } from './api-keys';

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
  });
});
