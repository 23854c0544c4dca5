import {
  QUERY_PARAMETERS,
  cyberIncidentItemsSql,
  dataBreachItemsSql,
  recordAccessLossItemsSql,
  type IncidentAt,
  type IncidentRange,
} from '@gpds/analytics-clickhouse';
import type { Level } from '../shared/arguments';
import { groupExpression, hierarchyJoin, parentFilter, periodExpression, type RollupSqlScope } from '../shared/rollup-sql';

/**
 * The SQL of the incidents measures (docs/measures.md), built from fixed fragments (see
 * shared/rollup-sql.ts): cyber incidents, personal data breaches and losses of access to patient
 * records, one row per incident, breach or loss as of {asOf} over the facts recorded by
 * {knownAt}, each in the period holding its detection (a loss: its beginning), grouped by the
 * hierarchy of {asOf}. The rows are incident-sql.ts's in @gpds/analytics-clickhouse (where their
 * definitions are), the SQL the `bi` views of incidents run too.
 *
 * Parameters: from, to, asOf, knownAt, hours (the 72 of BREACHES_REPORTED_WITHIN_72H), months
 * (the 12 of BCP_REVIEWED_LAST_12_MONTHS), parent, limit, offset. Instants are UTC; a day is a
 * UTC day.
 */

/** The date, knowledge time and rule parameters, as query parameters. */
const AT: IncidentAt = { ...QUERY_PARAMETERS, hours: '{hours:UInt16}', months: '{months:UInt16}' };
/** The range asked about: an item counts when detected (a loss: begun) in it. */
const RANGE: IncidentRange = { from: '{from:Date}', to: '{to:Date}' };

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

/** One kind's items as roll-up rows: `day` from the kind's day column, each column the kind states from its item column. */
function branch(kind: Kind, items: string, day: string, stated: Partial<Record<keyof typeof ROLLUP_COLUMNS, string>>): string {
  const columns = Object.entries(ROLLUP_COLUMNS).map(([column, none]) => `${stated[column as keyof typeof ROLLUP_COLUMNS] ?? none} AS ${column}`);
  return `SELECT '${kind}' AS kind, organisation_code, ${day} AS day, ${columns.join(', ')} FROM (${items})`;
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
    branch('CYBER', cyberIncidentItemsSql({ db, at: AT, range: RANGE }), 'detected_on', {
      severity: 'severity',
      high_severity: 'high_severity',
      open: 'open',
      hours: 'hours_to_report',
    }),
    branch('BREACH', dataBreachItemsSql({ db, at: AT, range: RANGE }), 'detected_on', {
      reportable: 'reportable_to_ico',
      within: 'within_72_hours',
      late: 'reported_late',
      not_reported: 'not_reported',
      overdue: 'overdue',
    }),
    branch('LOSS', recordAccessLossItemsSql({ db, at: AT, range: RANGE }), 'lost_on', {
      practice_code: 'practice_code',
      hours: 'hours',
      ongoing: 'ongoing',
      bcp_activated: 'bcp_activated',
      bcp_reviewed: 'bcp_reviewed',
    }),
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
FROM (${recordAccessLossItemsSql({ db: options.database, at: AT, range: RANGE })}) AS x
${hierarchyJoin(options.hierarchy, options.hierarchyJoin, 'x')}
WHERE ${parentFilter(options.parentLevel)} AND grp != ''
ORDER BY grp, x.lost_at, x.practice_code
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
