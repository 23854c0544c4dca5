import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionService, openAnalyticsStore, type AnalyticsStore } from '@gpds/analytics-clickhouse';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { importMappingFile, loadDirectory } from '@gpds/organisations-importer';
import { sharedDataDir } from '@gpds/shared-runtime';
import { SubmissionProcessor, type Principal } from '@gpds/submissions';
import { planPublication, readPublication, sendPublication, type Publication } from '@gpds/submissions-publications';

// The real December 2025 publications, through the write side and the projector into chDB:
// national and regional totals as the files give them.
const data = sharedDataDir() ?? '/missing';
const admin: Principal = { keyId: 'publication-importer', organisation: 'ENG', role: 'admin' };

let database: TestDatabase;
let opened: OpenedEventStore;
let analytics: AnalyticsStore;
let chdb: string;
let projections: ProjectionService;
const publications: Publication[] = [];

beforeAll(async () => {
  database = await postgresServer.create('realdata');
  opened = await database.open();
  await importMappingFile(opened.store, join(data, 'ods', 'gp-reg-pat-prac-map_2022-01.csv'));
  await importMappingFile(opened.store, join(data, 'ods', 'gp-reg-pat-prac-map_2025-10.csv'));
  const { directory } = await loadDirectory(opened.store);
  const processor = new SubmissionProcessor({ store: opened.store, directory: () => directory });
  for (const file of ['online-consultation-submissions_2025-12.xlsx', 'cloud-based-telephony_2025-12.xlsx']) {
    const publication = await readPublication(join(data, 'publications', file));
    publications.push(publication);
    await sendPublication(publication, planPublication(publication), (records) =>
      processor.process(
        records.map((value, index) => ({ index, value })),
        admin,
        'real-data-test',
      ),
    );
  }
  chdb = mkdtempSync(join(tmpdir(), 'gpds-realdata-'));
  analytics = openAnalyticsStore({ kind: 'chdb', path: chdb });
  projections = new ProjectionService({ store: opened.store, analytics, maxDelayMs: 100 });
  await projections.start();
  await projections.waitUntilCaughtUp(120_000);
}, 300_000);
afterAll(async () => {
  await projections?.stop();
  await analytics?.close();
  await opened?.close();
  await database?.dispose();
  if (chdb) rmSync(chdb, { recursive: true, force: true });
});

async function query<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
  return (await analytics.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();
}

describe.each([
  ['online consultation submissions', 0, 'SUBMISSIONS', 7_373_760],
  ['telephony inbound calls', 1, 'INBOUND_CALLS', 30_063_218],
])('projected December 2025 %s (real files)', (_name, index, metric, published) => {
  const capability = (): string => publications[index]!.capability;

  it('add up to the published national total, including usage attributed only to a PCN, sub-ICB location or England', async () => {
    const [row] = await query<{ value: number }>(
      `SELECT sum(value) AS value FROM bi.utilisation_monthly WHERE capability = {c:String} AND metric = {m:String} AND month = '2025-12-01'`,
      { c: capability(), m: metric },
    );
    expect(row!.value).toBe(published);
  });

  it('add up per region, by the hierarchy in force that month, to the sums of the file rows per region', async () => {
    const publication = publications[index]!;
    const rows = await query<{ region: string; value: number }>(
      `SELECT h.region_code AS region, sum(u.value) AS value
       FROM bi.utilisation_monthly AS u
       LEFT JOIN bi.organisation_hierarchy(on_date = '2025-12-01') AS h ON h.code = u.organisation_code
       WHERE u.capability = {c:String} AND u.metric = {m:String} AND u.month = '2025-12-01'
       GROUP BY region ORDER BY region`,
      { c: capability(), m: metric },
    );
    const projected = new Map(rows.map((r) => [r.region, r.value]));
    const hierarchy = await query<{ code: string; level: string; region_code: string }>(
      `SELECT code, level, region_code FROM bi.organisation_hierarchy(on_date = '2025-12-01')`,
      {},
    );
    const regionOf = new Map(hierarchy.map((r) => [r.code, r.region_code]));
    const regions = new Set(hierarchy.filter((r) => r.level === 'REGION').map((r) => r.code));
    expect(regions.size).toBe(7);

    // The file's rows per its own region column ('' where it names none the hierarchy knows)...
    const expected = new Map<string, number>();
    const moved: string[] = [];
    let total = 0;
    for (const row of publication.rows) {
      const value = row.values.get(metric) ?? 0;
      total += value;
      const fileRegion = regions.has(row.region) ? row.region : '';
      expected.set(fileRegion, (expected.get(fileRegion) ?? 0) + value);
      // ...except that a practice the ODS hierarchy of the month puts in another region counts
      // there: the publication's own practice mapping differs from ODS for a handful of them.
      const odsRegion = regionOf.get(row.practice);
      if (odsRegion !== undefined && odsRegion !== fileRegion) {
        moved.push(`${row.practice}: file ${fileRegion || '-'}, ODS ${odsRegion} (${value})`);
        expected.set(fileRegion, expected.get(fileRegion)! - value);
        expected.set(odsRegion, (expected.get(odsRegion) ?? 0) + value);
      }
    }
    expect(total).toBe(published);
    expect(moved.length).toBeLessThanOrEqual(10);
    for (const region of [...regions, '']) expect([region, projected.get(region) ?? 0]).toEqual([region, expected.get(region) ?? 0]);
  });
});

describe('docs/analytics.md', () => {
  it('has example queries that run against the projected real data', async () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'analytics.md'), 'utf8');
    const statements = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)]
      .flatMap((m) => m[1]!.split(/;\s*(?:--[^\n]*)?\n/))
      .map((sql) => sql.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean);
    expect(statements.length).toBeGreaterThanOrEqual(10);
    for (const sql of statements) {
      const rows = await query<Record<string, unknown>>(sql, {}).catch((error: unknown) => {
        throw new Error(`docs/analytics.md example failed: ${(error as Error).message}\n${sql}`);
      });
      expect(Array.isArray(rows)).toBe(true);
    }
  });
});
