import type { RecordedEvent } from '@gpds/event-store';

/**
 * How each stored event becomes rows of the analytics tables: pure, deterministic (the same
 * event always gives the same row, which is what makes a replayed batch deduplicate), and
 * free of any driver. Rows are arrays in the column order of TABLE_COLUMNS, the compact form
 * ClickHouse ingests fastest (JSONCompactEachRow).
 */

/** The base tables the projector writes. Roll-ups are kept by materialized views on them. */
export const PROJECTED_TABLES = [
  'organisation_changes',
  'organisation_relationship_changes',
  'practice_agreements',
  'practice_bcp_reviews',
  'practice_capabilities',
  'utilisation_samples',
  'carbon_metrics',
] as const;
export type ProjectedTable = (typeof PROJECTED_TABLES)[number];

/** Every fact table ends with these: when it happened, when the platform learnt it, where it came from. */
const PROVENANCE = ['occurred_at', 'recorded_at', 'event_position', 'event_id', 'source_system', 'source_record'] as const;

export const TABLE_COLUMNS: Readonly<Record<ProjectedTable, readonly string[]>> = {
  organisation_changes: ['code', 'event_type', 'name', 'level', 'effective_from', 'closed_on', 'successor_code', 'postcode', ...PROVENANCE],
  organisation_relationship_changes: ['child_code', 'relationship', 'parent_code', 'effective_from', 'effective_to', ...PROVENANCE],
  practice_agreements: ['practice_code', 'agreement_id', 'change', 'commissioner_code', 'term_start', 'term_end', 'terminated_on', 'reason', ...PROVENANCE],
  practice_bcp_reviews: ['practice_code', 'reviewed_by', 'reviewed_on', 'outcome', 'covers', ...PROVENANCE],
  practice_capabilities: ['capability', 'practice_code', 'change', 'changed_on', 'solution', 'supplier', 'route', 'reason', ...PROVENANCE],
  utilisation_samples: ['capability', 'metric', 'period_start', 'period_end', 'organisation_code', 'organisation_level', 'value', 'supplier', ...PROVENANCE],
  carbon_metrics: ['footprint', 'category', 'period_start', 'period_end', 'organisation_code', 'organisation_level', 'kg_co2e', 'method', ...PROVENANCE],
};

export type Row = ReadonlyArray<string | number | null | readonly string[]>;
export type RowsByTable = Map<ProjectedTable, Row[]>;

/** Open-ended dates: the hierarchy "since records begin" and "until further notice". */
export const BEGINNING = '1970-01-01';
export const OPEN_END = '2149-06-06';

type Data = Record<string, unknown>;

/** Adds the rows of one event to `out` and says how many; events of types it does not project add none. */
export function projectEvent(event: RecordedEvent, out: RowsByTable): number {
  const d = (event.data ?? {}) as Data;
  let added = 0;
  const add = (table: ProjectedTable, row: Row): void => {
    let rows = out.get(table);
    if (!rows) out.set(table, (rows = []));
    rows.push(row);
    added++;
  };
  const m = event.metadata;
  const provenance = [
    dateTime(m.occurredAt),
    dateTime(m.recordedAt),
    event.globalPosition,
    event.eventId,
    m.source?.system ?? '',
    m.source?.recordId ?? '',
  ] as const;
  switch (event.type) {
    case 'OrganisationRegistered':
      add('organisation_changes', [str(d['code']), event.type, str(d['name']), str(d['level']), dateOr(d['effectiveFrom'], BEGINNING), null, '', str(d['postcode']), ...provenance]);
      return added;
    case 'OrganisationRenamed':
      add('organisation_changes', [str(d['code']), event.type, str(d['name']), '', dateOr(d['effectiveFrom'], BEGINNING), null, '', '', ...provenance]);
      return added;
    case 'OrganisationClosed':
      add('organisation_changes', [str(d['code']), event.type, '', '', BEGINNING, dateOrNull(d['closedOn']), str(d['successorCode']), '', ...provenance]);
      return added;
    case 'OrganisationRelationshipChanged':
      add('organisation_relationship_changes', [
        str(d['childCode']),
        str(d['relationship']),
        str(d['parentCode']),
        dateOr(d['effectiveFrom'], BEGINNING),
        dateOrNull(d['effectiveTo']),
        ...provenance,
      ]);
      return added;
    case 'CcgPracticeAgreementSigned':
      add('practice_agreements', [
        str(d['practiceCode']),
        str(d['agreementId']),
        'SIGNED',
        str(d['commissionerCode']),
        dateOrNull(d['termStart']),
        dateOrNull(d['termEnd']),
        null,
        '',
        ...provenance,
      ]);
      return added;
    case 'CcgPracticeAgreementTerminated':
      add('practice_agreements', [
        str(d['practiceCode']),
        str(d['agreementId']),
        'TERMINATED',
        str(d['commissionerCode']),
        null,
        null,
        dateOrNull(d['terminatedOn']),
        str(d['reason']),
        ...provenance,
      ]);
      return added;
    case 'BusinessContinuityPlanReviewed':
      add('practice_bcp_reviews', [
        str(d['practiceCode']),
        str(d['reviewedBy']),
        m.occurredAt.slice(0, 10),
        str(d['outcome']),
        Array.isArray(d['covers']) ? (d['covers'] as unknown[]).map(String) : [],
        ...provenance,
      ]);
      return added;
    case 'CapabilityDeployed':
      add('practice_capabilities', [
        str(d['capability']),
        str(d['practiceCode']),
        'DEPLOYED',
        m.occurredAt.slice(0, 10),
        str(d['solution']),
        str(d['supplier']),
        str(d['route']),
        '',
        ...provenance,
      ]);
      return added;
    case 'CapabilityWithdrawn':
      add('practice_capabilities', [str(d['capability']), str(d['practiceCode']), 'WITHDRAWN', m.occurredAt.slice(0, 10), '', '', '', str(d['reason']), ...provenance]);
      return added;
    case 'UtilisationSampleRecorded':
      add('utilisation_samples', [
        str(d['capability']),
        str(d['metric']),
        str(d['periodStart']),
        str(d['periodEnd']),
        str(d['organisationCode']),
        str(d['organisationLevel']),
        count(d['value']),
        str(d['supplier']),
        ...provenance,
      ]);
      return added;
    case 'CarbonMetricRecorded':
      add('carbon_metrics', [
        str(d['footprint']),
        str(d['category']),
        str(d['periodStart']),
        str(d['periodEnd']),
        str(d['organisationCode']),
        str(d['organisationLevel']),
        num(d['kgCo2e']),
        str(d['method']),
        ...provenance,
      ]);
      return added;
    default:
      return added;
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/**
 * A value ClickHouse cannot store is handed on as a text it refuses, so the row lands in
 * projection_errors with its event: never a silent 0 or a wrapped count in a national total.
 */
function num(value: unknown): number | string {
  return typeof value === 'number' && Number.isFinite(value) ? value : `not a number: ${String(value)}`;
}

/** A count (a UInt64 column): a whole number >= 0 within JavaScript's exact integers, else refused as above. */
function count(value: unknown): number | string {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : `not a whole count: ${String(value)}`;
}

function dateOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function dateOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** ISO 8601 with any offset -> 'YYYY-MM-DD hh:mm:ss.sss' in UTC, which every ClickHouse parses. */
export function dateTime(iso: string): string {
  // The shapes the platform writes (UTC with seconds, milliseconds or the event store's
  // microseconds, cut to milliseconds) by slicing: this runs twice per projected event.
  if ((iso.length === 24 || iso.length === 27) && iso.charCodeAt(iso.length - 1) === 90 /* Z */ && iso.charCodeAt(10) === 84 /* T */ && iso.charCodeAt(19) === 46 /* . */) {
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  }
  if (iso.length === 20 && iso.charCodeAt(19) === 90 && iso.charCodeAt(10) === 84) return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.000`;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) throw new RangeError(`'${iso}' is not an ISO 8601 date-time`);
  return t.toISOString().replace('T', ' ').replace('Z', '');
}
