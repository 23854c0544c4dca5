import { TABLES } from '@gpds/analytics-clickhouse';
import { groupExpression, hierarchyJoin, parentFilter, periodExpression, type RollupSqlScope } from '../shared/rollup-sql';

/** The SQL of the carbon roll-up, built from fixed fragments (see shared/rollup-sql.ts). */

export interface CarbonSqlOptions extends RollupSqlScope {
  readonly footprint: boolean;
}

/** kgCO2e per organisation at a level, period and category. Parameters: from, to, asOf, parent, footprint, limit, offset. */
export function carbonSql(options: CarbonSqlOptions): string {
  const { database: db } = options;
  return `
SELECT ${groupExpression(options.level)} AS code, ${periodExpression(options.granularity, 'c.month')} AS period, c.category AS category,
       sum(c.kg_co2e) AS kg_co2e, sum(c.metrics) AS metrics, count() OVER () AS total
FROM ${db}.${TABLES.carbonMonthly} AS c
${hierarchyJoin(options.hierarchy, options.hierarchyJoin, 'c')}
WHERE c.month >= toStartOfMonth({from:Date}) AND c.month <= {to:Date}${options.footprint ? ' AND c.footprint = {footprint:String}' : ''}
  AND ${parentFilter(options.parentLevel)}
GROUP BY code, period, category
HAVING code != ''
ORDER BY code, period, category
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
