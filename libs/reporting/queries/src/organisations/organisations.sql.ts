import { BI_VIEWS } from '@gpds/analytics-clickhouse';
import type { Level } from '../shared/arguments';
import { hierarchyOn } from '../shared/rollup-sql';

/** The SQL of the organisation lookups: by code, by search, and up and down the hierarchy of {asOf}. */

/** One organisation by {code}. */
export function organisationSql(bi: string): string {
  return `SELECT code, name, level, toString(opened_on) AS opened_on, toString(closed_on) AS closed_on, successor_code, postcode
       FROM ${bi}.${BI_VIEWS.organisations} WHERE code = {code:String}`;
}

/**
 * Organisations whose name holds {search} or whose code is it, at {level} ('' for any), a page at
 * a time. With a {scope} ('' for none, i.e. England), only those a principal scoped to it may see
 * (docs/security.md): organisations at {published} levels (the scope's and above), the scope, and
 * the organisations under it in the hierarchy of {asOf}.
 */
export function searchOrganisationsSql(bi: string, hierarchy: string): string {
  return `SELECT code, name, level, toString(opened_on) AS opened_on, toString(closed_on) AS closed_on, successor_code, postcode, count() OVER () AS total
       FROM ${bi}.${BI_VIEWS.organisations}
       WHERE ({search:String} = '' OR positionCaseInsensitiveUTF8(name, {search:String}) > 0 OR code = upper({search:String}))
         AND ({level:String} = '' OR level = {level:String})
         AND ({scope:String} = '' OR level IN {published:Array(String)} OR code = {scope:String} OR code IN (
               SELECT code FROM ${hierarchyOn(hierarchy)}
                WHERE {scope:String} IN (region_code, icb_code, commissioner_code, pcn_code)))
       ORDER BY name, code LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

/** The ancestor codes of {code} in the hierarchy of {asOf} (the materialised hierarchy table). */
export function ancestorsSql(hierarchy: string): string {
  return `SELECT level, pcn_code, commissioner_code, icb_code, region_code FROM ${hierarchyOn(hierarchy)} WHERE code = {code:String}`;
}

/** Which organisations are one level down from one at each level. */
const CHILDREN: Record<Exclude<Level, 'PRACTICE'>, string> = {
  NATIONAL: `level = 'REGION'`,
  REGION: `level = 'ICB' AND region_code = {code:String}`,
  ICB: `level = 'COMMISSIONER' AND icb_code = {code:String}`,
  COMMISSIONER: `(level = 'PCN' OR (level = 'PRACTICE' AND pcn_code = '')) AND commissioner_code = {code:String}`,
  PCN: `level = 'PRACTICE' AND pcn_code = {code:String}`,
};

/** The organisations one level down from {code} (at `parentLevel`) in the hierarchy of {asOf}, a page at a time. */
export function childrenSql(hierarchy: string, parentLevel: Exclude<Level, 'PRACTICE'>): string {
  return `SELECT code, count() OVER () AS total FROM ${hierarchyOn(hierarchy)} WHERE ${CHILDREN[parentLevel]}
       ORDER BY code LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
