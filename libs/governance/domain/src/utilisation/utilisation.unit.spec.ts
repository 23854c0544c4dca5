import { decideMeasurement, type MeasurementCommand } from '../measurements/measurement-stream';
import { rejection, sample } from '../testing/measurement-builders';
import { fixtureContext } from '../testing/fixture-context';

const context = fixtureContext();

describe('utilisation samples', () => {
  it('accepts the ceiling itself, a count of 0, and a sample taken at 00:00 BST on the first day of its period', () => {
    expect(decideMeasurement(sample({ value: 3_000_000 }), context)).toHaveLength(1);
    expect(decideMeasurement(sample({ value: 0 }), context)).toHaveLength(1);
    expect(decideMeasurement(sample({ periodStart: '2025-06-01', periodEnd: '2025-06-01' }, '2025-05-31T23:00:00Z'), context)).toHaveLength(1);
  });

  it('says what the ceiling is and how it was reached', () => {
    expect(rejection(sample({ value: 3_000_001 })).message).toMatch(/at most 3,000,000 \(fixture ceiling for a PRACTICE; the reference data's ceiling\)/);
  });

  it.each<[string, MeasurementCommand, string, string]>([
    ['an unknown capability', sample({ capability: 'TELEPATHY' }), 'UNKNOWN_CAPABILITY', 'data.capability'],
    ['an unknown metric', sample({ metric: 'VIBES' }), 'UNKNOWN_METRIC', 'data.metric'],
    ['a metric of another capability', sample({ metric: 'INBOUND_CALLS' }), 'METRIC_NOT_OF_CAPABILITY', 'data.metric'],
    ['a negative count', sample({ value: -1 }), 'INVALID_VALUE', 'data.value'],
    ['a count that is not whole', sample({ value: 1.5 }), 'NOT_A_WHOLE_NUMBER', 'data.value'],
    ['the largest double (1.7e308)', sample({ value: 1.7e308 }), 'VALUE_TOO_LARGE', 'data.value'],
    ['2^53 + 1 (read as 2^53)', sample({ value: 2 ** 53 + 1 }), 'VALUE_TOO_LARGE', 'data.value'],
    ['one more than the ceiling (100,000 a day for 30 days)', sample({ value: 3_000_001 }), 'VALUE_TOO_LARGE', 'data.value'],
    ['NaN', sample({ value: Number.NaN }), 'INVALID_VALUE', 'data.value'],
    ['a period that crosses a month end', sample({ periodStart: '2025-10-15', periodEnd: '2025-11-14' }), 'PERIOD_SPANS_MONTHS', 'data.periodEnd'],
  ])('rejects %s', (_label, command, code, path) => {
    expect(rejection(command)).toMatchObject({ code, path });
  });
});
