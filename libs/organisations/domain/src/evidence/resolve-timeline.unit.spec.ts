import type { RelationshipKind } from '../organisation-events';
import { resolveTimeline, type Observation, type RecordedSource } from './resolve-timeline';

const CHANGE_DATES = { COMMISSIONED_BY: ['2022-07-01'] };

const mapping = (date: string, to: string): RecordedSource => ({ source: `map ${date}`, evidence: 'MAPPING_FILE', from: date, to, complete: true });
const JAN_2022 = mapping('2022-01-01', '2022-01-02');
const OCT_2025 = mapping('2025-10-01', '2025-10-02');

function seen(source: RecordedSource | string, parents: Partial<Record<RelationshipKind, string>>, name = 'A PRACTICE'): Observation {
  const s: RecordedSource =
    typeof source === 'string'
      ? { source, evidence: 'PUBLICATION', from: `${source.slice(-7)}-01`, to: nextMonth(`${source.slice(-7)}-01`), complete: false }
      : source;
  return {
    source: s.source,
    evidence: s.evidence,
    level: 'PRACTICE',
    name,
    postcode: '',
    from: s.from,
    to: s.to,
    parents: new Map(Object.entries(parents) as Array<[RelationshipKind, string]>),
  };
}

function nextMonth(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

const parentsOf = (observations: Observation[], sources: RecordedSource[] = [JAN_2022, OCT_2025], kind: RelationshipKind = 'COMMISSIONED_BY') =>
  resolveTimeline('P1', observations, sources, CHANGE_DATES)!
    .parents.filter((p) => p.relationship === kind)
    .map((p) => [p.parentCode, p.effectiveFrom, p.effectiveTo]);

describe('resolving an organisation timeline from its evidence', () => {
  it('given two mapping files that agree, the parent holds throughout', () => {
    expect(parentsOf([seen(JAN_2022, { COMMISSIONED_BY: 'A' }), seen(OCT_2025, { COMMISSIONED_BY: 'A' })])).toEqual([['A', '', '']]);
  });

  it('given a move between two mapping files and nothing between, it is dated on the known change date inside the gap', () => {
    expect(parentsOf([seen(JAN_2022, { COMMISSIONED_BY: 'A' }), seen(OCT_2025, { COMMISSIONED_BY: 'B' })])).toEqual([
      ['A', '', '2022-07-01'],
      ['B', '2022-07-01', ''],
    ]);
  });

  it('given no known change date inside the gap, the move is dated by the first day of the later evidence', () => {
    expect(parentsOf([seen(JAN_2022, { MEMBER_OF_PCN: 'U1' }), seen(OCT_2025, { MEMBER_OF_PCN: 'U2' })], undefined, 'MEMBER_OF_PCN')).toEqual([
      ['U1', '', '2025-10-01'],
      ['U2', '2025-10-01', ''],
    ]);
  });

  it('given publications between the mapping files, the move is dated by the tightest bracket they give', () => {
    const observations = [
      seen(JAN_2022, { MEMBER_OF_PCN: 'U1' }),
      seen('pub 2024-03', { MEMBER_OF_PCN: 'U1' }),
      seen('pub 2024-05', { MEMBER_OF_PCN: 'U2' }),
      seen(OCT_2025, { MEMBER_OF_PCN: 'U2' }),
    ];
    expect(parentsOf(observations, undefined, 'MEMBER_OF_PCN')).toEqual([
      ['U1', '', '2024-05-01'],
      ['U2', '2024-05-01', ''],
    ]);
  });

  it('given a publication that disagrees with the mapping file of its month, the file wins on its date and the publication for the rest of the month', () => {
    const observations = [seen(OCT_2025, { COMMISSIONED_BY: 'A' }), seen('pub 2025-10', { COMMISSIONED_BY: 'B' })];
    expect(parentsOf(observations, [OCT_2025])).toEqual([
      ['A', '', '2025-10-02'],
      ['B', '2025-10-02', ''],
    ]);
  });

  it('given two publications of one month that disagree, the online consultation table wins, whatever order they came in', () => {
    const a = seen('cloud-telephony 2025-10', { MEMBER_OF_PCN: 'U2' });
    const b = seen('online-consultation 2025-10', { MEMBER_OF_PCN: 'U1' });
    expect(parentsOf([a, b], [], 'MEMBER_OF_PCN')).toEqual([['U1', '2025-10-01', '']]);
    expect(parentsOf([b, a], [], 'MEMBER_OF_PCN')).toEqual([['U1', '2025-10-01', '']]);
  });

  it('given a practice leaving every PCN, it has none from then on', () => {
    const observations = [seen(JAN_2022, { MEMBER_OF_PCN: 'U1' }), seen('pub 2025-09', { MEMBER_OF_PCN: '' }), seen(OCT_2025, { MEMBER_OF_PCN: 'U2' })];
    expect(parentsOf(observations, undefined, 'MEMBER_OF_PCN')).toEqual([
      ['U1', '', '2025-09-01'],
      ['U2', '2025-10-01', ''],
    ]);
  });

  it('given an organisation a later mapping file does not name, it opened after the file without it and closed on the file without it', () => {
    const opened = resolveTimeline('P1', [seen(OCT_2025, { COMMISSIONED_BY: 'A' })], [JAN_2022, OCT_2025], CHANGE_DATES)!;
    expect(opened).toMatchObject({ openedOn: '2022-01-02', closedOn: '', learnedFrom: '' });
    const closed = resolveTimeline('P1', [seen(JAN_2022, { COMMISSIONED_BY: 'A' })], [JAN_2022, OCT_2025], CHANGE_DATES)!;
    expect(closed).toMatchObject({ openedOn: '', closedOn: '2025-10-01' });
    expect(closed.parents).toEqual([{ relationship: 'COMMISSIONED_BY', parentCode: 'A', effectiveFrom: '', effectiveTo: '2025-10-01' }]);
  });

  it('given a practice only publications name, it is open for the months they show and marked as learned from the first', () => {
    const observations = [seen('online-consultation 2023-03', { COMMISSIONED_BY: 'A' }), seen('online-consultation 2024-06', { COMMISSIONED_BY: 'A' })];
    expect(resolveTimeline('P1', observations, [JAN_2022, OCT_2025], CHANGE_DATES)).toMatchObject({
      openedOn: '2023-03-01',
      closedOn: '2024-07-01',
      learnedFrom: 'online-consultation 2023-03',
      parents: [{ relationship: 'COMMISSIONED_BY', parentCode: 'A', effectiveFrom: '2023-03-01', effectiveTo: '2024-07-01' }],
    });
    // No mapping file after it: still open.
    expect(resolveTimeline('P1', observations, [JAN_2022], CHANGE_DATES)).toMatchObject({ openedOn: '2023-03-01', closedOn: '' });
  });

  it('takes names from the mapping files, the latest first, and from publications only when no mapping file names it', () => {
    const observations = [seen(JAN_2022, {}, 'OLD NAME'), seen('pub 2025-11', {}, 'PUBLISHED NAME'), seen(OCT_2025, {}, 'NEW NAME')];
    expect(resolveTimeline('P1', observations, [JAN_2022, OCT_2025], CHANGE_DATES)?.name).toBe('NEW NAME');
    expect(resolveTimeline('P1', [seen('pub 2025-11', {}, 'PUBLISHED NAME')], [], CHANGE_DATES)?.name).toBe('PUBLISHED NAME');
  });

  it('gives the same timeline whatever order the evidence is in', () => {
    const observations = [
      seen(JAN_2022, { COMMISSIONED_BY: 'A', MEMBER_OF_PCN: 'U1' }),
      seen('pub 2024-03', { COMMISSIONED_BY: 'A', MEMBER_OF_PCN: 'U1' }),
      seen('pub 2024-04', { COMMISSIONED_BY: 'B', MEMBER_OF_PCN: '' }),
      seen(OCT_2025, { COMMISSIONED_BY: 'B', MEMBER_OF_PCN: 'U2' }),
    ];
    const forward = resolveTimeline('P1', observations, [JAN_2022, OCT_2025], CHANGE_DATES);
    expect(resolveTimeline('P1', [...observations].reverse(), [OCT_2025, JAN_2022], CHANGE_DATES)).toEqual(forward);
  });

  it('given no evidence, resolves nothing', () => {
    expect(resolveTimeline('P1', [], [JAN_2022], CHANGE_DATES)).toBeNull();
  });
});
