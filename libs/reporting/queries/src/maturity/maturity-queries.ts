import { COMPLIANCE_RULES } from '@gpds/compliance';
import {
  CAPABILITIES,
  LATEST_MATURITY_INDEX,
  MATURITY_INDEXES,
  maturityIndexVersion,
  practiceIndex,
  type InputValue,
  type MaturityIndexDefinition,
  type MaturityInputKind,
} from '@gpds/shared-reference-data';
import { TABLES } from '@gpds/analytics-clickhouse';
import { decidingFact, type ComplianceQueries, type DecidingFact, type FactTuple } from '../compliance/compliance-queries';
import type { MaturityEvaluations } from './maturity-evaluations';
import { QueryArgumentError, isoDate, knowledgeTime, today } from '../shared/arguments';
import { connection, entry, type Connection } from '../shared/connection';
import type { OrganisationEntry } from '../shared/hierarchy-cache';
import type { Period } from '../shared/period';
import { onceMore } from '../shared/materialised';
import type { PreparedQuery, QueryContext, RollupScope, Scope } from '../shared/query-context';
import { maturityRollupSql, maturityTrendSql, practiceCapabilitiesSql, type MaturitySqlScope } from './maturity.sql';

/** The most months one trend evaluates (each month's end is a date of its own). */
export const MAX_TREND_MONTHS = 120;

/** The index of the practices under an organisation: how many, the means, the distribution. */
export interface MaturityStats {
  /** Practices open on the date under the organisation. */
  readonly practices: number;
  /** Those with an index (enough of its inputs known). */
  readonly practicesWithIndex: number;
  /** The plain mean of the practices' indexes (null when none has one). */
  readonly mean: number | null;
  /** The mean weighted by registered patients, over the practices with an index and a known list size. */
  readonly weightedMean: number | null;
  readonly registeredPatients: number;
  readonly practicesWeighted: number;
  readonly min: number | null;
  readonly lowerQuartile: number | null;
  readonly median: number | null;
  readonly upperQuartile: number | null;
  readonly max: number | null;
  /** The mean share of the index's weight known per practice (0 to 1). */
  readonly meanCoverage: number | null;
}

export interface MaturityRow extends MaturityStats {
  readonly organisation: OrganisationEntry;
}

export interface MaturityTrendRow extends MaturityStats {
  readonly organisation: OrganisationEntry;
  readonly period: Period;
  /** The date the month was evaluated on: its last day (or `to` in the last month). */
  readonly asOf: string;
}

/** The definition answered with, said with every answer. */
export interface MaturityTerms {
  readonly indexVersion: number;
  readonly rulesVersion: number;
  /** As asked (ISO 8601), or null: everything known when asked. */
  readonly knownAt: string | null;
}

export interface MaturityArgs extends RollupScope {
  readonly knownAt?: string | null;
  readonly version?: number | null;
}

export interface MaturityInputOutcome {
  readonly kind: MaturityInputKind;
  readonly id: string;
  readonly title: string;
  readonly weight: number;
  /** 1 met, 0 not met, null unknown (left out of the index). */
  readonly value: InputValue;
  readonly explanation: string;
  readonly facts: readonly DecidingFact[];
}

export interface PracticeMaturity extends MaturityTerms {
  readonly practiceCode: string;
  readonly asOf: string;
  /** False when the practice was not open on asOf. */
  readonly evaluated: boolean;
  readonly index: number | null;
  readonly coverage: number;
  readonly inputsKnown: number;
  readonly inputs: readonly MaturityInputOutcome[];
}

type Stats = {
  practices: string;
  with_index: string;
  mean: number | null;
  weighted_mean: number | null;
  registered_patients: number;
  weighted_practices: string;
  min: number | null;
  quartiles: number[];
  max: number | null;
  mean_coverage: number | null;
  total: string;
};

/**
 * The digital maturity index (docs/measures.md): per practice from its compliance outcomes and
 * enhanced capabilities on a date, as known at a time, weighed by a versioned definition;
 * rolled up by the hierarchy in force on the date as a plain and a patient-weighted mean with the
 * distribution; month by month between two dates; one practice's inputs, explained.
 */
export class MaturityQueries {
  constructor(
    private readonly context: QueryContext,
    private readonly indexes: MaturityEvaluations,
    private readonly compliance: ComplianceQueries,
  ) {}

  definitions(): readonly MaturityIndexDefinition[] {
    return MATURITY_INDEXES;
  }

  /** The roll-up's SQL and parameters as the API sends them (after the version checks of the date's indexes in `before`). */
  async prepare(args: MaturityArgs): Promise<PreparedQuery & { scope: Scope; terms: MaturityTerms & { asOf: string }; definition: MaturityIndexDefinition }> {
    const definition = this.definition(args.version);
    const { knownAt, asked } = knowledgeTime(args.knownAt);
    const scope = await this.context.scope(args, today(), asked);
    const indexes = await this.indexes.get(scope.asOf, asked, scope.table);
    const sql = maturityRollupSql(this.sqlScope(scope), indexes.table);
    const params = { asOf: scope.asOf, knownAt, version: definition.version, parent: scope.parent, limit: scope.limit, offset: scope.offset };
    return { sql, params, before: indexes.checks, scope, definition, terms: { ...this.terms(definition, args.knownAt), asOf: scope.asOf } };
  }

  async rollup(args: MaturityArgs): Promise<Connection<MaturityRow> & MaturityTerms & { asOf: string }> {
    const { rows, scope, terms } = await this.onceMore(async () => {
      const prepared = await this.prepare(args);
      return { ...prepared, rows: await this.context.rows<Stats & { code: string }>(prepared.sql, prepared.params) };
    });
    const page = connection(
      rows.map((r) => ({ organisation: entry(scope.organisations, r.code, scope.level), ...stats(r) })),
      rows,
      scope.offset,
    );
    return { ...page, ...terms };
  }

  /** The index per organisation at the level at the end of each month from `from` to `to` (the last month ends on `to`). */
  async trend(args: MaturityArgs & { from: string; to: string }): Promise<Connection<MaturityTrendRow> & MaturityTerms> {
    const definition = this.definition(args.version);
    const from = isoDate('from', args.from);
    const to = isoDate('to', args.to);
    if (from > to) throw new QueryArgumentError('to', `${to} is before from (${from}): the range is from..to, both inclusive`);
    const months = monthEnds(from, to);
    if (months.length > MAX_TREND_MONTHS) {
      throw new QueryArgumentError(
        'to',
        `${months.length} months asked for: a trend covers at most ${MAX_TREND_MONTHS} months (ten years); ask for a shorter range`,
      );
    }
    const { knownAt, asked } = knowledgeTime(args.knownAt);
    const rows = await this.onceMore(async () => {
      const scope = await this.context.scope({ ...args, asOf: to }, to, asked);
      // Each month's indexes, built the first time they are asked for (docs/measures.md: a long first trend takes seconds).
      const indexes: string[] = [];
      for (const month of months) indexes.push((await this.indexes.get(month.asOf, asked, scope.table)).table);
      const sql = maturityTrendSql(this.sqlScope(scope), indexes);
      const dates = Object.fromEntries(months.map((m, k) => [`d${k}`, m.asOf]));
      return {
        scope,
        rows: await this.context.rows<Stats & { code: string; on_date: string }>(sql, {
          ...dates,
          knownAt,
          version: definition.version,
          parent: scope.parent,
          limit: scope.limit,
          offset: scope.offset,
        }),
      };
    });
    const byDate = new Map(months.map((m) => [m.asOf, m]));
    const page = connection(
      rows.rows.map((r) => {
        const month = byDate.get(r.on_date)!;
        return { organisation: entry(rows.scope.organisations, r.code, rows.scope.level), period: month.period, asOf: month.asOf, ...stats(r) };
      }),
      rows.rows,
      rows.scope.offset,
    );
    return { ...page, ...this.terms(definition, args.knownAt) };
  }

  /** One practice's index on asOf as known at knownAt: every input with its value, weight and why. */
  async practice(code: string, args: { asOf?: string | null; knownAt?: string | null; version?: number | null }): Promise<PracticeMaturity> {
    const definition = this.definition(args.version);
    const asOf = args.asOf ? isoDate('asOf', args.asOf) : today();
    const { knownAt } = knowledgeTime(args.knownAt);
    const ruleIds = definition.inputs.filter((i) => i.kind === 'RULE').map((i) => i.id);
    const [compliance, capabilities] = await Promise.all([
      this.compliance.practice(code, { asOf, knownAt: args.knownAt ?? null, rules: ruleIds }),
      this.context.rows<{ capability: string; change: string; changed_on: string; solution: string; supplier: string; fact: FactTuple }>(
        practiceCapabilitiesSql(this.context.database, TABLES.practiceCapabilities),
        { code, asOf, knownAt },
      ),
    ]);
    const terms = { ...this.terms(definition, args.knownAt), asOf, practiceCode: code };
    if (!compliance.evaluated) return { ...terms, evaluated: false, index: null, coverage: 0, inputsKnown: 0, inputs: [] };
    const rules = new Map<string, (typeof compliance.outcomes)[number]>(compliance.outcomes.map((o) => [o.rule.id, o]));
    const latest = new Map(capabilities.map((c) => [c.capability, c]));
    const inputs = definition.inputs.map((input): MaturityInputOutcome => {
      if (input.kind === 'RULE') {
        const outcome = rules.get(input.id)!;
        const value: InputValue = outcome.outcome === 'COMPLIANT' ? 1 : outcome.outcome === 'NON_COMPLIANT' ? 0 : null;
        return {
          kind: input.kind,
          id: input.id,
          title: outcome.rule.title,
          weight: input.weight,
          value,
          explanation: outcome.explanation,
          facts: outcome.facts,
        };
      }
      const title = CAPABILITIES.get(input.id)?.name ?? input.id;
      const change = latest.get(input.id);
      if (capabilities.length === 0) {
        const known = args.knownAt ? ` as known at ${args.knownAt}` : '';
        return {
          kind: input.kind,
          id: input.id,
          title,
          weight: input.weight,
          value: null,
          facts: [],
          explanation: `Unknown: no capability of the practice is recorded on or before ${asOf}${known}, so its absence says nothing.`,
        };
      }
      if (!change) {
        return {
          kind: input.kind,
          id: input.id,
          title,
          weight: input.weight,
          value: 0,
          facts: [],
          explanation: `Not deployed on ${asOf}: other capabilities of the practice are recorded, this one never was.`,
        };
      }
      const deployed = change.change === 'DEPLOYED';
      const explanation = deployed
        ? `Deployed on ${asOf}: since ${change.changed_on} (${change.solution}, ${change.supplier}).`
        : `Not deployed on ${asOf}: withdrawn on ${change.changed_on}.`;
      return { kind: input.kind, id: input.id, title, weight: input.weight, value: deployed ? 1 : 0, explanation, facts: [decidingFact(change.fact)] };
    });
    const computed = practiceIndex(
      definition,
      inputs.map((i) => i.value),
    );
    return { ...terms, evaluated: true, ...computed, inputs };
  }

  private definition(version: number | null | undefined): MaturityIndexDefinition {
    if (version === null || version === undefined) return LATEST_MATURITY_INDEX;
    const found = maturityIndexVersion(version);
    if (!found) {
      throw new QueryArgumentError(
        'version',
        `${version} is not a version of the maturity index: use ${MATURITY_INDEXES.map((d) => d.version).join(' or ')} (maturityIndexDefinitions lists them)`,
      );
    }
    return found;
  }

  private terms(definition: MaturityIndexDefinition, knownAt: string | null | undefined): MaturityTerms {
    return { indexVersion: definition.version, rulesVersion: COMPLIANCE_RULES.version, knownAt: knownAt ?? null };
  }

  /** Work that reads materialised tables: one another API process dropped meanwhile is built again, once. */
  private onceMore<T>(work: () => Promise<T>): Promise<T> {
    return onceMore(work, () => this.indexes.forgetAll());
  }

  private sqlScope(scope: Scope): MaturitySqlScope {
    return { database: this.context.database, hierarchy: scope.table, level: scope.level, parentLevel: scope.parentLevel };
  }
}

function stats(r: Stats): MaturityStats {
  const number = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));
  const withIndex = Number(r.with_index);
  const quartile = (i: number) => (withIndex > 0 ? number(r.quartiles[i]) : null);
  return {
    practices: Number(r.practices),
    practicesWithIndex: withIndex,
    mean: number(r.mean),
    weightedMean: number(r.weighted_mean),
    registeredPatients: Number(r.registered_patients),
    practicesWeighted: Number(r.weighted_practices),
    min: withIndex > 0 ? number(r.min) : null,
    lowerQuartile: quartile(0),
    median: quartile(1),
    upperQuartile: quartile(2),
    max: withIndex > 0 ? number(r.max) : null,
    meanCoverage: number(r.mean_coverage),
  };
}

/** Each month from `from` to `to`: the period (clipped to the range) and the date it is evaluated on, its last day (or `to`). */
export function monthEnds(from: string, to: string): Array<{ asOf: string; period: Period }> {
  const months: Array<{ asOf: string; period: Period }> = [];
  let start = from;
  while (start <= to) {
    const s = new Date(`${start.slice(0, 7)}-01T00:00:00Z`);
    const next = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1));
    const last = new Date(next.getTime() - 86_400_000).toISOString().slice(0, 10);
    const end = last < to ? last : to;
    months.push({ asOf: end, period: { start, end } });
    start = next.toISOString().slice(0, 10);
  }
  return months;
}
