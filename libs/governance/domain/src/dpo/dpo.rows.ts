import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per Data Protection Officer designation, dated by the day it took effect (no names: who provides it). */
export const PRACTICE_DPO_DESIGNATIONS = defineTable('practice_dpo_designations', ['practice_code', 'provision', 'designated_on']);

export const DPO_ROWS = [
  rowMapping({
    type: 'DataProtectionOfficerDesignated',
    table: PRACTICE_DPO_DESIGNATIONS,
    columns: {
      practice_code: { text: 'practiceCode' },
      provision: { text: 'provision' },
      designated_on: { occurredOn: true },
    },
  }),
] as const;
