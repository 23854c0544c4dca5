import { Rejection } from './rejection';
import { decideMeasurement, measurementStreamId, type MeasurementCommand, type UtilisationSample } from './measurements';
import { fixtureContext } from './testing/fixture-context';

const context = fixtureContext();
const sample = (overrides: Partial<UtilisationSample> = {}, occurredAt = '2025-12-01T00:00:00Z'): MeasurementCommand => ({
  type: 'UtilisationSampleRecorded',
  occurredAt,
  data: {
    organisationCode: 'A81001',
    organisationLevel: 'PRACTICE',
    capability: 'ONLINE_CONSULTATION',
    metric: 'SUBMISSIONS',
    periodStart: '2025-11-01',
    periodEnd: '2025-11-30',
    value: 1234,
    supplier: 'Example Ltd',
    ...overrides,
  },
});
const carbon = (kgCo2e: number, category = 'ELECTRICITY', overrides: Record<string, string> = {}): MeasurementCommand => ({
  type: 'CarbonMetricRecorded',
  occurredAt: '2025-04-30T00:00:00Z',
  data: {
    organisationCode: '16C',
    organisationLevel: 'COMMISSIONER',
    periodStart: '2024-04-01',
    periodEnd: '2025-03-31',
    footprint: category === 'TRAVEL_AVOIDED' ? 'NHS_CARBON_FOOTPRINT_PLUS' : 'NHS_CARBON_FOOTPRINT',
    category,
    kgCo2e,
    method: 'spend-based',
    ...overrides,
  },
});

function rejection(command: MeasurementCommand): Rejection {
  try {
    decideMeasurement(command, context);
  } catch (error) {
    if (error instanceof Rejection) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('measurements', () => {
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
    ['a period starting in the future', sample({ periodStart: '2026-01-01', periodEnd: '2026-01-31' }, '2025-12-01T00:00:00Z'), 'FACT_IN_FUTURE', 'data.periodStart'],
    ['a reversed period', sample({ periodStart: '2025-11-30', periodEnd: '2025-11-01' }), 'INVALID_PERIOD', 'data.periodEnd'],
    ['a malformed date', sample({ periodStart: '2025-11-31' }), 'INVALID_DATE', 'data.periodStart'],
    ['an unknown organisation', sample({ organisationCode: 'Z99999' }), 'UNKNOWN_ORGANISATION', 'data.organisationCode'],
    ['a level that does not match the organisation', sample({ organisationCode: 'U89141' }), 'WRONG_LEVEL', 'data.organisationLevel'],
    ['an unknown level', sample({ organisationLevel: 'GALAXY' }), 'INVALID_LEVEL', 'data.organisationLevel'],
    ['a period after the practice closed', sample({ organisationCode: 'B82001', periodStart: '2025-10-01', periodEnd: '2025-10-31' }), 'AFTER_PRACTICE_CLOSED', 'data.periodStart'],
    ['a period before the practice opened', sample({ organisationCode: 'Y09999', periodStart: '2023-01-01', periodEnd: '2023-01-31' }), 'BEFORE_PRACTICE_OPENED', 'data.periodStart'],
    ['an unknown capability', sample({ capability: 'TELEPATHY' }), 'UNKNOWN_CAPABILITY', 'data.capability'],
    ['an unknown metric', sample({ metric: 'VIBES' }), 'UNKNOWN_METRIC', 'data.metric'],
    ['a metric of another capability', sample({ metric: 'INBOUND_CALLS' }), 'METRIC_NOT_OF_CAPABILITY', 'data.metric'],
    ['a negative count', sample({ value: -1 }), 'INVALID_VALUE', 'data.value'],
    ['negative emissions outside TRAVEL_AVOIDED', carbon(-5), 'INVALID_VALUE', 'data.kgCo2e'],
    ['positive emissions for TRAVEL_AVOIDED (avoided emissions are negative)', carbon(120, 'TRAVEL_AVOIDED'), 'INVALID_VALUE', 'data.kgCo2e'],
    ['a category of another footprint', carbon(5, 'TRAVEL_AVOIDED', { footprint: 'NHS_CARBON_FOOTPRINT' }), 'CATEGORY_NOT_OF_FOOTPRINT', 'data.footprint'],
    ['a carbon period across financial years', carbon(5, 'GAS', { periodStart: '2024-01-01', periodEnd: '2024-12-31' }), 'PERIOD_SPANS_YEARS', 'data.periodEnd'],
    ['more kgCO2e than the ceiling allows', carbon(1.7e308), 'VALUE_TOO_LARGE', 'data.kgCo2e'],
    ['an infinite kgCO2e', carbon(Number.POSITIVE_INFINITY), 'INVALID_VALUE', 'data.kgCo2e'],
    ['a count that is not whole', sample({ value: 1.5 }), 'NOT_A_WHOLE_NUMBER', 'data.value'],
    ['the largest double (1.7e308)', sample({ value: 1.7e308 }), 'VALUE_TOO_LARGE', 'data.value'],
    ['2^53 + 1 (read as 2^53)', sample({ value: 2 ** 53 + 1 }), 'VALUE_TOO_LARGE', 'data.value'],
    ['one more than the ceiling (100,000 a day for 30 days)', sample({ value: 3_000_001 }), 'VALUE_TOO_LARGE', 'data.value'],
    ['NaN', sample({ value: Number.NaN }), 'INVALID_VALUE', 'data.value'],
    ['a period that crosses a month end', sample({ periodStart: '2025-10-15', periodEnd: '2025-11-14' }), 'PERIOD_SPANS_MONTHS', 'data.periodEnd'],
    ['an occurredAt years before the period (back-dating)', sample({}, '2022-03-01T00:00:00Z'), 'OCCURRED_BEFORE_PERIOD', 'occurredAt'],
    ['an occurredAt of 0001-01-01', sample({}, '0001-01-01T00:00:00Z'), 'DATE_OUT_OF_RANGE', 'occurredAt'],
    ['a period in 1900', sample({ periodStart: '1900-01-01', periodEnd: '1900-01-31' }), 'DATE_OUT_OF_RANGE', 'data.periodStart'],
    ['an empty periodEnd', sample({ periodEnd: '' }), 'MISSING_FIELD', 'data.periodEnd'],
    ['a NATIONAL sample not for England', sample({ organisationCode: 'A81001', organisationLevel: 'NATIONAL' }), 'WRONG_LEVEL', 'data.organisationCode'],
  ])('rejects %s', (_label, command, code, path) => {
    expect(rejection(command)).toMatchObject({ code, path });
  });

  it('accepts the ceiling itself, a count of 0, and a sample taken at 00:00 BST on the first day of its period', () => {
    expect(decideMeasurement(sample({ value: 3_000_000 }), context)).toHaveLength(1);
    expect(decideMeasurement(sample({ value: 0 }), context)).toHaveLength(1);
    expect(decideMeasurement(sample({ periodStart: '2025-06-01', periodEnd: '2025-06-01' }, '2025-05-31T23:00:00Z'), context)).toHaveLength(1);
  });

  it('says what the ceiling is and how it was reached', () => {
    expect(rejection(sample({ value: 3_000_001 })).message).toMatch(/at most 3,000,000 \(fixture ceiling for a PRACTICE; the reference data's ceiling\)/);
  });

  it('accepts negative emissions for travel avoided', () => {
    expect(decideMeasurement(carbon(-120, 'TRAVEL_AVOIDED'), context)).toHaveLength(1);
  });
});
