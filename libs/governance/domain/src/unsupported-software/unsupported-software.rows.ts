import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per unsupported software detected on a practice asset and per remediation, dated by the day. */
export const PRACTICE_UNSUPPORTED_SOFTWARE = defineTable('practice_unsupported_software', [
  'practice_code',
  'asset',
  'product',
  'change',
  'changed_on',
  'end_of_support',
]);

export const UNSUPPORTED_SOFTWARE_ROWS = [
  rowMapping({
    type: 'UnsupportedSoftwareDetected',
    table: PRACTICE_UNSUPPORTED_SOFTWARE,
    columns: {
      practice_code: { text: 'practiceCode' },
      asset: { text: 'asset' },
      product: { text: 'product' },
      change: { constant: 'DETECTED' },
      changed_on: { occurredOn: true },
      end_of_support: { date: 'endOfSupport' },
    },
  }),
  rowMapping({
    type: 'UnsupportedSoftwareRemediated',
    table: PRACTICE_UNSUPPORTED_SOFTWARE,
    columns: {
      practice_code: { text: 'practiceCode' },
      asset: { text: 'asset' },
      product: { text: 'product' },
      change: { constant: 'REMEDIATED' },
      changed_on: { occurredOn: true },
      end_of_support: { constant: null },
    },
  }),
] as const;
