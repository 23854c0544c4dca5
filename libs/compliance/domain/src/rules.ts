import { isEventType, type EventType } from '@gpds/shared-contracts';
import rulesFile from './data/rules.v1.json';

/**
 * The compliance rules of the GP IT Operating Model as versioned data (`data/rules.vN.json`): each
 * rule once, with the passage it comes from (quoted from the Operating Model), its parameters and
 * the facts it reads. A new version of the rules is a new file; every answer says which version
 * it used. How each rule is evaluated (in ClickHouse, over the facts known at a time, as of a
 * date) is in `@gpds/analytics-clickhouse` (compliance/); how an outcome is put into words is in
 * explain.ts.
 */

/** The three outcomes. UNKNOWN: the platform has no fact the rule reads, so it is neither. */
export const OUTCOMES = ['COMPLIANT', 'NON_COMPLIANT', 'UNKNOWN'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The rules the platform knows how to evaluate and explain: a catalogue file may name only these. */
export const RULE_IDS = [
  'AGREEMENT_IN_FORCE',
  'BCP_REVIEWED_BY_2022_07_31',
  'BCP_REVIEWED_LAST_12_MONTHS',
  'NO_LOCAL_CLINICAL_SERVER',
  'DSPT_STANDARDS_MET',
  'DPO_DESIGNATED',
  'CAS_REGISTERED',
  'REMOTE_ACCESS_60_PERCENT',
  'PATIENT_FACING_ALL_EIGHT',
  'IT_REVIEW_LAST_12_MONTHS',
  'BREACHES_REPORTED_WITHIN_72H',
  'NO_UNSUPPORTED_SOFTWARE',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type ParameterValue = string | number | readonly string[];

export interface RuleParameter {
  readonly name: string;
  readonly value: ParameterValue;
  readonly description: string;
}

export interface ComplianceRule {
  readonly id: RuleId;
  readonly title: string;
  /** The Operating Model section the rule comes from. */
  readonly section: string;
  /** Verbatim passages of that section. */
  readonly passages: readonly string[];
  /** When the rule holds, in words. */
  readonly holdsWhen: string;
  readonly parameters: readonly RuleParameter[];
  /** The event types whose facts the rule reads: with none of them for a practice, the outcome is UNKNOWN. */
  readonly reads: readonly EventType[];
}

export interface RuleCatalogue {
  readonly version: number;
  readonly source: string;
  readonly rules: readonly ComplianceRule[];
}

function load(file: {
  version: number;
  source: string;
  rules: ReadonlyArray<Omit<ComplianceRule, 'id' | 'reads'> & { id: string; reads: readonly string[] }>;
}): RuleCatalogue {
  const ids = new Set<string>();
  for (const rule of file.rules) {
    if (ids.has(rule.id)) throw new Error(`Compliance rules v${file.version}: ${rule.id} is defined twice`);
    if (!(RULE_IDS as readonly string[]).includes(rule.id)) throw new Error(`Compliance rules v${file.version}: ${rule.id} has no evaluator (RULE_IDS)`);
    ids.add(rule.id);
    for (const type of rule.reads) if (!isEventType(type)) throw new Error(`Compliance rule ${rule.id} reads '${type}', which is not an event type`);
  }
  return { version: file.version, source: file.source, rules: file.rules as readonly ComplianceRule[] };
}

/** Every version of the rules, by version (an applied `bi` view migration keeps the version it was written with). */
export const RULE_CATALOGUES: ReadonlyMap<number, RuleCatalogue> = new Map([[1, load(rulesFile)]]);

/** The rules in force: the latest version. */
export const COMPLIANCE_RULES: RuleCatalogue = [...RULE_CATALOGUES.values()].reduce((a, b) => (b.version > a.version ? b : a));

const BY_ID = new Map(COMPLIANCE_RULES.rules.map((r) => [r.id, r]));

export function complianceRule(id: string): ComplianceRule | undefined {
  return BY_ID.get(id as RuleId);
}

/** The rules asked for, in catalogue order (all when none are named), or the ids that are not rules. */
export function selectRules(
  ids: readonly string[] | null | undefined,
): { readonly rules: readonly ComplianceRule[] } | { readonly unknown: readonly string[] } {
  if (!ids || ids.length === 0) return { rules: COMPLIANCE_RULES.rules };
  const unknown = ids.filter((id) => !BY_ID.has(id as RuleId));
  if (unknown.length > 0) return { unknown: [...new Set(unknown)] };
  const asked = new Set(ids);
  return { rules: COMPLIANCE_RULES.rules.filter((r) => asked.has(r.id)) };
}

/** A parameter's value, as the catalogue gives it (a missing parameter is a defect of the catalogue, not of a request). */
export function parameter<T extends ParameterValue>(rule: ComplianceRule, name: string): T {
  const found = rule.parameters.find((p) => p.name === name);
  if (!found) throw new Error(`Compliance rule ${rule.id} (v${COMPLIANCE_RULES.version}) has no parameter '${name}'`);
  return found.value as T;
}

/**
 * A practice's outcome over several rules (the "all rules" row): COMPLIANT when every rule is,
 * NON_COMPLIANT when any is, otherwise UNKNOWN.
 */
export function allRulesOutcome(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.includes('NON_COMPLIANT')) return 'NON_COMPLIANT';
  return outcomes.length > 0 && outcomes.every((o) => o === 'COMPLIANT') ? 'COMPLIANT' : 'UNKNOWN';
}
