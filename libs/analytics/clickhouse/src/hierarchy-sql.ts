import { OPEN_END } from '@gpds/analytics';
import { TABLES } from './names';

/**
 * The SQL of the organisation hierarchy, from one place for the `bi` views (everything recorded)
 * and for the reporting API's hierarchy cache (as known at `{known_at:DateTime64(3)}`: only the
 * organisation rows recorded by then, on every read of a base table). Two sources of truth meet
 * here, code by code:
 *   - a code with an `organisation_timelines` row is what its latest timeline (by event position,
 *     of those known) says: name, level, opening, closure and every parent; its rows in
 *     `organisation_changes` and `organisation_relationship_changes` are ignored;
 *   - a code without one is what its registrations, renames, closures and relationship changes say.
 * docs/analytics.md describes the views. Bi migration 102 holds this SQL's text: a change here
 * changes that applied migration, which migrateAnalytics refuses, so it needs a new migration
 * and the text 102 was applied with kept for 102.
 */

/** The tables the hierarchy is built from: a change to any of them may change it. */
export const HIERARCHY_TABLES = [TABLES.organisationChanges, TABLES.organisationRelationshipChanges, TABLES.organisationTimelines] as const;

export interface HierarchySqlOptions {
  /** Read only the rows recorded by `{known_at:DateTime64(3)}`. */
  readonly knownAt?: boolean;
}

export interface HierarchySql {
  /** One row per organisation: code, name, level, opened_on, closed_on, successor_code, postcode. */
  readonly organisations: string;
  /** Dated parents: child_code, relationship, parent_code, valid_from (inclusive), valid_to (exclusive). */
  readonly organisationRelationships: string;
  /** Every organisation open on `{on_date:Date}` with its ancestors of that day. */
  readonly organisationHierarchy: string;
  /** The dates on which the hierarchy may change (ascending, before OPEN_END): the days its periods start. */
  readonly changeDates: string;
}

const OPEN = `toDate('${OPEN_END}')`;

export function hierarchySql(db: string, options: HierarchySqlOptions = {}): HierarchySql {
  const known = options.knownAt ? ['recorded_at <= {known_at:DateTime64(3)}'] : [];
  const where = (...conditions: string[]): string => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

  const timelineCodes = `(SELECT code FROM ${db}.${TABLES.organisationTimelines} ${where(...known)})`;
  // A code's latest timeline replaces every earlier one.
  const timelines = `(SELECT code, level, name, postcode, opened_on, closed_on, parent_relationships, parent_codes, parent_froms, parent_tos
       FROM ${db}.${TABLES.organisationTimelines} ${where(...known)} ORDER BY code, event_position DESC LIMIT 1 BY code)`;

  const organisations = `SELECT code, name, level, opened_on, closed_on, successor_code, postcode FROM (
       SELECT code,
         argMaxIf(name, event_position, event_type IN ('OrganisationRegistered', 'OrganisationRenamed')) AS name,
         anyIf(level, event_type = 'OrganisationRegistered') AS level,
         minIf(effective_from, event_type = 'OrganisationRegistered') AS opened_on,
         minIf(closed_on, event_type = 'OrganisationClosed') AS closed_on,
         argMaxIf(successor_code, event_position, event_type = 'OrganisationClosed') AS successor_code,
         anyIf(postcode, event_type = 'OrganisationRegistered') AS postcode
       FROM ${db}.${TABLES.organisationChanges} ${where(...known, `code NOT IN ${timelineCodes}`)} GROUP BY code
       UNION ALL
       -- A timeline names no successor.
       SELECT code, name, level, opened_on, closed_on, '' AS successor_code, postcode FROM ${timelines})`;

  const organisationRelationships = `SELECT child_code, relationship, parent_code, valid_from, valid_to FROM (
       -- A relationship change ends at the next change of the same relationship, or at the child's closure.
       SELECT r.child_code AS child_code, r.relationship AS relationship, r.parent_code AS parent_code, r.valid_from AS valid_from,
         least(ifNull(r.effective_to, ${OPEN}), r.next_from, ifNull(c.closed_on, ${OPEN})) AS valid_to
       FROM (
         SELECT child_code, relationship, parent_code, effective_from AS valid_from, effective_to,
           leadInFrame(effective_from, 1, ${OPEN}) OVER (
             PARTITION BY child_code, relationship ORDER BY effective_from, event_position
             ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_from
         FROM ${db}.${TABLES.organisationRelationshipChanges} ${where(...known, `child_code NOT IN ${timelineCodes}`)}
       ) AS r
       LEFT JOIN (SELECT code, minIf(closed_on, event_type = 'OrganisationClosed') AS closed_on
                  FROM ${db}.${TABLES.organisationChanges} ${where(...known)} GROUP BY code) AS c ON c.code = r.child_code
       WHERE r.parent_code != '' AND r.valid_from < valid_to
       UNION ALL
       -- A timeline dates each parent itself; its closure ends them all.
       SELECT code, relationship, parent_code, valid_from, least(parent_to, ifNull(closed_on, ${OPEN})) AS valid_to
       FROM ${timelines}
       ARRAY JOIN parent_relationships AS relationship, parent_codes AS parent_code, parent_froms AS valid_from, parent_tos AS parent_to
       WHERE parent_code != '' AND valid_from < valid_to)`;

  const organisationHierarchy = `WITH
       rel AS (SELECT child_code, relationship, parent_code FROM (${organisationRelationships})
               WHERE valid_from <= {on_date:Date} AND {on_date:Date} < valid_to),
       c2i AS (SELECT child_code AS commissioner, any(parent_code) AS icb FROM rel WHERE relationship = 'PART_OF_ICB' GROUP BY child_code),
       i2r AS (SELECT child_code AS icb, any(parent_code) AS region FROM rel WHERE relationship = 'IN_REGION' GROUP BY child_code),
       -- A practice is in the ICB a source places it in (IN_ICB) when one does that day, else in its commissioner's.
       placed AS (
         SELECT p.code AS code, p.pcn AS pcn, p.commissioner AS commissioner, if(p.icb != '', p.icb, c.icb) AS icb
         FROM (SELECT child_code AS code, anyIf(parent_code, relationship = 'MEMBER_OF_PCN') AS pcn,
                      anyIf(parent_code, relationship = 'COMMISSIONED_BY') AS commissioner,
                      anyIf(parent_code, relationship = 'IN_ICB') AS icb
               FROM rel WHERE relationship IN ('MEMBER_OF_PCN', 'COMMISSIONED_BY', 'IN_ICB') GROUP BY child_code) AS p
         LEFT JOIN c2i AS c ON c.commissioner = p.commissioner),
       practices AS (
         SELECT p.code AS code, p.pcn AS pcn, p.commissioner AS commissioner, p.icb AS icb, r.region AS region
         FROM placed AS p LEFT JOIN i2r AS r ON r.icb = p.icb),
       lineage AS (
         SELECT code, 'PRACTICE' AS level, pcn AS pcn_code, commissioner AS commissioner_code, icb AS icb_code, region AS region_code FROM practices
         UNION ALL
         -- A PCN: the commissioner of most of its members (ties: the lowest code), and the ICB of most of
         -- that commissioner's members in it (ties: the lowest code), with that ICB's region.
         SELECT pcn, 'PCN', pcn, commissioner, icb, region FROM (
           SELECT pcn, commissioner, icb, any(region) AS region, count() AS members,
                  sum(count()) OVER (PARTITION BY pcn, commissioner) AS commissioner_members
           FROM practices WHERE pcn != '' GROUP BY pcn, commissioner, icb)
         ORDER BY pcn, commissioner_members DESC, commissioner, members DESC, icb LIMIT 1 BY pcn
         UNION ALL
         SELECT c.commissioner, 'COMMISSIONER', '', c.commissioner, c.icb, r.region FROM c2i AS c LEFT JOIN i2r AS r ON r.icb = c.icb
         UNION ALL
         SELECT icb, 'ICB', '', '', icb, region FROM i2r
         UNION ALL
         SELECT code, 'REGION', '', '', '', code FROM (${organisations})
         WHERE level = 'REGION' AND opened_on <= {on_date:Date} AND (closed_on IS NULL OR {on_date:Date} < closed_on)
         UNION ALL
         SELECT 'ENG', 'NATIONAL', '', '', '', '')
     SELECT l.code AS code, l.level AS level, o.name AS name, l.pcn_code AS pcn_code, l.commissioner_code AS commissioner_code,
            l.icb_code AS icb_code, l.region_code AS region_code, 'ENG' AS national_code
     FROM lineage AS l LEFT JOIN (${organisations}) AS o ON o.code = l.code`;

  // Every date any row (of those known) starts or ends something: a superset of the days the
  // hierarchy changes (a superseded timeline's dates give a period equal to its neighbour).
  const changeDates = `SELECT DISTINCT d FROM (
       SELECT effective_from AS d FROM ${db}.${TABLES.organisationRelationshipChanges} ${where(...known)}
       UNION ALL SELECT assumeNotNull(effective_to) FROM ${db}.${TABLES.organisationRelationshipChanges} ${where(...known, 'effective_to IS NOT NULL')}
       UNION ALL SELECT effective_from FROM ${db}.${TABLES.organisationChanges} ${where(...known)}
       UNION ALL SELECT assumeNotNull(closed_on) FROM ${db}.${TABLES.organisationChanges} ${where(...known, 'closed_on IS NOT NULL')}
       UNION ALL SELECT opened_on FROM ${db}.${TABLES.organisationTimelines} ${where(...known)}
       UNION ALL SELECT assumeNotNull(closed_on) FROM ${db}.${TABLES.organisationTimelines} ${where(...known, 'closed_on IS NOT NULL')}
       UNION ALL SELECT arrayJoin(arrayConcat(parent_froms, parent_tos)) FROM ${db}.${TABLES.organisationTimelines} ${where(...known)})
     WHERE d < ${OPEN} ORDER BY d`;

  return { organisations, organisationRelationships, organisationHierarchy, changeDates };
}
