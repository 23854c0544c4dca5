import { BEGINNING, defineTable, rowMapping } from '@gpds/shared-contracts';

/** Every change to an organisation (registered, renamed, closed): the dated directory is built from these. */
export const ORGANISATION_CHANGES = defineTable('organisation_changes', [
  'code',
  'event_type',
  'name',
  'level',
  'effective_from',
  'closed_on',
  'successor_code',
  'postcode',
]);
/** Every change of a parent (PCN, commissioner, ICB, region), with the dates it held. */
export const ORGANISATION_RELATIONSHIP_CHANGES = defineTable('organisation_relationship_changes', [
  'child_code',
  'relationship',
  'parent_code',
  'effective_from',
  'effective_to',
]);

export const ORGANISATION_ROWS = [
  rowMapping({
    type: 'OrganisationRegistered',
    table: ORGANISATION_CHANGES,
    columns: {
      code: { text: 'code' },
      event_type: { constant: 'OrganisationRegistered' },
      name: { text: 'name' },
      level: { text: 'level' },
      effective_from: { date: 'effectiveFrom', otherwise: BEGINNING },
      closed_on: { constant: null },
      successor_code: { constant: '' },
      postcode: { text: 'postcode' },
    },
  }),
  rowMapping({
    type: 'OrganisationRenamed',
    table: ORGANISATION_CHANGES,
    columns: {
      code: { text: 'code' },
      event_type: { constant: 'OrganisationRenamed' },
      name: { text: 'name' },
      level: { constant: '' },
      effective_from: { date: 'effectiveFrom', otherwise: BEGINNING },
      closed_on: { constant: null },
      successor_code: { constant: '' },
      postcode: { constant: '' },
    },
  }),
  rowMapping({
    type: 'OrganisationClosed',
    table: ORGANISATION_CHANGES,
    columns: {
      code: { text: 'code' },
      event_type: { constant: 'OrganisationClosed' },
      name: { constant: '' },
      level: { constant: '' },
      effective_from: { constant: BEGINNING },
      closed_on: { date: 'closedOn' },
      successor_code: { text: 'successorCode' },
      postcode: { constant: '' },
    },
  }),
  rowMapping({
    type: 'OrganisationRelationshipChanged',
    table: ORGANISATION_RELATIONSHIP_CHANGES,
    columns: {
      child_code: { text: 'childCode' },
      relationship: { text: 'relationship' },
      parent_code: { text: 'parentCode' },
      effective_from: { date: 'effectiveFrom', otherwise: BEGINNING },
      effective_to: { date: 'effectiveTo' },
    },
  }),
] as const;
