// The compliance rules of the GP IT Operating Model: the versioned catalogue, the outcomes, and
// how an outcome is put into words. Evaluation runs where the facts are (ClickHouse:
// @gpds/analytics-clickhouse, compliance/).
export { OUTCOMES, COMPLIANCE_RULES, RULE_CATALOGUES, RULE_IDS, allRulesOutcome, complianceRule, parameter, selectRules } from './rules';
export type { ComplianceRule, Outcome, ParameterValue, RuleCatalogue, RuleId, RuleParameter } from './rules';
export { duration, explain, longDate, type Evaluated, type ExplainContext } from './explain';
