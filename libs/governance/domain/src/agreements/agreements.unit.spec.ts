import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { signed, terminated, bcp } from '../testing/practice-builders';

const context = fixtureContext();

describe('CCG-Practice Agreements', () => {
  it('records a first agreement', () =>
    givenPractice(context)
      .when(signed('AG-1', '2022-04-01', '2025-03-31'))
      .then([signed('AG-1', '2022-04-01', '2025-03-31')]));

  it('records consecutive agreements', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2025-03-31'))
      .when(signed('AG-2', '2025-04-01', '2028-03-31'))
      .then([signed('AG-2', '2025-04-01', '2028-03-31')]));

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
    givenPractice(context)
      .when({ ...signed('AG-1', '2022-04-01', '2025-03-31'), occurredAt: '0001-01-01T00:00:00Z' })
      .thenRejects('DATE_OUT_OF_RANGE', 'occurredAt', /before 1990-01-01/);
    givenPractice(context)
      .when(signed('AG-1', '2022-04-01', '2150-03-31'))
      .thenRejects('DATE_OUT_OF_RANGE', 'data.termEnd');
    givenPractice(context).when(bcp('1989-12-31T23:59:59Z')).thenRejects('DATE_OUT_OF_RANGE', 'occurredAt');
  });

  it('rejects a term that ends before it starts', () =>
    givenPractice(context)
      .when(signed('AG-1', '2025-04-01', '2025-03-31'))
      .thenRejects('INVALID_TERM', 'data.termEnd'));

  it('rejects a malformed date', () =>
    givenPractice(context)
      .when({
        type: 'CcgPracticeAgreementSigned',
        occurredAt: '2025-01-01T09:00:00Z',
        data: { agreementId: 'AG-1', practiceCode: 'A81001', commissionerCode: '16C', termStart: '2025-13-01', termEnd: '2026-03-31' },
      })
      .thenRejects('INVALID_DATE', 'data.termStart'));

  it('rejects a malformed occurredAt', () =>
    givenPractice(context)
      .when({ ...signed('AG-1', '2025-01-01', '2026-03-31'), occurredAt: 'last Tuesday' })
      .thenRejects('INVALID_DATE', 'occurredAt'));

  it('rejects an agreement with another commissioner than the practice had at the term start', () =>
    givenPractice(context)
      .when(signed('AG-1', '2022-04-01', '2025-03-31', 'C81640', '15M'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.commissionerCode', /15M did not commission practice C81640 on 2022-04-01 \(01Y did\)/));

  it('rejects a duplicate agreement id', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2023-03-31'))
      .when(signed('AG-1', '2024-04-01', '2025-03-31'))
      .thenRejects('AGREEMENT_EXISTS', 'data.agreementId'));

  it('terminates an agreement in force', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2025-03-31'))
      .when(terminated('AG-1', '2024-10-01'))
      .then([terminated('AG-1', '2024-10-01')]));

  it('rejects terminating an unknown agreement', () =>
    givenPractice(context).when(terminated('AG-9', '2024-10-01')).thenRejects('UNKNOWN_AGREEMENT', 'data.agreementId'));

  it('rejects terminating an agreement outside its term', () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2023-03-31'))
      .when(terminated('AG-1', '2024-10-01'))
      .thenRejects('AGREEMENT_NOT_IN_FORCE', 'data.terminatedOn'));

  it("rejects a termination by another commissioner than the agreement's", () =>
    givenPractice(context, signed('AG-1', '2022-04-01', '2025-03-31'))
      .when(terminated('AG-1', '2024-10-01', '99X'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.commissionerCode'));
});
