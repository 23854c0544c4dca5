import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, fact } from '../testing/reporting-fixture';

let fixture: ReportingFixture;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open([
    {
      streamId: 'practice-P00001',
      expectedVersion: 'any',
      events: [
        fact(
          'CcgPracticeAgreementSigned',
          { agreementId: 'AG1', practiceCode: 'P00001', commissionerCode: '00A', termStart: '2021-01-01', termEnd: '2022-12-31' },
          '2020-12-01T09:00:00Z',
          'AG1/signed',
        ),
        fact(
          'CcgPracticeAgreementSigned',
          { agreementId: 'AG2', practiceCode: 'P00001', commissionerCode: '00A', termStart: '2023-01-01', termEnd: '2026-12-31' },
          '2022-12-01T09:00:00Z',
          'AG2/signed',
        ),
        fact(
          'BusinessContinuityPlanReviewed',
          { practiceCode: 'P00001', reviewedBy: 'QA1', outcome: 'APPROVED', covers: ['TELEPHONY'] },
          '2023-03-01T09:00:00Z',
          'P00001/bcp/1',
        ),
        fact(
          'BusinessContinuityPlanReviewed',
          { practiceCode: 'P00001', reviewedBy: 'QA1', outcome: 'NEEDS_WORK', covers: ['TELEPHONY'] },
          '2024-03-01T09:00:00Z',
          'P00001/bcp/2',
        ),
        fact(
          'CapabilityDeployed',
          { capability: 'VIDEO_CONSULTATION', practiceCode: 'P00001', solution: 'VID', supplier: 'SUP', route: 'FRAMEWORK' },
          '2023-05-01T09:00:00Z',
          'P00001/VC/deployed',
        ),
        fact(
          'CapabilityDeployed',
          { capability: 'ONLINE_CONSULTATION', practiceCode: 'P00001', solution: 'SOL', supplier: 'SUP', route: 'FRAMEWORK' },
          '2024-01-10T09:00:00Z',
          'P00001/OC/deployed',
        ),
        fact(
          'CapabilityWithdrawn',
          { capability: 'VIDEO_CONSULTATION', practiceCode: 'P00001', reason: 'replaced' },
          '2024-02-01T09:00:00Z',
          'P00001/VC/withdrawn',
        ),
      ],
    },
  ]);
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

describe('one practice', () => {
  it('says what is in force for the practice on the date', async () => {
    expect(await queries.practiceState('P00001', '2024-06-01')).toEqual({
      agreementInForce: { agreementId: 'AG2', commissionerCode: '00A', termStart: '2023-01-01', termEnd: '2026-12-31' },
      latestBcpReview: { reviewedOn: '2024-03-01', outcome: 'NEEDS_WORK', reviewedBy: 'QA1' },
      capabilities: [{ capability: 'ONLINE_CONSULTATION', since: '2024-01-10', solution: 'SOL', supplier: 'SUP' }],
    });
    expect(await queries.practiceState('P00001', '2023-06-01')).toEqual({
      agreementInForce: { agreementId: 'AG2', commissionerCode: '00A', termStart: '2023-01-01', termEnd: '2026-12-31' },
      latestBcpReview: { reviewedOn: '2023-03-01', outcome: 'APPROVED', reviewedBy: 'QA1' },
      capabilities: [{ capability: 'VIDEO_CONSULTATION', since: '2023-05-01', solution: 'VID', supplier: 'SUP' }],
    });
    expect(await queries.practiceState('P00002', '2024-06-01')).toEqual({ agreementInForce: null, latestBcpReview: null, capabilities: [] });
    await expect(queries.practiceState('P00001', '2024-02-30')).rejects.toMatchObject({ argument: 'asOf' });
  });

  it('lists every fact about the practice, newest first, with its event, a page at a time', async () => {
    const page = await queries.practiceTimeline('P00001', { first: 3 });
    expect(page.totalCount).toBe(11);
    expect(page.nodes.map((n) => [n.kind, n.occurredAt, n.summary])).toEqual([
      ['BusinessContinuityPlanReviewed', '2024-03-01T09:00:00.000Z', 'BCP reviewed by QA1 on 2024-03-01: NEEDS_WORK'],
      ['CapabilityWithdrawn', '2024-02-01T09:00:00.000Z', 'VIDEO_CONSULTATION withdrawn on 2024-02-01'],
      ['CapabilityDeployed', '2024-01-10T09:00:00.000Z', 'ONLINE_CONSULTATION deployed on 2024-01-10 (SOL, SUP)'],
    ]);
    expect(page.nodes[0]).toMatchObject({ sourceSystem: 'reporting-test', sourceRecord: 'P00001/bcp/2', eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(page.nodes[0]!.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = await queries.practiceTimeline('P00001', { first: 100, after: page.pageInfo.endCursor });
    expect(rest.nodes.map((n) => [n.kind, n.summary])).toEqual([
      ['CapabilityDeployed', 'VIDEO_CONSULTATION deployed on 2023-05-01 (VID, SUP)'],
      ['BusinessContinuityPlanReviewed', 'BCP reviewed by QA1 on 2023-03-01: APPROVED'],
      ['CcgPracticeAgreementSigned', 'agreement AG2 with 00A for 2023-01-01..2026-12-31'],
      ['UtilisationSampleRecorded', 'ONLINE_CONSULTATION SUBMISSIONS 10 for 2022-06-01..2022-06-28'],
      ['CcgPracticeAgreementSigned', 'agreement AG1 with 00A for 2021-01-01..2022-12-31'],
      ['OrganisationRelationshipChanged', 'MEMBER_OF_PCN U00001 from 1970-01-01'],
      ['OrganisationRelationshipChanged', 'COMMISSIONED_BY 00A from 1970-01-01'],
      ['OrganisationRegistered', 'PRACTICE P00001 (PRACTICE) from 1970-01-01'],
    ]);
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
  });
});
