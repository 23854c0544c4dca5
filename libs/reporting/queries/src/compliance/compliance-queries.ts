import { COMPLIANCE_RULES, allRulesOutcome, explain, selectRules, type ComplianceRule, type Outcome, type RuleCatalogue } from '@gpds/compliance';
import { QueryArgumentError, isoDate, isoInstant, knowledgeTime, today } from '../shared/arguments';
import { connection, entry, type Connection } from '../shared/connection';
import type { OrganisationEntry } from '../shared/hierarchy-cache';
import { onceMore } from '../shared/materialised';
import type { PreparedQuery, QueryContext, RollupScope, Scope } from '../shared/query-context';
import { complianceRollupSql, evaluationSql, explainedSql, nonCompliantPageSql, practiceSql } from './compliance.sql';
import type { ComplianceEvaluations } from './evaluations';

export interface OutcomeCounts {
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly unknown: number;
  /** compliant + nonCompliant + unknown: the practices open on asOf. */
  readonly evaluated: number;
  /** Each count over evaluated (null when none was). */
  readonly compliantShare: number | null;
  readonly nonCompliantShare: number | null;
  readonly unknownShare: number | null;
  /** compliant / (compliant + nonCompliant): the share of the practices whose outcome is known (null when none is). */
  readonly compliantShareOfKnown: number | null;
}

export interface RuleCounts extends OutcomeCounts {
  readonly rule: ComplianceRule;
}

export interface ComplianceRow {
  readonly organisation: OrganisationEntry;
  readonly practicesEvaluated: number;
  readonly rules: readonly RuleCounts[];
  /** Practices compliant with every rule asked (non-compliant: with any; the rest unknown). */
  readonly allRules: OutcomeCounts;
}

/** The evaluation's terms, said with every answer. */
export interface ComplianceTerms {
  readonly rulesVersion: number;
  readonly asOf: string;
  /** As asked (ISO 8601), or null: everything known when asked. */
  readonly knownAt: string | null;
}

export interface ComplianceArgs extends RollupScope {
  readonly rules?: readonly string[] | null;
  readonly knownAt?: string | null;
}

/** An event that decided an outcome: the timeline's entry for it has the same eventId. */
export interface DecidingFact {
  readonly eventType: string;
  readonly eventId: string;
  readonly eventPosition: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly sourceSystem: string;
  readonly sourceRecord: string;
}

export interface RuleOutcome {
  readonly rule: ComplianceRule;
  readonly outcome: Outcome;
  readonly explanation: string;
  readonly values: Readonly<Record<string, string>>;
  readonly facts: readonly DecidingFact[];
}

export interface PracticeCompliance extends ComplianceTerms {
  readonly practiceCode: string;
  /** False when the practice was not open on asOf (closed, or not yet opened): no rule is evaluated. */
  readonly evaluated: boolean;
  readonly outcomes: readonly RuleOutcome[];
  readonly allRules: Outcome | null;
}

export interface NonCompliantPractice {
  readonly practice: OrganisationEntry;
  /** Its organisation at the level asked (itself at PRACTICE). */
  readonly organisation: OrganisationEntry;
  readonly reason: string;
  readonly values: Readonly<Record<string, string>>;
  readonly facts: readonly DecidingFact[];
}

export function outcomeCounts(compliant: number, nonCompliant: number, unknown: number): OutcomeCounts {
  const evaluated = compliant + nonCompliant + unknown;
  const share = (n: number, of: number) => (of > 0 ? n / of : null);
  return {
    compliant,
    nonCompliant,
    unknown,
    evaluated,
    compliantShare: share(compliant, evaluated),
    nonCompliantShare: share(nonCompliant, evaluated),
    unknownShare: share(unknown, evaluated),
    compliantShareOfKnown: share(compliant, compliant + nonCompliant),
  };
}

/** A deciding event as the SQL gives it: type, id, position, occurredAt, recordedAt, source system, source record. */
export type FactTuple = [string, string, number | string, string, string, string, string];

/** A deciding event as the API answers it. */
export function decidingFact([eventType, eventId, position, occurredAt, recordedAt, sourceSystem, sourceRecord]: FactTuple): DecidingFact {
  return {
    eventType,
    eventId,
    eventPosition: Number(position),
    occurredAt: isoInstant(occurredAt),
    recordedAt: isoInstant(recordedAt),
    sourceSystem,
    sourceRecord,
  };
}

/**
 * Compliance with the Operating Model's rules (@gpds/compliance) as of a date, over the facts
 * known at a time, under the hierarchy in force on the date: counts per organisation and rule,
 * one practice's outcomes with their explanations and deciding events, the non-compliant
 * practices of a rule. Practices closed on the date are not evaluated. Roll-ups and lists read
 * the date's evaluation (evaluations.ts), built once per date, knowledge time and version of the
 * facts; one practice is evaluated on its own.
 */
export class ComplianceQueries {
  constructor(
    private readonly context: QueryContext,
    private readonly evaluations: ComplianceEvaluations,
  ) {}

  catalogue(): RuleCatalogue {
    return COMPLIANCE_RULES;
  }

  /** The roll-up's SQL and parameters, as the API sends them (after the version check in `before`; the benchmark sends the same straight to ClickHouse). */
  async prepare(args: ComplianceArgs): Promise<PreparedQuery & { rules: readonly ComplianceRule[]; terms: ComplianceTerms; scope: Scope }> {
    const rules = this.rules('rules', args.rules);
    const { scope, evaluation, terms, knownAt } = await this.evaluation(args);
    const sql = complianceRollupSql(this.sqlScope(scope), evaluation.table, rules);
    const params = { asOf: scope.asOf, knownAt, parent: scope.parent, limit: scope.limit, offset: scope.offset };
    return { sql, params, before: [evaluation.check], rules, scope, terms };
  }

  /**
   * The roll-up as one query with its evaluation inline (nothing materialised): what answering a
   * date for the first time costs ClickHouse, for the benchmark's baseline of first answers.
   */
  async prepareOneShot(args: ComplianceArgs): Promise<PreparedQuery> {
    const rules = this.rules('rules', args.rules);
    const { knownAt, asked } = knowledgeTime(args.knownAt);
    const scope = await this.context.scope(args, today(), asked);
    const sql = complianceRollupSql(this.sqlScope(scope), `(${evaluationSql(this.context.database, scope.table)})`, rules);
    return { sql, params: { asOf: scope.asOf, knownAt, parent: scope.parent, limit: scope.limit, offset: scope.offset } };
  }

  async rollup(args: ComplianceArgs): Promise<Connection<ComplianceRow> & ComplianceTerms> {
    const { rows, rules, scope, terms } = await this.onceMore(async () => {
      const prepared = await this.prepare(args);
      return { ...prepared, rows: await this.context.rows<Record<string, string | number>>(prepared.sql, prepared.params) };
    });
    const counts = (row: Record<string, string | number>, c: string, n: string): OutcomeCounts => {
      const evaluated = Number(row['evaluated']);
      const compliant = Number(row[c]);
      const nonCompliant = Number(row[n]);
      return outcomeCounts(compliant, nonCompliant, evaluated - compliant - nonCompliant);
    };
    const page = connection(
      rows.map((row) => ({
        organisation: entry(scope.organisations, String(row['code']), scope.level),
        practicesEvaluated: Number(row['evaluated']),
        rules: rules.map((rule, i) => ({ rule, ...counts(row, `c${i}`, `n${i}`) })),
        allRules: counts(row, 'c_all', 'n_all'),
      })),
      rows as Array<{ total?: string | number }>,
      scope.offset,
    );
    return { ...page, ...terms };
  }

  /** One practice's outcome for each rule (all by default) on asOf as known at knownAt, explained. */
  async practice(code: string, args: { asOf?: string | null; knownAt?: string | null; rules?: readonly string[] | null }): Promise<PracticeCompliance> {
    const rules = this.rules('rules', args.rules);
    const asOf = args.asOf ? isoDate('asOf', args.asOf) : today();
    const { knownAt, asked } = knowledgeTime(args.knownAt);
    const version = await this.context.hierarchy.get(asked);
    const [row] = await this.context.rows<Record<string, unknown>>(practiceSql(this.context.database, version.table, rules), { code, asOf, knownAt });
    const terms = { rulesVersion: COMPLIANCE_RULES.version, asOf, knownAt: args.knownAt ?? null };
    if (!row) return { practiceCode: code, evaluated: false, outcomes: [], allRules: null, ...terms };
    const outcomes = rules.map((rule, i) => this.outcome(rule, row[`o${i}`], row[`v${i}`], row[`f${i}`], terms));
    return { practiceCode: code, evaluated: true, outcomes, allRules: allRulesOutcome(outcomes.map((o) => o.outcome)), ...terms };
  }

  /**
   * The non-compliant list's queries as the API sends them: the version check (`before`), the
   * page of practices (`sql`), then the words and deciding events of that page (`explain`).
   */
  async prepareNonCompliant(args: RollupScope & { rule: string; knownAt?: string | null }) {
    const rule = this.rule(args.rule);
    const { scope, evaluation, terms, knownAt } = await this.evaluation(args);
    const sql = nonCompliantPageSql(this.sqlScope(scope), evaluation.table, rule);
    const params = { asOf: scope.asOf, knownAt, parent: scope.parent, limit: scope.limit, offset: scope.offset };
    const rows = await this.context.rows<{ code: string; grp: string; total: string }>(sql, params);
    const explain = { sql: explainedSql(this.context.database, [rule]), params: { asOf: scope.asOf, knownAt, codes: rows.map((r) => r.code) } };
    return { sql, params, before: [evaluation.check], explain, rows, rule, scope, terms };
  }

  /** The practices under parent that are non-compliant with one rule, each with the reason. */
  async nonCompliant(args: RollupScope & { rule: string; knownAt?: string | null }): Promise<Connection<NonCompliantPractice> & ComplianceTerms> {
    const { explain, rows, rule, scope, terms } = await this.onceMore(() => this.prepareNonCompliant(args));
    const explained = rows.length ? await this.context.rows<{ code: string; v0: Record<string, string>; f0: FactTuple[] }>(explain.sql, explain.params) : [];
    const byCode = new Map(explained.map((r) => [r.code, r]));
    const page = connection(
      rows.map((r) => {
        const evaluated = this.outcome(rule, 'NON_COMPLIANT', byCode.get(r.code)?.v0, byCode.get(r.code)?.f0, terms);
        return {
          practice: entry(scope.organisations, r.code, 'PRACTICE'),
          organisation: entry(scope.organisations, r.grp, scope.level),
          reason: evaluated.explanation,
          values: evaluated.values,
          facts: evaluated.facts,
        };
      }),
      rows,
      scope.offset,
    );
    return { ...page, ...terms };
  }

  /** The scope of a roll-up or list, and the evaluation of its date as known at its knowledge time. */
  private async evaluation(args: RollupScope & { knownAt?: string | null }) {
    const { knownAt, asked } = knowledgeTime(args.knownAt);
    const scope = await this.context.scope(args, today(), asked);
    const evaluation = await this.evaluations.get(scope.asOf, asked, scope.table);
    const terms: ComplianceTerms = { rulesVersion: COMPLIANCE_RULES.version, asOf: scope.asOf, knownAt: args.knownAt ?? null };
    return { scope, evaluation, terms, knownAt };
  }

  private sqlScope(scope: Scope) {
    return { database: this.context.database, hierarchy: scope.table, level: scope.level, parentLevel: scope.parentLevel };
  }

  /** Work that reads materialised tables: one another API process dropped meanwhile is built again, once. */
  private onceMore<T>(work: () => Promise<T>): Promise<T> {
    return onceMore(work, () => this.evaluations.forgetAll());
  }

  private outcome(rule: ComplianceRule, outcome: unknown, values: unknown, facts: unknown, terms: ComplianceTerms): RuleOutcome {
    const evaluated = { outcome: outcome as Outcome, values: (values ?? {}) as Record<string, string> };
    return {
      rule,
      ...evaluated,
      explanation: explain(rule, evaluated, { asOf: terms.asOf, knownAt: terms.knownAt }),
      facts: ((facts ?? []) as FactTuple[]).map(decidingFact),
    };
  }

  private rule(id: string): ComplianceRule {
    const [rule] = this.rules('rule', [id]);
    if (!rule) throw new QueryArgumentError('rule', 'a rule is required');
    return rule;
  }

  private rules(argument: string, ids: readonly string[] | null | undefined): readonly ComplianceRule[] {
    const selected = selectRules(ids);
    if ('unknown' in selected) {
      throw new QueryArgumentError(
        argument,
        `${selected.unknown.map((id) => `'${id}'`).join(', ')} ${selected.unknown.length === 1 ? 'is not a rule' : 'are not rules'} of the compliance rules (v${COMPLIANCE_RULES.version}): use ${COMPLIANCE_RULES.rules.map((r) => r.id).join(', ')}`,
      );
    }
    return selected.rules;
  }
}
