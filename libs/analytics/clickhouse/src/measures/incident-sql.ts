import type { ComplianceAt } from '../compliance/compliance-sql';
import { TABLES } from '../names';

/**
 * The incidents measures per item (docs/measures.md): one row per cyber incident, personal data
 * breach or loss of access to patient records, as of a date over the facts recorded by a
 * knowledge time. The SQL the reporting API rolls up (libs/reporting/queries/src/incidents,
 * incidents.sql.ts) and the `bi` views of incidents (incident-views.ts) both run, so the two
 * cannot drift apart. Instants are UTC; a day is a UTC day.
 *
 * Every value is an expression the caller gives: the reporting API's query parameters
 * ({asOf:Date}, {knownAt:DateTime64(3)}, {hours:UInt16}, ...), or a view's parameters (as_of,
 * known_at) with the rule catalogue's numbers written in as checked literals.
 */

/**
 * How the date and knowledge time (ComplianceAt) and the compliance rules' parameters the measures
 * share appear in the SQL, so the measures and the rules agree: `hours` is
 * BREACHES_REPORTED_WITHIN_72H's (the 72), `months` BCP_REVIEWED_LAST_12_MONTHS's (the 12).
 */
export interface IncidentAt extends ComplianceAt {
  readonly hours: string;
  readonly months: string;
}

/** The days an item's detection (a loss: its beginning) must fall in, both included: Date expressions. */
export interface IncidentRange {
  readonly from: string;
  readonly to: string;
}

export interface IncidentSqlOptions<At extends ComplianceAt = IncidentAt> {
  readonly db: string;
  readonly at: At;
  /** Only the items detected (begun) in the range; without one, every item known as of asOf. */
  readonly range?: IncidentRange;
}

const known = (at: ComplianceAt) => `recorded_at <= ${at.knownAt}`;
/** The end of asOf: midnight UTC after it. An incident still open then is open on asOf; a loss still open runs to it. */
const asOfEnd = (at: ComplianceAt) => `addDays(toDateTime64(${at.asOf}, 3, 'UTC'), 1)`;
/** Milliseconds between two instants, in hours. */
const hoursBetween = (from: string, to: string) => `dateDiff('millisecond', ${from}, ${to}) / 3600000`;
const inRange = (day: string, range: IncidentRange | undefined) => (range ? `\n     WHERE ${day} BETWEEN ${range.from} AND ${range.to}` : '');

/**
 * One row per cyber incident (per organisation and incident id) reported on or before asOf: its
 * severity, high-severity flag and recipient as reported, the hours from its detection to its
 * report (the CyberIncidentReported's occurred_at), and open (not resolved on or before asOf). A
 * commissioner's own incident has the commissioner's code and no practice_code.
 *
 * Columns: organisation_code, organisation_level, practice_code, incident_id, severity,
 * high_severity, reported_to, detected_at, detected_on, reported_at, hours_to_report, resolved_at,
 * open, reported_event_id, resolved_event_id, last_recorded_at.
 */
export function cyberIncidentItemsSql(options: IncidentSqlOptions<ComplianceAt>): string {
  const { db, at } = options;
  // The report's row (the first, should a feed ever send two) states everything but the resolution.
  const reported = (column: string) => `argMinIf(${column}, (occurred_at, event_position), change = 'REPORTED')`;
  return `SELECT organisation_code, organisation_level, if(organisation_level = 'PRACTICE', organisation_code, '') AS practice_code, incident_id,
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
       WHERE ${known(at)} AND toDate(occurred_at) <= ${at.asOf}
       GROUP BY organisation_code, incident_id
       HAVING countIf(change = 'REPORTED') > 0)${inRange('detected_on', options.range)}`;
}

/**
 * One row per personal data breach (per practice and breach id) over its records recorded on or
 * before asOf, exactly as BREACHES_REPORTED_WITHIN_72H reads them (compliance-sql.ts): detected at
 * the earliest detection given, reportable as its latest record says, reported at the earliest ICO
 * report time given. Of the reportable ones, within_72_hours: reached the ICO at most `hours` after
 * detection (72 h exactly is within); reported_late: more; not_reported: no report time yet;
 * overdue: not reported and the `hours` had passed by the end of asOf. The rule's "late" is
 * reported_late + overdue.
 *
 * Columns: organisation_code (the practice), practice_code, breach_id, detected_at, detected_on,
 * reportable_to_ico, reported_to_ico_at, hours_to_report, within_72_hours, reported_late,
 * not_reported, overdue, records, event_ids (in event order), last_recorded_at.
 */
export function dataBreachItemsSql(options: IncidentSqlOptions<ComplianceAt & Pick<IncidentAt, 'hours'>>): string {
  const { db, at } = options;
  return `SELECT practice_code AS organisation_code, practice_code, breach_id, detected AS detected_at, toDate(detected) AS detected_on,
       reportable AS reportable_to_ico, reported AS reported_to_ico_at,
       if(reported IS NULL, NULL, ${hoursBetween('detected', 'assumeNotNull(reported)')}) AS hours_to_report,
       toUInt8(reportable = 1 AND ifNull(reported <= deadline, 0)) AS within_72_hours,
       toUInt8(reportable = 1 AND ifNull(reported > deadline, 0)) AS reported_late,
       toUInt8(reportable = 1 AND reported IS NULL) AS not_reported,
       toUInt8(reportable = 1 AND reported IS NULL AND ${asOfEnd(at)} > deadline) AS overdue,
       records, event_ids, last_recorded_at
     FROM (
       SELECT practice_code, breach_id, min(detected_at) AS detected,
         argMax(reportable_to_ico, (recorded_on, event_position)) AS reportable,
         min(reported_to_ico_at) AS reported,
         detected + toIntervalHour(${at.hours}) AS deadline,
         count() AS records,
         arrayMap(e -> toString(tupleElement(e, 2)), arraySort(groupArray((event_position, event_id)))) AS event_ids,
         max(recorded_at) AS last_recorded_at
       FROM ${db}.${TABLES.practiceDataBreaches}
       WHERE recorded_on <= ${at.asOf} AND ${known(at)}
       GROUP BY practice_code, breach_id)${inRange('detected_on', options.range)}`;
}

/**
 * One row per loss of access to a practice's records begun on or before asOf (and, with a range,
 * on or after its from: earlier rows are not read): a LOST row paired with the practice's next row
 * when that is its RESTORED (losses do not overlap: the deciders see to it; at one instant a loss
 * comes before its restoration). A loss with no restoration on or before asOf is ongoing and runs
 * to the end of asOf. bcp_activated is the restoration's word when there is one (its final word),
 * else the loss's. bcp_reviewed_on: the practice's latest BCP review on or before the day the loss
 * began (as known at knownAt); bcp_reviewed: that review was at most `months` months before (as
 * BCP_REVIEWED_LAST_12_MONTHS judges a review on the loss's day).
 *
 * Columns: organisation_code (the practice), practice_code, lost_at, lost_on, restored_at,
 * ongoing, hours, cause, bcp_activated, reviews_before, bcp_reviewed_on, bcp_reviewed,
 * lost_event_id, restored_event_id.
 */
export function recordAccessLossItemsSql(options: IncidentSqlOptions<ComplianceAt & Pick<IncidentAt, 'months'>>): string {
  const { db, at, range } = options;
  const next = (i: number) => `tupleElement(next, ${i})`;
  const begun = range ? `BETWEEN ${range.from} AND ${at.asOf}` : `<= ${at.asOf}`;
  return `SELECT l.practice_code AS organisation_code, l.practice_code AS practice_code, l.lost_at AS lost_at, toDate(l.lost_at) AS lost_on,
       l.restored_at AS restored_at, toUInt8(l.restored_at IS NULL) AS ongoing,
       ${hoursBetween('l.lost_at', `ifNull(l.restored_at, ${asOfEnd(at)})`)} AS hours,
       l.cause AS cause, l.activated AS bcp_activated,
       arrayFilter(d -> d <= lost_on, r.reviewed) AS reviews_before,
       if(empty(reviews_before), NULL, arrayMax(reviews_before)) AS bcp_reviewed_on,
       toUInt8(ifNull(bcp_reviewed_on >= addMonths(lost_on, -${at.months}), 0)) AS bcp_reviewed,
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
         WHERE ${known(at)} AND toDate(occurred_at) ${begun})
       WHERE change = 'LOST') AS l
     LEFT JOIN (
       SELECT practice_code, groupArray(reviewed_on) AS reviewed
       FROM ${db}.${TABLES.practiceBcpReviews}
       WHERE ${known(at)} AND practice_code IN (SELECT practice_code FROM ${db}.${TABLES.practiceRecordAccess})
       GROUP BY practice_code) AS r ON r.practice_code = l.practice_code${inRange('lost_on', range)}`;
}
