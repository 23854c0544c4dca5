import { BEGINNING, OPEN_END, defineTable, rowMapping } from '@gpds/shared-contracts';

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

/** Hierarchy evidence as stated: what each mapping file and publication said about each organisation. */
export const ORGANISATION_OBSERVATIONS = defineTable('organisation_observations', [
  'code',
  'level',
  'name',
  'evidence',
  'source',
  'observed_from',
  'observed_to',
  'parent_relationships',
  'parent_codes',
]);

/** The resolved timeline of each organisation, as recorded each time it changed (the latest as known at a time wins). */
export const ORGANISATION_TIMELINES = defineTable('organisation_timelines', [
  'code',
  'level',
  'name',
  'postcode',
  'opened_on',
  'closed_on',
  'parent_relationships',
  'parent_codes',
  'parent_froms',
  'parent_tos',
  'learned_from',
  'observations',
]);

/** The sources of hierarchy evidence recorded, complete or not. */
export const HIERARCHY_SOURCES = defineTable('hierarchy_sources', ['source', 'evidence', 'observed_from', 'observed_to', 'complete', 'organisations']);

export const EVIDENCE_ROWS = [
  rowMapping({
    type: 'OrganisationObserved',
    table: ORGANISATION_OBSERVATIONS,
    columns: {
      code: { text: 'code' },
      level: { text: 'level' },
      name: { text: 'name' },
      evidence: { text: 'evidence' },
      source: { text: 'source' },
      observed_from: { date: 'observedFrom' },
      observed_to: { date: 'observedTo' },
      parent_relationships: { each: 'parents', field: 'relationship' },
      parent_codes: { each: 'parents', field: 'parentCode' },
    },
    notProjected: { postcode: 'the resolved timeline carries the postcode (organisation_timelines)' },
  }),
  rowMapping({
    type: 'OrganisationTimelineResolved',
    table: ORGANISATION_TIMELINES,
    columns: {
      code: { text: 'code' },
      level: { text: 'level' },
      name: { text: 'name' },
      postcode: { text: 'postcode' },
      opened_on: { date: 'openedOn', otherwise: BEGINNING },
      closed_on: { date: 'closedOn' },
      parent_relationships: { each: 'parents', field: 'relationship' },
      parent_codes: { each: 'parents', field: 'parentCode' },
      parent_froms: { each: 'parents', field: 'effectiveFrom', otherwise: BEGINNING },
      parent_tos: { each: 'parents', field: 'effectiveTo', otherwise: OPEN_END },
      learned_from: { text: 'learnedFrom' },
      observations: { count: 'observations' },
    },
  }),
  rowMapping({
    type: 'HierarchySourceRecorded',
    table: HIERARCHY_SOURCES,
    columns: {
      source: { text: 'source' },
      evidence: { text: 'evidence' },
      observed_from: { date: 'observedFrom' },
      observed_to: { date: 'observedTo' },
      complete: { flag: 'complete' },
      organisations: { count: 'organisations' },
    },
  }),
] as const;
