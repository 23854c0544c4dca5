import { QueryArgumentError } from '../shared/arguments';
import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, fact } from '../testing/reporting-fixture';

// P00001 (00A, QA1, Y01) has the capability deployed and an agreement in force; P00002 (00B,
// QB2, Y02 since April 2023) had its business continuity plan reviewed in March 2024.
let fixture: ReportingFixture;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open([
    {
      streamId: 'practice-P00001',
      expectedVersion: 'any',
      events: [
        fact('CcgPracticeAgreementSigned', { agreementId: 'AG1', practiceCode: 'P00001', commissionerCode: '00A', termStart: '2023-01-01', termEnd: '2026-12-31' }, '2022-12-01T09:00:00Z', 'AG1/signed'),
        fact('CapabilityDeployed', { capability: 'ONLINE_CONSULTATION', practiceCode: 'P00001', solution: 'SOL', supplier: 'SUP', route: 'FRAMEWORK' }, '2024-01-10T09:00:00Z', 'P00001/OC/deployed'),
      ],
    },
    {
      streamId: 'practice-P00002',
      expectedVersion: 'any',
      events: [fact('BusinessContinuityPlanReviewed', { practiceCode: 'P00002', reviewedBy: 'QB2', outcome: 'APPROVED', covers: ['TELEPHONY'] }, '2024-03-01T09:00:00Z', 'P00002/bcp')],
    },
  ]);
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

const shares = (page: { nodes: Array<{ organisation: { code: string }; covered: number; inScope: number; share: number | null }> }) =>
  page.nodes.map((n) => [n.organisation.code, n.covered, n.inScope, n.share]);

describe('coverage of the practices open on the date', () => {
  it('counts the practices with a capability deployed by the hierarchy of the day', async () => {
    expect(shares(await queries.capabilityAdoption({ capability: 'ONLINE_CONSULTATION', level: 'COMMISSIONER', asOf: '2024-06-01' }))).toEqual([
      ['00A', 1, 1, 1],
      ['00B', 0, 1, 0],
    ]);
    expect(shares(await queries.capabilityAdoption({ capability: 'ONLINE_CONSULTATION', level: 'COMMISSIONER', asOf: '2023-01-01' }))).toEqual([['00A', 0, 2, 0]]);
    const page = await queries.capabilityAdoption({ capability: 'ONLINE_CONSULTATION', level: 'PRACTICE', parent: 'U00001', asOf: '2024-06-01', first: 1 });
    expect(shares(page)).toEqual([['P00001', 1, 1, 1]]);
    expect(page).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    expect(page.nodes[0]).toMatchObject({ value: 1, organisation: { name: 'PRACTICE P00001', level: 'PRACTICE' } });
  });

  it('counts agreements in force and business continuity plans reviewed recently enough', async () => {
    expect(shares(await queries.agreementCoverage({ level: 'ICB', asOf: '2024-06-01' }))).toEqual([
      ['QA1', 1, 1, 1],
      ['QB2', 0, 1, 0],
    ]);
    expect(shares(await queries.agreementCoverage({ level: 'NATIONAL', asOf: '2022-06-01' }))).toEqual([['ENG', 0, 2, 0]]);
    expect(shares(await queries.bcpReviewCoverage({ level: 'REGION', asOf: '2024-06-01' }))).toEqual([
      ['Y01', 0, 1, 0],
      ['Y02', 1, 1, 1],
    ]);
    expect(shares(await queries.bcpReviewCoverage({ level: 'REGION', asOf: '2024-06-01', withinMonths: 2 }))).toEqual([
      ['Y01', 0, 1, 0],
      ['Y02', 0, 1, 0],
    ]);
  });

  it('answers as known at knownAt, and refuses a window it cannot answer', async () => {
    // Before the fixture was recorded nothing was known, not even the practices (the hierarchy is as known then too).
    expect(shares(await queries.agreementCoverage({ level: 'ICB', asOf: '2024-06-01', knownAt: '2021-01-01T00:00:00Z' }))).toEqual([]);
    // An agreement recorded after knownAt does not count then; it does now.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const knownAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fixture.store.appendToStream(
      'practice-P00002',
      [
        fact(
          'CcgPracticeAgreementSigned',
          { agreementId: 'AG2', practiceCode: 'P00002', commissionerCode: '00B', termStart: '2024-01-01', termEnd: '2026-12-31' },
          '2023-12-01T09:00:00Z',
          'AG2/signed',
        ),
      ],
      { expectedVersion: 'any' },
    );
    await fixture.projections.waitUntilCaughtUp(30_000);
    expect(shares(await queries.agreementCoverage({ level: 'ICB', asOf: '2024-06-01', knownAt }))).toEqual([
      ['QA1', 1, 1, 1],
      ['QB2', 0, 1, 0],
    ]);
    expect(shares(await queries.agreementCoverage({ level: 'ICB', asOf: '2024-06-01' }))).toEqual([
      ['QA1', 1, 1, 1],
      ['QB2', 1, 1, 1],
    ]);
    const error = await queries.bcpReviewCoverage({ level: 'REGION', withinMonths: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryArgumentError);
    expect(error).toMatchObject({ argument: 'withinMonths' });
    await expect(queries.capabilityAdoption({ capability: 'TELEPATHY', level: 'REGION' })).rejects.toMatchObject({ argument: 'capability' });
  });
});
