import { BI_VIEWS } from '@gpds/analytics-clickhouse';
import type { Level } from '../shared/arguments';
import { groupExpression, hierarchyOn, parentFilter } from '../shared/rollup-sql';

/** The SQL of the coverage read models, built from fixed fragments (see shared/rollup-sql.ts). */

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
    CAPABILITY: `SELECT practice_code FROM ${bi}.${BI_VIEWS.capabilityStatusAt}(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)})
                 WHERE capability = {capability:String} AND deployed`,
    AGREEMENT: `SELECT DISTINCT practice_code FROM ${bi}.${BI_VIEWS.agreementsAt}(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)}) WHERE in_force`,
    BCP_REVIEW: `SELECT practice_code FROM ${bi}.${BI_VIEWS.bcpLatestReviewAt}(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)})
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
