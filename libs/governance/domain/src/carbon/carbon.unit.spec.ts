import { decideMeasurement, type MeasurementCommand } from '../measurements/measurement-stream';
import { carbon, rejection } from '../testing/measurement-builders';
import { fixtureContext } from '../testing/fixture-context';

const context = fixtureContext();

describe('carbon metrics', () => {
  it('accepts negative emissions for travel avoided', () => {
    expect(decideMeasurement(carbon(-120, 'TRAVEL_AVOIDED'), context)).toHaveLength(1);
  });

  it.each<[string, MeasurementCommand, string, string]>([
    ['negative emissions outside TRAVEL_AVOIDED', carbon(-5), 'INVALID_VALUE', 'data.kgCo2e'],
    ['positive emissions for TRAVEL_AVOIDED (avoided emissions are negative)', carbon(120, 'TRAVEL_AVOIDED'), 'INVALID_VALUE', 'data.kgCo2e'],
    ['a category of another footprint', carbon(5, 'TRAVEL_AVOIDED', { footprint: 'NHS_CARBON_FOOTPRINT' }), 'CATEGORY_NOT_OF_FOOTPRINT', 'data.footprint'],
    [
      'a carbon period across financial years',
      carbon(5, 'GAS', { periodStart: '2024-01-01', periodEnd: '2024-12-31' }),
      'PERIOD_SPANS_YEARS',
      'data.periodEnd',
    ],
    ['more kgCO2e than the ceiling allows', carbon(1.7e308), 'VALUE_TOO_LARGE', 'data.kgCo2e'],
    ['an infinite kgCO2e', carbon(Number.POSITIVE_INFINITY), 'INVALID_VALUE', 'data.kgCo2e'],
  ])('rejects %s', (_label, command, code, path) => {
    expect(rejection(command)).toMatchObject({ code, path });
  });
});
