import { decideMeasurement, measurementStreamId, type MeasurementCommand } from '../measurements/measurement-stream';
import { carbon, rejection, sample } from '../testing/measurement-builders';
import { fixtureContext } from '../testing/fixture-context';

const context = fixtureContext();

describe('every measurement: its period and its organisation', () => {
  it('records a utilisation sample for a practice, and one attributed only to a PCN', () => {
    expect(decideMeasurement(sample(), context)).toEqual([sample()]);
    const pcn = sample({ organisationCode: 'U89141', organisationLevel: 'PCN' });
    expect(decideMeasurement(pcn, context)).toEqual([pcn]);
  });

  it('puts each sample in a stream per organisation, capability and month, away from the practice stream', () => {
    expect(measurementStreamId(sample())).toBe('utilisation-A81001-ONLINE_CONSULTATION-2025-11');
    expect(measurementStreamId(carbon(10))).toBe('carbon-16C-2024');
  });

  it.each<[string, MeasurementCommand, string, string]>([
    ['a future fact', sample({}, '2026-02-01T00:00:00Z'), 'FACT_IN_FUTURE', 'occurredAt'],
    [
      'a period starting in the future',
      sample({ periodStart: '2026-01-01', periodEnd: '2026-01-31' }, '2025-12-01T00:00:00Z'),
      'FACT_IN_FUTURE',
      'data.periodStart',
    ],
    ['a reversed period', sample({ periodStart: '2025-11-30', periodEnd: '2025-11-01' }), 'INVALID_PERIOD', 'data.periodEnd'],
    ['a malformed date', sample({ periodStart: '2025-11-31' }), 'INVALID_DATE', 'data.periodStart'],
    ['an unknown organisation', sample({ organisationCode: 'Z99999' }), 'UNKNOWN_ORGANISATION', 'data.organisationCode'],
    ['a level that does not match the organisation', sample({ organisationCode: 'U89141' }), 'WRONG_LEVEL', 'data.organisationLevel'],
    ['an unknown level', sample({ organisationLevel: 'GALAXY' }), 'INVALID_LEVEL', 'data.organisationLevel'],
    [
      'a period after the practice closed',
      sample({ organisationCode: 'B82001', periodStart: '2025-10-01', periodEnd: '2025-10-31' }),
      'AFTER_PRACTICE_CLOSED',
      'data.periodStart',
    ],
    [
      'a period before the practice opened',
      sample({ organisationCode: 'Y09999', periodStart: '2023-01-01', periodEnd: '2023-01-31' }),
      'BEFORE_PRACTICE_OPENED',
      'data.periodStart',
    ],
    ['an occurredAt years before the period (back-dating)', sample({}, '2022-03-01T00:00:00Z'), 'OCCURRED_BEFORE_PERIOD', 'occurredAt'],
    ['an occurredAt of 0001-01-01', sample({}, '0001-01-01T00:00:00Z'), 'DATE_OUT_OF_RANGE', 'occurredAt'],
    ['a period in 1900', sample({ periodStart: '1900-01-01', periodEnd: '1900-01-31' }), 'DATE_OUT_OF_RANGE', 'data.periodStart'],
    ['an empty periodEnd', sample({ periodEnd: '' }), 'MISSING_FIELD', 'data.periodEnd'],
    ['a NATIONAL sample not for England', sample({ organisationCode: 'A81001', organisationLevel: 'NATIONAL' }), 'WRONG_LEVEL', 'data.organisationCode'],
  ])('rejects %s', (_label, command, code, path) => {
    expect(rejection(command)).toMatchObject({ code, path });
  });
});
