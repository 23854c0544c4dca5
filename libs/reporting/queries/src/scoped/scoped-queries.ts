import { ENGLAND, checkScope, type Principal, type ResolvedScope, type ScopedRead, type ScopeLevel } from '@gpds/access';
import type { RuleCatalogue } from '@gpds/compliance';
import type { MaturityIndexDefinition, NetZeroTrajectory } from '@gpds/shared-reference-data';
import type { ReportingQueries } from '../reporting-queries';
import { LEVELS, NATIONAL_CODE, isoDate, levelRank, today, type Level } from '../shared/arguments';
import type { RollupScope } from '../shared/query-context';
import type { UtilisationArgs } from '../utilisation/utilisation-queries';
import type { CoverageArgs } from '../coverage/coverage-queries';
import type { CarbonArgs } from '../carbon/carbon-queries';
import type { NetZeroArgs } from '../net-zero/net-zero-queries';
import type { ComplianceArgs } from '../compliance/compliance-queries';
import type { MaturityArgs } from '../maturity/maturity-queries';
import type { IncidentArgs, RecordAccessLossArgs } from '../incidents/incidents-queries';

type Q = ReportingQueries;

/**
 * ReportingQueries as one principal may ask them: every question is checked against the
 * principal's scope (the scope rule of @gpds/access, docs/security.md) before its SQL is built
 * and sent, here and nowhere else; the GraphQL resolvers only ever see this. Asking outside the
 * scope throws OutOfScopeError (FORBIDDEN, naming the scope). Every organisation a question is
 * about is kept in `touched`, for the audit trail.
 */
export class ScopedReportingQueries {
  /** The organisations this principal's questions were about (parents, practices, organisations looked up). */
  readonly touched = new Set<string>();

  constructor(
    private readonly queries: ReportingQueries,
    readonly principal: Pick<Principal, 'scope'>,
  ) {}

  // ---- reference data: the same for everyone ----

  complianceRules(): RuleCatalogue {
    return this.queries.complianceRules();
  }

  netZeroTrajectory(): NetZeroTrajectory {
    return this.queries.netZeroTrajectory();
  }

  maturityIndexDefinitions(): readonly MaturityIndexDefinition[] {
    return this.queries.maturityIndexDefinitions();
  }

  /** The principal as a client shows it: who, role, and its scope with the scope's name and level today. */
  async viewer(principal: Principal): Promise<Principal & { scopeName: string | null; scopeLevel: ScopeLevel | null }> {
    if (principal.scope === ENGLAND) return { ...principal, scopeName: 'England', scopeLevel: 'NATIONAL' };
    const entry = (await this.queries.hierarchy.get()).organisations.get(principal.scope);
    return { ...principal, scopeName: entry?.name ?? null, scopeLevel: (entry?.level as ScopeLevel | undefined) ?? null };
  }

  // ---- organisations ----

  /** An organisation's directory entry: at or above the scope's level anyone's; below it, only within the scope on `asOf` (default today). */
  async organisation(code: string, asOf?: string | null): ReturnType<Q['organisation']> {
    const detail = await this.queries.organisation(code);
    if (detail) await this.check({ kind: 'organisation', code: detail.code, level: detail.level }, asOf);
    return detail;
  }

  /** A search: for a scoped principal, organisations at or above its level, and those within its scope today. */
  searchOrganisations(args: Parameters<Q['searchOrganisations']>[0]): ReturnType<Q['searchOrganisations']> {
    return this.queries.searchOrganisations(args, this.principal.scope === ENGLAND ? null : this.principal.scope);
  }

  async ancestors(code: string, asOf?: string | null): ReturnType<Q['ancestors']> {
    await this.check({ kind: 'organisation', code, level: await this.levelOf(code) }, asOf);
    return this.queries.ancestors(code, asOf);
  }

  async children(code: string, args: Parameters<Q['children']>[1]): ReturnType<Q['children']> {
    const level = await this.levelOf(code);
    // What is shown is one level down (practices under a commissioner without a PCN count as that too).
    const below = LEVELS[Math.max(0, levelRank(level) - 1)] as Level;
    await this.check({ kind: 'organisation', code, level: below }, args.asOf);
    return this.queries.children(code, args);
  }

  // ---- roll-ups: published at or above the scope's level, below it only within the scope ----

  async utilisation(args: UtilisationArgs, options: { rates?: boolean } = {}): ReturnType<Q['utilisation']> {
    await this.rollup(args, args.asOf ?? endOf(args.to));
    return this.queries.utilisation(args, options);
  }

  async utilisationUnattributed(args: UtilisationArgs): ReturnType<Q['utilisationUnattributed']> {
    await this.rollup(args, args.asOf ?? endOf(args.to));
    return this.queries.utilisationUnattributed(args);
  }

  async capabilityAdoption(args: CoverageArgs & { capability: string }): ReturnType<Q['capabilityAdoption']> {
    await this.rollup(args, args.asOf);
    return this.queries.capabilityAdoption(args);
  }

  async agreementCoverage(args: CoverageArgs): ReturnType<Q['agreementCoverage']> {
    await this.rollup(args, args.asOf);
    return this.queries.agreementCoverage(args);
  }

  async bcpReviewCoverage(args: CoverageArgs & { withinMonths?: number | null }): ReturnType<Q['bcpReviewCoverage']> {
    await this.rollup(args, args.asOf);
    return this.queries.bcpReviewCoverage(args);
  }

  async carbon(args: CarbonArgs): ReturnType<Q['carbon']> {
    await this.rollup(args, args.asOf ?? endOf(args.to));
    return this.queries.carbon(args);
  }

  async netZero(args: NetZeroArgs): ReturnType<Q['netZero']> {
    await this.rollup(args, args.asOf);
    return this.queries.netZero(args);
  }

  async compliance(args: ComplianceArgs): ReturnType<Q['compliance']> {
    await this.rollup(args, args.asOf);
    return this.queries.compliance(args);
  }

  async maturity(args: MaturityArgs): ReturnType<Q['maturity']> {
    await this.rollup(args, args.asOf);
    return this.queries.maturity(args);
  }

  /** Checked on the trend's last month: the hierarchy the latest figures are grouped by. */
  async maturityTrend(args: MaturityArgs & { from: string; to: string }): ReturnType<Q['maturityTrend']> {
    await this.rollup(args, endOf(args.to));
    return this.queries.maturityTrend(args);
  }

  // ---- restricted: only within the scope, at every level ----

  async nonCompliantPractices(args: RollupScope & { rule: string; knownAt?: string | null }): ReturnType<Q['nonCompliantPractices']> {
    await this.check({ kind: 'restricted', parent: parentOf(args) }, args.asOf);
    return this.queries.nonCompliantPractices(args);
  }

  async incidents(args: IncidentArgs): ReturnType<Q['incidents']> {
    await this.check({ kind: 'restricted', parent: parentOf(args) }, args.asOf ?? endOf(args.to));
    return this.queries.incidents(args);
  }

  async recordAccessLosses(args: RecordAccessLossArgs): ReturnType<Q['recordAccessLosses']> {
    await this.check({ kind: 'restricted', parent: parentOf(args) }, args.asOf ?? endOf(args.to));
    return this.queries.recordAccessLosses(args);
  }

  // ---- one practice: only within the scope ----

  async practiceState(code: string, asOf?: string | null): ReturnType<Q['practiceState']> {
    await this.check({ kind: 'practice', code }, asOf);
    return this.queries.practiceState(code, asOf);
  }

  /** Checked on `asOf` (the practice's, default today): a practice that moved is its new scope's. */
  async practiceTimeline(code: string, args: Parameters<Q['practiceTimeline']>[1], asOf?: string | null): ReturnType<Q['practiceTimeline']> {
    await this.check({ kind: 'practice', code }, asOf);
    return this.queries.practiceTimeline(code, args);
  }

  async practiceCompliance(code: string, args: Parameters<Q['practiceCompliance']>[1]): ReturnType<Q['practiceCompliance']> {
    await this.check({ kind: 'practice', code }, args.asOf);
    return this.queries.practiceCompliance(code, args);
  }

  async practiceMaturity(code: string, args: Parameters<Q['practiceMaturity']>[1]): ReturnType<Q['practiceMaturity']> {
    await this.check({ kind: 'practice', code }, args.asOf);
    return this.queries.practiceMaturity(code, args);
  }

  // ---- the check ----

  private rollup(args: RollupScope, asOf: string | null | undefined): Promise<void> {
    return this.check({ kind: 'rollup', parent: parentOf(args), level: levelOfArgument(args.level) }, asOf);
  }

  private async check(read: ScopedRead, asOf: string | null | undefined): Promise<void> {
    this.touched.add(read.kind === 'organisation' || read.kind === 'practice' ? normalise(read.code) : read.parent);
    if (this.principal.scope === ENGLAND) return;
    const on = asOf ? isoDate('asOf', asOf) : today();
    const normalised: ScopedRead =
      read.kind === 'organisation' || read.kind === 'practice' ? { ...read, code: normalise(read.code) } : { ...read, parent: normalise(read.parent) };
    await checkScope(this.principal, normalised, {
      asOf: on,
      scope: () => this.resolvedScope(),
      within: (code) => this.queries.isWithin(code, this.principal.scope, on),
    });
  }

  private async resolvedScope(): Promise<ResolvedScope> {
    const entry = (await this.queries.hierarchy.get()).organisations.get(this.principal.scope);
    return { code: this.principal.scope, name: entry?.name ?? '', level: (entry?.level as ScopeLevel | undefined) ?? null };
  }

  private async levelOf(code: string): Promise<ScopeLevel> {
    const c = normalise(code);
    if (c === NATIONAL_CODE) return 'NATIONAL';
    return ((await this.queries.hierarchy.get()).organisations.get(c)?.level as ScopeLevel | undefined) ?? 'PRACTICE';
  }
}

function normalise(code: string): string {
  return code.trim().toUpperCase();
}

function parentOf(args: { parent?: string | null }): string {
  return args.parent ? normalise(args.parent) : NATIONAL_CODE;
}

/** A level argument as the rule reads it: an unknown one is the lowest (the query refuses it with its own error). */
function levelOfArgument(level: string | null | undefined): ScopeLevel {
  return (LEVELS as readonly string[]).includes(level ?? '') ? (level as ScopeLevel) : 'PRACTICE';
}

/** The date a range's answer is grouped by: its end, or today when that is later (as the roll-ups default asOf). */
function endOf(to: string | null | undefined): string | null {
  if (!to || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return null;
  const now = today();
  return to < now ? to : now;
}
