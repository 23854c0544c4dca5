import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per assessment of the remote access service offered to a practice, dated by the day of the assessment. */
export const PRACTICE_REMOTE_ACCESS_ASSESSMENTS = defineTable('practice_remote_access_assessments', [
  'practice_code',
  'solution',
  'capacity_percent',
  'assessed_on',
]);

export const REMOTE_ACCESS_ROWS = [
  rowMapping({
    type: 'RemoteAccessCapacityAssessed',
    table: PRACTICE_REMOTE_ACCESS_ASSESSMENTS,
    columns: {
      practice_code: { text: 'practiceCode' },
      solution: { text: 'solution' },
      capacity_percent: { number: 'capacityPercent' },
      assessed_on: { occurredOn: true },
    },
  }),
] as const;
