import type { HierarchySnapshot, SnapshotPractice } from './mapping-snapshot';
import { OrganisationDirectory } from './organisation-directory';
import { diffSnapshot, type PlannedEvent } from './snapshot-diff';

const practice = (code: string, pcn: string, commissioner: string, icb: string, region: string, name = `Practice ${code}`): SnapshotPractice => ({
  code,
  name,
  postcode: 'TS18 1HU',
  pcn: { code: pcn, name: `PCN ${pcn}` },
  commissioner: { code: commissioner, name: `Commissioner ${commissioner}` },
  icb: { code: icb, name: `ICB ${icb}` },
  region: { code: region, name: `Region ${region}` },
});

const options = { knownChangeDates: { COMMISSIONED_BY: ['2022-07-01'], PART_OF_ICB: ['2022-07-01'], IN_REGION: ['2022-07-01'] } };

function given(...snapshots: HierarchySnapshot[]): { directory: OrganisationDirectory; last: string | null } {
  const directory = new OrganisationDirectory();
  let last: string | null = null;
  for (const s of snapshots) {
    for (const planned of diffSnapshot(directory, s, { ...options, previousSnapshot: last }).events) directory.apply(planned.event);
    last = s.date;
  }
  return { directory, last };
}

const jan2022: HierarchySnapshot = {
  date: '2022-01-01',
  format: 'ccg-stp',
  practices: [practice('A81001', 'U1', '16C', 'QHM', 'Y63'), practice('C81640', 'U2', '01Y', 'QOP', 'Y62'), practice('B82001', 'U3', '03Q', 'QOQ', 'Y63')],
};
const oct2025: HierarchySnapshot = {
  date: '2025-10-01',
  format: 'sub-icb-icb',
  practices: [
    practice('A81001', 'U1', '16C', 'QHM', 'Y63', 'The Densham Surgery'),
    practice('C81640', 'U2', '15M', 'QJ2', 'Y60'),
    practice('Y09999', 'U9', '16C', 'QHM', 'Y63'),
  ],
};

describe('diffSnapshot', () => {
  it('gives a practice in no PCN (code U) no PCN relationship, and ends one when a practice leaves its PCN', () => {
    const { directory, last } = given(jan2022);
    const leaving: HierarchySnapshot = { ...oct2025, practices: [{ ...oct2025.practices[0]!, pcn: null }, ...oct2025.practices.slice(1)] };
    const diff = diffSnapshot(directory, leaving, { ...options, previousSnapshot: last });
    const left = diff.events.find((e) => e.recordId === '2025-10-01/A81001/MEMBER_OF_PCN');
    expect(left?.event.data).toMatchObject({ parentCode: '', effectiveFrom: '2025-10-01' });
    for (const e of diff.events) directory.apply(e.event);
    expect(directory.parentOn('A81001', 'MEMBER_OF_PCN', '2025-09-30')).toBe('U1');
    expect(directory.parentOn('A81001', 'MEMBER_OF_PCN', '2025-10-01')).toBeNull();
    expect(directory.organisation('U')).toBeUndefined();
  });

  it('given nothing, when the first snapshot is imported, then every organisation and relationship is registered since before records began', () => {
    const diff = diffSnapshot(new OrganisationDirectory(), jan2022, { ...options, previousSnapshot: null });
    expect(diff.summary.registered).toEqual({ PRACTICE: 3, PCN: 3, COMMISSIONER: 3, ICB: 3, REGION: 2, NATIONAL: 0 });
    expect(diff.summary.relationshipChanges).toEqual({ MEMBER_OF_PCN: 3, COMMISSIONED_BY: 3, PART_OF_ICB: 3, IN_REGION: 3 });
    const registration = diff.events.find((e) => e.recordId === '2022-01-01/A81001/registered');
    expect(registration?.event).toEqual({
      type: 'OrganisationRegistered',
      data: { code: 'A81001', name: 'Practice A81001', level: 'PRACTICE', effectiveFrom: '', postcode: 'TS18 1HU' },
    });
    expect(registration?.streamId).toBe('organisation-A81001');
  });

  it('given the first snapshot, when the same snapshot is diffed again, then there is nothing to do', () => {
    const { directory, last } = given(jan2022);
    expect(diffSnapshot(directory, jan2022, { ...options, previousSnapshot: last }).events).toEqual([]);
  });

  it('given January 2022, when October 2025 arrives, then moves are dated by the known restructuring date, closures and openings by the snapshots', () => {
    const { directory, last } = given(jan2022);
    const diff = diffSnapshot(directory, oct2025, { ...options, previousSnapshot: last });
    const byRecord = new Map<string, PlannedEvent>(diff.events.map((e) => [e.recordId, e]));
    expect(byRecord.get('2025-10-01/C81640/COMMISSIONED_BY')?.event.data).toMatchObject({ parentCode: '15M', effectiveFrom: '2022-07-01' });
    expect(byRecord.get('2025-10-01/B82001/closed')?.event.data).toEqual({ code: 'B82001', closedOn: '2025-10-01', successorCode: '' });
    expect(byRecord.get('2025-10-01/Y09999/registered')?.event.data).toMatchObject({ effectiveFrom: '2022-01-02' });
    expect(byRecord.get('2025-10-01/A81001/renamed')?.event.data).toEqual({ code: 'A81001', name: 'The Densham Surgery', effectiveFrom: '2025-10-01' });
    expect(diff.summary).toMatchObject({ practicesReparented: 1, practicesChangingRegion: 1, newPractices: 1, closedPractices: 1 });
  });

  it('then the hierarchy in force on any date is answerable', () => {
    const { directory } = given(jan2022, oct2025);
    expect(directory.lineageOn('C81640', '2022-06-30')).toEqual({ practice: 'C81640', pcn: 'U2', commissioner: '01Y', icb: 'QOP', region: 'Y62' });
    expect(directory.lineageOn('C81640', '2022-07-01')).toEqual({ practice: 'C81640', pcn: 'U2', commissioner: '15M', icb: 'QJ2', region: 'Y60' });
    expect(directory.commissionerOn('C81640', '2021-03-01')).toBe('01Y'); // before records: the first snapshot's view
    expect(directory.isOpenOn('B82001', '2025-09-30')).toBe(true);
    expect(directory.isOpenOn('B82001', '2025-10-01')).toBe(false);
    expect(directory.commissionerOn('B82001', '2025-10-01')).toBeNull();
    expect(directory.isOpenOn('Y09999', '2022-01-01')).toBe(false);
    expect(directory.commissionerOn('Y09999', '2023-05-01')).toBe('16C');
  });

  it('then every commissioner of a practice over a period is answerable, gaps included', () => {
    const { directory } = given(jan2022, oct2025);
    expect(directory.commissionersDuring('C81640', '2022-06-01', '2022-06-30')).toEqual(['01Y']);
    expect(directory.commissionersDuring('C81640', '2022-06-15', '2022-07-15')).toEqual(['01Y', '15M']);
    expect(directory.commissionersDuring('C81640', '2022-07-01', '2025-12-31')).toEqual(['15M']);
    expect(directory.commissionersDuring('B82001', '2025-09-15', '2025-10-15')).toEqual([expect.any(String), null]);
    expect(directory.commissionersDuring('Y09999', '2022-01-01', '2022-01-31')).toEqual([null, '16C']);
  });
});
