import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyticsConnectionFromEnv, openAnalyticsStore, type AnalyticsStore } from './analytics-client';
import { migrateAnalytics, type AnalyticsMigration } from './migrations';

// chDB holds one engine per process: one store for the file, a database of its own per test.
let store: AnalyticsStore;
let dir: string;
let n = 0;
const freshDatabase = (): string => `t_${process.pid}_${++n}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpds-chdb-'));
  store = openAnalyticsStore({ kind: 'chdb', path: dir });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the analytics store on embedded chDB', () => {
  it('runs ClickHouse in process and takes values only as typed query parameters', async () => {
    expect(await store.version()).toMatch(/^2\d\.\d+/);
    const db = freshDatabase();
    await store.client.command({ query: `CREATE DATABASE ${db}` });
    await store.client.command({ query: `CREATE TABLE ${db}.samples (code String, value Float64) ENGINE = MergeTree ORDER BY code` });
    await store.client.insert({
      table: `${db}.samples`,
      values: [
        { code: 'A81001', value: 3 },
        { code: "x'); DROP TABLE samples; --", value: 4 },
      ],
      format: 'JSONEachRow',
    });
    const rows = await (
      await store.client.query({
        query: `SELECT code, value FROM ${db}.samples WHERE code = {code:String}`,
        query_params: { code: "x'); DROP TABLE samples; --" },
        format: 'JSONEachRow',
      })
    ).json<{ code: string; value: number }>();
    expect(rows).toEqual([{ code: "x'); DROP TABLE samples; --", value: 4 }]);
  });

  it('inserts compact rows with settings for that insert only, and reports refused data with its ClickHouse code', async () => {
    const db = freshDatabase();
    await store.client.command({ query: `CREATE DATABASE ${db}` });
    await store.client.command({
      query: `CREATE TABLE ${db}.samples (code String, value Float64, tags Array(String), note Nullable(String)) ENGINE = MergeTree ORDER BY code
              SETTINGS non_replicated_deduplication_window = 100`,
    });
    const rows = [
      ['A81001', 3, ['a', 'b'], null],
      ['B\t"quoted"\n😀', 4.5, [], 'é'],
    ];
    const dedup = (token: string) => ({ insert_deduplicate: 1, insert_deduplication_token: token });
    await store.insertCompactRows(`${db}.samples`, ['code', 'value', 'tags', 'note'], rows, dedup('t1'));
    await store.insertCompactRows(`${db}.samples`, ['code', 'value', 'tags', 'note'], rows, dedup('t1')); // the same token: dropped
    await store.insertCompactRows(`${db}.samples`, ['code', 'value', 'tags', 'note'], [['C', 1, [], null]], dedup('t2'));
    await store.insertCompactRows(`${db}.samples`, ['code', 'value', 'tags', 'note'], []);
    // The token was this insert's setting, not the session's: a later plain insert is not deduplicated against it.
    await store.insertCompactRows(`${db}.samples`, ['code', 'value', 'tags', 'note'], [['C', 1, [], null]]);
    const stored = await (
      await store.client.query({ query: `SELECT code, value, tags, note FROM ${db}.samples ORDER BY code, value`, format: 'JSONCompactEachRow' })
    ).json<unknown[]>();
    expect(stored).toEqual([
      ['A81001', 3, ['a', 'b'], null],
      ['B\t"quoted"\n😀', 4.5, [], 'é'],
      ['C', 1, [], null],
      ['C', 1, [], null],
    ]);
    await expect(store.insertCompactRows(`${db}.samples`, ['code', 'value', 'tags', 'note'], [['D', 'not a number', [], null]])).rejects.toMatchObject({
      code: expect.stringMatching(/^\d+$/),
    });
  });

  it('migrates once, skips what is applied, and refuses a changed migration', async () => {
    const db = freshDatabase();
    const v1: AnalyticsMigration = { version: 1, name: 'samples', statements: [`CREATE TABLE IF NOT EXISTS ${db}.s (a UInt8) ENGINE = MergeTree ORDER BY a`] };
    const v2: AnalyticsMigration = { version: 2, name: 'view', statements: [`CREATE OR REPLACE VIEW ${db}.v AS SELECT count() AS n FROM ${db}.s`] };
    expect(await migrateAnalytics(store.client, db, [v1])).toEqual({ applied: [1], current: 1 });
    expect(await migrateAnalytics(store.client, db, [v2, v1])).toEqual({ applied: [2], current: 2 });
    expect(await migrateAnalytics(store.client, db, [v1, v2])).toEqual({ applied: [], current: 2 });
    await expect(migrateAnalytics(store.client, db, [{ ...v1, statements: [`${v1.statements[0]} SETTINGS index_granularity = 1024`] }, v2])).rejects.toThrow(
      /migration 1 \('samples'\) was changed after it was applied/,
    );
  });

  it('is chosen by configuration: chDB under the data directory, or the server named by CLICKHOUSE_URL', () => {
    expect(analyticsConnectionFromEnv({}, '/var/lib/gpds')).toEqual({ kind: 'chdb', path: '/var/lib/gpds/analytics' });
    expect(analyticsConnectionFromEnv({ CLICKHOUSE_URL: 'http://reader:s%40cret@ch.internal:8123/gpds' }, '/x')).toEqual({
      kind: 'server',
      url: 'http://ch.internal:8123',
      username: 'reader',
      password: 's@cret',
      database: 'gpds',
    });
  });
});
