import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per clinical safety assessment (DCB0129, DCB0160), dated by the day it was signed off. */
export const PRACTICE_CLINICAL_SAFETY_ASSESSMENTS = defineTable('practice_clinical_safety_assessments', [
  'practice_code',
  'system',
  'standard',
  'outcome',
  'assessed_on',
]);

export const CLINICAL_SAFETY_ROWS = [
  rowMapping({
    type: 'ClinicalSafetyAssessmentRecorded',
    table: PRACTICE_CLINICAL_SAFETY_ASSESSMENTS,
    columns: {
      practice_code: { text: 'practiceCode' },
      system: { text: 'system' },
      standard: { text: 'standard' },
      outcome: { text: 'outcome' },
      assessed_on: { occurredOn: true },
    },
  }),
] as const;
