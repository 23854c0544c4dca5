import { governanceStreamId, type PracticeGovernanceCommand } from '../practice/practice-stream';
import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { bcp, incidentReported, incidentResolved } from '../testing/practice-builders';

const context = fixtureContext();
const at = '2025-11-03T10:00:00Z';
const commissioners = { organisationCode: '16C', organisationLevel: 'COMMISSIONER' };

describe('cyber incidents', () => {
  it("records an incident at a practice, and one at a commissioner's own systems", () => {
    givenPractice(context)
      .when(incidentReported('INC-1', at))
      .then([incidentReported('INC-1', at)]);
    givenPractice(context)
      .when(incidentReported('INC-1', at, commissioners))
      .then([incidentReported('INC-1', at, commissioners)]);
  });

  it('decides each on its organisation-s stream: a practice-s, or the commissioner-s own', () => {
    expect(governanceStreamId(incidentReported('INC-1', at))).toBe('practice-A81001');
    expect(governanceStreamId(incidentResolved('INC-1', at))).toBe('practice-A81001');
    expect(governanceStreamId(incidentReported('INC-1', at, commissioners))).toBe('commissioner-16C');
    expect(governanceStreamId(incidentResolved('INC-1', at, '16C', 'COMMISSIONER'))).toBe('commissioner-16C');
    expect(governanceStreamId(bcp(at) as PracticeGovernanceCommand)).toBe('practice-A81001');
  });

  it('rejects another level than a practice or a commissioner', () => {
    givenPractice(context)
      .when(incidentReported('INC-1', at, { organisationCode: 'U89141', organisationLevel: 'PCN' }))
      .thenRejects('INVALID_LEVEL', 'data.organisationLevel', /not one of PRACTICE, COMMISSIONER/);
    givenPractice(context)
      .when(incidentResolved('INC-1', at, 'U89141', 'PCN'))
      .thenRejects('INVALID_LEVEL', 'data.organisationLevel');
  });

  it('rejects a commissioner-level incident of an organisation that is not a commissioner', () => {
    givenPractice(context)
      .when(incidentReported('INC-1', at, { organisationCode: '99X', organisationLevel: 'COMMISSIONER' }))
      .thenRejects('UNKNOWN_ORGANISATION', 'data.organisationCode', /'99X' is not a commissioner/);
    givenPractice(context)
      .when(incidentReported('INC-1', at, { organisationCode: 'A81001', organisationLevel: 'COMMISSIONER' }))
      .thenRejects('UNKNOWN_ORGANISATION', 'data.organisationCode', /it is a PRACTICE/);
  });

  it('rejects a commissioner-level incident of a commissioner closed on the day (a CCG after 30 June 2022), accepts one before', () => {
    givenPractice(context)
      .when(incidentReported('INC-1', at, { organisationCode: '01Y', organisationLevel: 'COMMISSIONER' }))
      .thenRejects(
        'ORGANISATION_NOT_OPEN',
        'data.organisationCode',
        /commissioner 01Y was not open on 2025-11-03 \(open from records begin to the day before 2022-07-01\)/,
      );
    const before = '2022-06-30T10:00:00Z';
    givenPractice(context)
      .when(incidentReported('INC-1', before, { organisationCode: '01Y', organisationLevel: 'COMMISSIONER', detectedAt: '2022-06-30T08:00:00Z' }))
      .then([incidentReported('INC-1', before, { organisationCode: '01Y', organisationLevel: 'COMMISSIONER', detectedAt: '2022-06-30T08:00:00Z' })]);
  });

  it('rejects a practice-level incident of a practice that is unknown, not yet open or closed on the day', () => {
    givenPractice(context)
      .when(incidentReported('INC-1', at, { organisationCode: 'Z99999' }))
      .thenRejects('UNKNOWN_PRACTICE', 'data.organisationCode');
    givenPractice(context)
      .when(incidentReported('INC-1', '2023-01-10T10:00:00Z', { organisationCode: 'Y09999' }))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.organisationCode');
    givenPractice(context, incidentReported('INC-1', '2025-09-01T10:00:00Z', { organisationCode: 'B82001' }))
      .when(incidentResolved('INC-1', '2025-10-02T10:00:00Z', 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.organisationCode', /closed 2025-10-01/);
  });

  it('takes a severity from 1 to 4, whole', () => {
    for (const severity of [1, 4])
      givenPractice(context)
        .when(incidentReported('INC-1', at, { severity }))
        .then([incidentReported('INC-1', at, { severity })]);
    for (const severity of [0, 5, 2.5, -1])
      givenPractice(context)
        .when(incidentReported('INC-1', at, { severity }))
        .thenRejects('SEVERITY_OUT_OF_RANGE', 'data.severity', /a whole number from 1 \(most severe\) to 4/);
  });

  it('takes a detection time that is a real instant, at or before the report', () => {
    givenPractice(context)
      .when(incidentReported('INC-1', at, { detectedAt: '2025-11-02T22:15:00Z' }))
      .then([incidentReported('INC-1', at, { detectedAt: '2025-11-02T22:15:00Z' })]);
    // The same instant as the report, written in another zone.
    givenPractice(context)
      .when(incidentReported('INC-1', at, { detectedAt: '2025-11-03T11:00:00+01:00' }))
      .then([incidentReported('INC-1', at, { detectedAt: '2025-11-03T11:00:00+01:00' })]);
  });

  it.each([
    ['30 February', '2025-02-30T10:00:00Z', 'INVALID_DATE', /names a day that does not exist/],
    ['24:00', '2025-11-02T24:00:00Z', 'INVALID_DATE', /names a time of day that does not exist/],
    ['an offset beyond 14 hours', '2025-11-02T10:00:00+15:00', 'INVALID_DATE', /offset beyond ±14:00/],
    ['no zone', '2025-11-02T10:00:00', 'INVALID_DATE', /YYYY-MM-DDThh:mm/],
    ['a date without a time', '2025-11-02', 'INVALID_DATE', /YYYY-MM-DDThh:mm/],
    ['a time before 1990', '1989-12-31T23:59:59Z', 'DATE_OUT_OF_RANGE', /before 1990-01-01/],
  ])('rejects a detection time with %s', (_label, detectedAt, code, message) =>
    givenPractice(context)
      .when(incidentReported('INC-1', at, { detectedAt }))
      .thenRejects(code, 'data.detectedAt', message),
  );

  it('rejects a report before the detection', () =>
    givenPractice(context)
      .when(incidentReported('INC-1', at, { detectedAt: '2025-11-03T10:00:01Z' }))
      .thenRejects('REPORTED_BEFORE_DETECTED', 'data.detectedAt', /reported at 2025-11-03T10:00:00Z, before it was detected/));

  it('rejects an incident id already on the stream, saying so if it is resolved', () => {
    givenPractice(context, incidentReported('INC-1', at))
      .when(incidentReported('INC-1', '2025-11-04T10:00:00Z'))
      .thenRejects('INCIDENT_EXISTS', 'data.incidentId', /already reported \(at 2025-11-03T10:00:00Z\)/);
    givenPractice(context, incidentReported('INC-1', at), incidentResolved('INC-1', '2025-11-03T16:00:00Z'))
      .when(incidentReported('INC-1', '2025-11-04T10:00:00Z'))
      .thenRejects('INCIDENT_EXISTS', 'data.incidentId', /a resolved incident stays resolved/);
  });

  it('resolves a reported incident, at or after its report', () => {
    givenPractice(context, incidentReported('INC-1', at))
      .when(incidentResolved('INC-1', '2025-11-03T16:00:00Z'))
      .then([incidentResolved('INC-1', '2025-11-03T16:00:00Z')]);
    givenPractice(context, incidentReported('INC-1', at, commissioners))
      .when(incidentResolved('INC-1', at, '16C', 'COMMISSIONER'))
      .then([incidentResolved('INC-1', at, '16C', 'COMMISSIONER')]);
  });

  it('rejects resolving an incident never reported', () =>
    givenPractice(context, incidentReported('INC-1', at))
      .when(incidentResolved('INC-2', '2025-11-03T16:00:00Z'))
      .thenRejects('UNKNOWN_INCIDENT', 'data.incidentId', /no incident INC-2/));

  it('rejects resolving an incident twice: a resolved incident stays resolved', () =>
    givenPractice(context, incidentReported('INC-1', at), incidentResolved('INC-1', '2025-11-03T16:00:00Z'))
      .when(incidentResolved('INC-1', '2025-11-05T16:00:00Z'))
      .thenRejects('ALREADY_RESOLVED', 'data.incidentId', /resolved at 2025-11-03T16:00:00Z: a resolved incident stays resolved/));

  it('rejects a resolution before the report', () =>
    givenPractice(context, incidentReported('INC-1', at))
      .when(incidentResolved('INC-1', '2025-11-03T09:59:59Z'))
      .thenRejects('RESOLVED_BEFORE_REPORTED', 'occurredAt', /reported at 2025-11-03T10:00:00Z: it cannot be resolved before that/));
});
