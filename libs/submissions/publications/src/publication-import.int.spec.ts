import { join } from 'node:path';
import { START } from '@gpds/event-store';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { pglite, type TestDatabase } from '@gpds/event-store-testing';
import { importMappingFile, loadDirectory } from '@gpds/organisations-importer';
import type { OrganisationDirectory } from '@gpds/organisations';
import { sharedDataDir } from '@gpds/shared-runtime';
import { SubmissionProcessor, type Principal } from '@gpds/submissions';
import { planPublication, sendPublication } from './publication-import';
import { PublicationFormatError, headerKey, monthOf, normaliseHeader, readPublication } from './publication-reader';

const data = sharedDataDir() ?? '/missing';
const oc = join(data, 'publications', 'online-consultation-submissions_2025-12.xlsx');
const telephony = join(data, 'publications', 'cloud-based-telephony_2025-12.xlsx');
const admin: Principal = { keyId: 'publication-importer', organisation: 'ENG', role: 'admin' };

describe('importing the December 2025 national publications (real files)', () => {
  let database: TestDatabase;
  let opened: OpenedEventStore;
  let directory: OrganisationDirectory;
  let processor: SubmissionProcessor;

  beforeAll(async () => {
    database = await pglite.create('publications');
    opened = await database.open();
    await importMappingFile(opened.store, join(data, 'ods', 'gp-reg-pat-prac-map_2022-01.csv'));
    await importMappingFile(opened.store, join(data, 'ods', 'gp-reg-pat-prac-map_2025-10.csv'));
    directory = (await loadDirectory(opened.store)).directory;
    processor = new SubmissionProcessor({ store: opened.store, directory: () => directory });
  });
  afterAll(async () => {
    await opened.close();
    await database.dispose();
  });

  const sink = (records: Array<Record<string, unknown>>) =>
    processor.process(
      records.map((value, index) => ({ index, value })),
      admin,
      'publication-test',
    );

  async function storedTotal(metric: string): Promise<{ total: number; byLevel: Record<string, number> }> {
    let after = START;
    let total = 0;
    const byLevel: Record<string, number> = {};
    for (;;) {
      const batch = await opened.store.readAll({ after, limit: 10_000, categories: ['utilisation'] });
      if (batch.events.length === 0) return { total, byLevel };
      for (const e of batch.events) {
        const d = e.data as { metric: string; value: number; organisationLevel: string };
        if (d.metric !== metric) continue;
        total += d.value;
        byLevel[d.organisationLevel] = (byLevel[d.organisationLevel] ?? 0) + d.value;
      }
      after = batch.checkpoint;
    }
  }

  it('imports online consultation Table 2: every row placed at its practice, national total as published', async () => {
    const publication = await readPublication(oc);
    expect(publication).toMatchObject({ kind: 'online-consultation', month: '2025-12-01', capability: 'ONLINE_CONSULTATION' });
    expect(publication.rows).toHaveLength(6173);
    const plan = planPublication(publication);
    expect(plan.totals['SUBMISSIONS']).toBe(7_373_760);
    const progress: number[] = [];
    const report = await sendPublication(publication, plan, sink, (done) => progress.push(done));
    expect(report).toMatchObject({ rows: 6173, rejected: 0, placements: { PRACTICE: 6173 } });
    expect(report.accepted).toBe(report.samples);
    expect(progress.at(-1)).toBe(report.samples);
    expect((await storedTotal('SUBMISSIONS')).total).toBe(7_373_760);
  });

  it('imports telephony Table 3: unassigned rows go to their PCN, sub-ICB location, ICB or region, the unmapped one to England only', async () => {
    const publication = await readPublication(telephony);
    expect(publication).toMatchObject({ kind: 'cloud-telephony', month: '2025-12-01' });
    const plan = planPublication(publication);
    expect(plan.totals['INBOUND_CALLS']).toBe(30_063_218);
    const report = await sendPublication(publication, plan, sink);
    expect(report.rejected).toBe(0);
    expect(report.placements.NATIONAL).toBe(1);
    // 110 "Unassigned" rows: each at the most specific level it maps to.
    expect(report.rows - report.placements.PRACTICE).toBe(110);
    // Each at the most specific level whose levels above are mapped too: 71 PCNs, 23 sub-ICB locations, 9 ICBs, 6 regions
    // (a row in sub-ICB location 71E whose ICB the file leaves unmapped counts for its region, as the file's own ICB figures count it).
    expect(report.placements).toEqual({ PRACTICE: 4739, PCN: 71, COMMISSIONER: 23, ICB: 9, REGION: 6, NATIONAL: 1 });
    expect(report.notes.find((n) => n.note.includes('England only'))).toBeDefined();
    const stored = await storedTotal('INBOUND_CALLS');
    expect(stored.total).toBe(30_063_218);
    expect(stored.byLevel['PRACTICE']).toBe(27_757_625);
    expect(stored.byLevel['NATIONAL']).toBe(179_938);
  });

  it('re-importing a publication is a no-op', async () => {
    const publication = await readPublication(oc);
    const report = await sendPublication(publication, planPublication(publication), sink);
    expect(report).toMatchObject({ accepted: 0, rejected: 0 });
    expect(report.duplicates).toBe(report.samples);
  });

  it('reads a practice row whose month cell holds other text as of the publication month, and says so', async () => {
    // October 2025 telephony: M83616's month cell holds the copyright line; its 4,231 calls are in the published total.
    const october = await readPublication(join(data, 'publications', 'cloud-based-telephony_2025-10.xlsx'));
    expect(october.unreadable).toEqual([]);
    expect(october.readNotes).toEqual([
      { line: 2124, note: "practice M83616: the month cell reads 'Copyright © 2025 NHS England', not a date: taken as the publication's month 2025-10" },
    ]);
    const row = october.rows.find((r) => r.practice === 'M83616');
    expect(row).toMatchObject({ month: '2025-10-01', icb: 'QNC' });
    expect(row?.values.get('INBOUND_CALLS')).toBe(4_231);
    const plan = planPublication(october);
    expect(plan.totals['INBOUND_CALLS']).toBe(31_444_618);
    expect(plan.notes).toContainEqual(october.readNotes[0]);
  });

  it('reads headers with footnote markers and months as Excel serial numbers, and refuses other workbooks', async () => {
    expect(normaliseHeader('Submissions [7]')).toBe('submissions');
    expect(normaliseHeader('GP Practice \r\n(ODS_CODE)')).toBe('gp practice (ods_code)');
    // Columns are matched on letters and digits: earlier editions' spellings of a level are the same column.
    expect(headerKey('Sub-ICB Location Code [2]')).toBe(headerKey('Sub ICB Location Code'));
    expect(headerKey('GP Practice \r\n(ODS_CODE)')).toBe('gppracticeodscode');
    expect(monthOf(46_000)).toBe('2025-12-01');
    expect(monthOf(new Date('2025-12-01T00:00:00Z'))).toBe('2025-12-01');
    expect(monthOf('soon')).toBeNull();
    await expect(readPublication(join(data, 'ods', 'gp-reg-pat-prac-map_2025-10.csv'))).rejects.toBeInstanceOf(PublicationFormatError);
  });
});
