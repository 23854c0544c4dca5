import { OutOfScopeError } from '@gpds/access';
import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture } from '../testing/reporting-fixture';

// The fixture: regions Y01, Y02; ICBs QA1 (Y01), QB2 (Y02); commissioners 00A (QA1), 00B (QB2);
// PCN U00001 (00A) with P00001 and P00002; P00002 moves to 00B on 1 April 2023.
let fixture: ReportingFixture;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open();
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

const outOfScope = (scope: string) => expect.objectContaining({ name: 'OutOfScopeError', scope });
const codes = (page: { nodes: Array<{ code: string }> }) => page.nodes.map((n) => n.code).sort();

describe('scoped reporting queries (the scope rule, docs/security.md)', () => {
  it('lets England see everything, and remembers what each question was about', async () => {
    const england = queries.as({ scope: 'ENG' });
    await england.compliance({ level: 'PRACTICE', asOf: '2024-06-01' });
    await england.incidents({ level: 'PRACTICE', from: '2024-01-01', to: '2024-06-30' });
    await england.practiceState('P00002', '2024-06-01');
    expect([...england.touched].sort()).toEqual(['ENG', 'P00002']);
    expect((await england.searchOrganisations({})).totalCount).toBe(9);
  });

  it('shows an ICB analyst the roll-ups published at or above ICB level anywhere, and below it only within the ICB', async () => {
    const qa1 = queries.as({ scope: 'QA1' });
    // Published: every ICB, every region, England's regions.
    await expect(qa1.compliance({ level: 'ICB', asOf: '2024-06-01' })).resolves.toBeDefined();
    await expect(qa1.maturity({ level: 'REGION', asOf: '2024-06-01' })).resolves.toBeDefined();
    await expect(
      qa1.utilisation({ capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: '2024-06-01', to: '2024-06-30', level: 'ICB' }),
    ).resolves.toBeDefined();
    // Below the ICB level: within QA1, not elsewhere nor nationally.
    await expect(qa1.compliance({ level: 'PRACTICE', parent: 'QA1', asOf: '2024-06-01' })).resolves.toBeDefined();
    await expect(qa1.agreementCoverage({ level: 'COMMISSIONER', parent: 'QA1', asOf: '2024-06-01' })).resolves.toBeDefined();
    await expect(qa1.compliance({ level: 'PRACTICE', asOf: '2024-06-01' })).rejects.toEqual(outOfScope('QA1'));
    await expect(qa1.agreementCoverage({ level: 'COMMISSIONER', parent: 'QB2', asOf: '2024-06-01' })).rejects.toEqual(outOfScope('QA1'));
    await expect(qa1.maturity({ level: 'PCN', parent: 'Y01', asOf: '2024-06-01' })).rejects.toBeInstanceOf(OutOfScopeError);
  });

  it('keeps incidents and non-compliance lists within the scope at every level, saying which scope', async () => {
    const qa1 = queries.as({ scope: 'QA1' });
    await expect(qa1.incidents({ level: 'PRACTICE', parent: 'QA1', from: '2024-01-01', to: '2024-06-30' })).resolves.toBeDefined();
    await expect(qa1.nonCompliantPractices({ rule: 'AGREEMENT_IN_FORCE', level: 'PRACTICE', parent: '00A', asOf: '2024-06-01' })).resolves.toBeDefined();
    const refused = await qa1.incidents({ level: 'ICB', from: '2024-01-01', to: '2024-06-30' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutOfScopeError);
    expect((refused as Error).message).toMatch(
      /^your scope is QA1 .*incidents, breaches, losses of record access and non-compliance lists .*England as a whole is not/,
    );
    await expect(qa1.recordAccessLosses({ parent: 'QB2', from: '2024-01-01', to: '2024-06-30' })).rejects.toEqual(outOfScope('QA1'));
    await expect(qa1.nonCompliantPractices({ rule: 'AGREEMENT_IN_FORCE', level: 'PRACTICE', parent: 'Y01', asOf: '2024-06-01' })).rejects.toEqual(
      outOfScope('QA1'),
    );
  });

  it("judges a practice by the hierarchy of the date asked: P00002 is QA1's before its move and QB2's after", async () => {
    const qa1 = queries.as({ scope: 'QA1' });
    const qb2 = queries.as({ scope: 'QB2' });
    await expect(qa1.practiceState('P00002', '2022-06-01')).resolves.toBeDefined();
    await expect(qa1.practiceState('P00002', '2024-06-01')).rejects.toEqual(outOfScope('QA1'));
    await expect(qb2.practiceState('P00002', '2024-06-01')).resolves.toBeDefined();
    await expect(qa1.practiceTimeline('P00002', {}, '2024-06-01')).rejects.toEqual(outOfScope('QA1'));
    await expect(qa1.practiceCompliance('P00002', { asOf: '2024-06-01' })).rejects.toEqual(outOfScope('QA1'));
    await expect(qa1.practiceMaturity('P00002', { asOf: '2024-06-01' })).rejects.toEqual(outOfScope('QA1'));
    await expect(qa1.practiceCompliance('P00001', { asOf: '2024-06-01' })).resolves.toBeDefined();
    // The same practice through the directory: its entry, its ancestors.
    await expect(qa1.organisation('P00002', '2024-06-01')).rejects.toEqual(outOfScope('QA1'));
    await expect(qa1.ancestors('P00002', '2024-06-01')).rejects.toEqual(outOfScope('QA1'));
    expect(await qa1.organisation('P00001')).toMatchObject({ code: 'P00001' });
  });

  it('lets the directory show organisations at or above the scope level, and drill down only within it', async () => {
    const qa1 = queries.as({ scope: 'QA1' });
    expect(await qa1.organisation('QB2')).toMatchObject({ level: 'ICB' });
    await expect(qa1.organisation('00B')).rejects.toEqual(outOfScope('QA1'));
    expect(codes(await qa1.children('ENG', { asOf: '2024-06-01' }))).toEqual(['Y01', 'Y02']);
    expect(codes(await qa1.children('Y02', { asOf: '2024-06-01' }))).toEqual(['QB2']);
    expect(codes(await qa1.children('QA1', { asOf: '2024-06-01' }))).toEqual(['00A']);
    await expect(qa1.children('QB2', { asOf: '2024-06-01' })).rejects.toEqual(outOfScope('QA1'));
    // Search answers only what may be seen: today P00002 and 00B are QB2's.
    const found = await qa1.searchOrganisations({});
    expect(codes(found)).toEqual(['00A', 'P00001', 'QA1', 'QB2', 'U00001', 'Y01', 'Y02']);
    expect(found.totalCount).toBe(7);
    expect(codes(await qa1.searchOrganisations({ search: 'P00002' }))).toEqual([]);
    expect(codes(await queries.as({ scope: 'QB2' }).searchOrganisations({ level: 'PRACTICE' }))).toEqual(['P00002']);
  });

  it('gives a commissioner the commissioner level everywhere and nothing below it elsewhere', async () => {
    const c = queries.as({ scope: '00A' });
    await expect(c.compliance({ level: 'COMMISSIONER', asOf: '2024-06-01' })).resolves.toBeDefined();
    await expect(c.compliance({ level: 'PCN', parent: '00A', asOf: '2024-06-01' })).resolves.toBeDefined();
    await expect(c.compliance({ level: 'PRACTICE', parent: 'QA1', asOf: '2024-06-01' })).rejects.toEqual(outOfScope('00A'));
  });

  it('describes the principal with its scope as the hierarchy names it today', async () => {
    const principal = { id: 'key:k', kind: 'api-key' as const, organisation: 'QA1', role: 'analyst' as const };
    expect(await queries.as({ scope: 'QA1' }).viewer({ ...principal, scope: 'QA1' })).toMatchObject({ scope: 'QA1', scopeName: 'ICB QA1', scopeLevel: 'ICB' });
    expect(await queries.as({ scope: 'ENG' }).viewer({ ...principal, scope: 'ENG' })).toMatchObject({ scopeName: 'England', scopeLevel: 'NATIONAL' });
    expect(await queries.as({ scope: 'ZZZ' }).viewer({ ...principal, scope: 'ZZZ' })).toMatchObject({ scopeName: null, scopeLevel: null });
  });

  it('fails closed for a scope the hierarchy does not hold: not even national roll-ups', async () => {
    const nowhere = queries.as({ scope: 'ZZZ' });
    await expect(nowhere.compliance({ level: 'REGION', asOf: '2024-06-01' })).rejects.toEqual(outOfScope('ZZZ'));
    expect((await nowhere.searchOrganisations({})).totalCount).toBe(0);
  });
});
