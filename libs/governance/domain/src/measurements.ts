import { assertNotInFuture, type DecisionContext } from './context';
import { Rejection, isIsoDate } from './rejection';

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
  assertNotInFuture(command.occurredAt, context);
  const d = command.data;
  for (const field of ['periodStart', 'periodEnd'] as const) {
    if (!isIsoDate(d[field])) throw new Rejection('INVALID_DATE', `data.${field}`, `data.${field} '${d[field]}' is not a calendar date (YYYY-MM-DD)`);
  }
  if (d.periodEnd < d.periodStart) throw new Rejection('INVALID_PERIOD', 'data.periodEnd', `the period ends (${d.periodEnd}) before it starts (${d.periodStart})`);
  const today = context.now.toISOString().slice(0, 10);
  if (d.periodStart > today) throw new Rejection('FACT_IN_FUTURE', 'data.periodStart', `the period starts in the future (${d.periodStart})`);

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
  }

  if (command.type === 'UtilisationSampleRecorded') {
    const sample = command.data;
    if (!context.isKnownCapability(sample.capability)) {
      throw new Rejection('UNKNOWN_CAPABILITY', 'data.capability', `'${sample.capability}' is not in the capability catalogue`);
    }
    const measured = context.capabilityOfMetric(sample.metric);
    if (measured === undefined) throw new Rejection('UNKNOWN_METRIC', 'data.metric', `'${sample.metric}' is not a known metric`);
    if (measured !== sample.capability) {
      throw new Rejection('METRIC_NOT_OF_CAPABILITY', 'data.metric', `${sample.metric} measures ${measured}, not ${sample.capability}`);
    }
    if (!Number.isFinite(sample.value) || sample.value < 0) throw new Rejection('INVALID_VALUE', 'data.value', `data.value ${sample.value} must be a number >= 0`);
  } else {
    const metric = command.data;
    if (!Number.isFinite(metric.kgCo2e)) throw new Rejection('INVALID_VALUE', 'data.kgCo2e', `data.kgCo2e ${metric.kgCo2e} must be a number`);
    if (metric.kgCo2e < 0 && metric.category !== 'TRAVEL_AVOIDED') {
      throw new Rejection('INVALID_VALUE', 'data.kgCo2e', `data.kgCo2e is negative (${metric.kgCo2e}): only TRAVEL_AVOIDED may be`);
    }
  }
  return [command];
}

/** Streams of measurements: per organisation, capability and month (utilisation), per organisation and year (carbon). */
export function measurementStreamId(command: MeasurementCommand): string {
  const d = command.data;
  if (command.type === 'UtilisationSampleRecorded') {
    return `utilisation-${d.organisationCode}-${command.data.capability}-${d.periodStart.slice(0, 7)}`;
  }
  return `carbon-${d.organisationCode}-${d.periodStart.slice(0, 4)}`;
}
