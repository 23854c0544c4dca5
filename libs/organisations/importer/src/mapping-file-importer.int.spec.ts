import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { pglite, postgresServer, type TestDatabase, type TestDatabaseFactory } from '@gpds/event-store-testing';
import { sharedDataDir } from '@gpds/shared-runtime';
import { loadDirectory } from './directory-loader';
import { importMappingFile } from './mapping-file-importer';

const data = sharedDataDir();
if (!data) throw new Error('The real ODS files are needed: ../shared/data beside the repository, or SHARED_DATA_DIR');
const jan2022 = join(data, 'ods', 'gp-reg-pat-prac-map_2022-01.csv');
const oct2025 = join(data, 'ods', 'gp-reg-pat-prac-map_2025-10.csv');

describe.each<[string, TestDatabaseFactory]>([
  ['PGlite', pglite],
  ['PostgreSQL', postgresServer],
])('importing the national practice mapping files on %s', (_name, factory) => {
  let database: TestDatabase;
  let opened: OpenedEventStore;
  beforeAll(async () => {
    database = await factory.create('ods');
    opened = await database.open();
  });
  afterAll(async () => {
    await opened.close();
    await database.dispose();
  });

  it('registers the January 2022 hierarchy', async () => {
    const progress: number[] = [];
    const report = await importMappingFile(opened.store, jan2022, { onProgress: (p) => progress.push(p.done) });
    expect(report).toMatchObject({ snapshotDate: '2022-01-01', format: 'ccg-stp', practicesInFile: 6527, problems: [], outcome: 'imported' });
    expect(report.summary?.registered).toEqual({ PRACTICE: 6527, PCN: 1254, COMMISSIONER: 106, ICB: 42, REGION: 7, NATIONAL: 0 });
    expect(report.eventsDuplicate).toBe(0);
    expect(progress.length).toBeGreaterThan(1);
  });

  it('then October 2025 yields the real changes: 46 practices change commissioner, 14 region, 341 close, 16 open', async () => {
    const report = await importMappingFile(opened.store, oct2025);
    expect(report).toMatchObject({ snapshotDate: '2025-10-01', format: 'sub-icb-icb', practicesInFile: 6202, outcome: 'imported' });
    expect(report.summary).toMatchObject({ practicesReparented: 46, practicesChangingRegion: 14, closedPractices: 341, newPractices: 16 });
  });

  it('re-importing either file is a no-op', async () => {
    const head = await opened.store.head();
    expect(await importMappingFile(opened.store, oct2025)).toMatchObject({ outcome: 'already imported', eventsAppended: 0 });
    expect(await importMappingFile(opened.store, jan2022)).toMatchObject({ outcome: 'already imported', eventsAppended: 0 });
    expect(await opened.store.head()).toEqual(head);
  });

  it('answers the hierarchy in force on any date from the event store alone', async () => {
    const { directory, snapshots } = await loadDirectory(opened.store);
    expect(snapshots).toEqual(['2022-01-01', '2025-10-01']);
    // Glossop: Tameside and Glossop CCG (North West) to Derby and Derbyshire (Midlands) on 1 July 2022.
    expect(directory.lineageOn('C81640', '2022-06-30')).toMatchObject({ commissioner: '01Y', region: 'Y62' });
    expect(directory.lineageOn('C81640', '2022-07-01')).toMatchObject({ commissioner: '15M', region: 'Y60' });
    // Bassetlaw moved ICB (South Yorkshire to Nottingham and Nottinghamshire) and so region.
    expect(directory.lineageOn('C84008', '2022-01-15')).toMatchObject({ commissioner: '02Q', icb: 'QF7', region: 'Y63' });
    expect(directory.lineageOn('C84008', '2024-01-15')).toMatchObject({ commissioner: '02Q', icb: 'QT1', region: 'Y60' });
    const closed = directory.all('PRACTICE').filter((p) => p.closedOn === '2025-10-01');
    expect(closed).toHaveLength(341);
    expect(directory.isOpenOn(closed[0]!.code, '2024-01-01')).toBe(true);
    expect(directory.isOpenOn(closed[0]!.code, '2025-10-01')).toBe(false);
    expect(directory.all('PRACTICE').filter((p) => p.openedOn === '2022-01-02')).toHaveLength(16);
    expect(directory.organisation('16C')?.name).toBe('NHS North East and North Cumbria ICB - 16C');
  });

  it('gives the same hierarchy when the files arrive out of order', async () => {
    const reversed = await factory.create('ods_reversed');
    const other = await reversed.open();
    try {
      const newer = await importMappingFile(other.store, oct2025);
      expect(newer.summary).toMatchObject({ previousSnapshot: null });
      const older = await importMappingFile(other.store, jan2022);
      expect(older).toMatchObject({ outcome: 'imported' });
      const inOrder = (await loadDirectory(opened.store)).directory;
      const outOfOrder = (await loadDirectory(other.store)).directory;
      const codes = inOrder
        .all()
        .map((o) => o.code)
        .sort();
      expect(
        outOfOrder
          .all()
          .map((o) => o.code)
          .sort(),
      ).toEqual(codes);
      const state = (d: typeof inOrder) =>
        codes.map((code) => {
          const o = d.organisation(code)!;
          const lineages = ['2021-12-31', '2022-01-01', '2022-06-30', '2022-07-01', '2024-01-15', '2025-10-01', '2026-06-01'].map((day) =>
            o.level === 'PRACTICE' ? d.lineageOn(code, day) : [d.parentOn(code, 'PART_OF_ICB', day), d.parentOn(code, 'IN_REGION', day)],
          );
          return [code, o.name, o.level, o.openedOn, o.closedOn, lineages];
        });
      expect(state(outOfOrder)).toEqual(state(inOrder));
    } finally {
      await other.close();
      await reversed.dispose();
    }
  });

  it('loads the directory from a snapshot and the events after it, and ignores a snapshot of another store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpds-directory-'));
    const snapshotFile = join(dir, 'cache', 'organisation-directory.json');
    try {
      const full = await loadDirectory(opened.store, { snapshotFile });
      expect(full).toMatchObject({ fromSnapshot: false });
      expect(full.events).toBeGreaterThan(20_000);
      const again = await loadDirectory(opened.store, { snapshotFile });
      expect(again).toMatchObject({ fromSnapshot: true, events: 0, snapshots: ['2022-01-01', '2025-10-01'] });
      const codes = full.directory.all().map((o) => o.code);
      const state = (d: typeof full.directory) => codes.map((c) => [d.organisation(c), d.lineageOn(c, '2022-07-01'), d.observationsOf(c).length]);
      expect(state(again.directory)).toEqual(state(full.directory));
      // Another store (a new DATA_DIR's, a recreated database) does not match the snapshot: folded from the start.
      const other = await factory.create('ods_snapshot');
      const otherStore = await other.open();
      try {
        await importMappingFile(otherStore.store, oct2025);
        const fresh = await loadDirectory(otherStore.store, { snapshotFile });
        expect(fresh.fromSnapshot).toBe(false);
        expect(fresh.directory.organisation('A81001')?.openedOn).toBe('');
      } finally {
        await otherStore.close();
        await other.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not a mapping file, saying why', async () => {
    const error = await importMappingFile(opened.store, join(data, 'publications', 'cloud-based-telephony_2025-12.xlsx')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot be read as CSV|Not a practice mapping file/);
  });
});
