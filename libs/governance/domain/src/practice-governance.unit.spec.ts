import type { PracticeGovernanceCommand } from './practice-governance';
import { givenPractice } from './testing/decider-spec';
import { fixtureContext } from './testing/fixture-context';

const context = fixtureContext();
const signed = (agreementId: string, termStart: string, termEnd: string, practiceCode = 'A81001', commissionerCode = '16C'): PracticeGovernanceCommand => ({
  type: 'CcgPracticeAgreementSigned',
  occurredAt: `${termStart}T09:00:00Z`,
  data: { agreementId, practiceCode, commissionerCode, termStart, termEnd },
});
const terminated = (agreementId: string, terminatedOn: string, commissionerCode = '16C'): PracticeGovernanceCommand => ({
  type: 'CcgPracticeAgreementTerminated',
  occurredAt: `${terminatedOn}T09:00:00Z`,
  data: { agreementId, practiceCode: 'A81001', commissionerCode, terminatedOn, reason: 'practice merger' },
});
const bcp = (occurredAt: string, reviewedBy = '16C', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'BusinessContinuityPlanReviewed',
  occurredAt,
  data: { practiceCode, reviewedBy, outcome: 'APPROVED', covers: ['CYBER'] },
});
const deployed = (capability: string, occurredAt = '2024-04-01T00:00:00Z', practiceCode = 'A81001'): PracticeGovernanceCommand => ({
  type: 'CapabilityDeployed',
  occurredAt,
  data: { practiceCode, capability, solution: 'Example OC', supplier: 'Example Ltd', route: 'DCS_CATALOGUE' },
});
const withdrawn = (capability: string, occurredAt = '2025-01-01T00:00:00Z'): PracticeGovernanceCommand => ({
  type: 'CapabilityWithdrawn',
  occurredAt,
  data: { practiceCode: 'A81001', capability, reason: 'contract ended' },
});

describe('CCG-Practice Agreements', () => {
  it('records a first agreement', () => givenPractice(context).when(signed('AG-1', '2022-04-01', '2025-03-31')).then([signed('AG-1', '2022-04-01', '2025-03-31')]));

  it('records consecutive agreements', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2025-03-31')).when(signed('AG-2', '2025-04-01', '2028-03-31')).then([signed('AG-2', '2025-04-01', '2028-03-31')]));

  it('rejects two agreements in force over overlapping terms', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2025-03-31'))
      .when(signed('AG-2', '2025-03-01', '2028-03-31'))
      .thenRejects('AGREEMENTS_OVERLAP', 'data.termStart', /overlaps agreement AG-1/));

  it('allows a new agreement once the overlapping one was terminated', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2025-03-31'), terminated('AG-1', '2024-10-01'))
      .when(signed('AG-2', '2024-10-01', '2027-09-30'))
      .then([signed('AG-2', '2024-10-01', '2027-09-30')]));

  it('rejects an agreement signed after its term ended', () =>
    givenPractice(context)
      .when({ ...signed('AG-1', '2022-04-01', '2023-03-31'), occurredAt: '2024-01-10T09:00:00Z' })
      .thenRejects('SIGNED_AFTER_TERM', 'occurredAt', /after its term ended \(2023-03-31\)/));

  it('rejects dates no fact can have: before 1990 or past 2099', () => {
    givenPractice(context).when({ ...signed('AG-1', '2022-04-01', '2025-03-31'), occurredAt: '0001-01-01T00:00:00Z' }).thenRejects('DATE_OUT_OF_RANGE', 'occurredAt', /before 1990-01-01/);
    givenPractice(context).when(signed('AG-1', '2022-04-01', '2150-03-31')).thenRejects('DATE_OUT_OF_RANGE', 'data.termEnd');
    givenPractice(context).when(bcp('1989-12-31T23:59:59Z')).thenRejects('DATE_OUT_OF_RANGE', 'occurredAt');
  });

  it('rejects a term that ends before it starts', () =>
    givenPractice(context).when(signed('AG-1', '2025-04-01', '2025-03-31')).thenRejects('INVALID_TERM', 'data.termEnd'));

  it('rejects a malformed date', () =>
    givenPractice(context)
      .when({
        type: 'CcgPracticeAgreementSigned',
        occurredAt: '2025-01-01T09:00:00Z',
        data: { agreementId: 'AG-1', practiceCode: 'A81001', commissionerCode: '16C', termStart: '2025-13-01', termEnd: '2026-03-31' },
      })
      .thenRejects('INVALID_DATE', 'data.termStart'));

  it('rejects a malformed occurredAt', () =>
    givenPractice(context).when({ ...signed('AG-1', '2025-01-01', '2026-03-31'), occurredAt: 'last Tuesday' }).thenRejects('INVALID_DATE', 'occurredAt'));

  it('rejects an agreement with another commissioner than the practice had at the term start', () =>
    givenPractice(context)
      .when(signed('AG-1', '2022-04-01', '2025-03-31', 'C81640', '15M'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.commissionerCode', /15M did not commission practice C81640 on 2022-04-01 \(01Y did\)/));

  it('rejects a duplicate agreement id', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2023-03-31')).when(signed('AG-1', '2024-04-01', '2025-03-31')).thenRejects('AGREEMENT_EXISTS', 'data.agreementId'));

  it('terminates an agreement in force', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2025-03-31')).when(terminated('AG-1', '2024-10-01')).then([terminated('AG-1', '2024-10-01')]));

  it('rejects terminating an unknown agreement', () => givenPractice(context).when(terminated('AG-9', '2024-10-01')).thenRejects('UNKNOWN_AGREEMENT', 'data.agreementId'));

  it('rejects terminating an agreement outside its term', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2023-03-31')).when(terminated('AG-1', '2024-10-01')).thenRejects('AGREEMENT_NOT_IN_FORCE', 'data.terminatedOn'));

  it("rejects a termination by another commissioner than the agreement's", () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2025-03-31'))
      .when(terminated('AG-1', '2024-10-01', '99X'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.commissionerCode'));
});

describe('business continuity plan reviews', () => {
  it("records a review by the practice's commissioner", () => givenPractice(context).when(bcp('2022-07-12T10:00:00Z')).then([bcp('2022-07-12T10:00:00Z')]));

  it('checks the commissioner as of the review date (a practice that moved commissioner)', () => {
    givenPractice(context).when(bcp('2022-06-30T10:00:00Z', '01Y', 'C81640')).then([bcp('2022-06-30T10:00:00Z', '01Y', 'C81640')]);
    givenPractice(context)
      .when(bcp('2022-07-12T10:00:00Z', '01Y', 'C81640'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.reviewedBy', /C81640's on 2022-07-12 was 15M, not 01Y/);
  });

  it('rejects a review dated in the future beyond the clock-skew allowance, accepts one within it', () => {
    givenPractice(context).when(bcp('2025-12-15T12:10:00Z')).thenRejects('FACT_IN_FUTURE', 'occurredAt', /is in the future/);
    givenPractice(context).when(bcp('2025-12-15T12:04:00Z')).then([bcp('2025-12-15T12:04:00Z')]);
  });

  it('rejects an unknown practice', () => givenPractice(context).when(bcp('2024-01-01T00:00:00Z', '16C', 'Z99999')).thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode'));

  it('rejects a fact before the practice opened', () =>
    givenPractice(context).when(bcp('2023-01-01T00:00:00Z', '16C', 'Y09999')).thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode', /open from 2023-04-01/));

  it('rejects a fact after the practice closed', () =>
    givenPractice(context).when(bcp('2025-10-02T00:00:00Z', '16C', 'B82001')).thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode', /closed 2025-10-01/));
});

describe('capabilities', () => {
  it('deploys a catalogue capability', () => givenPractice(context).when(deployed('ONLINE_CONSULTATION')).then([deployed('ONLINE_CONSULTATION')]));

  it('rejects a capability code not in the catalogue', () =>
    givenPractice(context).when(deployed('TELEPATHY')).thenRejects('UNKNOWN_CAPABILITY', 'data.capability', /'TELEPATHY' is not in the capability catalogue/));

  it('withdraws a deployed capability', () =>
    givenPractice(context, deployed('ONLINE_CONSULTATION')).when(withdrawn('ONLINE_CONSULTATION')).then([withdrawn('ONLINE_CONSULTATION')]));

  it('rejects withdrawing a capability that is not deployed', () =>
    givenPractice(context).when(withdrawn('VIDEO_CONSULTATION')).thenRejects('CAPABILITY_NOT_DEPLOYED', 'data.capability'));

  it('rejects withdrawing a capability that was already withdrawn', () =>
    givenPractice(context, deployed('VIDEO_CONSULTATION'), withdrawn('VIDEO_CONSULTATION')).when(withdrawn('VIDEO_CONSULTATION', '2025-02-01T00:00:00Z')).thenRejects('CAPABILITY_NOT_DEPLOYED', 'data.capability'));

  it('rejects a withdrawal dated before the deployment', () =>
    givenPractice(context, deployed('REMOTE_ACCESS', '2024-04-01T00:00:00Z')).when(withdrawn('REMOTE_ACCESS', '2024-01-01T00:00:00Z')).thenRejects('CAPABILITY_NOT_DEPLOYED', 'occurredAt'));

  it('rejects withdrawing an unknown capability code', () => givenPractice(context).when(withdrawn('TELEPATHY')).thenRejects('UNKNOWN_CAPABILITY', 'data.capability'));
});
