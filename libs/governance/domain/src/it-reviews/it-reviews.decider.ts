import type { FactOf } from '@gpds/shared-contracts';
import { assertCommissionerOn, assertPracticeOpen, type DecisionContext } from '../context';
import { dateOf } from '../rejection';

/** A practice's annual IT review with its commissioner, recorded by that commissioner, on the practice's stream. */
export type ItReviewCompleted = FactOf<'ItReviewCompleted'>;

export function decideItReviewCompleted(command: ItReviewCompleted, context: DecisionContext): ItReviewCompleted[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  assertPracticeOpen(d.practiceCode, on, context);
  assertCommissionerOn(
    d.practiceCode,
    on,
    d.reviewedBy,
    'data.reviewedBy',
    "an IT review is held with the practice's commissioner as of the review date",
    context,
  );
  return [command];
}
