import { defineTable, rowMapping } from '@gpds/shared-contracts';

/** One row per deployment and per withdrawal, dated by the day it happened. */
export const PRACTICE_CAPABILITIES = defineTable('practice_capabilities', [
  'capability',
  'practice_code',
  'change',
  'changed_on',
  'solution',
  'supplier',
  'route',
  'reason',
]);

export const CAPABILITY_ROWS = [
  rowMapping({
    type: 'CapabilityDeployed',
    table: PRACTICE_CAPABILITIES,
    columns: {
      capability: { text: 'capability' },
      practice_code: { text: 'practiceCode' },
      change: { constant: 'DEPLOYED' },
      changed_on: { occurredOn: true },
      solution: { text: 'solution' },
      supplier: { text: 'supplier' },
      route: { text: 'route' },
      reason: { constant: '' },
    },
  }),
  rowMapping({
    type: 'CapabilityWithdrawn',
    table: PRACTICE_CAPABILITIES,
    columns: {
      capability: { text: 'capability' },
      practice_code: { text: 'practiceCode' },
      change: { constant: 'WITHDRAWN' },
      changed_on: { occurredOn: true },
      solution: { constant: '' },
      supplier: { constant: '' },
      route: { constant: '' },
      reason: { text: 'reason' },
    },
  }),
] as const;
