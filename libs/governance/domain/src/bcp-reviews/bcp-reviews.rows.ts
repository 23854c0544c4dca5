import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per review, dated by the day it happened. */
export const PRACTICE_BCP_REVIEWS = defineTable('practice_bcp_reviews', ['practice_code', 'reviewed_by', 'reviewed_on', 'outcome', 'covers']);

export const BCP_REVIEW_ROWS = [
  rowMapping({
    type: 'BusinessContinuityPlanReviewed',
    table: PRACTICE_BCP_REVIEWS,
    columns: {
      practice_code: { text: 'practiceCode' },
      reviewed_by: { text: 'reviewedBy' },
      reviewed_on: { occurredOn: true },
      outcome: { text: 'outcome' },
      covers: { list: 'covers' },
    },
  }),
] as const;
