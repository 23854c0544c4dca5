import { TABLES } from '@gpds/analytics-clickhouse';
import type { Level } from '../shared/arguments';
import { groupExpression, hierarchyJoin, parentFilter, periodExpression, type RollupSqlScope } from '../shared/rollup-sql';

/**
 * The SQL of the incidents measures (docs/measures.md), built from fixed fragments (see
 * shared/rollup-sql.ts): cyber incidents, personal data breaches and losses of access to patient
 * records, one row per incident, breach or loss as of {asOf} over the facts recorded by
 * {knownAt}, each in the period holding its detection (a loss: its beginning), grouped by the
 * hierarchy of {asOf}. The `bi` views of incidents (incident-views.ts in
 * @gpds/analytics-clickhouse) say the same per row; the integration test holds the two together.
 *
 * Parameters: from, to, asOf, knownAt, hours (the 72 of BREACHES_REPORTED_WITHIN_72H), months
 * (the 12 of BCP_REVIEWED_LAST_12_MONTHS), parent, limit, offset. Instants are UTC; a day is a
 * UTC day.
 */

/** The end of {asOf}: midnight UTC after it. An incident still open then is open on asOf; a loss still open runs to it. */
const AS_OF_END = `addDays(toDateTime64({asOf:Date}, 3, 'UTC'), 1)`;
const KNOWN = 'recorded_at <= {knownAt:DateTime64(3)}';
const IN_RANGE = 'day BETWEEN {from:Date} AND {to:Date}';
/** Milliseconds between two instants, in hours. */
const hoursBetween = (from: string, to: string) => `dateDiff('millisecond', ${from}, ${to}) / 3600000`;

/**
 * One row per cyber incident (per organisation and incident id) reported on or before {asOf} and
 * detected in the range: its severity and high-severity flag as reported, open (not resolved on or
 * before {asOf}), and the hours from its detection to its report. A commissioner's own incident
 * has the commissioner's code.
 */
export function cyberIncidentItemsSql(db: string): string {
  // The report's row (the first, should a feed ever send two) states everything but the resolution.
  const reported = (column: string) => `argMinIf(${column}, (occurred_at, event_position), change = 'REPORTED')`;
  return `SELECT organisation_code, toDate(detected_at) AS day, severity, high_severity, toUInt8(resolved = 0) AS open,
       ${hoursBetween('detected_at', 'reported_at')} AS hours
     FROM (
       SELECT organisation_code, incident_id,
         minIf(occurred_at, change = 'REPORTED') AS reported_at,
         assumeNotNull(${reported('detected_at')}) AS detected_at,
         assumeNotNull(${reported('severity')}) AS severity,
         ${reported('high_severity')} AS high_severity,
         countIf(change = 'RESOLVED') > 0 AS resolved
       FROM ${db}.${TABLES.cyberIncidents}
       WHERE ${KNOWN} AND toDate(occurred_at) <= {asOf:Date}
       GROUP BY organisation_code, incident_id
       HAVING countIf(change = 'REPORTED') > 0)
     WHERE ${IN_RANGE}`;
}

/**
 * One row per personal data breach (per practice and breach id) detected in the range, over its
 * records recorded on or before {asOf}, exactly as BREACHES_REPORTED_WITHIN_72H reads them
 * (compliance-sql.ts): detected at the earliest detection given, reportable as its latest record
 * says, reported at the earliest ICO report time given. Within: reached the ICO at most {hours}
 * after detection (72 h exactly is within); late: more; not reported: no report time yet;
 * overdue: not reported and the {hours} had passed by the end of {asOf}. The rule's "late" is
 * late + overdue.
 */
export function dataBreachItemsSql(db: string): string {
  return `SELECT practice_code AS organisation_code, toDate(detected) AS day, reportable,
       toUInt8(reportable = 1 AND ifNull(reported <= deadline, 0)) AS within,
       toUInt8(reportable = 1 AND ifNull(reported > deadline, 0)) AS late,
       toUInt8(reportable = 1 AND reported IS NULL) AS not_reported,
       toUInt8(reportable = 1 AND reported IS NULL AND ${AS_OF_END} > deadline) AS overdue
     FROM (
       SELECT practice_code, breach_id, min(detected_at) AS detected,
         argMax(reportable_to_ico, (recorded_on, event_position)) AS reportable,
         min(reported_to_ico_at) AS reported,
         detected + toIntervalHour({hours:UInt16}) AS deadline
       FROM ${db}.${TABLES.practiceDataBreaches}
       WHERE recorded_on <= {asOf:Date} AND ${KNOWN}
       GROUP BY practice_code, breach_id)
     WHERE ${IN_RANGE}`;
}

/**
 * One row per loss of access to a practice's records begun in the range (on or before {asOf}):
 * a LOST row paired with the practice's next row when that is its RESTORED (losses do not
 * overlap: the deciders see to it; at one instant a loss comes before its restoration). A loss
 * with no restoration on or before {asOf} is ongoing and runs to the end of {asOf}. bcp_activated
 * is the restoration's word when there is one (its final word), else the loss's. bcp_reviewed_on:
 * the practice's latest BCP review on or before the day the loss began (as known at {knownAt});
 * bcp_reviewed: that review was at most {months} months before (as BCP_REVIEWED_LAST_12_MONTHS
 * judges a review on the loss's day).
 */
export function recordAccessLossItemsSql(db: string): string {
  return `SELECT l.practice_code AS practice_code, l.practice_code AS organisation_code, toDate(l.lost_at) AS day, l.lost_at AS lost_at,
       l.restored_at AS restored_at, toUInt8(l.restored_at IS NULL) AS ongoing,
       ${hoursBetween('l.lost_at', `ifNull(l.restored_at, ${AS_OF_END})`)} AS hours,
       l.cause AS cause, l.activated AS bcp_activated,
       arrayFilter(d -> d <= day, r.reviewed) AS reviews_before,
       if(empty(reviews_before), NULL, arrayMax(reviews_before)) AS bcp_reviewed_on,
       toUInt8(ifNull(bcp_reviewed_on >= addMonths(day, -{months:UInt16}), 0)) AS bcp_reviewed,
       l.lost_event_id AS lost_event_id, l.restored_event_id AS restored_event_id
     FROM (
       SELECT practice_code, occurred_at AS lost_at, cause,
         if(tupleElement(next, 1) = 'RESTORED', tupleElement(next, 2), NULL) AS restored_at,
         if(tupleElement(next, 1) = 'RESTORED', tupleElement(next, 3), lost_bcp) AS activated,
         event AS lost_event_id,
         if(tupleElement(next, 1) = 'RESTORED', tupleElement(next, 4), NULL) AS restored_event_id
       FROM (
         SELECT practice_code, change, occurred_at, cause, bcp_activated AS lost_bcp, toString(event_id) AS event,
           leadInFrame(tuple(change, occurred_at, bcp_activated, toString(event_id)), 1) OVER (
             PARTITION BY practice_code ORDER BY occurred_at, change = 'RESTORED', event_position
             ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next
         FROM ${db}.${TABLES.practiceRecordAccess}
         WHERE ${KNOWN} AND toDate(occurred_at) BETWEEN {from:Date} AND {asOf:Date})
       WHERE change = 'LOST') AS l
     LEFT JOIN (
       SELECT practice_code, groupArray(reviewed_on) AS reviewed
       FROM ${db}.${TABLES.practiceBcpReviews}
       WHERE ${KNOWN} AND practice_code IN (SELECT practice_code FROM ${db}.${TABLES.practiceRecordAccess})
       GROUP BY practice_code) AS r ON r.practice_code = l.practice_code
     WHERE ${IN_RANGE}`;
}

/** The columns every kind's rows have in the roll-up, with what a kind that does not state one has. */
const ROLLUP_COLUMNS = {
  practice_code: "''",
  severity: 'toUInt8(0)',
  high_severity: 'toUInt8(0)',
  open: 'toUInt8(0)',
  hours: 'toFloat64(0)',
  reportable: 'toUInt8(0)',
  within: 'toUInt8(0)',
  late: 'toUInt8(0)',
  not_reported: 'toUInt8(0)',
  overdue: 'toUInt8(0)',
  ongoing: 'toUInt8(0)',
  bcp_activated: 'toUInt8(0)',
  bcp_reviewed: 'toUInt8(0)',
} as const;

type Kind = 'CYBER' | 'BREACH' | 'LOSS';

function branch(kind: Kind, items: string, stated: ReadonlyArray<keyof typeof ROLLUP_COLUMNS>): string {
  const columns = Object.entries(ROLLUP_COLUMNS).map(
    ([column, none]) => `${stated.includes(column as keyof typeof ROLLUP_COLUMNS) ? column : none} AS ${column}`,
  );
  return `SELECT '${kind}' AS kind, organisation_code, day, ${columns.join(', ')} FROM (${items})`;
}

/**
 * Per organisation at the level under the parent and period: the counts of each kind (cyber_*,
 * breach_*, loss_*). An organisation and period with nothing of any kind has no row. England
 * counts every row; lower levels those of organisations in the hierarchy of {asOf} (as the other
 * roll-ups).
 */
export function incidentsRollupSql(options: RollupSqlScope): string {
  const db = options.database;
  const items = [
    branch('CYBER', cyberIncidentItemsSql(db), ['severity', 'high_severity', 'open', 'hours']),
    branch('BREACH', dataBreachItemsSql(db), ['reportable', 'within', 'late', 'not_reported', 'overdue']),
    branch('LOSS', recordAccessLossItemsSql(db), ['practice_code', 'hours', 'ongoing', 'bcp_activated', 'bcp_reviewed']),
  ].join('\n    UNION ALL\n    ');
  const cyber = "x.kind = 'CYBER'";
  const breach = "x.kind = 'BREACH'";
  const loss = "x.kind = 'LOSS'";
  return `
SELECT ${groupExpression(options.level)} AS code, ${periodExpression(options.granularity, 'x.day')} AS period,
       countIf(${cyber}) AS cyber_reported,
       [countIf(${cyber} AND x.severity = 1), countIf(${cyber} AND x.severity = 2), countIf(${cyber} AND x.severity = 3), countIf(${cyber} AND x.severity = 4)] AS cyber_by_severity,
       countIf(${cyber} AND x.high_severity = 1) AS cyber_high_severity,
       countIf(${cyber} AND x.high_severity = 1 AND x.open = 1) AS cyber_high_severity_open,
       countIf(${cyber} AND x.open = 1) AS cyber_open,
       if(cyber_reported = 0, [NULL, NULL], arrayMap(q -> toNullable(q), quantilesExactInclusiveIf(0.5, 0.9)(x.hours, ${cyber}))) AS cyber_hours_to_report,
       countIf(${breach}) AS breach_detected,
       countIf(${breach} AND x.reportable = 1) AS breach_reportable,
       countIf(${breach} AND x.within = 1) AS breach_within,
       countIf(${breach} AND x.late = 1) AS breach_late,
       countIf(${breach} AND x.not_reported = 1) AS breach_not_reported,
       countIf(${breach} AND x.overdue = 1) AS breach_overdue,
       countIf(${loss}) AS loss_count,
       uniqExactIf(x.practice_code, ${loss}) AS loss_practices,
       sumIf(x.hours, ${loss}) AS loss_hours,
       if(loss_count = 0, NULL, quantileExactInclusiveIf(0.5)(x.hours, ${loss})) AS loss_median_hours,
       countIf(${loss} AND x.ongoing = 1) AS loss_ongoing,
       countIf(${loss} AND x.bcp_activated = 1) AS loss_bcp_activated,
       countIf(${loss} AND x.bcp_reviewed = 1) AS loss_bcp_reviewed,
       count() OVER () AS total
FROM (
    ${items}
) AS x
${hierarchyJoin(options.hierarchy, options.hierarchyJoin, 'x')}
WHERE ${parentFilter(options.parentLevel)}
GROUP BY code, period
HAVING code != ''
ORDER BY code, period
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

export interface LossListSqlScope extends Omit<RollupSqlScope, 'granularity' | 'level'> {
  readonly level: Level;
}

/**
 * A page of the losses of record access begun in the range under the parent, each with its
 * practice's organisation at the level (grp), by that organisation, then when the loss began,
 * then practice. The losses the roll-up at the same level and parent counts, one by one.
 */
export function recordAccessLossPageSql(options: LossListSqlScope): string {
  return `
SELECT x.practice_code AS practice_code, ${groupExpression(options.level)} AS grp,
       toString(x.lost_at) AS lost_at, if(x.restored_at IS NULL, NULL, toString(x.restored_at)) AS restored_at,
       x.hours AS hours, x.ongoing AS ongoing, x.cause AS cause, x.bcp_activated AS bcp_activated, x.bcp_reviewed AS bcp_reviewed,
       if(x.bcp_reviewed_on IS NULL, NULL, toString(x.bcp_reviewed_on)) AS bcp_reviewed_on,
       x.lost_event_id AS lost_event_id, x.restored_event_id AS restored_event_id,
       count() OVER () AS total
FROM (${recordAccessLossItemsSql(options.database)}) AS x
${hierarchyJoin(options.hierarchy, options.hierarchyJoin, 'x')}
WHERE ${parentFilter(options.parentLevel)} AND grp != ''
ORDER BY grp, x.lost_at, x.practice_code
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
