import { pglite, postgresServer, type TestDatabase, type TestDatabaseFactory } from '@gpds/event-store-testing';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { migrate } from '@gpds/event-store-postgres';
import { eventIdFromSource } from '@gpds/event-store';
import { API_KEY_MIGRATIONS, ApiKeyStore, InvalidKeyRequestError, loadLegacySourceOwners, migrateApiKeys } from './api-keys';

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
      const keys = new ApiKeyStore(opened.store.db, 0);
      const teesValley = (await keys.create('16C', 'submitter', 'test')).principal;
      const derby = (await keys.create('15M', 'submitter', 'test')).principal;
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
