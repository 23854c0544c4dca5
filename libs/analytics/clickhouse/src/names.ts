import { PROJECTED_TABLE_SHAPES } from '@gpds/analytics';

/**
 * The names of the databases, tables and views the analytics schema creates (schema.ts, and the
 * migration ledger of migrations.ts), for the DDL and for every query that reads them. Renaming
 * one here renames it in new SQL only: applied migrations are versioned by their text, so a
 * rename needs a new migration as well.
 */

/** The default database names: the live projected tables, and the views analysts and BI tools read. */
export const DATABASES = {
  live: 'gpds',
  bi: 'bi',
} as const;

/**
 * Tables in the live database (and in every rebuild database alike). Those named from
 * PROJECTED_TABLE_SHAPES are the base tables the projector writes, one per kind of fact, named
 * where their row mappings are declared (each fact kind's `<kind>.rows.ts`); the rest are kept by
 * materialized views, the projector, the rebuild and the migrations.
 */
export const TABLES = {
  organisationChanges: PROJECTED_TABLE_SHAPES.organisationChanges.name,
  organisationRelationshipChanges: PROJECTED_TABLE_SHAPES.organisationRelationshipChanges.name,
  /** Hierarchy evidence as each source stated it. */
  organisationObservations: PROJECTED_TABLE_SHAPES.organisationObservations.name,
  /** Resolved timelines: a code's latest replaces everything earlier known about it. */
  organisationTimelines: PROJECTED_TABLE_SHAPES.organisationTimelines.name,
  /** The sources of hierarchy evidence recorded. */
  hierarchySources: PROJECTED_TABLE_SHAPES.hierarchySources.name,
  practiceAgreements: PROJECTED_TABLE_SHAPES.practiceAgreements.name,
  practiceBcpReviews: PROJECTED_TABLE_SHAPES.practiceBcpReviews.name,
  practiceCapabilities: PROJECTED_TABLE_SHAPES.practiceCapabilities.name,
  utilisationSamples: PROJECTED_TABLE_SHAPES.utilisationSamples.name,
  carbonMetrics: PROJECTED_TABLE_SHAPES.carbonMetrics.name,
  // The rest of the Operating Model's facts (migration 5).
  practiceDsptAssessments: PROJECTED_TABLE_SHAPES.practiceDsptAssessments.name,
  practiceDpoDesignations: PROJECTED_TABLE_SHAPES.practiceDpoDesignations.name,
  practiceCasRegistrations: PROJECTED_TABLE_SHAPES.practiceCasRegistrations.name,
  practiceClinicalSafetyAssessments: PROJECTED_TABLE_SHAPES.practiceClinicalSafetyAssessments.name,
  practiceItReviews: PROJECTED_TABLE_SHAPES.practiceItReviews.name,
  /** Local clinical servers recorded in place and decommissioned. */
  practiceLocalServers: PROJECTED_TABLE_SHAPES.practiceLocalServers.name,
  practiceRemoteAccessAssessments: PROJECTED_TABLE_SHAPES.practiceRemoteAccessAssessments.name,
  /** Unsupported software detected and remediated. */
  practiceUnsupportedSoftware: PROJECTED_TABLE_SHAPES.practiceUnsupportedSoftware.name,
  /** Cyber incidents reported and resolved, at a practice or a commissioner (organisation_code, not practice_code). */
  cyberIncidents: PROJECTED_TABLE_SHAPES.cyberIncidents.name,
  practiceDataBreaches: PROJECTED_TABLE_SHAPES.practiceDataBreaches.name,
  /** Losses of access to patient records and restorations. */
  practiceRecordAccess: PROJECTED_TABLE_SHAPES.practiceRecordAccess.name,
  practiceSubcontractorApprovals: PROJECTED_TABLE_SHAPES.practiceSubcontractorApprovals.name,
  /** Roll-up, fed by MATERIALIZED_VIEWS.utilisationMonthly. */
  utilisationMonthly: 'utilisation_monthly',
  /** Roll-up, fed by MATERIALIZED_VIEWS.carbonMonthly. */
  carbonMonthly: 'carbon_monthly',
  /** The projector's range ledger. */
  projectorState: 'projector_state',
  /** Rows ClickHouse refused, with their event. */
  projectionErrors: 'projection_errors',
  /** The steps of a rebuild's swap. */
  rebuildSwaps: 'rebuild_swaps',
  /** The applied migrations (created by migrateAnalytics). */
  schemaMigrations: 'schema_migrations',
} as const;

/** Materialized views in the live database, each feeding a roll-up table. */
export const MATERIALIZED_VIEWS = {
  utilisationMonthly: 'utilisation_monthly_mv',
  carbonMonthly: 'carbon_monthly_mv',
} as const;

/** Views in the `bi` database. Names ending in `_at` are parameterised views (as_of, known_at). */
export const BI_VIEWS = {
  organisations: 'organisations',
  organisationRelationships: 'organisation_relationships',
  /** Parameterised: on_date. */
  organisationHierarchy: 'organisation_hierarchy',
  organisationObservations: 'organisation_observations',
  hierarchySources: 'hierarchy_sources',
  utilisationSamples: 'utilisation_samples',
  utilisationMonthly: 'utilisation_monthly',
  carbonMetrics: 'carbon_metrics',
  carbonMonthly: 'carbon_monthly',
  agreementEvents: 'agreement_events',
  agreementsAt: 'agreements_at',
  agreements: 'agreements',
  bcpReviews: 'bcp_reviews',
  bcpLatestReviewAt: 'bcp_latest_review_at',
  bcpLatestReview: 'bcp_latest_review',
  capabilityChanges: 'capability_changes',
  capabilityStatusAt: 'capability_status_at',
  capabilityStatus: 'capability_status',
  // The rest of the Operating Model's facts, as projected (migration 103).
  dsptAssessments: 'dspt_assessments',
  dpoDesignations: 'dpo_designations',
  casRegistrations: 'cas_registrations',
  clinicalSafetyAssessments: 'clinical_safety_assessments',
  itReviews: 'it_reviews',
  localServerChanges: 'local_server_changes',
  remoteAccessAssessments: 'remote_access_assessments',
  unsupportedSoftwareChanges: 'unsupported_software_changes',
  cyberIncidentChanges: 'cyber_incident_changes',
  dataBreaches: 'data_breaches',
  recordAccessChanges: 'record_access_changes',
  subcontractorApprovals: 'subcontractor_approvals',
  // Compliance with the Operating Model's rules (migration 104; docs/compliance.md).
  complianceRules: 'compliance_rules',
  /** Parameterised: as_of, known_at. One row per practice open on as_of and rule. */
  complianceAt: 'compliance_at',
  /** Parameterised: as_of, known_at. One row per level, organisation and rule (and ALL_RULES). */
  complianceByOrganisationAt: 'compliance_by_organisation_at',
  // National measures (migration 105; docs/measures.md).
  /** Every version of the digital maturity index: each input with its weight. */
  maturityIndexDefinitions: 'maturity_index_definitions',
  /** Parameterised: as_of, known_at. One row per practice open on as_of and index version. */
  maturityIndexAt: 'maturity_index_at',
  /** Parameterised: as_of, known_at. One row per level, organisation and index version. */
  maturityByOrganisationAt: 'maturity_by_organisation_at',
  /** The Net Zero trajectories: each footprint's points as a share of its baseline. */
  netZeroTrajectory: 'net_zero_trajectory',
  /** Parameterised: baseline_year, as_of, known_at. One row per level, organisation, footprint and financial year. */
  netZeroAt: 'net_zero_at',
  /** Parameterised: as_of, known_at. One row per cyber incident reported by as_of. */
  cyberIncidentsAt: 'cyber_incidents_at',
  /** Parameterised: as_of, known_at. One row per data breach detected by as_of. */
  dataBreachesAt: 'data_breaches_at',
  /** Parameterised: as_of, known_at. One row per loss of record access begun by as_of. */
  recordAccessLossesAt: 'record_access_losses_at',
  projectionErrors: 'projection_errors',
  projectionStatus: 'projection_status',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];
export type MaterializedViewName = (typeof MATERIALIZED_VIEWS)[keyof typeof MATERIALIZED_VIEWS];
export type BiViewName = (typeof BI_VIEWS)[keyof typeof BI_VIEWS];
