import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { dateOf } from '../rejection';

/** A practice has a designated Data Protection Officer, provided by its commissioner or its own, on the practice's stream. */
export type DataProtectionOfficerDesignated = FactOf<'DataProtectionOfficerDesignated'>;

export function decideDpoDesignated(command: DataProtectionOfficerDesignated, context: DecisionContext): DataProtectionOfficerDesignated[] {
  assertPracticeOpen(command.data.practiceCode, dateOf(command.occurredAt), context);
  return [command];
}
