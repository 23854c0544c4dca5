import type { FactOfKind } from '@gpds/shared-contracts';
import { carbonStreamId, checkCarbonMetric } from '../carbon/carbon.decider';
import { assertOccurredAt, type DecisionContext } from '../context';
import { checkUtilisationSample, utilisationStreamId } from '../utilisation/utilisation.decider';
import { checkMeasuredPeriodAndOrganisation } from './measurement-checks';

/**
 * Measurements (utilisation samples, carbon metrics) need no stream state: each is a fact of
 * its own, checked against reference data and time, and appended to a stream per organisation
 * and period, so they never contend with the practice's governance stream. Idempotency comes
 * from the source record id, as for every event.
 */
export type MeasurementCommand = FactOfKind<'measurement'>;

export function decideMeasurement(command: MeasurementCommand, context: DecisionContext): MeasurementCommand[] {
  assertOccurredAt(command.occurredAt, context);
  const days = checkMeasuredPeriodAndOrganisation(command, context);
  switch (command.type) {
    case 'UtilisationSampleRecorded':
      checkUtilisationSample(command, days, context);
      break;
    case 'CarbonMetricRecorded':
      checkCarbonMetric(command, days, context);
      break;
  }
  return [command];
}

/** Streams of measurements: per organisation, capability and month (utilisation), per organisation and year (carbon). */
export function measurementStreamId(command: MeasurementCommand): string {
  return command.type === 'UtilisationSampleRecorded' ? utilisationStreamId(command) : carbonStreamId(command);
}
