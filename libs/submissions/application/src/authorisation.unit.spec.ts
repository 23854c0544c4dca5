import { authorise, factDays, type CommissioningFacts } from './authorisation';
import { checkRecord } from './envelope';
import type { CheckedRecord, Principal } from './submission-types';

// B82002 moved from 03Q to 42D on 2025-07-01 (shaped like the real move between the two mapping files).
const hierarchy: CommissioningFacts = {
  commissionersDuring: (practice, from, to) => {
    if (practice !== 'B82002') return practice === 'A81001' ? ['16C'] : [null];
    const before = from < '2025-07-01' ? ['03Q'] : [];
    const after = to >= '2025-07-01' ? ['42D'] : [];
    return [...before, ...after];
  },
};
const submitter = (organisation: string): Principal => ({ keyId: 'k', organisation, role: 'submitter' });
/** A record as the path has it after the envelope and contract checks (built by them, so typed by its contract). */
const record = (type: string, data: Record<string, unknown>, occurredAt = '2025-12-01T00:00:00.000Z'): CheckedRecord => {
  const checked = checkRecord(0, { type, schemaVersion: 1, source: { system: 's', recordId: 'r' }, occurredAt, data }, () => 'e');
  if (!checked.ok) throw new Error(`the spec's record does not pass its contract: ${JSON.stringify(checked.errors)}`);
  return checked.record;
};
const sample = (periodStart: string, periodEnd: string, occurredAt?: string, organisationCode = 'B82002', organisationLevel = 'PRACTICE') =>
  record(
    'UtilisationSampleRecorded',
    { organisationCode, organisationLevel, capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', periodStart, periodEnd, value: 1 },
    occurredAt,
  );
const signed = (commissionerCode: string, termStart: string, occurredAt: string) =>
  record('CcgPracticeAgreementSigned', { agreementId: 'AG', practiceCode: 'B82002', commissionerCode, termStart, termEnd: '2028-03-31' }, occurredAt);

describe('who may state a fact', () => {
  it('lets a submitter state facts about its practices on the days they were its own', () => {
    expect(authorise(sample('2022-03-01', '2022-03-31'), submitter('03Q'), hierarchy)).toBeNull();
    expect(authorise(sample('2025-11-01', '2025-11-30'), submitter('42D'), hierarchy)).toBeNull();
  });

  it('judges a sample by its period, not its occurredAt: back-dating occurredAt into 03Q years does not make November 2025 03Q-s', () => {
    expect(authorise(sample('2025-11-01', '2025-11-30', '2022-03-01T00:00:00.000Z'), submitter('03Q'), hierarchy)).toMatchObject({
      code: 'NOT_YOUR_PRACTICE',
      path: 'data.organisationCode',
      message: expect.stringMatching(/commissioned by 42D from 2025-11-01 to 2025-11-30, not by 03Q/),
    });
    expect(authorise(sample('2022-03-01', '2022-03-31', '2025-12-01T00:00:00.000Z'), submitter('42D'), hierarchy)).toMatchObject({ code: 'NOT_YOUR_PRACTICE' });
  });

  it('refuses a period that is only partly the submitter-s', () => {
    expect(authorise(sample('2025-06-15', '2025-07-14'), submitter('03Q'), hierarchy)).toMatchObject({
      code: 'NOT_YOUR_PRACTICE',
      message: expect.stringMatching(/by 42D as well as 03Q/),
    });
    expect(authorise(sample('2025-06-15', '2025-07-14'), submitter('42D'), hierarchy)).toMatchObject({ code: 'NOT_YOUR_PRACTICE' });
  });

  it('lets the incoming commissioner sign an agreement before it takes the practice over, in its own name only', () => {
    expect(authorise(signed('42D', '2025-07-01', '2025-06-15T09:00:00.000Z'), submitter('42D'), hierarchy)).toBeNull();
    expect(authorise(signed('42D', '2025-07-01', '2025-06-15T09:00:00.000Z'), submitter('03Q'), hierarchy)).toMatchObject({
      code: 'NOT_PERMITTED',
      path: 'data.commissionerCode',
    });
    expect(authorise(signed('03Q', '2025-07-01', '2022-03-01T09:00:00.000Z'), submitter('03Q'), hierarchy)).toMatchObject({
      code: 'NOT_YOUR_PRACTICE',
      path: 'data.practiceCode',
    });
  });

  it('lets a commissioner end its agreement after the practice moved on, judged by the last day in force', () => {
    const ended = record(
      'CcgPracticeAgreementTerminated',
      { agreementId: 'AG', practiceCode: 'B82002', commissionerCode: '03Q', terminatedOn: '2025-07-01' },
      '2025-07-03T09:00:00.000Z',
    );
    expect(factDays(ended)).toEqual(['2025-06-30', '2025-06-30']);
    expect(authorise(ended, submitter('03Q'), hierarchy)).toBeNull();
  });

  it('judges a review by its day and its reviewer', () => {
    const review = (reviewedBy: string, occurredAt: string) =>
      record('BusinessContinuityPlanReviewed', { practiceCode: 'B82002', reviewedBy, outcome: 'APPROVED' }, occurredAt);
    expect(authorise(review('03Q', '2022-07-12T10:00:00.000Z'), submitter('03Q'), hierarchy)).toBeNull();
    expect(authorise(review('42D', '2022-07-12T10:00:00.000Z'), submitter('03Q'), hierarchy)).toMatchObject({ code: 'NOT_PERMITTED', path: 'data.reviewedBy' });
    expect(authorise(review('03Q', '2025-11-12T10:00:00.000Z'), submitter('03Q'), hierarchy)).toMatchObject({ code: 'NOT_YOUR_PRACTICE' });
  });

  it("judges the Operating Model's other practice facts by their day, and by the commissioner they name", () => {
    const itReview = (reviewedBy: string, occurredAt: string) => record('ItReviewCompleted', { practiceCode: 'B82002', reviewedBy }, occurredAt);
    expect(authorise(itReview('03Q', '2022-07-12T10:00:00.000Z'), submitter('03Q'), hierarchy)).toBeNull();
    expect(authorise(itReview('42D', '2025-11-12T10:00:00.000Z'), submitter('03Q'), hierarchy)).toMatchObject({
      code: 'NOT_PERMITTED',
      path: 'data.reviewedBy',
      message: expect.stringMatching(/data.reviewedBy must be 03Q, not '42D'/),
    });
    expect(authorise(itReview('03Q', '2025-11-12T10:00:00.000Z'), submitter('03Q'), hierarchy)).toMatchObject({
      code: 'NOT_YOUR_PRACTICE',
      path: 'data.practiceCode',
    });
    const approval = (approvedBy: string) =>
      record(
        'SubcontractorAccessApproved',
        { practiceCode: 'B82002', provider: 'Y12345', services: ['NHSmail'], dataProcessingAgreement: true, approvedBy },
        '2025-11-12T10:00:00.000Z',
      );
    expect(authorise(approval('42D'), submitter('42D'), hierarchy)).toBeNull();
    expect(authorise(approval('03Q'), submitter('42D'), hierarchy)).toMatchObject({ code: 'NOT_PERMITTED', path: 'data.approvedBy' });
    const dspt = record('DsptAssessmentPublished', { practiceCode: 'B82002', financialYear: '2024/25', status: 'STANDARDS_MET' }, '2025-06-30T00:00:00.000Z');
    expect(factDays(dspt)).toEqual(['2025-06-30', '2025-06-30']);
    expect(authorise(dspt, submitter('03Q'), hierarchy)).toBeNull();
    expect(authorise(dspt, submitter('42D'), hierarchy)).toMatchObject({ code: 'NOT_YOUR_PRACTICE', path: 'data.practiceCode' });
  });

  it("lets a commissioner state its own systems' cyber incidents and its practices', not another's", () => {
    const incident = (organisationCode: string, organisationLevel: string) =>
      record(
        'CyberIncidentReported',
        { incidentId: 'INC-1', organisationCode, organisationLevel, severity: 2, detectedAt: '2025-11-03T09:00:00Z', reportedTo: 'NHS England CSOC' },
        '2025-11-03T10:00:00.000Z',
      );
    expect(authorise(incident('42D', 'COMMISSIONER'), submitter('42D'), hierarchy)).toBeNull();
    expect(authorise(incident('42D', 'COMMISSIONER'), submitter('03Q'), hierarchy)).toMatchObject({ code: 'NOT_PERMITTED', path: 'data.organisationCode' });
    expect(authorise(incident('B82002', 'PRACTICE'), submitter('42D'), hierarchy)).toBeNull();
    expect(authorise(incident('B82002', 'PRACTICE'), submitter('03Q'), hierarchy)).toMatchObject({
      code: 'NOT_YOUR_PRACTICE',
      path: 'data.organisationCode',
      message: expect.stringMatching(/practice B82002 was commissioned by 42D on 2025-11-03, not by 03Q/),
    });
    const resolved = record(
      'CyberIncidentResolved',
      { incidentId: 'INC-1', organisationCode: '42D', organisationLevel: 'COMMISSIONER' },
      '2025-11-04T10:00:00.000Z',
    );
    expect(authorise(resolved, submitter('42D'), hierarchy)).toBeNull();
    expect(authorise(resolved, submitter('03Q'), hierarchy)).toMatchObject({ code: 'NOT_PERMITTED' });
  });

  it('lets a commissioner state its own figures, not another-s and not a PCN-s', () => {
    expect(authorise(sample('2025-11-01', '2025-11-30', undefined, '16C', 'COMMISSIONER'), submitter('16C'), hierarchy)).toBeNull();
    expect(authorise(sample('2025-11-01', '2025-11-30', undefined, '15M', 'COMMISSIONER'), submitter('16C'), hierarchy)).toMatchObject({
      code: 'NOT_PERMITTED',
    });
    expect(authorise(sample('2025-11-01', '2025-11-30', undefined, 'U89141', 'PCN'), submitter('16C'), hierarchy)).toMatchObject({
      code: 'NOT_PERMITTED',
      message: expect.stringMatching(/PCN-level facts/),
    });
  });

  it('says so for a practice with no commissioner, or none on some of the days, and leaves malformed dates to the decider', () => {
    const closing: CommissioningFacts = { commissionersDuring: (_p, _from, to) => (to >= '2025-11-15' ? ['16C', null] : ['16C']) };
    expect(authorise(sample('2025-11-01', '2025-11-30', undefined, 'A81001'), submitter('16C'), closing)).toMatchObject({
      code: 'NOT_YOUR_PRACTICE',
      message: expect.stringMatching(/no commissioner on some days from 2025-11-01 to 2025-11-30 \(it opened or closed then\)/),
    });
    expect(authorise(sample('2025-11-01', '2025-11-14', undefined, 'A81001'), submitter('16C'), closing)).toBeNull();
    expect(authorise(sample('2025-11-01', '2025-11-30', undefined, 'Y99999'), submitter('16C'), hierarchy)).toMatchObject({
      code: 'NOT_YOUR_PRACTICE',
      message: expect.stringMatching(/no commissioner/),
    });
    expect(authorise(sample('2025-11-31', '2025-11-30'), submitter('16C'), hierarchy)).toBeNull();
  });

  it('lets admins state any fact, analysts nothing, and nobody but the national feed the organisations, not even an admin', () => {
    expect(authorise(sample('2025-11-01', '2025-11-30'), { keyId: 'k', organisation: 'ENG', role: 'admin' }, hierarchy)).toBeNull();
    expect(authorise(sample('2025-11-01', '2025-11-30'), { keyId: 'k', organisation: '42D', role: 'analyst' }, hierarchy)).toMatchObject({
      code: 'NOT_PERMITTED',
    });
    expect(authorise(record('OrganisationRegistered', { code: 'X' }), submitter('42D'), hierarchy)).toMatchObject({ code: 'NOT_PERMITTED', path: 'type' });
    expect(authorise(record('OrganisationClosed', { code: 'X' }), { keyId: 'k', organisation: 'ENG', role: 'admin' }, hierarchy)).toMatchObject({
      code: 'NOT_PERMITTED',
      path: 'type',
    });
  });
});
