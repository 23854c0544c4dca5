import { join } from 'node:path';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { pglite, type TestDatabase } from '@gpds/event-store-testing';
import { importMappingFile, loadDirectory, recordHierarchyEvidence } from '@gpds/organisations-importer';
import type { OrganisationDirectory } from '@gpds/organisations';
import { sharedDataDir } from '@gpds/shared-runtime';
import { SubmissionProcessor, type Principal } from '@gpds/submissions';
import { hierarchyReport, publicationEvidence, publicationSystem } from './publication-evidence';
import { planPublication, sendPublication } from './publication-import';
import { readPublication, type Publication } from './publication-reader';

const data = sharedDataDir() ?? '/missing';
const file = (name: string): string => join(data, 'publications', name);
const admin: Principal = { keyId: 'publication-importer', organisation: 'ENG', role: 'admin' };

/** The real files: two mapping files, then publications' placements, as `import-publication` records them. */
describe('hierarchy evidence from the national publications (real files)', () => {
  let database: TestDatabase;
  let opened: OpenedEventStore;
  let directory: OrganisationDirectory;

  beforeAll(async () => {
    database = await pglite.create('publication_hierarchy');
    opened = await database.open();
    await importMappingFile(opened.store, join(data, 'ods', 'gp-reg-pat-prac-map_2022-01.csv'));
    await importMappingFile(opened.store, join(data, 'ods', 'gp-reg-pat-prac-map_2025-10.csv'));
    directory = (await loadDirectory(opened.store)).directory;
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
    await database?.dispose();
  });

  const record = async (publication: Publication) =>
    hierarchyReport(await recordHierarchyEvidence(opened.store, publicationEvidence(publication), { system: publicationSystem(publication), directory }));

  it('places a practice where the publication of the month puts it, and says what differed from the hierarchy it had', async () => {
    // November 2025: C83033 (sub-ICB location 71E, Lincolnshire) in ICB QOQ (Humber and North Yorkshire, North East and Yorkshire),
    // where the October 2025 mapping file has 71E's ICB QJM (Lincolnshire, Midlands).
    expect(directory.lineageOn('C83033', '2025-11-15')).toMatchObject({ commissioner: '71E', icb: 'QJM', region: 'Y60' });
    const november = await readPublication(file('online-consultation-submissions_2025-11.xlsx'));
    const report = await record(november);
    expect(report).toMatchObject({ source: 'online-consultation 2025-11', outcome: 'recorded', practices: 6170, added: 0, learned: [] });
    expect(report.agreed + report.differed.length).toBe(6170);
    expect(report.differed.find((d) => d.practice === 'C83033')?.changes).toEqual([
      { level: 'ICB', from: 'QJM', to: 'QOQ' },
      { level: 'REGION', from: 'Y60', to: 'Y63' },
    ]);
    // The month follows the publication; the mapping file's own date keeps the mapping file's answer.
    expect(directory.lineageOn('C83033', '2025-11-15')).toMatchObject({ commissioner: '71E', icb: 'QOQ', region: 'Y63' });
    expect(directory.lineageOn('C83033', '2025-10-01')).toMatchObject({ icb: 'QJM', region: 'Y60' });
    // The change is dated by the tightest bracket: after the mapping file's day, from the first day of the publication's month.
    expect(directory.lineageOn('C83033', '2025-10-31')).toMatchObject({ icb: 'QJM' });
    expect(directory.lineageOn('C83033', '2025-11-01')).toMatchObject({ icb: 'QOQ' });
    // And it stays there after the last evidence, until some says otherwise.
    expect(directory.lineageOn('C83033', '2026-03-01')).toMatchObject({ icb: 'QOQ' });
    // The directory in the store says the same.
    expect((await loadDirectory(opened.store)).directory.lineageOn('C83033', '2025-11-15')).toEqual(directory.lineageOn('C83033', '2025-11-15'));
  });

  it('agrees with itself the month after, and recording a publication again appends nothing', async () => {
    const december = await readPublication(file('online-consultation-submissions_2025-12.xlsx'));
    const first = await record(december);
    expect(first.differed.find((d) => d.practice === 'C83033')).toBeUndefined();
    const head = await opened.store.head();
    expect(await record(december)).toMatchObject({ outcome: 'already recorded', eventsAppended: 0 });
    expect(await opened.store.head()).toEqual(head);
  });

  it('dates a PCN move between the mapping files by the publications between them', async () => {
    // A87022: PCN U95193 in the January 2022 mapping file and the April-August 2025 publications, none ('U') in
    // September 2025, U02739 in the October 2025 mapping file. Without the publications the move is dated by the later file.
    expect(directory.lineageOn('A87022', '2025-09-15').pcn).toBe('U95193');
    const september = await readPublication(file('online-consultation-submissions_2025-09.xlsx'));
    const report = await record(september);
    expect(report.differed.find((d) => d.practice === 'A87022')?.changes).toEqual([{ level: 'PCN', from: 'U95193', to: null }]);
    expect(directory.lineageOn('A87022', '2025-09-15').pcn).toBeNull();
    // Between January 2022 (U95193) and September 2025 (none), the change is dated by the later evidence: 1 September 2025.
    expect(directory.lineageOn('A87022', '2025-08-31').pcn).toBe('U95193');
    expect(directory.lineageOn('A87022', '2025-09-01').pcn).toBeNull();
    expect(directory.lineageOn('A87022', '2025-10-01').pcn).toBe('U02739');
    // An earlier month recorded after a later one: the same timeline as in order (April agrees with January 2022).
    const april = await readPublication(file('online-consultation-submissions_2025-04.xlsx'));
    expect((await record(april)).differed.find((d) => d.practice === 'A87022')).toBeUndefined();
    expect(directory.lineageOn('A87022', '2025-08-31').pcn).toBe('U95193');
  });

  it('registers a practice no mapping file names from the publication, and accepts its rows (synthetic copy of a real row)', async () => {
    // SYNTHETIC: the real April 2025 file has no practice outside both mapping files, so one of its
    // rows is copied under a code neither file has (Y99901), as earlier editions have (Y07274).
    const april = await readPublication(file('online-consultation-submissions_2025-04.xlsx'));
    const real = april.rows.find((r) => r.practice === 'A81001')!;
    const copy: Publication = { ...april, rows: [{ ...real, practice: 'Y99901', names: { ...real.names, practice: 'SYNTHETIC SURGERY' } }] };
    expect(directory.organisation('Y99901')).toBeUndefined();
    const report = await hierarchyReport(
      await recordHierarchyEvidence(
        opened.store,
        { ...publicationEvidence(copy), source: 'online-consultation 2025-04 (synthetic)' },
        { system: 'test', directory },
      ),
    );
    expect(report).toMatchObject({ added: 1, learned: ['Y99901'] });
    expect(directory.organisation('Y99901')).toMatchObject({
      name: 'SYNTHETIC SURGERY',
      level: 'PRACTICE',
      openedOn: '2025-04-01',
      learnedFrom: 'online-consultation 2025-04 (synthetic)',
    });
    // Open for the month the publication shows it: the October 2025 mapping file, which does not name it, closes it after that month.
    expect(directory.organisation('Y99901')?.closedOn).toBe('2025-05-01');
    expect(directory.lineageOn('Y99901', '2025-04-15')).toEqual({
      practice: 'Y99901',
      pcn: real.pcn,
      commissioner: real.subIcb,
      icb: real.icb,
      region: real.region,
    });
    const processor = new SubmissionProcessor({ store: opened.store, directory: () => directory });
    const sent = await sendPublication(copy, planPublication(copy), (records) =>
      processor.process(
        records.map((value, index) => ({ index, value })),
        admin,
        'learned-practice-test',
      ),
    );
    expect(sent).toMatchObject({ rejected: 0 });
    expect(sent.accepted).toBe(sent.samples);
  });
});
