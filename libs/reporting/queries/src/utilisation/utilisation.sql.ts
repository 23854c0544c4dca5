import { TABLES } from '@gpds/analytics-clickhouse';
import { groupExpression, hierarchyJoin, parentFilter, periodExpression, type RollupSqlScope } from '../shared/rollup-sql';

/**
 * The SQL of the utilisation roll-up, built from fixed fragments (see shared/rollup-sql.ts): the
 * benchmark sends exactly this SQL straight to ClickHouse as its baseline.
 */

export interface UtilisationSqlOptions extends RollupSqlScope {
  /** With knownAt the samples are read as recorded by then; otherwise the monthly roll-up. */
  readonly knownAt: boolean;
  /** Work out registered patients and rates (a second scan, of the list sizes): only when asked for. */
  readonly rates?: boolean;
  /**
   * Instead of the page of organisations, what could not be placed at the level (e.g. usage a
   * publication attributes only to a sub-ICB location, grouped by PCN), summed per period.
   */
  readonly unattributed?: boolean;
}

/**
 * Utilisation per organisation at a level (and per period): the sum of the metric, the practices
 * contributing, the registered patients of the practices with a known list size (their average
 * monthly REGISTERED_PATIENTS in the period) and the rate per 1,000 of them. Parameters: capability,
 * metric, from, to, asOf, parent, knownAt, limit, offset (not for `unattributed`).
 */
export function utilisationSql(options: UtilisationSqlOptions): string {
  const { database: db } = options;
  // Below a month, only the samples know the day; a month and above reads the monthly roll-up.
  const fromSamples = options.knownAt || options.granularity === 'DAY' || options.granularity === 'WEEK';
  const dateColumn = fromSamples ? 'period_start' : 'month';
  const source = (metricFilter: string, extra = ''): string =>
    fromSamples
      ? `FROM ${db}.${TABLES.utilisationSamples} WHERE ${metricFilter} AND period_start >= {from:Date} AND period_start <= {to:Date}${
          options.knownAt ? ' AND recorded_at <= {knownAt:DateTime64(3)}' : ''
        }${extra}`
      : `FROM ${db}.${TABLES.utilisationMonthly} WHERE ${metricFilter} AND month >= toStartOfMonth({from:Date}) AND month <= {to:Date}${extra}`;
  const period = periodExpression(options.granularity, dateColumn);
  const rates = options.rates !== false;
  // England needs no hierarchy: every fact counts for it.
  const hierarchy = options.level !== 'NATIONAL' || (options.parentLevel !== null && options.parentLevel !== 'NATIONAL');
  const grouped = `
WITH
  facts AS (${
    rates
      ? // One row per organisation and period, to meet its list size.
        `
    SELECT ${period} AS period, organisation_code, organisation_level, sum(value) AS value
    ${source('capability = {capability:String} AND metric = {metric:String}')}
    GROUP BY period, organisation_code, organisation_level)`
      : // Straight into the roll-up's own aggregation: one pass.
        `
    SELECT ${period} AS period, organisation_code, organisation_level, value
    ${source('capability = {capability:String} AND metric = {metric:String}')})`
  }${
    rates
      ? `,
  lists AS (
    SELECT ${period} AS period, organisation_code, sum(value) / uniqExact(toStartOfMonth(${dateColumn})) AS patients
    ${source(`metric = 'REGISTERED_PATIENTS'`, ` AND organisation_level = 'PRACTICE'`)}
    GROUP BY period, organisation_code)`
      : ''
  }
SELECT ${groupExpression(options.level)} AS code, f.period AS period,
       sum(f.value) AS value,
       -- distinct practices, counted on 64-bit hashes of their codes (a third faster than on the strings; no collision among ~10^4 codes in practice)
       uniqExactIf(cityHash64(f.organisation_code), f.organisation_level = 'PRACTICE') AS practices,
       ${
         rates
           ? `sumIf(l.patients, l.patients > 0) AS registered_patients,
       if(registered_patients > 0, sumIf(f.value, l.patients > 0) * 1000 / registered_patients, NULL) AS rate_per_1000,`
           : `0 AS registered_patients, NULL AS rate_per_1000,`
       }
       count() OVER () AS total
FROM facts AS f${hierarchy ? `\n${hierarchyJoin(options.hierarchy, options.hierarchyJoin, 'f')}` : ''}${
    rates ? `\nLEFT JOIN lists AS l ON l.period = f.period AND l.organisation_code = f.organisation_code AND f.organisation_level = 'PRACTICE'` : ''
  }
WHERE ${parentFilter(options.parentLevel)}
GROUP BY code, period`;
  return options.unattributed
    ? `SELECT period, sum(value) AS value FROM (${grouped}\nHAVING code = '') GROUP BY period ORDER BY period`
    : `${grouped}
HAVING code != ''
ORDER BY code, period
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
