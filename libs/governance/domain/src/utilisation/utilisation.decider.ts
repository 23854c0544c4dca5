import type { FactOf } from '@gpds/shared-contracts';
import type { DecisionContext } from '../context';
import { assertWithinCeiling } from '../measurements/measurement-checks';
import { Rejection } from '../rejection';

/** A count of a capability's use (online consultations submitted, calls answered...) for an organisation and period. */
export type UtilisationSample = FactOf<'UtilisationSampleRecorded'>;

export function checkUtilisationSample(command: UtilisationSample, days: number, context: DecisionContext): void {
  const sample = command.data;
  // Roll-ups place a sample in the month it starts: a sample spanning months would count in the wrong one.
  if (sample.periodStart.slice(0, 7) !== sample.periodEnd.slice(0, 7)) {
    throw new Rejection(
      'PERIOD_SPANS_MONTHS',
      'data.periodEnd',
      `the period ${sample.periodStart} to ${sample.periodEnd} crosses a month's end: a utilisation sample covers a day, a week or a month within one calendar month (split it)`,
    );
  }
  if (!context.isKnownCapability(sample.capability)) {
    throw new Rejection('UNKNOWN_CAPABILITY', 'data.capability', `'${sample.capability}' is not in the capability catalogue`);
  }
  const metric = context.metric(sample.metric);
  if (metric === undefined) throw new Rejection('UNKNOWN_METRIC', 'data.metric', `'${sample.metric}' is not a known metric`);
  if (metric.capability !== sample.capability) {
    throw new Rejection('METRIC_NOT_OF_CAPABILITY', 'data.metric', `${sample.metric} measures ${metric.capability}, not ${sample.capability}`);
  }
  assertWithinCeiling(sample.value, metric.ceiling(sample.organisationLevel, days), 'data.value', `${sample.metric}`, false);
}

/** Samples go to a stream per organisation, capability and month. */
export function utilisationStreamId(sample: UtilisationSample): string {
  return `utilisation-${sample.data.organisationCode}-${sample.data.capability}-${sample.data.periodStart.slice(0, 7)}`;
}
