import type { MeasurementCommand } from '../measurements/measurement-stream';
import type { UtilisationSample } from '../utilisation/utilisation.decider';
import type { CarbonMetric } from '../carbon/carbon.decider';
import { decideMeasurement } from '../measurements/measurement-stream';
import { Rejection } from '../rejection';
import { fixtureContext } from './fixture-context';

/**
 * Builders of measurement commands for specs: a valid fact, with what a case changes. A case may
 * set a value the contract itself would refuse (a level 'GALAXY'), to prove the decider's own
 * guard: hence the assertion to the command type.
 */
const context = fixtureContext();
export const sample = (overrides: Partial<Record<keyof UtilisationSample['data'], unknown>> = {}, occurredAt = '2025-12-01T00:00:00Z'): MeasurementCommand =>
  ({
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
  }) as MeasurementCommand;
export const carbon = (kgCo2e: number, category = 'ELECTRICITY', overrides: Partial<Record<keyof CarbonMetric['data'], unknown>> = {}): MeasurementCommand =>
  ({
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
  }) as MeasurementCommand;

/** The rejection a command meets (fails the spec if it is accepted). */
export function rejection(command: MeasurementCommand): Rejection {
  try {
    decideMeasurement(command, context);
  } catch (error) {
    if (error instanceof Rejection) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}
