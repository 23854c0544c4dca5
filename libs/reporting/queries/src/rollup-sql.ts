import { NATIONAL_CODE, type Granularity, type Level } from './arguments';

/**
 * The SQL of the roll-ups, built from fixed fragments: identifiers come from this file or from
 * validated configuration, every value travels as a ClickHouse query parameter ({name:Type}).
 * The benchmark sends exactly this SQL straight to ClickHouse as its baseline.
 */

/** The hierarchy column that holds, for any organisation, its ancestor at a level. */
const LEVEL_COLUMN: Record<Exclude<Level, 'PRACTICE' | 'NATIONAL'>, string> = {
  PCN: 'h.pcn_code',
  COMMISSIONER: 'h.commissioner_code',
  ICB: 'h.icb_code',
  REGION: 'h.region_code',
};

/** The code of the organisation at `level` a fact attached to `h.code` rolls up to ('' when none). */
export function groupExpression(level: Level): string {
  if (level === 'NATIONAL') return `'${NATIONAL_CODE}'`;
  if (level === 'PRACTICE') return `if(h.level = 'PRACTICE', h.code, '')`;
  return LEVEL_COLUMN[level];
}

/** The filter that keeps facts under `parent` (a code at `parentLevel`); none for England. */
export function parentFilter(parentLevel: Level | null): string {
  if (parentLevel === null || parentLevel === 'NATIONAL') return '1';
  if (parentLevel === 'PRACTICE') return `h.code = {parent:String}`;
  return `${LEVEL_COLUMN[parentLevel]} = {parent:String}`;
}

/** The first day of the period a date column falls in; the range's start without a granularity. */
export function periodExpression(granularity: Granularity | null, column: string): string {
  switch (granularity) {
    case 'DAY':
      return column;
    case 'WEEK':
      return `toMonday(${column})`;
    case 'MONTH':
      return `toStartOfMonth(${column})`;
    case 'QUARTER':
      return `toStartOfQuarter(${column})`;
    case 'FINANCIAL_YEAR':
      // England's financial year starts on 1 April.
      return `addMonths(toStartOfYear(addMonths(${column}, -3)), 3)`;
    default:
      return `{from:Date}`;
  }
}

/**
 * The hierarchy in force on {asOf}: one row per organisation open that day, with its ancestors
 * (see HierarchyCache: the `bi.organisation_hierarchy(on_date)` view materialised per period
 * between the dates on which the hierarchy changes).
 */
export function hierarchyOn(table: string): string {
  return `(SELECT code, level, pcn_code, commissioner_code, icb_code, region_code FROM ${table}
    WHERE valid_from <= {asOf:Date} AND {asOf:Date} < valid_to)`;
}

/** The join to the hierarchy of {asOf}: the period's Join-engine table when there is one, else the filtered period table. */
export function hierarchyJoin(table: string, joinTable: string | null | undefined, factAlias: string): string {
  return joinTable
    ? `LEFT ANY JOIN ${joinTable} AS h ON h.code = ${factAlias}.organisation_code`
    : `LEFT JOIN ${hierarchyOn(table)} AS h ON h.code = ${factAlias}.organisation_code`;
}

/** What every roll-up over facts is grouped by: a level under a parent, by the hierarchy of {asOf}, per period. */
export interface RollupSqlScope {
  readonly database: string;
  /** The materialised hierarchy table (HierarchyCache). */
  readonly hierarchy: string;
  /** The Join-engine table of the period holding asOf (HierarchyCache), when there is one. */
  readonly hierarchyJoin?: string | null;
  readonly level: Level;
  readonly parentLevel: Level | null;
  readonly granularity: Granularity | null;
}

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
      ? `FROM ${db}.utilisation_samples WHERE ${metricFilter} AND period_start >= {from:Date} AND period_start <= {to:Date}${
          options.knownAt ? ' AND recorded_at <= {knownAt:DateTime64(3)}' : ''
        }${extra}`
      : `FROM ${db}.utilisation_monthly WHERE ${metricFilter} AND month >= toStartOfMonth({from:Date}) AND month <= {to:Date}${extra}`;
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

export interface CarbonSqlOptions extends RollupSqlScope {
  readonly footprint: boolean;
}

/** kgCO2e per organisation at a level, period and category. Parameters: from, to, asOf, parent, footprint, limit, offset. */
export function carbonSql(options: CarbonSqlOptions): string {
  const { database: db } = options;
  return `
SELECT ${groupExpression(options.level)} AS code, ${periodExpression(options.granularity, 'c.month')} AS period, c.category AS category,
       sum(c.kg_co2e) AS kg_co2e, sum(c.metrics) AS metrics, count() OVER () AS total
FROM ${db}.carbon_monthly AS c
${hierarchyJoin(options.hierarchy, options.hierarchyJoin, 'c')}
WHERE c.month >= toStartOfMonth({from:Date}) AND c.month <= {to:Date}${options.footprint ? ' AND c.footprint = {footprint:String}' : ''}
  AND ${parentFilter(options.parentLevel)}
GROUP BY code, period, category
HAVING code != ''
ORDER BY code, period, category
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

export type CoverageKind = 'CAPABILITY' | 'AGREEMENT' | 'BCP_REVIEW';

export interface CoverageSqlOptions {
  readonly bi: string;
  readonly hierarchy: string;
  readonly kind: CoverageKind;
  readonly level: Level;
  readonly parentLevel: Level | null;
}

/**
 * Per organisation at a level: the practices open on asOf (in the hierarchy of that day) under
 * it, and how many of them are covered on asOf as known at knownAt: the capability deployed, an
 * agreement in force, a BCP reviewed within `withinMonths`. Parameters: asOf, knownAt, parent,
 * capability (CAPABILITY), withinMonths (BCP_REVIEW), limit, offset.
 */
export function coverageSql(options: CoverageSqlOptions): string {
  const { bi } = options;
  const covered = {
    CAPABILITY: `SELECT practice_code FROM ${bi}.capability_status_at(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)})
                 WHERE capability = {capability:String} AND deployed`,
    AGREEMENT: `SELECT DISTINCT practice_code FROM ${bi}.agreements_at(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)}) WHERE in_force`,
    BCP_REVIEW: `SELECT practice_code FROM ${bi}.bcp_latest_review_at(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)})
                 WHERE reviewed_on > addMonths({asOf:Date}, -{withinMonths:UInt16})`,
  }[options.kind];
  return `
SELECT ${groupExpression(options.level)} AS code,
       count() AS in_scope,
       countIf(h.code IN (${covered})) AS covered,
       covered / in_scope AS share,
       count() OVER () AS total
FROM ${hierarchyOn(options.hierarchy)} AS h
WHERE h.level = 'PRACTICE' AND ${parentFilter(options.parentLevel)}
GROUP BY code
HAVING code != ''
ORDER BY code
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
