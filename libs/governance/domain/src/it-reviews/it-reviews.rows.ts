import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per annual IT review, dated by the day of the review. */
export const PRACTICE_IT_REVIEWS = defineTable('practice_it_reviews', ['practice_code', 'reviewed_by', 'reviewed_on']);

export const IT_REVIEW_ROWS = [
  rowMapping({
    type: 'ItReviewCompleted',
    table: PRACTICE_IT_REVIEWS,
    columns: {
      practice_code: { text: 'practiceCode' },
      reviewed_by: { text: 'reviewedBy' },
      reviewed_on: { occurredOn: true },
    },
  }),
] as const;
