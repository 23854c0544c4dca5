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
  /** Read the facts recorded by {knownAt:DateTime64(3)} (carbon_metrics); else the monthly roll-up. */
  readonly knownAt: boolean;
  /** How many categories {categories:Array(String)} holds. */
  readonly categories: number;
}

/**
 * The facts of the years asked about and of the baseline year, of the footprints read, as `c`
 * (organisation_code, footprint, category, kg_co2e), and the column of their day (`day`).
 */
function facts(options: NetZeroSqlOptions): { from: string; day: string } {
  const { database: db } = options;
  const day = options.knownAt ? 'c.period_start' : 'c.month';
  // Financial years start on the first of a month: a period_start in a year's range is a month in it, and back.
  const years = `(${day} >= {fromStart:Date} AND ${day} < {toEnd:Date} OR ${day} >= {baselineStart:Date} AND ${day} < {baselineEnd:Date})
      AND c.footprint IN {factFootprints:Array(String)}`;
  return options.knownAt
    ? { day, from: `${db}.${TABLES.carbonMetrics} AS c WHERE ${years} AND c.recorded_at <= {knownAt:DateTime64(3)}` }
    : { day, from: `${db}.${TABLES.carbonMonthly} AS c WHERE ${years}` };
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
  const { from, day } = facts(options);
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
           toYear(addMonths(${day}, -3)) AS fy, sum(c.kg_co2e) AS kg,
           [${places.join(', ')}] AS by_category,
           groupBitOr(bitShiftLeft(toUInt64(1), indexOf({categories:Array(String)}, c.category))) AS categories
    FROM ${from}
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
