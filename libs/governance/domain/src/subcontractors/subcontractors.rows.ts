import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per sub-contracted provider's access agreed by the commissioner, dated by the day it was agreed. */
export const PRACTICE_SUBCONTRACTOR_APPROVALS = defineTable('practice_subcontractor_approvals', [
  'practice_code',
  'provider',
  'services',
  'data_processing_agreement',
  'approved_by',
  'approved_on',
]);

export const SUBCONTRACTOR_ROWS = [
  rowMapping({
    type: 'SubcontractorAccessApproved',
    table: PRACTICE_SUBCONTRACTOR_APPROVALS,
    columns: {
      practice_code: { text: 'practiceCode' },
      provider: { text: 'provider' },
      services: { list: 'services' },
      data_processing_agreement: { flag: 'dataProcessingAgreement' },
      approved_by: { text: 'approvedBy' },
      approved_on: { occurredOn: true },
    },
  }),
] as const;
