import { OrganisationDirectory } from '../organisation-directory';
import { checkHierarchyEvidence } from './evidence-check';
import { planEvidence, type HierarchyEvidence, type ObservedOrganisation } from './evidence-plan';

const CHANGE_DATES = { COMMISSIONED_BY: ['2022-07-01'], PART_OF_ICB: ['2022-07-01'], IN_REGION: ['2022-07-01'] };

function organisations(practices: Array<[code: string, pcn: string, commissioner: string, icb: string]>): ObservedOrganisation[] {
  const higher = new Map<string, ObservedOrganisation>();
  for (const [, pcn, commissioner, icb] of practices) {
    higher.set('Y01', { code: 'Y01', level: 'REGION', name: 'REGION Y01', postcode: '', parents: {} });
    higher.set(icb, { code: icb, level: 'ICB', name: `ICB ${icb}`, postcode: '', parents: { IN_REGION: 'Y01' } });
    higher.set(commissioner, { code: commissioner, level: 'COMMISSIONER', name: `SUB-ICB ${commissioner}`, postcode: '', parents: { PART_OF_ICB: icb } });
    if (pcn) higher.set(pcn, { code: pcn, level: 'PCN', name: `PCN ${pcn}`, postcode: '', parents: {} });
  }
  return [
    ...higher.values(),
    ...practices.map(([code, pcn, commissioner, icb]): ObservedOrganisation => ({
      code,
      level: 'PRACTICE',
      name: `PRACTICE ${code}`,
      postcode: '',
      parents: { MEMBER_OF_PCN: pcn, COMMISSIONED_BY: commissioner, IN_ICB: icb },
    })),
  ];
}

const mappingFile = (date: string, to: string, practices: Array<[string, string, string, string]>): HierarchyEvidence => ({
  source: `map ${date}`,
  evidence: 'MAPPING_FILE',
  from: date,
  to,
  complete: true,
  organisations: organisations(practices),
});
const publication = (month: string, practices: Array<[string, string, string, string]>): HierarchyEvidence => ({
  source: `online-consultation ${month.slice(0, 7)}`,
  evidence: 'PUBLICATION',
  from: month,
  to: `${month.slice(0, 5)}${String(Number(month.slice(5, 7)) + 1).padStart(2, '0')}-01`,
  complete: false,
  organisations: organisations(practices),
});

function record(directory: OrganisationDirectory, evidence: HierarchyEvidence) {
  const plan = planEvidence(directory, evidence, CHANGE_DATES);
  for (const e of plan.events) directory.apply(e.event);
  return plan;
}

describe('planning the events that record hierarchy evidence', () => {
  it('records one observation per organisation, a timeline per changed organisation and the source last', () => {
    const directory = new OrganisationDirectory();
    const plan = record(
      directory,
      mappingFile('2022-01-01', '2022-01-02', [
        ['P1', 'U1', 'C1', 'Q1'],
        ['P2', '', 'C1', 'Q1'],
      ]),
    );
    const types = plan.events.map((e) => e.event.type);
    expect(types.filter((t) => t === 'OrganisationObserved')).toHaveLength(6);
    expect(types.filter((t) => t === 'OrganisationTimelineResolved')).toHaveLength(6);
    expect(types.at(-1)).toBe('HierarchySourceRecorded');
    expect(plan.summary).toMatchObject({ practices: 2, added: 2, agreed: 0, registered: { PRACTICE: 2, PCN: 1, COMMISSIONER: 1, ICB: 1, REGION: 1 } });
    expect(directory.lineageOn('P1', '2020-01-01')).toEqual({ practice: 'P1', pcn: 'U1', commissioner: 'C1', icb: 'Q1', region: 'Y01' });
    expect(directory.lineageOn('P2', '2020-01-01').pcn).toBeNull();
    // The same evidence again: the same ids, and nothing to resolve.
    const again = planEvidence(
      directory,
      mappingFile('2022-01-01', '2022-01-02', [
        ['P1', 'U1', 'C1', 'Q1'],
        ['P2', '', 'C1', 'Q1'],
      ]),
      CHANGE_DATES,
    );
    expect(again.alreadyRecorded).toBe(true);
    expect(again.events.filter((e) => e.event.type === 'OrganisationTimelineResolved')).toHaveLength(0);
    expect(again.events.map((e) => e.recordId)).toEqual(plan.events.filter((e) => e.event.type !== 'OrganisationTimelineResolved').map((e) => e.recordId));
  });

  it('says how many placements agreed, how many it added and which differed, old -> new', () => {
    const directory = new OrganisationDirectory();
    record(
      directory,
      mappingFile('2022-01-01', '2022-01-02', [
        ['P1', 'U1', 'C1', 'Q1'],
        ['P2', 'U1', 'C1', 'Q1'],
      ]),
    );
    const plan = record(
      directory,
      publication('2024-03-01', [
        ['P1', 'U1', 'C1', 'Q1'],
        ['P2', 'U2', 'C2', 'Q2'],
        ['P3', 'U1', 'C1', 'Q1'],
      ]),
    );
    expect(plan.summary).toMatchObject({ practices: 3, agreed: 1, added: 1, learned: ['P3'] });
    expect(plan.summary.differed).toEqual([
      {
        practice: 'P2',
        changes: [
          { level: 'PCN', from: 'U1', to: 'U2' },
          { level: 'COMMISSIONER', from: 'C1', to: 'C2' },
          { level: 'ICB', from: 'Q1', to: 'Q2' },
        ],
      },
    ]);
    expect(directory.lineageOn('P2', '2024-03-15')).toMatchObject({ pcn: 'U2', commissioner: 'C2', icb: 'Q2', region: 'Y01' });
    expect(directory.organisation('P3')).toMatchObject({ openedOn: '2024-03-01', learnedFrom: 'online-consultation 2024-03' });
  });

  it('places a practice in the ICB a source names for it, even where its commissioner is in another', () => {
    const directory = new OrganisationDirectory();
    record(
      directory,
      mappingFile('2025-10-01', '2025-10-02', [
        ['P1', 'U1', 'C1', 'Q1'],
        ['P2', 'U1', 'C1', 'Q1'],
      ]),
    );
    // The publication places P2 in Q2 while its commissioner C1 stays in Q1 (most of C1's rows say Q1).
    const evidence = publication('2025-11-01', [['P1', 'U1', 'C1', 'Q1']]);
    const withP2: HierarchyEvidence = {
      ...evidence,
      organisations: [
        ...evidence.organisations,
        { code: 'Q2', level: 'ICB', name: 'ICB Q2', postcode: '', parents: { IN_REGION: 'Y02' } },
        { code: 'Y02', level: 'REGION', name: 'REGION Y02', postcode: '', parents: {} },
        { code: 'P2', level: 'PRACTICE', name: 'PRACTICE P2', postcode: '', parents: { MEMBER_OF_PCN: 'U1', COMMISSIONED_BY: 'C1', IN_ICB: 'Q2' } },
      ],
    };
    const plan = record(directory, withP2);
    expect(plan.summary.differed).toEqual([
      {
        practice: 'P2',
        changes: [
          { level: 'ICB', from: 'Q1', to: 'Q2' },
          { level: 'REGION', from: 'Y01', to: 'Y02' },
        ],
      },
    ]);
    expect(directory.lineageOn('P2', '2025-11-15')).toMatchObject({ commissioner: 'C1', icb: 'Q2', region: 'Y02' });
    expect(directory.lineageOn('P2', '2025-10-01')).toMatchObject({ commissioner: 'C1', icb: 'Q1', region: 'Y01' });
  });
});

describe('checking hierarchy evidence sent over HTTP', () => {
  it('accepts what the importer builds and says what is wrong with anything else, field by field', () => {
    const evidence = publication('2025-11-01', [['P1', 'U1', 'C1', 'Q1']]);
    expect(checkHierarchyEvidence(JSON.parse(JSON.stringify(evidence)))).toEqual({ ok: true, evidence });
    expect(checkHierarchyEvidence([])).toEqual({ ok: false, problems: ['the body must be a JSON object'] });
    const bad = checkHierarchyEvidence({
      ...evidence,
      from: '2025-13-01',
      organisations: [{ code: 'P 1', level: 'NATION', name: 'x', postcode: '', parents: { SOMEWHERE: 'X' } }],
    });
    expect(bad).toEqual({
      ok: false,
      problems: [
        'from: a date like 2025-04-01',
        'organisations[0].code: an organisation code',
        'organisations[0].level: one of PRACTICE, PCN, COMMISSIONER, ICB, REGION',
        'organisations[0].parents.SOMEWHERE: not a relationship (MEMBER_OF_PCN, COMMISSIONED_BY, PART_OF_ICB, IN_REGION, IN_ICB)',
      ],
    });
  });
});
