import { RULE_CATALOGUES, parameter, type RuleCatalogue } from '@gpds/compliance';
import { VIEW_PARAMETERS } from '../compliance/compliance-sql';
import { BI_VIEWS } from '../names';
import { cyberIncidentItemsSql, dataBreachItemsSql, recordAccessLossItemsSql, type IncidentAt } from './incident-sql';

/**
 * The `bi` views of incidents (migration 105; docs/measures.md): cyber incidents, data breaches
 * and losses of record access, each as of a date over the facts known at a time, one row per
 * incident, breach or loss, with the organisation's PCN, commissioner, ICB and region on as_of
 * (`organisation_hierarchy(on_date = as_of)`), so a BI tool can count them by any level.
 *
 * Their rows are incident-sql.ts's, the SQL the reporting API rolls up
 * (libs/reporting/queries/src/incidents, incidents.sql.ts; its integration test holds the API's
 * answers to these views), here with the views' as_of and known_at: "within 72 hours" is
 * BREACHES_REPORTED_WITHIN_72H's and "BCP reviewed" is BCP_REVIEWED_LAST_12_MONTHS's, with the
 * parameters of the rule catalogue given written in as literals (version 1 for migration 105;
 * views are versioned by their text, so a new catalogue is a new migration).
 */

/** A catalogue number written into SQL: checked, never request input. */
function num(value: number): string {
  if (!Number.isInteger(value) || value < 1) throw new Error(`incident views: rule parameter '${value}' is not a whole number of hours or months`);
  return String(value);
}

/** The hierarchy columns of the organisation on as_of ('' where a level does not apply or it is not open then). */
function withHierarchy(bi: string, items: string, columns: readonly string[]): string {
  return `SELECT ${columns.map((c) => `i.${c} AS ${c}`).join(', ')},
       h.pcn_code AS pcn_code, h.commissioner_code AS commissioner_code, h.icb_code AS icb_code, h.region_code AS region_code,
       'ENG' AS national_code
     FROM (${items}) AS i
     LEFT JOIN ${bi}.${BI_VIEWS.organisationHierarchy}(on_date = ${VIEW_PARAMETERS.asOf}) AS h ON h.code = i.organisation_code`;
}

/** The columns of bi.cyber_incidents_at before the hierarchy's, in order. */
const CYBER_INCIDENT_COLUMNS = [
  'organisation_code',
  'organisation_level',
  'practice_code',
  'incident_id',
  'severity',
  'high_severity',
  'reported_to',
  'detected_at',
  'detected_on',
  'reported_at',
  'hours_to_report',
  'resolved_at',
  'open',
  'reported_event_id',
  'resolved_event_id',
  'last_recorded_at',
] as const;

/** The columns of bi.data_breaches_at before the hierarchy's, in order. */
const DATA_BREACH_COLUMNS = [
  'practice_code',
  'breach_id',
  'detected_at',
  'detected_on',
  'reportable_to_ico',
  'reported_to_ico_at',
  'hours_to_report',
  'within_72_hours',
  'reported_late',
  'not_reported',
  'overdue',
  'records',
  'event_ids',
  'last_recorded_at',
] as const;

/** The columns of bi.record_access_losses_at before the hierarchy's, in order. */
const RECORD_ACCESS_LOSS_COLUMNS = [
  'practice_code',
  'lost_at',
  'lost_on',
  'restored_at',
  'ongoing',
  'hours',
  'cause',
  'bcp_activated',
  'bcp_reviewed_on',
  'bcp_reviewed',
  'lost_event_id',
  'restored_event_id',
] as const;

/** The view statements of one rule catalogue's parameters. */
export function incidentViewBodies(db: string, bi: string, catalogue: RuleCatalogue): Record<'cyberIncidents' | 'dataBreaches' | 'recordAccessLosses', string> {
  const rule = (id: string) => {
    const found = catalogue.rules.find((r) => r.id === id);
    if (!found) throw new Error(`incident views: the compliance rules v${catalogue.version} have no ${id}`);
    return found;
  };
  const at: IncidentAt = {
    ...VIEW_PARAMETERS,
    hours: num(parameter<number>(rule('BREACHES_REPORTED_WITHIN_72H'), 'hours')),
    months: num(parameter<number>(rule('BCP_REVIEWED_LAST_12_MONTHS'), 'months')),
  };
  return {
    cyberIncidents: withHierarchy(bi, cyberIncidentItemsSql({ db, at }), CYBER_INCIDENT_COLUMNS),
    dataBreaches: withHierarchy(bi, dataBreachItemsSql({ db, at }), DATA_BREACH_COLUMNS),
    recordAccessLosses: withHierarchy(bi, recordAccessLossItemsSql({ db, at }), RECORD_ACCESS_LOSS_COLUMNS),
  };
}

export function incidentViewStatements(db: string, bi: string): string[] {
  const view = (name: string, body: string) => `CREATE OR REPLACE VIEW ${bi}.${name} DEFINER = CURRENT_USER SQL SECURITY DEFINER AS ${body}`;
  const v1 = RULE_CATALOGUES.get(1);
  if (!v1) throw new Error('incident views: migration 105 reads the parameters of compliance rules v1, which are gone');
  const bodies = incidentViewBodies(db, bi, v1);
  return [
    view(BI_VIEWS.cyberIncidentsAt, bodies.cyberIncidents),
    view(BI_VIEWS.dataBreachesAt, bodies.dataBreaches),
    view(BI_VIEWS.recordAccessLossesAt, bodies.recordAccessLosses),
  ];
}
