import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { dateOf } from '../rejection';

/** A clinical safety assessment (DCB0129, DCB0160) of a clinical system at a practice, signed off on occurredAt, on the practice's stream. */
export type ClinicalSafetyAssessmentRecorded = FactOf<'ClinicalSafetyAssessmentRecorded'>;

export function decideClinicalSafetyAssessmentRecorded(
  command: ClinicalSafetyAssessmentRecorded,
  context: DecisionContext,
): ClinicalSafetyAssessmentRecorded[] {
  assertPracticeOpen(command.data.practiceCode, dateOf(command.occurredAt), context);
  return [command];
}
