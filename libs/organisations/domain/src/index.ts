export { ORGANISATION_CHANGES, ORGANISATION_RELATIONSHIP_CHANGES, ORGANISATION_ROWS } from './organisation.rows';
export { readMappingSnapshot, type SnapshotProblem } from './mapping-snapshot';
export { OrganisationDirectory } from './organisation-directory';
export { isIsoDate, ORGANISATION_EVENT_TYPES, type OrganisationEvent, type OrganisationLevel } from './organisation-events';
export { diffSnapshot, ODS_SOURCE_SYSTEM, type PlannedEvent, type SnapshotDiff } from './snapshot-diff';
