import { RULE_CATALOGUES, parameter, type RuleCatalogue } from '@gpds/compliance';
import { BI_VIEWS, TABLES } from '../names';

/**
 * The `bi` views of incidents (migration 105; docs/measures.md): cyber incidents, data breaches
 * and losses of record access, each as of a date over the facts known at a time, one row per
 * incident, breach or loss, with the organisation's PCN, commissioner, ICB and region on as_of
 * (`organisation_hierarchy(on_date = as_of)`), so a BI tool can count them by any level.
 *
 * They say per row what the reporting API counts (libs/reporting/queries/src/incidents,
 * incidents.sql.ts: the same definitions, which its integration test holds to these views):
 * "within 72 hours" is BREACHES_REPORTED_WITHIN_72H's and "BCP reviewed" is
 * BCP_REVIEWED_LAST_12_MONTHS's, with the parameters of the rule catalogue given (version 1 for
 * migration 105; views are versioned by their text, so a new catalogue is a new migration).
 */

const AS_OF = '{as_of:Date}';
const KNOWN = 'recorded_at <= {known_at:DateTime64(3)}';
/** The end of as_of: midnight UTC after it. */
const AS_OF_END = `addDays(toDateTime64(${AS_OF}, 3, 'UTC'), 1)`;
const hoursBetween = (from: string, to: string) => `dateDiff('millisecond', ${from}, ${to}) / 3600000`;

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
     LEFT JOIN ${bi}.${BI_VIEWS.organisationHierarchy}(on_date = ${AS_OF}) AS h ON h.code = i.organisation_code`;
}

/** One row per cyber incident reported on or before as_of; open: not resolved on or before as_of. */
function cyberIncidentsSql(db: string, bi: string): string {
  const reported = (column: string) => `argMinIf(${column}, (occurred_at, event_position), change = 'REPORTED')`;
  const items = `SELECT organisation_code, organisation_level, if(organisation_level = 'PRACTICE', organisation_code, '') AS practice_code, incident_id,
       severity, high_severity, reported_to, detected_at, toDate(detected_at) AS detected_on, reported_at,
       ${hoursBetween('detected_at', 'reported_at')} AS hours_to_report,
       resolved_at, toUInt8(resolved_at IS NULL) AS open, reported_event_id, resolved_event_id, last_recorded_at
     FROM (
       SELECT organisation_code, any(organisation_level) AS organisation_level, incident_id,
         minIf(occurred_at, change = 'REPORTED') AS reported_at,
         assumeNotNull(${reported('detected_at')}) AS detected_at,
         assumeNotNull(${reported('severity')}) AS severity,
         ${reported('high_severity')} AS high_severity,
         ${reported('reported_to')} AS reported_to,
         toString(${reported('event_id')}) AS reported_event_id,
         if(countIf(change = 'RESOLVED') > 0, minIf(occurred_at, change = 'RESOLVED'), NULL) AS resolved_at,
         if(countIf(change = 'RESOLVED') > 0, toString(argMinIf(event_id, (occurred_at, event_position), change = 'RESOLVED')), NULL) AS resolved_event_id,
         max(recorded_at) AS last_recorded_at
       FROM ${db}.${TABLES.cyberIncidents}
       WHERE ${KNOWN} AND toDate(occurred_at) <= ${AS_OF}
       GROUP BY organisation_code, incident_id
       HAVING countIf(change = 'REPORTED') > 0)`;
  return withHierarchy(bi, items, [
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
  ]);
}

/**
 * One row per personal data breach with a record on or before as_of, read as
 * BREACHES_REPORTED_WITHIN_72H reads it: the earliest detection and ICO report time given, the
 * latest record's reportability. The rule's "late" is reported_late + overdue.
 */
function dataBreachesSql(db: string, bi: string, hours: string): string {
  const items = `SELECT practice_code AS organisation_code, practice_code, breach_id, detected_at, toDate(detected_at) AS detected_on,
       reportable_to_ico, reported_to_ico_at,
       if(reported_to_ico_at IS NULL, NULL, ${hoursBetween('detected_at', 'assumeNotNull(reported_to_ico_at)')}) AS hours_to_report,
       toUInt8(reportable_to_ico = 1 AND ifNull(reported_to_ico_at <= deadline, 0)) AS within_72_hours,
       toUInt8(reportable_to_ico = 1 AND ifNull(reported_to_ico_at > deadline, 0)) AS reported_late,
       toUInt8(reportable_to_ico = 1 AND reported_to_ico_at IS NULL) AS not_reported,
       toUInt8(reportable_to_ico = 1 AND reported_to_ico_at IS NULL AND ${AS_OF_END} > deadline) AS overdue,
       records, event_ids, last_recorded_at
     FROM (
       SELECT practice_code, breach_id, min(detected_at) AS detected_at,
         argMax(reportable_to_ico, (recorded_on, event_position)) AS reportable_to_ico,
         min(reported_to_ico_at) AS reported_to_ico_at,
         detected_at + INTERVAL ${hours} HOUR AS deadline,
         count() AS records,
         arrayMap(e -> toString(tupleElement(e, 2)), arraySort(groupArray((event_position, event_id)))) AS event_ids,
         max(recorded_at) AS last_recorded_at
       FROM ${db}.${TABLES.practiceDataBreaches}
       WHERE recorded_on <= ${AS_OF} AND ${KNOWN}
       GROUP BY practice_code, breach_id)`;
  return withHierarchy(bi, items, [
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
  ]);
}

/**
 * One row per loss of access to a practice's records begun on or before as_of: the LOST row and
 * the practice's next row when that is its RESTORED; no restoration by as_of: ongoing, running to
 * the end of as_of. bcp_activated: the restoration's word (the final one), else the loss's.
 * bcp_reviewed_on: the latest BCP review on or before the day the loss began; bcp_reviewed: at
 * most `months` before it.
 */
function recordAccessLossesSql(db: string, bi: string, months: string): string {
  const next = (i: number) => `tupleElement(next, ${i})`;
  const items = `SELECT l.practice_code AS organisation_code, l.practice_code AS practice_code, l.lost_at AS lost_at, toDate(l.lost_at) AS lost_on,
       l.restored_at AS restored_at, toUInt8(l.restored_at IS NULL) AS ongoing,
       ${hoursBetween('l.lost_at', `ifNull(l.restored_at, ${AS_OF_END})`)} AS hours,
       l.cause AS cause, l.activated AS bcp_activated,
       arrayFilter(d -> d <= lost_on, r.reviewed) AS reviews_before,
       if(empty(reviews_before), NULL, arrayMax(reviews_before)) AS bcp_reviewed_on,
       toUInt8(ifNull(bcp_reviewed_on >= addMonths(lost_on, -${months}), 0)) AS bcp_reviewed,
       l.lost_event_id AS lost_event_id, l.restored_event_id AS restored_event_id
     FROM (
       SELECT practice_code, occurred_at AS lost_at, cause,
         if(${next(1)} = 'RESTORED', ${next(2)}, NULL) AS restored_at,
         if(${next(1)} = 'RESTORED', ${next(3)}, lost_bcp) AS activated,
         event AS lost_event_id,
         if(${next(1)} = 'RESTORED', ${next(4)}, NULL) AS restored_event_id
       FROM (
         SELECT practice_code, change, occurred_at, cause, bcp_activated AS lost_bcp, toString(event_id) AS event,
           leadInFrame(tuple(change, occurred_at, bcp_activated, toString(event_id)), 1) OVER (
             PARTITION BY practice_code ORDER BY occurred_at, change = 'RESTORED', event_position
             ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next
         FROM ${db}.${TABLES.practiceRecordAccess}
         WHERE ${KNOWN} AND toDate(occurred_at) <= ${AS_OF})
       WHERE change = 'LOST') AS l
     LEFT JOIN (
       SELECT practice_code, groupArray(reviewed_on) AS reviewed
       FROM ${db}.${TABLES.practiceBcpReviews}
       WHERE ${KNOWN} AND practice_code IN (SELECT practice_code FROM ${db}.${TABLES.practiceRecordAccess})
       GROUP BY practice_code) AS r ON r.practice_code = l.practice_code`;
  return withHierarchy(bi, items, [
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
  ]);
}

/** The view statements of one rule catalogue's parameters. */
export function incidentViewBodies(db: string, bi: string, catalogue: RuleCatalogue): Record<'cyberIncidents' | 'dataBreaches' | 'recordAccessLosses', string> {
  const rule = (id: string) => {
    const found = catalogue.rules.find((r) => r.id === id);
    if (!found) throw new Error(`incident views: the compliance rules v${catalogue.version} have no ${id}`);
    return found;
  };
  return {
    cyberIncidents: cyberIncidentsSql(db, bi),
    dataBreaches: dataBreachesSql(db, bi, num(parameter<number>(rule('BREACHES_REPORTED_WITHIN_72H'), 'hours'))),
    recordAccessLosses: recordAccessLossesSql(db, bi, num(parameter<number>(rule('BCP_REVIEWED_LAST_12_MONTHS'), 'months'))),
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
