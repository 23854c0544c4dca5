import { TABLES } from '@gpds/analytics-clickhouse';
import { groupExpression, hierarchyJoin, parentFilter, type RollupSqlScope } from '../shared/rollup-sql';

/**
 * The SQL of the Net Zero roll-up, built from fixed fragments (see shared/rollup-sql.ts). A fact
 * belongs to the financial year holding its period_start (a carbon metric covers at most one
 * financial year); a reporting unit is the organisation_code a fact is attached to. A fact counts
 * towards its own footprint and every footprint including it (the trajectory's `includes`: a
 * Carbon Footprint fact counts in Footprint Plus too). Per unit and footprint, the baseline is its
 * kgCO2e in the baseline year; per organisation at the level (by the hierarchy of {asOf}),
 * footprint and financial year, the sums the answer is worked out from (net-zero-queries.ts):
 * never an average of shares. Parameters: fromStart, toEnd (the first day of `from` and of the
 * year after `to`), baselineStart, baselineEnd, footprints (the one asked about, or every one
 * with a trajectory), factFootprints (the footprints whose facts are read: those the footprints
 * asked about count), countsTowards (for each of factFootprints, in its order, the places in
 * `footprints` of those its facts count towards), categories (the carbon catalogue's codes, in
 * order), knownAt, asOf, parent, limit, offset.
 */

export interface NetZeroSqlOptions extends Omit<RollupSqlScope, 'granularity'> {
  /** The carbon of every unit per footprint, category and financial year (carbonYearsSql, materialised). */
  readonly years: string;
  /** How many categories {categories:Array(String)} holds. */
  readonly categories: number;
}

/**
 * Every unit's kgCO2e per footprint, category and financial year (fy: the year it starts in; a fact
 * belongs to the year holding its period start): from the facts recorded by {knownAt} (carbon_metrics)
 * or, without a knowledge time, from the monthly roll-up. Materialised per knowledge time and state
 * of the carbon tables (net-zero-queries.ts): an answer then reads two years of about one row per
 * unit, footprint and category.
 */
export function carbonYearsSql(database: string, knownAt: boolean): string {
  return knownAt
    ? `SELECT organisation_code, footprint, category, toUInt16(toYear(addMonths(period_start, -3))) AS fy, sum(kg_co2e) AS kg_co2e
       FROM ${database}.${TABLES.carbonMetrics} WHERE recorded_at <= {knownAt:DateTime64(3)}
       GROUP BY organisation_code, footprint, category, fy`
    : `SELECT organisation_code, footprint, category, toUInt16(toYear(addMonths(month, -3))) AS fy, sum(kg_co2e) AS kg_co2e
       FROM ${database}.${TABLES.carbonMonthly}
       GROUP BY organisation_code, footprint, category, fy`;
}

/**
 * Per organisation at the level, footprint and financial year (fy: the year it starts in): the
 * kgCO2e of every unit (actual) and per category (by_category: one sum per category in the
 * catalogue's order; categories: a bit mask, bit i set when category i has a fact); of the units
 * with a baseline, how many, their kgCO2e (comparable) and their baselines summed (baseline); of
 * the others, how many and their kgCO2e. A unit counts in a year when it has a fact in it.
 *
 * One scan reads the years asked about and the baseline year; each fact goes to every footprint
 * asked about that it counts towards (an array join on {countsTowards}, at its footprint's place
 * in {factFootprints}), grouped per unit, footprint and year; each unit's baseline is then its
 * baseline year's row (a window over the unit's rows), and the baseline year's row is kept only
 * when that year is asked about. Categories are summed into fixed places (cheaper to add up than
 * maps); footprints are grouped by their place in {footprints} (a UInt8: cheaper to group by than
 * its code) and named at the end.
 */
export function netZeroSql(options: NetZeroSqlOptions): string {
  const baselineYear = 'toYear({baselineStart:Date})';
  const places = Array.from({ length: options.categories }, (_, i) => `sumIf(c.kg_co2e, c.category = {categories:Array(String)}[${i + 1}])`);
  return `
SELECT ${groupExpression(options.level)} AS code, {footprints:Array(String)}[u.place] AS footprint, u.fy AS fy,
       sum(u.kg) AS actual, sumForEach(u.by_category) AS by_category, groupBitOr(u.categories) AS categories,
       countIf(u.has) AS with_baseline, sumIf(u.kg, u.has) AS comparable, sumIf(u.baseline, u.has) AS baseline,
       countIf(NOT u.has) AS without_baseline, sumIf(u.kg, NOT u.has) AS actual_without,
       count() OVER () AS total
FROM (
  SELECT organisation_code, place, fy, kg, by_category, categories,
         max(fy = ${baselineYear}) OVER unit AS has, sumIf(kg, fy = ${baselineYear}) OVER unit AS baseline
  FROM (
    SELECT c.organisation_code AS organisation_code,
           arrayJoin({countsTowards:Array(Array(UInt8))}[indexOf({factFootprints:Array(String)}, c.footprint)]) AS place,
           c.fy AS fy, sum(c.kg_co2e) AS kg,
           [${places.join(', ')}] AS by_category,
           groupBitOr(bitShiftLeft(toUInt64(1), indexOf({categories:Array(String)}, c.category))) AS categories
    FROM ${options.years} AS c
    WHERE (c.fy >= toYear({fromStart:Date}) AND c.fy < toYear({toEnd:Date}) OR c.fy = ${baselineYear}) AND c.footprint IN {factFootprints:Array(String)}
    GROUP BY organisation_code, place, fy)
  WINDOW unit AS (PARTITION BY organisation_code, place)
) AS u
${hierarchyJoin(options.hierarchy, options.hierarchyJoin, 'u')}
WHERE u.fy >= toYear({fromStart:Date}) AND u.fy < toYear({toEnd:Date}) AND ${parentFilter(options.parentLevel)}
GROUP BY code, footprint, fy
HAVING code != ''
ORDER BY code, footprint, fy
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
