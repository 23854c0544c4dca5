import type { RecordedEvent } from '@gpds/event-store';
import {
  CARBON_METRICS,
  CYBER_INCIDENTS,
  GOVERNANCE_ROW_MAPPINGS,
  PRACTICE_AGREEMENTS,
  PRACTICE_BCP_REVIEWS,
  PRACTICE_CAPABILITIES,
  PRACTICE_CAS_REGISTRATIONS,
  PRACTICE_CLINICAL_SAFETY_ASSESSMENTS,
  PRACTICE_DATA_BREACHES,
  PRACTICE_DPO_DESIGNATIONS,
  PRACTICE_DSPT_ASSESSMENTS,
  PRACTICE_IT_REVIEWS,
  PRACTICE_LOCAL_SERVERS,
  PRACTICE_RECORD_ACCESS,
  PRACTICE_REMOTE_ACCESS_ASSESSMENTS,
  PRACTICE_SUBCONTRACTOR_APPROVALS,
  PRACTICE_UNSUPPORTED_SOFTWARE,
  UTILISATION_SAMPLES,
} from '@gpds/governance';
import {
  EVIDENCE_ROWS,
  HIERARCHY_SOURCES,
  ORGANISATION_CHANGES,
  ORGANISATION_OBSERVATIONS,
  ORGANISATION_RELATIONSHIP_CHANGES,
  ORGANISATION_ROWS,
  ORGANISATION_TIMELINES,
} from '@gpds/organisations';
import { BEGINNING, OPEN_END, dateTime, type Row, type RowMapping, type TableShape } from '@gpds/shared-contracts';

/**
 * How each stored event becomes rows of the analytics tables: pure, deterministic (the same
 * event always gives the same row, which is what makes a replayed batch deduplicate), and
 * free of any driver. Each fact kind declares its own mapping next to its decider
 * (`libs/governance/domain/src/<kind>/<kind>.rows.ts`, the organisations' in
 * `libs/organisations/domain`); this module only gathers them. Rows are arrays in the column
 * order of TABLE_COLUMNS, the compact form ClickHouse ingests fastest (JSONCompactEachRow).
 */

/** Every row mapping, by event type: one per type the analytics store holds. */
export const ROW_MAPPINGS: ReadonlyMap<string, RowMapping> = new Map(
  [...ORGANISATION_ROWS, ...EVIDENCE_ROWS, ...GOVERNANCE_ROW_MAPPINGS].map((mapping): [string, RowMapping] => [mapping.type, mapping as RowMapping]),
);

const TABLES = [...new Map([...ROW_MAPPINGS.values()].map((m): [string, TableShape] => [m.table.name, m.table])).values()];

/** The base tables the projector writes. Roll-ups are kept by materialized views on them. */
export const PROJECTED_TABLES = TABLES.map((t) => t.name) as readonly ProjectedTable[];
export type ProjectedTable =
  | (typeof ORGANISATION_ROWS)[number]['table']['name']
  | (typeof EVIDENCE_ROWS)[number]['table']['name']
  | (typeof GOVERNANCE_ROW_MAPPINGS)[number]['table']['name'];

/** Each table's columns in ingestion order, provenance last. */
export const TABLE_COLUMNS: Readonly<Record<ProjectedTable, readonly string[]>> = Object.fromEntries(TABLES.map((t) => [t.name, t.allColumns])) as Record<
  ProjectedTable,
  readonly string[]
>;

export type { Row };

/** The projected tables' shapes (name, columns), declared with their fact kinds' row mappings. */
export const PROJECTED_TABLE_SHAPES = {
  organisationChanges: ORGANISATION_CHANGES,
  organisationRelationshipChanges: ORGANISATION_RELATIONSHIP_CHANGES,
  organisationObservations: ORGANISATION_OBSERVATIONS,
  organisationTimelines: ORGANISATION_TIMELINES,
  hierarchySources: HIERARCHY_SOURCES,
  practiceAgreements: PRACTICE_AGREEMENTS,
  practiceBcpReviews: PRACTICE_BCP_REVIEWS,
  practiceCapabilities: PRACTICE_CAPABILITIES,
  utilisationSamples: UTILISATION_SAMPLES,
  carbonMetrics: CARBON_METRICS,
  practiceDsptAssessments: PRACTICE_DSPT_ASSESSMENTS,
  practiceDpoDesignations: PRACTICE_DPO_DESIGNATIONS,
  practiceCasRegistrations: PRACTICE_CAS_REGISTRATIONS,
  practiceClinicalSafetyAssessments: PRACTICE_CLINICAL_SAFETY_ASSESSMENTS,
  practiceItReviews: PRACTICE_IT_REVIEWS,
  practiceLocalServers: PRACTICE_LOCAL_SERVERS,
  practiceRemoteAccessAssessments: PRACTICE_REMOTE_ACCESS_ASSESSMENTS,
  practiceUnsupportedSoftware: PRACTICE_UNSUPPORTED_SOFTWARE,
  cyberIncidents: CYBER_INCIDENTS,
  practiceDataBreaches: PRACTICE_DATA_BREACHES,
  practiceRecordAccess: PRACTICE_RECORD_ACCESS,
  practiceSubcontractorApprovals: PRACTICE_SUBCONTRACTOR_APPROVALS,
} as const satisfies Record<string, TableShape<ProjectedTable>>;
export type RowsByTable = Map<ProjectedTable, Row[]>;

export { BEGINNING, OPEN_END };
/** ISO 8601 with any offset -> ClickHouse's 'YYYY-MM-DD hh:mm:ss.sss' in UTC (declared with the row-mapping kit, which instant fields use too). */
export { dateTime };

/** Adds the rows of one event to `out` and says how many; events of types it does not project add none. */
export function projectEvent(event: RecordedEvent, out: RowsByTable): number {
  const mapping = ROW_MAPPINGS.get(event.type);
  if (!mapping) return 0;
  const m = event.metadata;
  const row = mapping.row(event.data, m.occurredAt);
  row.push(dateTime(m.occurredAt), dateTime(m.recordedAt), event.globalPosition, event.eventId, m.source?.system ?? '', m.source?.recordId ?? '');
  const table = mapping.table.name as ProjectedTable;
  let rows = out.get(table);
  if (!rows) out.set(table, (rows = []));
  rows.push(row);
  return 1;
}
