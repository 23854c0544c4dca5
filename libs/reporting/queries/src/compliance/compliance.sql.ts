import { COMPLIANCE_RULES, type ComplianceRule } from '@gpds/compliance';
import { QUERY_PARAMETERS, practiceComplianceSql } from '@gpds/analytics-clickhouse';
import type { Level } from '../shared/arguments';
import { groupExpression, hierarchyOn, parentFilter } from '../shared/rollup-sql';

/**
 * The SQL of the compliance read models: the practices open on {asOf} under {parent} in the
 * hierarchy of that day, each evaluated by practiceComplianceSql (@gpds/analytics-clickhouse, the
 * same SQL the `bi` compliance views run), then counted per organisation, listed, or explained.
 * Parameters: asOf, knownAt, parent, limit, offset (code for one practice).
 */

export interface ComplianceSqlScope {
  readonly database: string;
  /** The materialised hierarchy table (HierarchyCache). */
  readonly hierarchy: string;
  readonly level: Level;
  readonly parentLevel: Level | null;
}

/** The practices in scope, each with the code of its organisation at `level` (grp). */
function practicesIn(scope: ComplianceSqlScope): string {
  return `SELECT h.code AS code, ${groupExpression(scope.level)} AS grp FROM ${hierarchyOn(scope.hierarchy)} AS h
          WHERE h.level = 'PRACTICE' AND ${parentFilter(scope.parentLevel)}`;
}

function evaluated(scope: ComplianceSqlScope, rules: readonly ComplianceRule[], detail: boolean): string {
  return practiceComplianceSql({
    db: scope.database,
    rules,
    catalogue: COMPLIANCE_RULES.rules,
    at: QUERY_PARAMETERS,
    practices: practicesIn(scope),
    carry: ['grp'],
    // The whole country scans every fact once; under a parent only its practices' facts.
    narrow: scope.parentLevel === null || scope.parentLevel === 'NATIONAL' ? 'all' : 'practices',
    detail,
  });
}

/** The outcome over every rule asked: NON_COMPLIANT if any is, COMPLIANT if all are, else UNKNOWN (as allRulesOutcome). */
function allRules(count: number): string {
  const outcomes = `[${Array.from({ length: count }, (_, i) => `o${i}`).join(', ')}]`;
  return `multiIf(has(${outcomes}, 'NON_COMPLIANT'), 'NON_COMPLIANT', arrayAll(o -> o = 'COMPLIANT', ${outcomes}), 'COMPLIANT', 'UNKNOWN')`;
}

/**
 * Per organisation at the level: the practices evaluated, and per rule i how many are compliant
 * (c<i>) and non-compliant (n<i>) (the rest are unknown); the same for every rule at once (c_all, n_all).
 */
export function complianceRollupSql(scope: ComplianceSqlScope, rules: readonly ComplianceRule[]): string {
  const counts = rules.map((_, i) => `countIf(o${i} = 'COMPLIANT') AS c${i}, countIf(o${i} = 'NON_COMPLIANT') AS n${i}`);
  return `
SELECT grp AS code, count() AS evaluated, ${counts.join(', ')},
       countIf(all_rules = 'COMPLIANT') AS c_all, countIf(all_rules = 'NON_COMPLIANT') AS n_all,
       count() OVER () AS total
FROM (SELECT *, ${allRules(rules.length)} AS all_rules FROM (${evaluated(scope, rules, false)}))
GROUP BY code
HAVING code != ''
ORDER BY code
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

/** The practices non-compliant with one rule, by organisation at the level then code, with the values compared and the deciding events. */
export function nonCompliantSql(scope: ComplianceSqlScope, rule: ComplianceRule): string {
  return `
SELECT code, grp, v0 AS values, f0 AS facts, count() OVER () AS total
FROM (${evaluated(scope, [rule], true)})
WHERE o0 = 'NON_COMPLIANT'
ORDER BY grp, code
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

/** One practice, if open on {asOf}: every rule's outcome, values and deciding events. */
export function practiceSql(database: string, hierarchy: string, rules: readonly ComplianceRule[]): string {
  return practiceComplianceSql({
    db: database,
    rules,
    catalogue: COMPLIANCE_RULES.rules,
    at: QUERY_PARAMETERS,
    practices: `SELECT h.code AS code FROM ${hierarchyOn(hierarchy)} AS h WHERE h.code = {code:String} AND h.level = 'PRACTICE'`,
    narrow: { filter: 'practice_code = {code:String}' },
    detail: true,
  });
}
