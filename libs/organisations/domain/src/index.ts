export {
  EVIDENCE_ROWS,
  HIERARCHY_SOURCES,
  ORGANISATION_CHANGES,
  ORGANISATION_OBSERVATIONS,
  ORGANISATION_RELATIONSHIP_CHANGES,
  ORGANISATION_ROWS,
  ORGANISATION_TIMELINES,
} from './organisation.rows';
export { mappingFileSource, readMappingSnapshot, snapshotEvidence, type HierarchySnapshot, type SnapshotProblem } from './mapping-snapshot';
export { OrganisationDirectory, type DirectoryState, type Lineage } from './organisation-directory';
export {
  HIERARCHY_SOURCES_STREAM,
  isIsoDate,
  nextDay,
  ORGANISATION_EVENT_TYPES,
  organisationStreamId,
  type EvidenceKind,
  type OrganisationEvent,
  type OrganisationLevel,
  type RelationshipKind,
} from './organisation-events';
export {
  planEvidence,
  type EvidencePlan,
  type EvidenceSummary,
  type HierarchyEvidence,
  type ObservedOrganisation,
  type PlacementDifference,
  type PlannedEvent,
} from './evidence/evidence-plan';
export { checkHierarchyEvidence } from './evidence/evidence-check';
export {
  PUBLICATION_PRIORITY,
  resolveTimeline,
  type KnownChangeDates,
  type Observation,
  type RecordedSource,
  type ResolvedTimeline,
} from './evidence/resolve-timeline';

/** The source system of organisation events derived from hierarchy evidence (mapping files and publications). */
export const ODS_SOURCE_SYSTEM = 'ods-practice-mapping';
