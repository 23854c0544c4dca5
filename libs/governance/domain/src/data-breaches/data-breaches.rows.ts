import { defineTable, rowMapping } from '@gpds/shared-contracts';

/**
 * One row per record of a personal data breach, dated by the day of the record: a later record
 * of the same breach (same breach_id) may add its report to the ICO.
 */
export const PRACTICE_DATA_BREACHES = defineTable('practice_data_breaches', [
  'practice_code',
  'breach_id',
  'detected_at',
  'reportable_to_ico',
  'reported_to_ico_at',
  'recorded_on',
]);

export const DATA_BREACH_ROWS = [
  rowMapping({
    type: 'DataBreachReported',
    table: PRACTICE_DATA_BREACHES,
    columns: {
      practice_code: { text: 'practiceCode' },
      breach_id: { text: 'breachId' },
      // Required, into a column that is not Nullable: empty is refused, not read as 1970.
      detected_at: { instant: 'detectedAt', required: true },
      reportable_to_ico: { flag: 'reportableToIco' },
      reported_to_ico_at: { instant: 'reportedToIcoAt' },
      recorded_on: { occurredOn: true },
    },
  }),
] as const;
