import type { RuleCatalogue } from '@gpds/compliance';
import { BI_VIEWS } from '../names';
import { VIEW_PARAMETERS, practiceComplianceSql } from './compliance-sql';

/**
 * The `bi` views of compliance, for BI tools: the rule catalogue, every practice's outcome per
 * rule, and the counts per organisation and rule at every level. The outcomes are
 * practiceComplianceSql's, the SQL the reporting API runs; the practices and their parents are
 * those of `bi.organisation_hierarchy` on as_of (the hierarchy as known now).
 */

/** A catalogue text as a ClickHouse string literal (catalogue data, never request input). */
function text(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function texts(values: readonly string[]): string {
  return `[${values.map(text).join(', ')}]::Array(String)`;
}

export function complianceViewBodies(db: string, bi: string, catalogue: RuleCatalogue): Record<'rules' | 'outcomes' | 'byOrganisation', string> {
  const rules = catalogue.rules.map(
    (r) =>
      `SELECT ${text(r.id)} AS rule_id, toUInt32(${catalogue.version}) AS rules_version, ${text(r.title)} AS title, ${text(r.section)} AS section,
              ${texts(r.passages)} AS passages, ${text(r.holdsWhen)} AS holds_when,
              ${texts(r.parameters.map((p) => p.name))} AS parameter_names,
              ${texts(r.parameters.map((p) => (Array.isArray(p.value) ? p.value.join(', ') : String(p.value))))} AS parameter_values,
              ${texts(r.reads)} AS reads`,
  );
  const evaluated = practiceComplianceSql({
    db,
    rules: catalogue.rules,
    catalogue: catalogue.rules,
    at: VIEW_PARAMETERS,
    practices: `SELECT code, pcn_code, commissioner_code, icb_code, region_code
                FROM ${bi}.${BI_VIEWS.organisationHierarchy}(on_date = ${VIEW_PARAMETERS.asOf}) WHERE level = 'PRACTICE'`,
    carry: ['pcn_code', 'commissioner_code', 'icb_code', 'region_code'],
    narrow: 'all',
    detail: true,
  });
  const perRule = catalogue.rules.map((r, i) => `tuple(${text(r.id)}, o${i}, v${i}, arrayMap(f -> tupleElement(f, 2), f${i}))`);
  const outcomes = `SELECT code AS practice_code, pcn_code, commissioner_code, icb_code, region_code,
      tupleElement(r, 1) AS rule_id, toUInt32(${catalogue.version}) AS rules_version, tupleElement(r, 2) AS outcome,
      tupleElement(r, 3) AS compared_values, tupleElement(r, 4) AS deciding_event_ids
    FROM (${evaluated})
    ARRAY JOIN [${perRule.join(', ')}] AS r`;
  // The levels come from arrayJoin in a subquery: a second ARRAY JOIN over a view that has one
  // trips ClickHouse (26.7) over their shared internal name.
  const levels = `[('PRACTICE', practice_code), ('PCN', pcn_code), ('COMMISSIONER', commissioner_code), ('ICB', icb_code), ('REGION', region_code), ('NATIONAL', 'ENG')]`;
  const byOrganisation = `SELECT tupleElement(l, 1) AS level, tupleElement(l, 2) AS organisation_code, rule_id, any(rules_version) AS rules_version,
      count() AS evaluated, countIf(outcome = 'COMPLIANT') AS compliant, countIf(outcome = 'NON_COMPLIANT') AS non_compliant, countIf(outcome = 'UNKNOWN') AS unknown
    FROM (
      SELECT arrayJoin(${levels}) AS l, rule_id, rules_version, outcome
      FROM (
        SELECT practice_code, pcn_code, commissioner_code, icb_code, region_code, rule_id, rules_version, outcome
        FROM ${bi}.${BI_VIEWS.complianceAt}(as_of = ${VIEW_PARAMETERS.asOf}, known_at = ${VIEW_PARAMETERS.knownAt})
        UNION ALL
        SELECT practice_code, any(pcn_code), any(commissioner_code), any(icb_code), any(region_code), 'ALL_RULES', any(rules_version),
               multiIf(has(groupArray(outcome), 'NON_COMPLIANT'), 'NON_COMPLIANT', arrayAll(o -> o = 'COMPLIANT', groupArray(outcome)), 'COMPLIANT', 'UNKNOWN')
        FROM ${bi}.${BI_VIEWS.complianceAt}(as_of = ${VIEW_PARAMETERS.asOf}, known_at = ${VIEW_PARAMETERS.knownAt})
        GROUP BY practice_code))
    WHERE organisation_code != ''
    GROUP BY level, organisation_code, rule_id`;
  return { rules: rules.join('\nUNION ALL\n'), outcomes, byOrganisation };
}
