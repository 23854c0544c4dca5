import { Inject } from '@nestjs/common';
import { Args, Info, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import {
  QueryArgumentError,
  ReportingQueries,
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
  constructor(@Inject(REPORTING_QUERIES) private readonly queries: ReportingQueries) {}

  @Query('organisation')
  organisation(@Args('code') code: string): Promise<OrganisationDetail | null> {
    return this.queries.organisation(code.trim().toUpperCase());
  }

  @Query('organisations')
  organisations(@Args() args: { search?: string; level?: string; first?: number; after?: string }) {
    return this.queries.searchOrganisations(args);
  }

  @Query('utilisation')
  async utilisation(@Args() args: UtilisationArgs, @Info() info: GraphQLResolveInfo): Promise<UtilisationPage> {
    // Registered patients take a second scan (of the list sizes): only when a row field needs them.
    const fields = selectedFields(info, 'nodes');
    const rates = fields.has('registeredPatients') || fields.has('ratePer1000');
    return { ...(await this.queries.utilisation(args, { rates })), args };
  }

  @Query('capabilityAdoption')
  capabilityAdoption(@Args() args: CoverageArgs & { capability: string }) {
    return this.queries.capabilityAdoption(args);
  }

  @Query('agreements')
  agreements(@Args() args: CoverageArgs) {
    return this.queries.agreementCoverage(args);
  }

  @Query('bcpReviews')
  bcpReviews(@Args() args: CoverageArgs & { withinMonths?: number }) {
    return this.queries.bcpReviewCoverage(args);
  }

  @Query('carbon')
  carbon(@Args() args: CarbonArgs) {
    return this.queries.carbon(args);
  }

  /** Each footprint's trajectory, with the version and words of the trajectory it belongs to. */
  @Query('netZeroTrajectory')
  netZeroTrajectory() {
    const { version, source, interpolation, footprints } = this.queries.netZeroTrajectory();
    return footprints.map((f) => ({ ...f, version, source, interpolation }));
  }

  @Query('netZero')
  netZero(@Args() args: NetZeroArgs) {
    return this.queries.netZero(args);
  }

  @Query('complianceRules')
  complianceRules() {
    return this.queries.complianceRules();
  }

  @Query('compliance')
  compliance(@Args() args: ComplianceArgs) {
    return this.queries.compliance(args);
  }

  @Query('nonCompliantPractices')
  nonCompliantPractices(@Args() args: ComplianceArgs & { rule: string }) {
    return this.queries.nonCompliantPractices(args);
  }

  @Query('incidents')
  incidents(@Args() args: IncidentArgs) {
    return this.queries.incidents(args);
  }

  @Query('recordAccessLosses')
  recordAccessLosses(@Args() args: RecordAccessLossArgs) {
    return this.queries.recordAccessLosses(args);
  }

  @Query('maturityIndexDefinitions')
  maturityIndexDefinitions() {
    return this.queries.maturityIndexDefinitions();
  }

  @Query('maturity')
  maturity(@Args() args: MaturityArgs) {
    return this.queries.maturity(args);
  }

  @Query('maturityTrend')
  maturityTrend(@Args() args: MaturityArgs & { from: string; to: string }) {
    return this.queries.maturityTrend(args);
  }

  @Query('practice')
  async practice(@Args('code') given: string, @Args('asOf') asOf: string | null): Promise<PracticeParent | null> {
    const code = given.trim().toUpperCase();
    const organisation = await this.queries.organisation(code);
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
  constructor(@Inject(REPORTING_QUERIES) private readonly queries: ReportingQueries) {}

  @ResolveField('unattributed')
  unattributed(@Parent() page: UtilisationPage) {
    return this.queries.utilisationUnattributed(page.args);
  }
}

@Resolver('Organisation')
export class OrganisationResolver {
  constructor(@Inject(REPORTING_QUERIES) private readonly queries: ReportingQueries) {}

  @ResolveField('ancestors')
  ancestors(@Parent() organisation: OrganisationDetail, @Args('asOf') asOf: string | null) {
    return this.queries.ancestors(organisation.code, asOf);
  }

  @ResolveField('children')
  children(@Parent() organisation: OrganisationDetail, @Args() args: { asOf?: string; first?: number; after?: string }) {
    return this.queries.children(organisation.code, args);
  }
}

@Resolver('Practice')
export class PracticeResolver {
  constructor(@Inject(REPORTING_QUERIES) private readonly queries: ReportingQueries) {}

  private state(practice: PracticeParent): Promise<PracticeState> {
    practice.state ??= this.queries.practiceState(practice.code, practice.asOf);
    return practice.state;
  }

  @ResolveField('ancestors')
  ancestors(@Parent() practice: PracticeParent) {
    return this.queries.ancestors(practice.code, practice.asOf);
  }

  @ResolveField('agreementInForce')
  async agreementInForce(@Parent() practice: PracticeParent) {
    return (await this.state(practice)).agreementInForce;
  }

  @ResolveField('latestBcpReview')
  async latestBcpReview(@Parent() practice: PracticeParent) {
    return (await this.state(practice)).latestBcpReview;
  }

  @ResolveField('capabilities')
  async capabilities(@Parent() practice: PracticeParent) {
    return (await this.state(practice)).capabilities;
  }

  @ResolveField('timeline')
  timeline(@Parent() practice: PracticeParent, @Args() args: { first?: number; after?: string }) {
    return this.queries.practiceTimeline(practice.code, args);
  }

  @ResolveField('maturity')
  maturity(@Parent() practice: PracticeParent, @Args() args: { asOf?: string; knownAt?: string; version?: number }) {
    return this.queries.practiceMaturity(practice.code, { ...args, asOf: args.asOf ?? practice.asOf });
  }

  @ResolveField('compliance')
  compliance(@Parent() practice: PracticeParent, @Args() args: { asOf?: string; knownAt?: string; rules?: string[] }) {
    return this.queries.practiceCompliance(practice.code, { ...args, asOf: args.asOf ?? practice.asOf });
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
