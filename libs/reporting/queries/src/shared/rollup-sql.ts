import { NATIONAL_CODE, type Granularity, type Level } from './arguments';

/**
 * The fragments every roll-up's SQL is built from (each read model's `*.sql.ts` puts them
 * together): identifiers come from these modules, from the schema's names
 * (`@gpds/analytics-clickhouse`) or from validated configuration; every value travels as a
 * ClickHouse query parameter ({name:Type}). The benchmark sends exactly this SQL straight to
 * ClickHouse as its baseline.
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
 * The hierarchy in force on {asOf} (or the date parameter `asOf` names): one row per organisation open that day, with its ancestors
 * (see HierarchyCache: the `bi.organisation_hierarchy(on_date)` view materialised per period
 * between the dates on which the hierarchy changes).
 */
export function hierarchyOn(table: string, asOf = '{asOf:Date}'): string {
  return `(SELECT code, level, pcn_code, commissioner_code, icb_code, region_code FROM ${table}
    WHERE valid_from <= ${asOf} AND ${asOf} < valid_to)`;
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
