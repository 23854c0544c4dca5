import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { dateOf } from '../rejection';

/** A practice's registration with the MHRA Central Alerting System (email, text alerts) as it stands from occurredAt, on the practice's stream. */
export type CasRegistrationRecorded = FactOf<'CasRegistrationRecorded'>;

export function decideCasRegistrationRecorded(command: CasRegistrationRecorded, context: DecisionContext): CasRegistrationRecorded[] {
  assertPracticeOpen(command.data.practiceCode, dateOf(command.occurredAt), context);
  return [command];
}
