import type { FactOf } from '@gpds/shared-contracts';
import type { DecisionContext } from '../context';
import { assertWithinCeiling } from '../measurements/measurement-checks';
import { Rejection } from '../rejection';

/** Emissions (kg CO2e) of an organisation for a period, footprint and category (Net Zero). */
export type CarbonMetric = FactOf<'CarbonMetricRecorded'>;

export function checkCarbonMetric(command: CarbonMetric, days: number, context: DecisionContext): void {
  const carbon = command.data;
  if (financialYearOf(carbon.periodStart) !== financialYearOf(carbon.periodEnd)) {
    throw new Rejection(
      'PERIOD_SPANS_YEARS',
      'data.periodEnd',
      `the period ${carbon.periodStart} to ${carbon.periodEnd} crosses the end of a financial year (31 March): a carbon metric covers at most one financial year (split it)`,
    );
  }
  const footprint = context.carbonFootprintOf(carbon.category);
  if (footprint !== undefined && footprint !== carbon.footprint) {
    throw new Rejection(
      'CATEGORY_NOT_OF_FOOTPRINT',
      'data.footprint',
      `${carbon.category} belongs to ${footprint}, not ${carbon.footprint}: footprints would count it twice or not at all`,
    );
  }
  // Emissions avoided are negative (the carbon catalogue's convention); every other category is emitted, so positive.
  const kg = carbon.kgCo2e;
  if (typeof kg === 'number' && (carbon.category === 'TRAVEL_AVOIDED' ? kg > 0 : kg < 0)) {
    throw new Rejection(
      'INVALID_VALUE',
      'data.kgCo2e',
      carbon.category === 'TRAVEL_AVOIDED'
        ? `data.kgCo2e is positive (${kg}): TRAVEL_AVOIDED records emissions avoided, as a negative kgCO2e`
        : `data.kgCo2e is negative (${kg}): only TRAVEL_AVOIDED may be`,
    );
  }
  assertWithinCeiling(kg, context.carbonCeiling(carbon.organisationLevel, days), 'data.kgCo2e', 'kgCO2e', true);
}

/** The year a financial year (1 April to 31 March) starts in. */
function financialYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  return date.slice(5) >= '04-01' ? year : year - 1;
}

/** Carbon metrics go to a stream per organisation and calendar year. */
export function carbonStreamId(metric: CarbonMetric): string {
  return `carbon-${metric.data.organisationCode}-${metric.data.periodStart.slice(0, 4)}`;
}
