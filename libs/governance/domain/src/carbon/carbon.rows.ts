import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per metric; the monthly roll-up is a materialized view on it. */
export const CARBON_METRICS = defineTable('carbon_metrics', [
  'footprint',
  'category',
  'period_start',
  'period_end',
  'organisation_code',
  'organisation_level',
  'kg_co2e',
  'method',
]);

export const CARBON_ROWS = [
  rowMapping({
    type: 'CarbonMetricRecorded',
    table: CARBON_METRICS,
    columns: {
      footprint: { text: 'footprint' },
      category: { text: 'category' },
      period_start: { text: 'periodStart' },
      period_end: { text: 'periodEnd' },
      organisation_code: { text: 'organisationCode' },
      organisation_level: { text: 'organisationLevel' },
      kg_co2e: { number: 'kgCo2e' },
      method: { text: 'method' },
    },
  }),
] as const;
