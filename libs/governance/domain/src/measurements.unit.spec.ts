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
const carbon = (kgCo2e: number, category = 'ELECTRICITY'): MeasurementCommand => ({
  type: 'CarbonMetricRecorded',
  occurredAt: '2025-04-30T00:00:00Z',
  data: { organisationCode: '16C', organisationLevel: 'COMMISSIONER', periodStart: '2024-04-01', periodEnd: '2025-03-31', footprint: 'NHS_CARBON_FOOTPRINT', category, kgCo2e, method: 'spend-based' },
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
  ])('rejects %s', (_label, command, code, path) => {
    expect(rejection(command)).toMatchObject({ code, path });
  });

  it('accepts negative emissions for travel avoided', () => {
    expect(decideMeasurement(carbon(-120, 'TRAVEL_AVOIDED'), context)).toHaveLength(1);
  });
});
