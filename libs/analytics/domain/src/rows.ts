import type { RecordedEvent } from '@gpds/event-store';
import {
  CARBON_METRICS,
  GOVERNANCE_ROW_MAPPINGS,
  PRACTICE_AGREEMENTS,
  PRACTICE_BCP_REVIEWS,
  PRACTICE_CAPABILITIES,
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
import { BEGINNING, OPEN_END, type Row, type RowMapping, type TableShape } from '@gpds/shared-contracts';

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
} as const satisfies Record<string, TableShape<ProjectedTable>>;
export type RowsByTable = Map<ProjectedTable, Row[]>;

export { BEGINNING, OPEN_END };

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

/** ISO 8601 with any offset -> 'YYYY-MM-DD hh:mm:ss.sss' in UTC, which every ClickHouse parses. */
export function dateTime(iso: string): string {
  // The shapes the platform writes (UTC with seconds, milliseconds or the event store's
  // microseconds, cut to milliseconds) by slicing: this runs twice per projected event.
  if (
    (iso.length === 24 || iso.length === 27) &&
    iso.charCodeAt(iso.length - 1) === 90 /* Z */ &&
    iso.charCodeAt(10) === 84 /* T */ &&
    iso.charCodeAt(19) === 46 /* . */
  ) {
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  }
  if (iso.length === 20 && iso.charCodeAt(19) === 90 && iso.charCodeAt(10) === 84) return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.000`;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) throw new RangeError(`'${iso}' is not an ISO 8601 date-time`);
  return t.toISOString().replace('T', ' ').replace('Z', '');
}
