import type { FactOf } from '@gpds/shared-contracts';
import { assertCommissionerOn, assertPracticeOpen, type DecisionContext } from '../context';
import { dateOf } from '../rejection';

/** Business continuity plan reviews, recorded by the practice's commissioner, on the practice's stream. */
export type BcpReviewed = FactOf<'BusinessContinuityPlanReviewed'>;

export function decideBcpReviewed(command: BcpReviewed, context: DecisionContext): BcpReviewed[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  assertPracticeOpen(d.practiceCode, on, context);
  assertCommissionerOn(
    d.practiceCode,
    on,
    d.reviewedBy,
    'data.reviewedBy',
    "a BCP review is recorded by the practice's commissioner as of the review date",
    context,
  );
  return [command];
}

/** The latest review date: reviews may arrive out of order. */
export function evolveLastBcpReview(lastReview: string | null, event: BcpReviewed): string | null {
  const on = dateOf(event.occurredAt);
  return lastReview && lastReview > on ? lastReview : on;
}
