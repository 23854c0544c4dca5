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
    {
      // The rest of the Operating Model, on another practice's timeline (P00001's above stays as it is).
      streamId: 'practice-P00002',
      expectedVersion: 'any',
      events: [
        fact('DsptAssessmentPublished', { practiceCode: 'P00002', financialYear: '2022/23', status: 'STANDARDS_MET' }, '2023-06-30T09:00:00Z', 'P00002/dspt'),
        fact('DataProtectionOfficerDesignated', { practiceCode: 'P00002', provision: 'COMMISSIONER_PROVIDED' }, '2022-05-01T09:00:00Z', 'P00002/dpo'),
        fact('CasRegistrationRecorded', { practiceCode: 'P00002', email: true, mobile: false }, '2022-05-02T09:00:00Z', 'P00002/cas'),
        fact(
          'ClinicalSafetyAssessmentRecorded',
          { practiceCode: 'P00002', system: 'EMIS Web', standard: 'DCB0160', outcome: 'RISK_ACCEPTABLE_WITH_MITIGATIONS' },
          '2022-06-01T09:00:00Z',
          'P00002/cs',
        ),
        fact('ItReviewCompleted', { practiceCode: 'P00002', reviewedBy: '00A' }, '2022-07-01T09:00:00Z', 'P00002/review'),
        fact('LocalClinicalServerRecorded', { practiceCode: 'P00002', server: 'SRV-1' }, '2021-04-01T00:00:00Z', 'P00002/SRV-1/recorded'),
        fact('LocalClinicalServerDecommissioned', { practiceCode: 'P00002', server: 'SRV-1' }, '2022-08-31T00:00:00Z', 'P00002/SRV-1/decommissioned'),
        fact(
          'RemoteAccessCapacityAssessed',
          { practiceCode: 'P00002', solution: 'VDI', capacityPercent: 62.5 },
          '2022-09-01T09:00:00Z',
          'P00002/remote-access',
        ),
        fact(
          'UnsupportedSoftwareDetected',
          { practiceCode: 'P00002', asset: 'PC-7', product: 'Windows 10 22H2', endOfSupport: '2025-10-14' },
          '2025-11-03T09:00:00Z',
          'P00002/PC-7/detected',
        ),
        fact(
          'UnsupportedSoftwareRemediated',
          { practiceCode: 'P00002', asset: 'PC-7', product: 'Windows 10 22H2' },
          '2025-11-20T09:00:00Z',
          'P00002/PC-7/remediated',
        ),
        fact(
          'CyberIncidentReported',
          {
            incidentId: 'CI-1',
            organisationCode: 'P00002',
            organisationLevel: 'PRACTICE',
            severity: 2,
            highSeverity: true,
            detectedAt: '2024-03-01T10:00:00+00:00',
            reportedTo: 'NHS England CSOC',
          },
          '2024-03-01T11:30:00Z',
          'CI-1/reported',
        ),
        fact(
          'CyberIncidentResolved',
          { incidentId: 'CI-1', organisationCode: 'P00002', organisationLevel: 'PRACTICE' },
          '2024-03-04T16:00:00Z',
          'CI-1/resolved',
        ),
        fact(
          'DataBreachReported',
          { breachId: 'B-1', practiceCode: 'P00002', detectedAt: '2024-03-01T10:00:00Z', reportableToIco: true, reportedToIcoAt: '' },
          '2024-03-01T12:00:00Z',
          'B-1/1',
        ),
        fact(
          'DataBreachReported',
          { breachId: 'B-1', practiceCode: 'P00002', detectedAt: '2024-03-01T10:00:00Z', reportableToIco: true, reportedToIcoAt: '2024-03-03T09:15:00+00:00' },
          '2024-03-03T09:30:00Z',
          'B-1/2',
        ),
        fact('RecordAccessLost', { practiceCode: 'P00002', cause: 'POWER_FAILURE', bcpActivated: true }, '2024-04-02T08:00:00Z', 'P00002/access/lost'),
        fact('RecordAccessRestored', { practiceCode: 'P00002', bcpActivated: true }, '2024-04-02T13:00:00Z', 'P00002/access/restored'),
        fact(
          'SubcontractorAccessApproved',
          { practiceCode: 'P00002', provider: 'Y12345', services: ['clinical system', 'NHSmail'], dataProcessingAgreement: true, approvedBy: '00B' },
          '2024-05-01T09:00:00Z',
          'P00002/subcontractor',
        ),
      ],
    },
    {
      // A commissioner's own incident is on no practice's timeline.
      streamId: 'governance-00A',
      expectedVersion: 'any',
      events: [
        fact(
          'CyberIncidentReported',
          {
            incidentId: 'CI-2',
            organisationCode: '00A',
            organisationLevel: 'COMMISSIONER',
            severity: 3,
            highSeverity: false,
            detectedAt: '2024-03-01T09:00:00Z',
            reportedTo: 'NHS England CSOC',
          },
          '2024-03-01T09:30:00Z',
          'CI-2/reported',
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

  it("lists the rest of the Operating Model's facts on the practice's timeline, each with a one-line summary", async () => {
    const page = await queries.practiceTimeline('P00002', { first: 100 });
    const operatingModel = page.nodes.filter((n) => !/^(Organisation|UtilisationSample)/.test(n.kind));
    expect(operatingModel.map((n) => [n.kind, n.occurredAt, n.summary])).toEqual([
      ['UnsupportedSoftwareRemediated', '2025-11-20T09:00:00.000Z', 'unsupported software Windows 10 22H2 on PC-7 remediated on 2025-11-20'],
      [
        'UnsupportedSoftwareDetected',
        '2025-11-03T09:00:00.000Z',
        'unsupported software Windows 10 22H2 on PC-7 detected on 2025-11-03 (support ended 2025-10-14)',
      ],
      [
        'SubcontractorAccessApproved',
        '2024-05-01T09:00:00.000Z',
        'sub-contractor Y12345 may use clinical system, NHSmail, agreed by 00B on 2024-05-01 (data processing agreement in place)',
      ],
      ['RecordAccessRestored', '2024-04-02T13:00:00.000Z', 'access to patient records restored (business continuity plan was activated)'],
      ['RecordAccessLost', '2024-04-02T08:00:00.000Z', 'access to patient records lost: POWER_FAILURE, business continuity plan activated'],
      ['CyberIncidentResolved', '2024-03-04T16:00:00.000Z', 'cyber incident CI-1 resolved'],
      ['DataBreachReported', '2024-03-03T09:30:00.000Z', 'data breach B-1 detected 2024-03-01 10:00, reported to the ICO 2024-03-03 09:15'],
      ['DataBreachReported', '2024-03-01T12:00:00.000Z', 'data breach B-1 detected 2024-03-01 10:00, reportable to the ICO, not reported yet'],
      [
        'CyberIncidentReported',
        '2024-03-01T11:30:00.000Z',
        'cyber incident CI-1 (severity 2, high severity incident) detected 2024-03-01 10:00, reported to NHS England CSOC',
      ],
      ['DsptAssessmentPublished', '2023-06-30T09:00:00.000Z', 'DSPT 2022/23: STANDARDS_MET'],
      ['RemoteAccessCapacityAssessed', '2022-09-01T09:00:00.000Z', 'remote access (VDI) supports 62.5% of normal capacity, assessed on 2022-09-01'],
      ['LocalClinicalServerDecommissioned', '2022-08-31T00:00:00.000Z', 'local clinical server SRV-1 decommissioned on 2022-08-31'],
      ['ItReviewCompleted', '2022-07-01T09:00:00.000Z', 'IT review with 00A on 2022-07-01'],
      ['ClinicalSafetyAssessmentRecorded', '2022-06-01T09:00:00.000Z', 'DCB0160 assessment of EMIS Web on 2022-06-01: RISK_ACCEPTABLE_WITH_MITIGATIONS'],
      ['CasRegistrationRecorded', '2022-05-02T09:00:00.000Z', 'CAS alerts from 2022-05-02: email only'],
      ['DataProtectionOfficerDesignated', '2022-05-01T09:00:00.000Z', 'Data Protection Officer from 2022-05-01: COMMISSIONER_PROVIDED'],
      ['LocalClinicalServerRecorded', '2021-04-01T00:00:00.000Z', 'local clinical server SRV-1 in place on 2021-04-01'],
    ]);
    expect(page.totalCount).toBe(page.nodes.length);
    expect(page.nodes.find((n) => n.summary.includes('CI-2'))).toBeUndefined(); // the commissioner's own incident
    expect(operatingModel[0]).toMatchObject({ sourceSystem: 'reporting-test', sourceRecord: 'P00002/PC-7/remediated' });
  });
});
