import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per loss of access to a practice's patient records and per restoration, at occurred_at. */
export const PRACTICE_RECORD_ACCESS = defineTable('practice_record_access', ['practice_code', 'change', 'cause', 'bcp_activated']);

export const RECORD_ACCESS_ROWS = [
  rowMapping({
    type: 'RecordAccessLost',
    table: PRACTICE_RECORD_ACCESS,
    columns: {
      practice_code: { text: 'practiceCode' },
      change: { constant: 'LOST' },
      cause: { text: 'cause' },
      bcp_activated: { flag: 'bcpActivated' },
    },
  }),
  rowMapping({
    type: 'RecordAccessRestored',
    table: PRACTICE_RECORD_ACCESS,
    columns: {
      practice_code: { text: 'practiceCode' },
      change: { constant: 'RESTORED' },
      cause: { constant: '' },
      bcp_activated: { flag: 'bcpActivated' },
    },
  }),
] as const;
