import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per legacy local clinical server recorded in place and per decommissioning, dated by the day. */
export const PRACTICE_LOCAL_SERVERS = defineTable('practice_local_servers', ['practice_code', 'server', 'change', 'changed_on']);

export const LOCAL_SERVER_ROWS = [
  rowMapping({
    type: 'LocalClinicalServerRecorded',
    table: PRACTICE_LOCAL_SERVERS,
    columns: {
      practice_code: { text: 'practiceCode' },
      server: { text: 'server' },
      change: { constant: 'RECORDED' },
      changed_on: { occurredOn: true },
    },
  }),
  rowMapping({
    type: 'LocalClinicalServerDecommissioned',
    table: PRACTICE_LOCAL_SERVERS,
    columns: {
      practice_code: { text: 'practiceCode' },
      server: { text: 'server' },
      change: { constant: 'DECOMMISSIONED' },
      changed_on: { occurredOn: true },
    },
  }),
] as const;
