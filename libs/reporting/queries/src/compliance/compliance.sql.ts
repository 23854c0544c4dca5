import { COMPLIANCE_RULES, type ComplianceRule } from '@gpds/compliance';
import { QUERY_PARAMETERS, practiceComplianceSql } from '@gpds/analytics-clickhouse';
import type { Level } from '../shared/arguments';
import { groupExpression, hierarchyOn, parentFilter } from '../shared/rollup-sql';

/**
 * The SQL of the compliance read models. Roll-ups and lists read an evaluation (evaluations.ts:
 * every practice open on {asOf} with each rule's outcome o<i>, in catalogue order), joined to the
 * hierarchy of {asOf} for each practice's organisation at the level; the words and deciding
 * events of the practices shown come from practiceComplianceSql (@gpds/analytics-clickhouse, the
 * same SQL the evaluation and the `bi` compliance views run). Parameters: asOf, knownAt, parent,
 * limit, offset; codes (the practices of a page); code (one practice).
 */

export interface ComplianceSqlScope {
  readonly database: string;
  /** The materialised hierarchy table (HierarchyCache). */
  readonly hierarchy: string;
  readonly level: Level;
  readonly parentLevel: Level | null;
}

/** The column of a rule in an evaluation. */
export function outcomeColumn(rule: ComplianceRule): string {
  return `o${COMPLIANCE_RULES.rules.findIndex((r) => r.id === rule.id)}`;
}

/**
 * An evaluation: every practice open on {asOf} in the hierarchy of that day, with each rule's
 * outcome (o0, o1, ... in catalogue order) as known at {knownAt}. evaluations.ts materialises it;
 * the benchmark also sends it inline, as one query.
 */
export function evaluationSql(database: string, hierarchy: string): string {
  return practiceComplianceSql({
    db: database,
    rules: COMPLIANCE_RULES.rules,
    catalogue: COMPLIANCE_RULES.rules,
    at: QUERY_PARAMETERS,
    practices: `SELECT h.code AS code FROM ${hierarchyOn(hierarchy)} AS h WHERE h.level = 'PRACTICE'`,
    narrow: 'all',
    detail: false,
  });
}

/** The evaluated practices in scope, each with the code of its organisation at the level (grp) and every outcome; `evaluation` a table or a subquery. */
function evaluatedIn(scope: ComplianceSqlScope, evaluation: string): string {
  return `SELECT e.*, ${groupExpression(scope.level)} AS grp
          FROM ${evaluation} AS e INNER JOIN ${hierarchyOn(scope.hierarchy)} AS h ON h.code = e.code
          WHERE ${parentFilter(scope.parentLevel)}`;
}

/**
 * Per organisation at the level: the practices evaluated, and per rule i asked how many are
 * compliant (c<i>) and non-compliant (n<i>) (the rest are unknown); the same for all the rules
 * asked at once (c_all, n_all: as allRulesOutcome).
 */
export function complianceRollupSql(scope: ComplianceSqlScope, evaluation: string, rules: readonly ComplianceRule[]): string {
  const columns = rules.map(outcomeColumn);
  const counts = columns.map((o, i) => `countIf(${o} = 'COMPLIANT') AS c${i}, countIf(${o} = 'NON_COMPLIANT') AS n${i}`);
  const outcomes = `[${columns.join(', ')}]`;
  return `
SELECT grp AS code, count() AS evaluated, ${counts.join(', ')},
       countIf(arrayAll(o -> o = 'COMPLIANT', ${outcomes})) AS c_all, countIf(has(${outcomes}, 'NON_COMPLIANT')) AS n_all,
       count() OVER () AS total
FROM (${evaluatedIn(scope, evaluation)})
GROUP BY code
HAVING code != ''
ORDER BY code
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

/** A page of the practices non-compliant with one rule, by organisation at the level then code. */
export function nonCompliantPageSql(scope: ComplianceSqlScope, evaluation: string, rule: ComplianceRule): string {
  return `
SELECT code, grp, count() OVER () AS total
FROM (${evaluatedIn(scope, evaluation)})
WHERE ${outcomeColumn(rule)} = 'NON_COMPLIANT'
ORDER BY grp, code
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

/** Some practices ({codes}), each rule's outcome with the values compared and the deciding events (o<i>, v<i>, f<i>). */
export function explainedSql(database: string, rules: readonly ComplianceRule[]): string {
  return practiceComplianceSql({
    db: database,
    rules,
    catalogue: COMPLIANCE_RULES.rules,
    at: QUERY_PARAMETERS,
    practices: `SELECT arrayJoin({codes:Array(String)}) AS code`,
    narrow: { filter: 'practice_code IN {codes:Array(String)}' },
    detail: true,
  });
}

/** One practice if open on {asOf} in the hierarchy of that day (no row otherwise): every rule's outcome, values and deciding events. */
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
