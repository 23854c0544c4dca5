import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { breach } from '../testing/practice-builders';

const context = fixtureContext();
const detected = '2025-11-03T09:00:00Z';
const recorded = '2025-11-04T12:00:00Z';

describe('personal data breaches', () => {
  it('records a breach before its ICO report, and with it', () => {
    givenPractice(context)
      .when(breach('BR-1', recorded, detected))
      .then([breach('BR-1', recorded, detected)]);
    givenPractice(context)
      .when(breach('BR-1', recorded, detected, '2025-11-04T11:00:00Z'))
      .then([breach('BR-1', recorded, detected, '2025-11-04T11:00:00Z')]);
    // Recorded the moment it was detected, and reported then too.
    givenPractice(context)
      .when(breach('BR-1', detected, detected, detected))
      .then([breach('BR-1', detected, detected, detected)]);
  });

  it('rejects a detection after the record of it', () =>
    givenPractice(context)
      .when(breach('BR-1', recorded, '2025-11-04T12:00:01Z'))
      .thenRejects('DETECTED_AFTER_REPORT', 'data.detectedAt', /recorded at 2025-11-04T12:00:00Z, before it was detected/));

  it('rejects times that are not real instants', () => {
    givenPractice(context)
      .when(breach('BR-1', recorded, '2025-11-31T09:00:00Z'))
      .thenRejects('INVALID_DATE', 'data.detectedAt');
    givenPractice(context)
      .when(breach('BR-1', recorded, '1985-01-01T09:00:00Z'))
      .thenRejects('DATE_OUT_OF_RANGE', 'data.detectedAt');
    givenPractice(context)
      .when(breach('BR-1', recorded, detected, '2025-11-04 11:00'))
      .thenRejects('INVALID_DATE', 'data.reportedToIcoAt', /is not in the form/);
  });

  it("rejects an ICO report before the breach's detection", () =>
    givenPractice(context)
      .when(breach('BR-1', recorded, detected, '2025-11-03T08:59:00Z'))
      .thenRejects('ICO_REPORT_BEFORE_DETECTION', 'data.reportedToIcoAt', /a breach's ICO report cannot precede its detection/));

  it('rejects an ICO report after the record that states it', () =>
    givenPractice(context)
      .when(breach('BR-1', recorded, detected, '2025-11-04T12:30:00Z'))
      .thenRejects('ICO_REPORT_IN_FUTURE', 'data.reportedToIcoAt', /after this record of it/));

  it('adds the ICO report in a later record of the same breach, and lets reportability change', () => {
    givenPractice(context, breach('BR-1', recorded, detected))
      .when(breach('BR-1', '2025-11-05T12:00:00Z', detected, '2025-11-05T10:00:00Z'))
      .then([breach('BR-1', '2025-11-05T12:00:00Z', detected, '2025-11-05T10:00:00Z')]);
    givenPractice(context, breach('BR-1', recorded, detected, '', true))
      .when(breach('BR-1', '2025-11-05T12:00:00Z', detected, '', false))
      .then([breach('BR-1', '2025-11-05T12:00:00Z', detected, '', false)]);
  });

  it('rejects a later record that moves the detection; the same instant in another zone is the same', () => {
    givenPractice(context, breach('BR-1', recorded, detected))
      .when(breach('BR-1', '2025-11-05T12:00:00Z', '2025-11-03T08:00:00Z'))
      .thenRejects('BREACH_CHANGED', 'data.detectedAt', /recorded as detected at 2025-11-03T09:00:00Z, not 2025-11-03T08:00:00Z/);
    givenPractice(context, breach('BR-1', recorded, detected))
      .when(breach('BR-1', '2025-11-05T12:00:00Z', '2025-11-03T10:00:00+01:00'))
      .then([breach('BR-1', '2025-11-05T12:00:00Z', '2025-11-03T10:00:00+01:00')]);
  });

  it('keeps a known ICO report time: another is refused, none keeps it', () => {
    const reported = breach('BR-1', recorded, detected, '2025-11-04T11:00:00Z');
    givenPractice(context, reported)
      .when(breach('BR-1', '2025-11-05T12:00:00Z', detected, '2025-11-05T10:00:00Z'))
      .thenRejects('ICO_REPORT_CHANGED', 'data.reportedToIcoAt', /reported to the ICO at 2025-11-04T11:00:00Z, not 2025-11-05T10:00:00Z/);
    givenPractice(context, reported)
      .when(breach('BR-1', '2025-11-05T12:00:00Z', detected, '2025-11-04T11:00:00.000Z'))
      .then([breach('BR-1', '2025-11-05T12:00:00Z', detected, '2025-11-04T11:00:00.000Z')]);
    givenPractice(context, reported)
      .when(breach('BR-1', '2025-11-05T12:00:00Z', detected))
      .then([breach('BR-1', '2025-11-05T12:00:00Z', detected)]);
    // A record without the time does not forget it.
    givenPractice(context, reported, breach('BR-1', '2025-11-05T12:00:00Z', detected))
      .when(breach('BR-1', '2025-11-06T12:00:00Z', detected, '2025-11-06T10:00:00Z'))
      .thenRejects('ICO_REPORT_CHANGED', 'data.reportedToIcoAt');
  });

  it('rejects a practice that is unknown, not yet open or closed on the day', () => {
    const at = (practiceCode: string, occurredAt: string) => breach('BR-1', occurredAt, occurredAt, '', true, practiceCode);
    givenPractice(context).when(at('Z99999', recorded)).thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode');
    givenPractice(context).when(at('Y09999', '2023-01-10T10:00:00Z')).thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode');
    givenPractice(context).when(at('B82001', '2025-10-02T10:00:00Z')).thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode');
  });
});
