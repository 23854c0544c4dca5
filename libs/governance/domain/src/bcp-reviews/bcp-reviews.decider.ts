import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** Business continuity plan reviews, recorded by the practice's commissioner, on the practice's stream. */
export type BcpReviewed = FactOf<'BusinessContinuityPlanReviewed'>;

export function decideBcpReviewed(command: BcpReviewed, context: DecisionContext): BcpReviewed[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  assertPracticeOpen(d.practiceCode, on, context);
  const commissioner = context.commissionerOn(d.practiceCode, on);
  if (commissioner !== d.reviewedBy) {
    throw new Rejection(
      'NOT_THE_PRACTICE_COMMISSIONER',
      'data.reviewedBy',
      `a BCP review is recorded by the practice's commissioner as of the review date: ${d.practiceCode}'s on ${on} was ${commissioner ?? 'unknown'}, not ${d.reviewedBy}`,
    );
  }
  return [command];
}

/** The latest review date: reviews may arrive out of order. */
export function evolveLastBcpReview(lastReview: string | null, event: BcpReviewed): string | null {
  const on = dateOf(event.occurredAt);
  return lastReview && lastReview > on ? lastReview : on;
}
