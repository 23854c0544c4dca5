import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per sample; the monthly roll-up is a materialized view on it. */
export const UTILISATION_SAMPLES = defineTable('utilisation_samples', [
  'capability',
  'metric',
  'period_start',
  'period_end',
  'organisation_code',
  'organisation_level',
  'value',
  'supplier',
]);

export const UTILISATION_ROWS = [
  rowMapping({
    type: 'UtilisationSampleRecorded',
    table: UTILISATION_SAMPLES,
    columns: {
      capability: { text: 'capability' },
      metric: { text: 'metric' },
      period_start: { text: 'periodStart' },
      period_end: { text: 'periodEnd' },
      organisation_code: { text: 'organisationCode' },
      organisation_level: { text: 'organisationLevel' },
      value: { count: 'value' },
      supplier: { text: 'supplier' },
    },
  }),
] as const;
