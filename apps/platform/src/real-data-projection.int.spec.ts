import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionService, openAnalyticsStore, type AnalyticsStore } from '@gpds/analytics-clickhouse';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { importMappingFile, loadDirectory, recordHierarchyEvidence } from '@gpds/organisations-importer';
import { ReportingQueries } from '@gpds/reporting-queries';
import { sharedDataDir } from '@gpds/shared-runtime';
import { SubmissionProcessor, type Principal } from '@gpds/submissions';
import {
  hierarchyReport,
  planPublication,
  publicationEvidence,
  publicationSystem,
  readPublication,
  sendPublication,
  type HierarchyReport,
  type Publication,
} from '@gpds/submissions-publications';

// Every real publication in ../shared/data (April to December 2025 online consultation, October to
// December 2025 telephony), imported one after another as `npm run cli -- import-publication`
// does (its placements, then its samples), through the write side and the projector into chDB:
// each month's national, regional and ICB figures as the file itself gives them.
const data = sharedDataDir() ?? '/missing';
const admin: Principal = { keyId: 'publication-importer', organisation: 'ENG', role: 'admin' };
const FILES = [
  ...['04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `online-consultation-submissions_2025-${m}.xlsx`),
  ...['10', '11', '12'].map((m) => `cloud-based-telephony_2025-${m}.xlsx`),
];
const METRIC = { 'online-consultation': 'SUBMISSIONS', 'cloud-telephony': 'INBOUND_CALLS' } as const;
/** Practice-level rows and national totals as ../shared/data/README.md states them for each file. */
const PUBLISHED: Record<string, [rows: number, total: number]> = {
  'online-consultation-submissions_2025-04.xlsx': [6_210, 4_747_764],
  'online-consultation-submissions_2025-05.xlsx': [6_199, 5_123_833],
  'online-consultation-submissions_2025-06.xlsx': [6_194, 5_675_043],
  'online-consultation-submissions_2025-07.xlsx': [6_188, 5_883_795],
  'online-consultation-submissions_2025-08.xlsx': [6_183, 5_078_573],
  'online-consultation-submissions_2025-09.xlsx': [6_182, 6_532_742],
  'online-consultation-submissions_2025-10.xlsx': [6_180, 8_330_625],
  'online-consultation-submissions_2025-11.xlsx': [6_170, 7_409_171],
  'online-consultation-submissions_2025-12.xlsx': [6_173, 7_373_760],
  'cloud-based-telephony_2025-10.xlsx': [4_459, 31_444_618],
  'cloud-based-telephony_2025-11.xlsx': [4_793, 29_439_840],
  'cloud-based-telephony_2025-12.xlsx': [4_849, 30_063_218],
};

let database: TestDatabase;
let opened: OpenedEventStore;
let analytics: AnalyticsStore;
let chdb: string;
let projections: ProjectionService;
let queries: ReportingQueries;
const publications: Publication[] = [];
const hierarchy = new Map<string, HierarchyReport>();
/** The file whose samples are imported before its placements, and the instant between the two. */
const SAMPLES_BEFORE_PLACEMENTS = 'online-consultation-submissions_2025-11.xlsx';
let beforePlacements = '';
let synthetic: Publication;
let before2024Placements = '';

beforeAll(async () => {
  database = await postgresServer.create('realdata');
  opened = await database.open();
  await importMappingFile(opened.store, join(data, 'ods', 'gp-reg-pat-prac-map_2022-01.csv'));
  await importMappingFile(opened.store, join(data, 'ods', 'gp-reg-pat-prac-map_2025-10.csv'));
  const { directory } = await loadDirectory(opened.store);
  const processor = new SubmissionProcessor({ store: opened.store, directory: () => directory });
  for (const file of FILES) {
    const publication = await readPublication(join(data, 'publications', file));
    publications.push(publication);
    const placements = async (): Promise<void> => {
      const recorded = await recordHierarchyEvidence(opened.store, publicationEvidence(publication), { system: publicationSystem(publication), directory });
      hierarchy.set(file, hierarchyReport(recorded));
    };
    const samples = async (): Promise<void> => {
      const report = await sendPublication(publication, planPublication(publication), (records) =>
        processor.process(
          records.map((value, index) => ({ index, value })),
          admin,
          'real-data-test',
        ),
      );
      if (report.rejected > 0) throw new Error(`${file}: ${report.rejected} samples rejected: ${report.notImported[0]?.reason}`);
    };
    if (file === SAMPLES_BEFORE_PLACEMENTS) {
      // Its samples learnt first, its placements a moment later: what a knownAt between the two answers.
      await samples();
      await new Promise((resolve) => setTimeout(resolve, 20));
      beforePlacements = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await placements();
    } else {
      // As import-publication does: the placements first.
      await placements();
      await samples();
    }
  }
  // SYNTHETIC (no 2024 edition is in ../shared/data): the real April 2025 file relabelled June 2024, with C83033 placed in
  // ICB QOQ (its mapping files put it in QJM): its samples are learnt first, its placements later.
  const april = publications[0]!;
  const june2024: Publication = {
    ...april,
    file: 'online-consultation-submissions_2024-06 (synthetic copy of 2025-04)',
    month: '2024-06-01',
    rows: april.rows.map((r) => ({ ...r, month: '2024-06-01', ...(r.practice === 'C83033' ? { icb: 'QOQ', region: 'Y63' } : {}) })),
  };
  synthetic = june2024;
  await sendPublication(june2024, planPublication(june2024), (records) =>
    processor.process(
      records.map((value, index) => ({ index, value })),
      admin,
      'real-data-test',
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  before2024Placements = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await recordHierarchyEvidence(
    opened.store,
    { ...publicationEvidence(june2024), source: 'online-consultation 2024-06 (synthetic)' },
    { system: 'real-data-test', directory },
  );

  chdb = mkdtempSync(join(tmpdir(), 'gpds-realdata-'));
  analytics = openAnalyticsStore({ kind: 'chdb', path: chdb });
  projections = new ProjectionService({ store: opened.store, analytics, maxDelayMs: 100 });
  await projections.start();
  await projections.waitUntilCaughtUp(300_000);
  queries = new ReportingQueries(analytics.client, { database: 'gpds', bi: 'bi', hierarchyCheckEveryMs: 0 });
}, 900_000);
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

function monthEnd(month: string): string {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

/** The file's own figures: its practice rows summed per the region or ICB column it gives them. */
function fileFigures(publication: Publication, metric: string, column: 'region' | 'icb'): { total: number; by: Map<string, number> } {
  const by = new Map<string, number>();
  let total = 0;
  for (const row of publication.rows) {
    const value = row.values.get(metric) ?? 0;
    total += value;
    by.set(row[column], (by.get(row[column]) ?? 0) + value);
  }
  return { total, by };
}

describe.each(FILES.map((file, i) => [file, i] as const))('%s, imported after the months before it (real files)', (file, index) => {
  const publication = (): Publication => publications[index]!;
  const metric = (): string => METRIC[publication().kind];

  it('is read whole: every practice row, the published national total', () => {
    // The October and November 2025 telephony files each have one practice row with the copyright line in its month cell.
    expect([publication().rows.length, fileFigures(publication(), metric(), 'region').total]).toEqual(PUBLISHED[file]);
  });

  it('records its placements: each practice placed as the hierarchy had it, added, or differing (listed)', () => {
    const report = hierarchy.get(file)!;
    expect(report.practices).toBeGreaterThan(4_000);
    expect(report.agreed + report.added + report.differed.length).toBe(report.practices);
  });

  it.each(['REGION', 'ICB'] as const)('gives, by %s, by the hierarchy of its month, every figure the file gives', async (level) => {
    const { month } = publication();
    const figures = fileFigures(publication(), metric(), level === 'REGION' ? 'region' : 'icb');
    const rows = await queries.utilisation({ capability: publication().capability, metric: metric(), level, from: month, to: monthEnd(month), first: 500 });
    const projected = new Map(rows.nodes.map((r) => [r.organisation.code, r.value]));
    // Rows the file cannot place at the level ("Unassigned" practices mapped nowhere): the platform counts them for England only.
    const unplaced = [...figures.by].filter(([code]) => !projected.has(code));
    for (const [code] of unplaced) expect(['', 'Unmapped', 'Unassigned', 'Unknown']).toContain(code);
    const unplacedTotal = unplaced.reduce((n, [, v]) => n + v, 0);
    expect([...projected].sort()).toEqual([...figures.by].filter(([code]) => projected.has(code)).sort());
    const [national] = (
      await queries.utilisation({ capability: publication().capability, metric: metric(), level: 'NATIONAL', from: month, to: monthEnd(month) })
    ).nodes;
    expect(national?.value).toBe(figures.total);
    expect([...projected.values()].reduce((a, b) => a + b, 0) + unplacedTotal).toBe(figures.total);
  });
});

describe('hierarchy facts learnt later', () => {
  it('do not change an answer given with an earlier knownAt: ICB figures for November 2025 before and after its placements', async () => {
    // C83033 (sub-ICB location 71E) is in ICB QJM by the October 2025 mapping file and in QOQ by the November 2025 publication.
    const args = { capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', level: 'ICB' as const, from: '2025-11-01', to: '2025-11-30', first: 100 };
    const c83033 = publications
      .find((p) => p.file === SAMPLES_BEFORE_PLACEMENTS)!
      .rows.find((r) => r.practice === 'C83033')!
      .values.get('SUBMISSIONS')!;
    expect(c83033).toBeGreaterThan(0);
    const figures = async (knownAt?: string) => {
      const rows = await queries.utilisation({ ...args, ...(knownAt ? { knownAt } : {}) });
      return new Map(rows.nodes.map((r) => [r.organisation.code, r.value]));
    };
    const then = await figures(beforePlacements);
    const now = await figures();
    // Exactly the practices the November placements moved between ICBs (the import's own list) change ICB, each with its November submissions.
    const november = publications.find((p) => p.file === SAMPLES_BEFORE_PLACEMENTS)!;
    const value = new Map(november.rows.map((r) => [r.practice, r.values.get('SUBMISSIONS') ?? 0]));
    const shift = new Map<string, number>();
    for (const d of hierarchy.get(SAMPLES_BEFORE_PLACEMENTS)!.differed)
      for (const c of d.changes.filter((change) => change.level === 'ICB')) {
        shift.set(c.to!, (shift.get(c.to!) ?? 0) + value.get(d.practice)!);
        shift.set(c.from!, (shift.get(c.from!) ?? 0) - value.get(d.practice)!);
      }
    expect(shift.get('QOQ')).toBeGreaterThanOrEqual(c83033);
    for (const icb of new Set([...then.keys(), ...now.keys()])) expect([icb, (now.get(icb) ?? 0) - (then.get(icb) ?? 0)]).toEqual([icb, shift.get(icb) ?? 0]);
    // Nationally nothing moves: the same samples were known at both times.
    const national = async (knownAt?: string) => (await queries.utilisation({ ...args, level: 'NATIONAL', ...(knownAt ? { knownAt } : {}) })).nodes[0]?.value;
    expect(await national(beforePlacements)).toBe(await national());
  });
});

describe('a 2024 month whose placements arrive after its samples (synthetic copy of a real file)', () => {
  it('keeps its ICB figures as they were known before the placements, and moves them after', async () => {
    const args = { capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', level: 'ICB' as const, from: '2024-06-01', to: '2024-06-30', first: 100 };
    const c83033 = synthetic.rows.find((r) => r.practice === 'C83033')!.values.get('SUBMISSIONS')!;
    const figures = async (knownAt?: string) =>
      new Map((await queries.utilisation({ ...args, ...(knownAt ? { knownAt } : {}) })).nodes.map((r) => [r.organisation.code, r.value]));
    const then = await figures(before2024Placements);
    const now = await figures();
    expect(now.get('QOQ')! - then.get('QOQ')!).toBe(c83033);
    expect(then.get('QJM')! - now.get('QJM')!).toBe(c83033);
    // Every other ICB is as it was: the placements of the other practices agreed with the hierarchy of June 2024.
    for (const icb of then.keys()) if (icb !== 'QOQ' && icb !== 'QJM') expect([icb, now.get(icb)]).toEqual([icb, then.get(icb)]);
  });
});

describe('a financial year of months', () => {
  it('rolls up to the sum of its months, nationally and per ICB', async () => {
    const args = { capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: '2025-04-01', to: '2026-03-31', first: 1000 };
    for (const level of ['NATIONAL', 'ICB'] as const) {
      const year = await queries.utilisation({ ...args, level, granularity: 'FINANCIAL_YEAR' });
      const months = await queries.utilisation({ ...args, level, granularity: 'MONTH' });
      const sums = new Map<string, number>();
      for (const r of months.nodes) sums.set(r.organisation.code, (sums.get(r.organisation.code) ?? 0) + r.value);
      expect(year.nodes.map((r) => [r.organisation.code, r.value])).toEqual([...sums].sort());
    }
    const national = await queries.utilisation({ ...args, level: 'NATIONAL', granularity: 'FINANCIAL_YEAR' });
    const published = publications.filter((p) => p.kind === 'online-consultation').reduce((n, p) => n + fileFigures(p, 'SUBMISSIONS', 'region').total, 0);
    expect(national.nodes[0]?.value).toBe(published);
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
