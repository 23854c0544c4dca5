import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per signature and per termination: the agreement read model (docs/analytics.md). */
export const PRACTICE_AGREEMENTS = defineTable('practice_agreements', [
  'practice_code',
  'agreement_id',
  'change',
  'commissioner_code',
  'term_start',
  'term_end',
  'terminated_on',
  'reason',
]);

export const AGREEMENT_ROWS = [
  rowMapping({
    type: 'CcgPracticeAgreementSigned',
    table: PRACTICE_AGREEMENTS,
    columns: {
      practice_code: { text: 'practiceCode' },
      agreement_id: { text: 'agreementId' },
      change: { constant: 'SIGNED' },
      commissioner_code: { text: 'commissionerCode' },
      term_start: { date: 'termStart' },
      term_end: { date: 'termEnd' },
      terminated_on: { constant: null },
      reason: { constant: '' },
    },
  }),
  rowMapping({
    type: 'CcgPracticeAgreementTerminated',
    table: PRACTICE_AGREEMENTS,
    columns: {
      practice_code: { text: 'practiceCode' },
      agreement_id: { text: 'agreementId' },
      change: { constant: 'TERMINATED' },
      commissioner_code: { text: 'commissionerCode' },
      term_start: { constant: null },
      term_end: { constant: null },
      terminated_on: { date: 'terminatedOn' },
      reason: { text: 'reason' },
    },
  }),
] as const;
