import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { softwareDetected, softwareRemediated } from '../testing/practice-builders';

const context = fixtureContext();

describe('unsupported software', () => {
  it('records software found after its last day of support', () =>
    givenPractice(context)
      .when(softwareDetected('PC-1', '2025-10-15'))
      .then([softwareDetected('PC-1', '2025-10-15')]));

  it('rejects software found on or before its last day of support', () => {
    givenPractice(context)
      .when(softwareDetected('PC-1', '2025-10-14'))
      .thenRejects(
        'STILL_SUPPORTED',
        'data.endOfSupport',
        /Windows 10 22H2 is supported until 2025-10-14 \(its last day of support\): it cannot be found unsupported on 2025-10-14/,
      );
    givenPractice(context).when(softwareDetected('PC-1', '2025-10-01')).thenRejects('STILL_SUPPORTED', 'data.endOfSupport');
  });

  it('rejects an end of support that is not a calendar date', () => {
    givenPractice(context)
      .when(softwareDetected('PC-1', '2025-11-01', '2025-02-30'))
      .thenRejects('INVALID_DATE', 'data.endOfSupport');
    givenPractice(context)
      .when(softwareDetected('PC-1', '2025-11-01', '14/10/2025'))
      .thenRejects('INVALID_DATE', 'data.endOfSupport');
    givenPractice(context)
      .when(softwareDetected('PC-1', '2025-11-01', '1900-01-01'))
      .thenRejects('DATE_OUT_OF_RANGE', 'data.endOfSupport');
  });

  it('rejects a second finding of the same product on the same asset while the first is open', () =>
    givenPractice(context, softwareDetected('PC-1', '2025-10-15'))
      .when(softwareDetected('PC-1', '2025-11-20'))
      .thenRejects('ALREADY_DETECTED', 'data.asset', /already found unsupported on 2025-10-15/));

  it('tells findings apart by asset and by product', () => {
    const history = [softwareDetected('PC-1', '2025-10-15')];
    givenPractice(context, ...history)
      .when(softwareDetected('PC-2', '2025-10-15'))
      .then([softwareDetected('PC-2', '2025-10-15')]);
    givenPractice(context, ...history)
      .when(softwareDetected('PC-1', '2025-10-15', '2024-10-08', 'Windows 11 22H2'))
      .then([softwareDetected('PC-1', '2025-10-15', '2024-10-08', 'Windows 11 22H2')]);
    // An asset and product that run together the same way are still two findings.
    givenPractice(context, softwareDetected('PC 1', '2025-10-15', '2025-10-14', 'X'))
      .when(softwareDetected('PC', '2025-10-15', '2025-10-14', '1 X'))
      .then([softwareDetected('PC', '2025-10-15', '2025-10-14', '1 X')]);
  });

  it('records a remediation on or after the day the software was found', () => {
    givenPractice(context, softwareDetected('PC-1', '2025-10-15'))
      .when(softwareRemediated('PC-1', '2025-11-03'))
      .then([softwareRemediated('PC-1', '2025-11-03')]);
    givenPractice(context, softwareDetected('PC-1', '2025-10-15'))
      .when(softwareRemediated('PC-1', '2025-10-15'))
      .then([softwareRemediated('PC-1', '2025-10-15')]);
  });

  it('rejects remediating software never found, or remediated already', () => {
    givenPractice(context)
      .when(softwareRemediated('PC-1', '2025-11-03'))
      .thenRejects('NOT_DETECTED', 'data.asset', /no open finding: nothing to remediate/);
    givenPractice(context, softwareDetected('PC-1', '2025-10-15'), softwareRemediated('PC-1', '2025-11-03'))
      .when(softwareRemediated('PC-1', '2025-11-04'))
      .thenRejects('NOT_DETECTED', 'data.asset', /the last was remediated on 2025-11-03/);
  });

  it('rejects a remediation before the software was found', () =>
    givenPractice(context, softwareDetected('PC-1', '2025-10-15'))
      .when(softwareRemediated('PC-1', '2025-10-14'))
      .thenRejects('REMEDIATED_BEFORE_DETECTED', 'occurredAt', /found unsupported on 2025-10-15/));

  it('finds the software again after its remediation, from the day it was remediated', () => {
    const history = [softwareDetected('PC-1', '2025-10-15'), softwareRemediated('PC-1', '2025-11-03')];
    givenPractice(context, ...history)
      .when(softwareDetected('PC-1', '2025-11-03'))
      .then([softwareDetected('PC-1', '2025-11-03')]);
    givenPractice(context, ...history)
      .when(softwareDetected('PC-1', '2025-11-02'))
      .thenRejects('ALREADY_DETECTED', 'data.asset', /it can be found again from 2025-11-03/);
    givenPractice(context, ...history, softwareDetected('PC-1', '2025-12-01'))
      .when(softwareRemediated('PC-1', '2025-11-20'))
      .thenRejects('REMEDIATED_BEFORE_DETECTED', 'occurredAt', /found unsupported on 2025-12-01/);
  });

  it('rejects a practice that is unknown, not yet open or closed on the day', () => {
    givenPractice(context)
      .when(softwareDetected('PC-1', '2025-10-15', undefined, undefined, 'Z99999'))
      .thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode');
    givenPractice(context)
      .when(softwareDetected('PC-1', '2023-01-10', '2023-01-09', undefined, 'Y09999'))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode');
    givenPractice(context, softwareDetected('PC-1', '2025-09-01', '2025-08-31', undefined, 'B82001'))
      .when(softwareRemediated('PC-1', '2025-10-02', undefined, 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode');
  });
});
