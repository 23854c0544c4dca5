import { assertOccurredAt, requireDate, type Ceiling, type DecisionContext } from './context';
import { Rejection } from './rejection';

/**
 * Measurements (utilisation samples, carbon metrics) need no stream state: each is a fact of
 * its own, checked against reference data and time, and appended to a stream per organisation
 * and month, so they never contend with the practice's governance stream. Idempotency comes
 * from the source record id, as for every event.
 */
export interface UtilisationSample {
  readonly organisationCode: string;
  readonly organisationLevel: string;
  readonly capability: string;
  readonly metric: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly value: number;
  readonly supplier: string;
}

export interface CarbonMetric {
  readonly organisationCode: string;
  readonly organisationLevel: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly footprint: string;
  readonly category: string;
  readonly kgCo2e: number;
  readonly method: string;
}

export type MeasurementCommand =
  | { readonly type: 'UtilisationSampleRecorded'; readonly data: UtilisationSample; readonly occurredAt: string }
  | { readonly type: 'CarbonMetricRecorded'; readonly data: CarbonMetric; readonly occurredAt: string };

/** The levels a measurement may be attached to (sources cannot always attribute to one practice). */
const MEASURABLE_LEVELS = new Set(['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL']);

export function decideMeasurement(command: MeasurementCommand, context: DecisionContext): MeasurementCommand[] {
  assertOccurredAt(command.occurredAt, context);
  const d = command.data;
  requireDate(d.periodStart, 'data.periodStart');
  requireDate(d.periodEnd, 'data.periodEnd');
  if (d.periodEnd < d.periodStart) throw new Rejection('INVALID_PERIOD', 'data.periodEnd', `the period ends (${d.periodEnd}) before it starts (${d.periodStart})`);
  const today = context.now.toISOString().slice(0, 10);
  if (d.periodStart > today) throw new Rejection('FACT_IN_FUTURE', 'data.periodStart', `the period starts in the future (${d.periodStart})`);
  // A measurement is taken during or after its period, never before it (00:00 in England, BST included).
  if (Date.parse(command.occurredAt) < Date.parse(`${d.periodStart}T00:00:00Z`) - HOUR_MS) {
    throw new Rejection(
      'OCCURRED_BEFORE_PERIOD',
      'occurredAt',
      `occurredAt ${command.occurredAt} is before the period it measures starts (${d.periodStart}): a measurement occurs during or after its period (usually at its end)`,
    );
  }

  if (!MEASURABLE_LEVELS.has(d.organisationLevel)) {
    throw new Rejection('INVALID_LEVEL', 'data.organisationLevel', `data.organisationLevel '${d.organisationLevel}' is not one of ${[...MEASURABLE_LEVELS].join(', ')}`);
  }
  if (d.organisationLevel !== 'NATIONAL') {
    const org = context.organisation(d.organisationCode);
    if (!org) {
      throw new Rejection('UNKNOWN_ORGANISATION', 'data.organisationCode', `'${d.organisationCode}' is not an organisation in the reference data`);
    }
    if (org.level !== d.organisationLevel) {
      throw new Rejection('WRONG_LEVEL', 'data.organisationLevel', `${d.organisationCode} is a ${org.level}, not a ${d.organisationLevel}`);
    }
    // The whole period must overlap the organisation's life.
    if ((org.closedOn !== '' && d.periodStart >= org.closedOn) || (org.openedOn !== '' && d.periodEnd < org.openedOn)) {
      throw new Rejection(
        org.closedOn !== '' && d.periodStart >= org.closedOn ? 'AFTER_PRACTICE_CLOSED' : 'BEFORE_PRACTICE_OPENED',
        'data.periodStart',
        `${d.organisationCode} did not exist from ${d.periodStart} to ${d.periodEnd} (open ${org.openedOn || 'before records'} to ${org.closedOn || 'now'})`,
      );
    }
  } else if (d.organisationCode !== 'ENG') {
    throw new Rejection('WRONG_LEVEL', 'data.organisationCode', `a NATIONAL measurement is England's: data.organisationCode must be ENG, not '${d.organisationCode}'`);
  }
  const days = daysBetween(d.periodStart, d.periodEnd) + 1;

  if (command.type === 'UtilisationSampleRecorded') {
    const sample = command.data;
    // Roll-ups place a sample in the month it starts: a sample spanning months would count in the wrong one.
    if (d.periodStart.slice(0, 7) !== d.periodEnd.slice(0, 7)) {
      throw new Rejection('PERIOD_SPANS_MONTHS', 'data.periodEnd', `the period ${d.periodStart} to ${d.periodEnd} crosses a month's end: a utilisation sample covers a day, a week or a month within one calendar month (split it)`);
    }
    if (!context.isKnownCapability(sample.capability)) {
      throw new Rejection('UNKNOWN_CAPABILITY', 'data.capability', `'${sample.capability}' is not in the capability catalogue`);
    }
    const metric = context.metric(sample.metric);
    if (metric === undefined) throw new Rejection('UNKNOWN_METRIC', 'data.metric', `'${sample.metric}' is not a known metric`);
    if (metric.capability !== sample.capability) {
      throw new Rejection('METRIC_NOT_OF_CAPABILITY', 'data.metric', `${sample.metric} measures ${metric.capability}, not ${sample.capability}`);
    }
    assertWithinCeiling(sample.value, metric.ceiling(d.organisationLevel, days), 'data.value', `${sample.metric}`, false);
  } else {
    const carbon = command.data;
    if (financialYearOf(d.periodStart) !== financialYearOf(d.periodEnd)) {
      throw new Rejection('PERIOD_SPANS_YEARS', 'data.periodEnd', `the period ${d.periodStart} to ${d.periodEnd} crosses the end of a financial year (31 March): a carbon metric covers at most one financial year (split it)`);
    }
    const footprint = context.carbonFootprintOf(carbon.category);
    if (footprint !== undefined && footprint !== carbon.footprint) {
      throw new Rejection('CATEGORY_NOT_OF_FOOTPRINT', 'data.footprint', `${carbon.category} belongs to ${footprint}, not ${carbon.footprint}: footprints would count it twice or not at all`);
    }
    // Emissions avoided are negative (the carbon catalogue's convention); every other category is emitted, so positive.
    if (carbon.category === 'TRAVEL_AVOIDED' ? carbon.kgCo2e > 0 : carbon.kgCo2e < 0) {
      throw new Rejection(
        'INVALID_VALUE',
        'data.kgCo2e',
        carbon.category === 'TRAVEL_AVOIDED'
          ? `data.kgCo2e is positive (${carbon.kgCo2e}): TRAVEL_AVOIDED records emissions avoided, as a negative kgCO2e`
          : `data.kgCo2e is negative (${carbon.kgCo2e}): only TRAVEL_AVOIDED may be`,
      );
    }
    assertWithinCeiling(carbon.kgCo2e, context.carbonCeiling(d.organisationLevel, days), 'data.kgCo2e', 'kgCO2e', true);
  }
  return [command];
}

const HOUR_MS = 60 * 60 * 1000;

/** A value a measurement can hold: a finite number, whole where the unit counts, non-negative unless allowed, within the ceiling. */
function assertWithinCeiling(value: number, ceiling: Ceiling | undefined, path: string, what: string, negativeAllowed: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Rejection('INVALID_VALUE', path, `${path} must be a finite number, not ${String(value)}`);
  // Every ceiling is far below 2^53, so a value within one is also an exact integer in JavaScript and ClickHouse.
  if (value < 0 && !negativeAllowed) throw new Rejection('INVALID_VALUE', path, `${path} ${value} must be a number >= 0`);
  if (ceiling?.integral && !Number.isInteger(value)) throw new Rejection('NOT_A_WHOLE_NUMBER', path, `${path} ${value} is not a whole number: ${what} is a count`);
  if (ceiling && Math.abs(value) > ceiling.maximum) {
    throw new Rejection(
      'VALUE_TOO_LARGE',
      path,
      `${path} ${value} is larger than any ${what} can be: at most ${ceiling.maximum.toLocaleString('en-GB')} (${ceiling.basis}; the reference data's ceiling): check the figure and its unit`,
    );
  }
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (24 * HOUR_MS));
}

/** The year a financial year (1 April to 31 March) starts in. */
function financialYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  return date.slice(5) >= '04-01' ? year : year - 1;
}

/** Streams of measurements: per organisation, capability and month (utilisation), per organisation and year (carbon). */
export function measurementStreamId(command: MeasurementCommand): string {
  const d = command.data;
  if (command.type === 'UtilisationSampleRecorded') {
    return `utilisation-${d.organisationCode}-${command.data.capability}-${d.periodStart.slice(0, 7)}`;
  }
  return `carbon-${d.organisationCode}-${d.periodStart.slice(0, 4)}`;
}
