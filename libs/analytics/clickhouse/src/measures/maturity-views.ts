import { RULE_CATALOGUES } from '@gpds/compliance';
import { MATURITY_INDEXES } from '@gpds/shared-reference-data';
import { VIEW_PARAMETERS, practiceComplianceSql } from '../compliance/compliance-sql';
import { BI_VIEWS } from '../names';
import { practiceMaturitySql } from './maturity-sql';

/**
 * The `bi` views of the digital maturity index (migration 105; docs/measures.md): every version's
 * definition, every practice's index as of a date (one row per practice and version), and the
 * roll-ups per organisation at every level. The index is practiceMaturitySql's, the SQL the
 * reporting API runs, over practiceComplianceSql's outcomes; the practices and their parents are
 * those of `bi.organisation_hierarchy` on as_of (the hierarchy as known now).
 */
export function maturityViewStatements(db: string, bi: string): string[] {
  const view = (name: string, body: string): string => `CREATE OR REPLACE VIEW ${bi}.${name} DEFINER = CURRENT_USER SQL SECURITY DEFINER AS ${body}`;
  const text = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const definitions = MATURITY_INDEXES.flatMap((d) =>
    d.inputs.map(
      (i, position) =>
        `SELECT toUInt32(${d.version}) AS index_version, ${text(d.title)} AS title, toUInt32(${d.rulesVersion}) AS rules_version,
                toFloat64(${d.minimumCoverage}) AS minimum_coverage, toUInt32(${position}) AS position, ${text(i.kind)} AS kind,
                ${text(i.id)} AS input_id, toFloat64(${i.weight}) AS weight`,
    ),
  );
  const carry = ['pcn_code', 'commissioner_code', 'icb_code', 'region_code'];
  const perVersion = MATURITY_INDEXES.map((definition) => {
    const catalogue = RULE_CATALOGUES.get(definition.rulesVersion)!.rules;
    const outcomes = practiceComplianceSql({
      db,
      rules: catalogue,
      catalogue,
      at: VIEW_PARAMETERS,
      practices: `SELECT code, ${carry.join(', ')} FROM ${bi}.${BI_VIEWS.organisationHierarchy}(on_date = ${VIEW_PARAMETERS.asOf}) WHERE level = 'PRACTICE'`,
      carry,
      narrow: 'all',
      detail: false,
    });
    const ids = `[${definition.inputs.map((i) => text(i.id)).join(', ')}]::Array(String)`;
    return `SELECT code AS practice_code, ${carry.join(', ')}, toUInt32(${definition.version}) AS index_version, maturity_index, coverage, inputs_known,
                   patients AS registered_patients, ${ids} AS input_ids, input_values
            FROM (${practiceMaturitySql({ db, definition, catalogue, outcomes, at: VIEW_PARAMETERS, carry })})`;
  });
  const levels = `[('PRACTICE', practice_code), ('PCN', pcn_code), ('COMMISSIONER', commissioner_code), ('ICB', icb_code), ('REGION', region_code), ('NATIONAL', 'ENG')]`;
  const byOrganisation = `SELECT tupleElement(l, 1) AS level, tupleElement(l, 2) AS organisation_code, index_version,
      count() AS practices, countIf(maturity_index IS NOT NULL) AS practices_with_index, avg(maturity_index) AS mean,
      sumIf(maturity_index * registered_patients, registered_patients > 0)
        / nullIf(sumIf(registered_patients, maturity_index IS NOT NULL AND registered_patients > 0), 0) AS weighted_mean,
      min(maturity_index) AS min, quantileExactInclusive(0.25)(maturity_index) AS lower_quartile,
      quantileExactInclusive(0.5)(maturity_index) AS median, quantileExactInclusive(0.75)(maturity_index) AS upper_quartile,
      max(maturity_index) AS max, avg(coverage) AS mean_coverage
    FROM (
      SELECT arrayJoin(${levels}) AS l, index_version, maturity_index, registered_patients, coverage
      FROM ${bi}.${BI_VIEWS.maturityIndexAt}(as_of = ${VIEW_PARAMETERS.asOf}, known_at = ${VIEW_PARAMETERS.knownAt}))
    WHERE organisation_code != ''
    GROUP BY level, organisation_code, index_version`;
  return [
    view(BI_VIEWS.maturityIndexDefinitions, definitions.join('\nUNION ALL\n')),
    view(BI_VIEWS.maturityIndexAt, perVersion.join('\nUNION ALL\n')),
    view(BI_VIEWS.maturityByOrganisationAt, byOrganisation),
  ];
}
