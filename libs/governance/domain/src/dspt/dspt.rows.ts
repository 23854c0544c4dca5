import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per published DSPT assessment, dated by the day its status was published. */
export const PRACTICE_DSPT_ASSESSMENTS = defineTable('practice_dspt_assessments', ['practice_code', 'financial_year', 'status', 'published_on']);

export const DSPT_ROWS = [
  rowMapping({
    type: 'DsptAssessmentPublished',
    table: PRACTICE_DSPT_ASSESSMENTS,
    columns: {
      practice_code: { text: 'practiceCode' },
      financial_year: { text: 'financialYear' },
      status: { text: 'status' },
      published_on: { occurredOn: true },
    },
  }),
] as const;
