import { QUERY_PARAMETERS, practiceMaturitySql } from '@gpds/analytics-clickhouse';
import { COMPLIANCE_RULES } from '@gpds/compliance';
import type { MaturityIndexDefinition } from '@gpds/shared-reference-data';
import type { Level } from '../shared/arguments';
import { groupExpression, hierarchyOn, parentFilter } from '../shared/rollup-sql';

/**
 * The SQL of the digital maturity index's read models (docs/measures.md). Every practice's index
 * is practiceMaturitySql's (@gpds/analytics-clickhouse, the SQL the `bi` maturity views run), over
 * the compliance evaluation of the date (compliance/evaluations.ts: each rule's outcome for every
 * practice open that day), materialised per date (maturity-evaluations.ts) and rolled up under the
 * hierarchy of the date. Parameters: asOf, knownAt, version, parent, limit, offset; the trend's
 * dates as d0, d1, ...
 */

export interface MaturitySqlScope {
  readonly database: string;
  /** The materialised hierarchy table (HierarchyCache). */
  readonly hierarchy: string;
  readonly level: Level;
  readonly parentLevel: Level | null;
}

/**
 * Per organisation: the practices (open on the date), those with an index, the plain mean and the
 * registered-patient-weighted mean (over the practices with an index and a list size), the
 * distribution (min, quartiles as Excel's QUARTILE.INC, max) and the mean coverage.
 */
const AGGREGATES = `count() AS practices, countIf(maturity_index IS NOT NULL) AS with_index,
       avg(maturity_index) AS mean,
       sumIf(maturity_index * patients, patients > 0) / nullIf(sumIf(patients, maturity_index IS NOT NULL AND patients > 0), 0) AS weighted_mean,
       sumIf(patients, maturity_index IS NOT NULL AND patients > 0) AS registered_patients,
       countIf(maturity_index IS NOT NULL AND patients > 0) AS weighted_practices,
       min(maturity_index) AS min, quantilesExactInclusive(0.25, 0.5, 0.75)(maturity_index) AS quartiles, max(maturity_index) AS max,
       avg(coverage) AS mean_coverage`;

/**
 * Every practice of a compliance evaluation (`evaluation`: every practice open on {asOf}, each
 * rule's outcome) with its index under each version of the definition: index_version, code,
 * maturity_index, coverage, inputs_known, patients. maturity-evaluations.ts materialises it per date.
 */
export function practiceIndexesSql(database: string, evaluation: string, definitions: readonly MaturityIndexDefinition[]): string {
  return definitions
    .map((definition) => {
      if (definition.rulesVersion !== COMPLIANCE_RULES.version) {
        throw new Error(
          `maturity index v${definition.version} reads compliance rules v${definition.rulesVersion}; the evaluations hold v${COMPLIANCE_RULES.version}`,
        );
      }
      const indexes = practiceMaturitySql({
        db: database,
        definition,
        catalogue: COMPLIANCE_RULES.rules,
        outcomes: `SELECT * FROM ${evaluation}`,
        at: QUERY_PARAMETERS,
      });
      return `SELECT toUInt32(${definition.version}) AS index_version, code, maturity_index, coverage, inputs_known, patients FROM (${indexes})`;
    })
    .join('\nUNION ALL\n');
}

/** The practices of a date's indexes (`indexes`, materialised) under the parent, of version {version}, with their organisation at the level (grp). */
function practicesSql(scope: MaturitySqlScope, indexes: string, asOf = QUERY_PARAMETERS.asOf): string {
  return `SELECT m.maturity_index AS maturity_index, m.coverage AS coverage, m.patients AS patients, ${groupExpression(scope.level)} AS grp
          FROM ${indexes} AS m INNER JOIN ${hierarchyOn(scope.hierarchy, asOf)} AS h ON h.code = m.code
          WHERE m.index_version = {version:UInt32} AND ${parentFilter(scope.parentLevel)}`;
}

/** The index per organisation at the level on {asOf}, from the date's materialised indexes. */
export function maturityRollupSql(scope: MaturitySqlScope, indexes: string): string {
  return `
SELECT grp AS code, ${AGGREGATES}, count() OVER () AS total
FROM (${practicesSql(scope, indexes)})
GROUP BY code
HAVING code != ''
ORDER BY code
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

/**
 * The index per organisation at the level on each of the dates {d0}, {d1}, ... (each date's
 * materialised indexes and hierarchy: a practice counts where it was that day), by organisation then date.
 */
export function maturityTrendSql(scope: MaturitySqlScope, indexes: readonly string[]): string {
  const blocks = indexes.map(
    (table, k) => `SELECT toDate({d${k}:Date}) AS on_date, grp, maturity_index, patients, coverage FROM (${practicesSql(scope, table, `{d${k}:Date}`)})`,
  );
  return `
SELECT grp AS code, toString(on_date) AS on_date, ${AGGREGATES}, count() OVER () AS total
FROM (${blocks.join('\nUNION ALL\n')})
GROUP BY code, on_date
HAVING code != ''
ORDER BY code, on_date
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

/** One practice's enhanced capabilities as known at {knownAt}: each one's latest change on or before {asOf}, and whether it has any capability fact. */
export function practiceCapabilitiesSql(database: string, table: string): string {
  return `
SELECT capability, latest.1 AS change, toString(latest.2) AS changed_on, latest.3 AS solution, latest.4 AS supplier,
       (latest.5, toString(latest.6), latest.7, toString(latest.8), toString(latest.9), latest.10, latest.11) AS fact
FROM (
  SELECT capability,
         argMax((change, changed_on, solution, supplier, if(change = 'DEPLOYED', 'CapabilityDeployed', 'CapabilityWithdrawn'), event_id, event_position,
                 occurred_at, recorded_at, source_system, source_record), (changed_on, event_position)) AS latest
  FROM ${database}.${table}
  WHERE practice_code = {code:String} AND changed_on <= {asOf:Date} AND recorded_at <= {knownAt:DateTime64(3)}
  GROUP BY capability)`;
}
