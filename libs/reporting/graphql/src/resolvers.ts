import { Inject } from '@nestjs/common';
import { Args, Context, Info, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLError, Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Principal } from '@gpds/access';
import {
  QueryArgumentError,
  ReportingQueries,
  ScopedReportingQueries,
  type CarbonArgs,
  type ComplianceArgs,
  type Connection,
  type CoverageArgs,
  type IncidentArgs,
  type MaturityArgs,
  type NetZeroArgs,
  type OrganisationDetail,
  type PracticeState,
  type RecordAccessLossArgs,
  type UtilisationArgs,
  type UtilisationRow,
  type NonCompliantPractice,
  type RuleOutcome,
} from '@gpds/reporting-queries';
import type { ComplianceRule } from '@gpds/compliance';

export const REPORTING_QUERIES = Symbol('REPORTING_QUERIES');
export const AUDIT_TRAIL = Symbol('AUDIT_TRAIL');

/** What the audit trail answers a page with (@gpds/access-audit's AuditLog.trail). */
export interface AuditTrailReader {
  trail(args: { from: string; to: string; principal?: string | null; kind?: string | null; first?: number | null; after?: string | null }): Promise<unknown>;
}

interface AuditPage {
  readonly nodes: ReadonlyArray<Record<string, unknown> & { arguments?: unknown; details?: unknown; organisations?: readonly string[] | null }>;
  readonly totalCount: number;
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A utilisation page remembers its arguments, for `unattributed`. */
type UtilisationPage = Connection<UtilisationRow> & { readonly args: UtilisationArgs };

interface PracticeParent {
  readonly code: string;
  readonly asOf: string | null;
  readonly organisation: OrganisationDetail;
  /** Loaded once, when a state field is asked for. */
  state?: Promise<PracticeState>;
}

@Resolver('Query')
export class QueryResolver {
  @Query('organisation')
  organisation(@Context('queries') queries: ScopedReportingQueries, @Args('code') code: string): Promise<OrganisationDetail | null> {
    return queries.organisation(code.trim().toUpperCase());
  }

  @Query('organisations')
  organisations(@Context('queries') queries: ScopedReportingQueries, @Args() args: { search?: string; level?: string; first?: number; after?: string }) {
    return queries.searchOrganisations(args);
  }

  @Query('utilisation')
  async utilisation(
    @Context('queries') queries: ScopedReportingQueries,
    @Args() args: UtilisationArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UtilisationPage> {
    // Registered patients take a second scan (of the list sizes): only when a row field needs them.
    const fields = selectedFields(info, 'nodes');
    const rates = fields.has('registeredPatients') || fields.has('ratePer1000');
    return { ...(await queries.utilisation(args, { rates })), args };
  }

  @Query('capabilityAdoption')
  capabilityAdoption(@Context('queries') queries: ScopedReportingQueries, @Args() args: CoverageArgs & { capability: string }) {
    return queries.capabilityAdoption(args);
  }

  @Query('agreements')
  agreements(@Context('queries') queries: ScopedReportingQueries, @Args() args: CoverageArgs) {
    return queries.agreementCoverage(args);
  }

  @Query('bcpReviews')
  bcpReviews(@Context('queries') queries: ScopedReportingQueries, @Args() args: CoverageArgs & { withinMonths?: number }) {
    return queries.bcpReviewCoverage(args);
  }

  @Query('carbon')
  carbon(@Context('queries') queries: ScopedReportingQueries, @Args() args: CarbonArgs) {
    return queries.carbon(args);
  }

  /** Each footprint's trajectory, with the version and words of the trajectory it belongs to. */
  @Query('netZeroTrajectory')
  netZeroTrajectory(@Context('queries') queries: ScopedReportingQueries) {
    const { version, source, interpolation, footprints } = queries.netZeroTrajectory();
    return footprints.map((f) => ({ ...f, version, source, interpolation }));
  }

  @Query('netZero')
  netZero(@Context('queries') queries: ScopedReportingQueries, @Args() args: NetZeroArgs) {
    return queries.netZero(args);
  }

  @Query('complianceRules')
  complianceRules(@Context('queries') queries: ScopedReportingQueries) {
    return queries.complianceRules();
  }

  @Query('compliance')
  compliance(@Context('queries') queries: ScopedReportingQueries, @Args() args: ComplianceArgs) {
    return queries.compliance(args);
  }

  @Query('nonCompliantPractices')
  nonCompliantPractices(@Context('queries') queries: ScopedReportingQueries, @Args() args: ComplianceArgs & { rule: string }) {
    return queries.nonCompliantPractices(args);
  }

  @Query('incidents')
  incidents(@Context('queries') queries: ScopedReportingQueries, @Args() args: IncidentArgs) {
    return queries.incidents(args);
  }

  @Query('recordAccessLosses')
  recordAccessLosses(@Context('queries') queries: ScopedReportingQueries, @Args() args: RecordAccessLossArgs) {
    return queries.recordAccessLosses(args);
  }

  @Query('maturityIndexDefinitions')
  maturityIndexDefinitions(@Context('queries') queries: ScopedReportingQueries) {
    return queries.maturityIndexDefinitions();
  }

  @Query('maturity')
  maturity(@Context('queries') queries: ScopedReportingQueries, @Args() args: MaturityArgs) {
    return queries.maturity(args);
  }

  @Query('maturityTrend')
  maturityTrend(@Context('queries') queries: ScopedReportingQueries, @Args() args: MaturityArgs & { from: string; to: string }) {
    return queries.maturityTrend(args);
  }

  @Query('me')
  me(@Context('principal') principal: Principal, @Context('queries') queries: ScopedReportingQueries) {
    return queries.viewer(principal);
  }

  @Query('practice')
  async practice(
    @Context('queries') queries: ScopedReportingQueries,
    @Args('code') given: string,
    @Args('asOf') asOf: string | null,
  ): Promise<PracticeParent | null> {
    const code = given.trim().toUpperCase();
    const organisation = await queries.organisation(code, asOf);
    if (!organisation) return null;
    if (organisation.level !== 'PRACTICE') {
      throw new QueryArgumentError('code', `${code} is a ${organisation.level}, not a practice: use organisation(code: "${code}") for it`);
    }
    return { code, asOf: asOf ?? null, organisation };
  }
}

/** The names of the fields selected under `child` of the current field (through fragments). */
export function selectedFields(info: GraphQLResolveInfo, child: string): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, collect: boolean): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (collect) names.add(selection.name.value);
        else if (selection.name.value === child) visit(selection.selectionSet, true);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, collect);
      else visit(info.fragments[selection.name.value]?.selectionSet, collect);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, false);
  return names;
}

@Resolver('UtilisationConnection')
export class UtilisationConnectionResolver {
  @ResolveField('unattributed')
  unattributed(@Context('queries') queries: ScopedReportingQueries, @Parent() page: UtilisationPage) {
    return queries.utilisationUnattributed(page.args);
  }
}

@Resolver('Organisation')
export class OrganisationResolver {
  @ResolveField('ancestors')
  ancestors(@Context('queries') queries: ScopedReportingQueries, @Parent() organisation: OrganisationDetail, @Args('asOf') asOf: string | null) {
    return queries.ancestors(organisation.code, asOf);
  }

  @ResolveField('children')
  children(
    @Context('queries') queries: ScopedReportingQueries,
    @Parent() organisation: OrganisationDetail,
    @Args() args: { asOf?: string; first?: number; after?: string },
  ) {
    return queries.children(organisation.code, args);
  }
}

@Resolver('Practice')
export class PracticeResolver {
  private state(queries: ScopedReportingQueries, practice: PracticeParent): Promise<PracticeState> {
    practice.state ??= queries.practiceState(practice.code, practice.asOf);
    return practice.state;
  }

  @ResolveField('ancestors')
  ancestors(@Context('queries') queries: ScopedReportingQueries, @Parent() practice: PracticeParent) {
    return queries.ancestors(practice.code, practice.asOf);
  }

  @ResolveField('agreementInForce')
  async agreementInForce(@Context('queries') queries: ScopedReportingQueries, @Parent() practice: PracticeParent) {
    return (await this.state(queries, practice)).agreementInForce;
  }

  @ResolveField('latestBcpReview')
  async latestBcpReview(@Context('queries') queries: ScopedReportingQueries, @Parent() practice: PracticeParent) {
    return (await this.state(queries, practice)).latestBcpReview;
  }

  @ResolveField('capabilities')
  async capabilities(@Context('queries') queries: ScopedReportingQueries, @Parent() practice: PracticeParent) {
    return (await this.state(queries, practice)).capabilities;
  }

  @ResolveField('timeline')
  timeline(@Context('queries') queries: ScopedReportingQueries, @Parent() practice: PracticeParent, @Args() args: { first?: number; after?: string }) {
    return queries.practiceTimeline(practice.code, args, practice.asOf);
  }

  @ResolveField('maturity')
  maturity(
    @Context('queries') queries: ScopedReportingQueries,
    @Parent() practice: PracticeParent,
    @Args() args: { asOf?: string; knownAt?: string; version?: number },
  ) {
    return queries.practiceMaturity(practice.code, { ...args, asOf: args.asOf ?? practice.asOf });
  }

  @ResolveField('compliance')
  compliance(
    @Context('queries') queries: ScopedReportingQueries,
    @Parent() practice: PracticeParent,
    @Args() args: { asOf?: string; knownAt?: string; rules?: string[] },
  ) {
    return queries.practiceCompliance(practice.code, { ...args, asOf: args.asOf ?? practice.asOf });
  }
}

/** A rule's parameters as text and as a list; its catalogue version. */
@Resolver('ComplianceRule')
export class ComplianceRuleResolver {
  constructor(@Inject(REPORTING_QUERIES) private readonly queries: ReportingQueries) {}

  @ResolveField('parameters')
  parameters(@Parent() rule: ComplianceRule) {
    return rule.parameters.map((p) => {
      const values = Array.isArray(p.value) ? p.value.map(String) : [String(p.value)];
      return { name: p.name, value: values.join(', '), values, description: p.description };
    });
  }

  @ResolveField('version')
  version() {
    return this.queries.complianceRules().version;
  }
}

/** The values a rule compared, as name/value pairs, for the types that carry them. */
const comparedValues = (parent: { values: Readonly<Record<string, string>> }) => Object.entries(parent.values).map(([name, value]) => ({ name, value }));

@Resolver('RuleOutcome')
export class RuleOutcomeResolver {
  @ResolveField('values')
  values(@Parent() outcome: RuleOutcome) {
    return comparedValues(outcome);
  }
}

@Resolver('NonCompliantPractice')
export class NonCompliantPracticeResolver {
  @ResolveField('values')
  values(@Parent() practice: NonCompliantPractice) {
    return comparedValues(practice);
  }
}

/** The audit trail, for admins only: analysts are refused (FORBIDDEN), whatever their scope. */
@Resolver('Query')
export class AuditTrailResolver {
  constructor(@Inject(AUDIT_TRAIL) private readonly audit: AuditTrailReader | null) {}

  @Query('auditTrail')
  async auditTrail(
    @Context('principal') principal: Principal,
    @Args() args: { from: string; to: string; principal?: string; kind?: string; first?: number; after?: string },
  ) {
    if (principal.role !== 'admin') {
      throw new GraphQLError(`only admins may read the audit trail; you are signed in as ${principal.role}`, {
        extensions: { code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' },
      });
    }
    if (!this.audit) throw new GraphQLError('this process keeps no audit trail to read', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
    let page: AuditPage;
    try {
      page = (await this.audit.trail(args)) as AuditPage;
    } catch (refused) {
      const argument = (refused as { argument?: unknown }).argument;
      if (typeof argument === 'string') throw new QueryArgumentError(argument, (refused as Error).message);
      throw refused;
    }
    const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));
    return {
      ...page,
      nodes: page.nodes.map((n) => ({ ...n, arguments: json(n.arguments), details: json(n.details), organisations: n.organisations ?? [] })),
    };
  }
}
