import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** The share of a practice's normal operational capacity its remote access service supports, on the practice's stream. */
export type RemoteAccessCapacityAssessed = FactOf<'RemoteAccessCapacityAssessed'>;

export function decideRemoteAccessCapacityAssessed(command: RemoteAccessCapacityAssessed, context: DecisionContext): RemoteAccessCapacityAssessed[] {
  const d = command.data;
  // proto3 JSON carries a double's NaN and infinities as text: none is a share of capacity.
  const capacity = d.capacityPercent;
  if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity < 0 || capacity > 100) {
    throw new Rejection(
      'CAPACITY_OUT_OF_RANGE',
      'data.capacityPercent',
      `data.capacityPercent ${String(capacity)} is not a percentage: a share of the practice's normal operational capacity, 0 to 100`,
    );
  }
  assertPracticeOpen(d.practiceCode, dateOf(command.occurredAt), context);
  return [command];
}
