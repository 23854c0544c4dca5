import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** A practice's annual IT review with its commissioner, recorded by that commissioner, on the practice's stream. */
export type ItReviewCompleted = FactOf<'ItReviewCompleted'>;

export function decideItReviewCompleted(command: ItReviewCompleted, context: DecisionContext): ItReviewCompleted[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  assertPracticeOpen(d.practiceCode, on, context);
  const commissioner = context.commissionerOn(d.practiceCode, on);
  if (commissioner !== d.reviewedBy) {
    throw new Rejection(
      'NOT_THE_PRACTICE_COMMISSIONER',
      'data.reviewedBy',
      `an IT review is held with the practice's commissioner as of the review date: ${d.practiceCode}'s on ${on} was ${commissioner ?? 'unknown'}, not ${d.reviewedBy}`,
    );
  }
  return [command];
}
