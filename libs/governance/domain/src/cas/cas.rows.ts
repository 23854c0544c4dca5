import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per record of a practice's Central Alerting System registration, as it stands from the day recorded. */
export const PRACTICE_CAS_REGISTRATIONS = defineTable('practice_cas_registrations', ['practice_code', 'email', 'mobile', 'recorded_on']);

export const CAS_ROWS = [
  rowMapping({
    type: 'CasRegistrationRecorded',
    table: PRACTICE_CAS_REGISTRATIONS,
    columns: {
      practice_code: { text: 'practiceCode' },
      email: { flag: 'email' },
      mobile: { flag: 'mobile' },
      recorded_on: { occurredOn: true },
    },
  }),
] as const;
