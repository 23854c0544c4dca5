import type { ClickHouseClient } from '@clickhouse/client';
import type { Principal } from '@gpds/access';
import type { RuleCatalogue } from '@gpds/compliance';
import type { MaturityIndexDefinition } from '@gpds/shared-reference-data';
import { NET_ZERO_TRAJECTORY, type NetZeroTrajectory } from '@gpds/shared-reference-data';
import { CarbonQueries, type CarbonArgs, type CarbonRow } from './carbon/carbon-queries';
import { NetZeroQueries, type NetZeroArgs, type NetZeroRow, type NetZeroTerms } from './net-zero/net-zero-queries';
import {
  ComplianceQueries,
  type ComplianceArgs,
  type ComplianceRow,
  type ComplianceTerms,
  type NonCompliantPractice,
  type PracticeCompliance,
} from './compliance/compliance-queries';
import { ComplianceEvaluations } from './compliance/evaluations';
import { MaturityEvaluations } from './maturity/maturity-evaluations';
import {
  MaturityQueries,
  type MaturityArgs,
  type MaturityRow,
  type MaturityTerms,
  type MaturityTrendRow,
  type PracticeMaturity,
} from './maturity/maturity-queries';
import { CoverageQueries, type CoverageArgs, type CoverageRow } from './coverage/coverage-queries';
import {
  IncidentQueries,
  type IncidentArgs,
  type IncidentRow,
  type IncidentTerms,
  type RecordAccessLoss,
  type RecordAccessLossArgs,
} from './incidents/incidents-queries';
import { OrganisationQueries, type OrganisationDetail } from './organisations/organisation-queries';
import { PracticeQueries, type PracticeState, type TimelineEntry } from './practice/practice-queries';
import type { Connection } from './shared/connection';
import { HierarchyCache, type OrganisationEntry } from './shared/hierarchy-cache';
import type { Period } from './shared/period';
import { QueryContext, type PreparedQuery, type RollupScope } from './shared/query-context';
import { ScopedReportingQueries } from './scoped/scoped-queries';
import { UtilisationQueries, type PreparedUtilisation, type UtilisationArgs, type UtilisationRow } from './utilisation/utilisation-queries';

/**
 * Every question the GraphQL API answers, as ClickHouse SQL: roll-ups by any level under any
 * parent for any date (asOf) and knowledge time (knownAt), with the hierarchy in force on that
 * date; organisation lookups; a practice's state and timeline. No framework here: the GraphQL
 * resolvers call it, and so does the benchmark. Each read model's queries and SQL are in a
 * folder of their own (utilisation, coverage, carbon, practice, organisations); this class only
 * hands each question to its read model.
 */
export class ReportingQueries {
  readonly hierarchy: HierarchyCache;
  /** Whether an organisation is within a scope on a date, by hierarchy version (isWithin). */
  private readonly within = new Map<string, Promise<boolean>>();
  private readonly organisationQueries: OrganisationQueries;
  private readonly utilisationQueries: UtilisationQueries;
  private readonly coverageQueries: CoverageQueries;
  private readonly carbonQueries: CarbonQueries;
  private readonly netZeroQueries: NetZeroQueries;
  private readonly practiceQueries: PracticeQueries;
  private readonly complianceQueries: ComplianceQueries;
  private readonly incidentQueries: IncidentQueries;
  private readonly maturityQueries: MaturityQueries;

  constructor(client: ClickHouseClient, options: { readonly database: string; readonly bi: string; readonly hierarchyCheckEveryMs?: number }) {
    this.hierarchy = new HierarchyCache(client, { database: options.database, bi: options.bi, checkEveryMs: options.hierarchyCheckEveryMs });
    const context = new QueryContext(client, options, this.hierarchy);
    this.organisationQueries = new OrganisationQueries(context);
    this.utilisationQueries = new UtilisationQueries(context);
    this.coverageQueries = new CoverageQueries(context);
    this.carbonQueries = new CarbonQueries(context);
    this.netZeroQueries = new NetZeroQueries(context, client);
    this.practiceQueries = new PracticeQueries(context);
    this.incidentQueries = new IncidentQueries(context);
    // One set of evaluations: the maturity index reads the compliance outcomes of its dates (a trend, ten years of month ends).
    const evaluations = new ComplianceEvaluations(client, { database: options.database, keep: 160 });
    this.complianceQueries = new ComplianceQueries(context, evaluations);
    this.maturityQueries = new MaturityQueries(
      context,
      new MaturityEvaluations(client, { database: options.database, keep: 160 }, evaluations),
      this.complianceQueries,
    );
  }

  // ---- organisations ----

  organisation(code: string): Promise<OrganisationDetail | null> {
    return this.organisationQueries.organisation(code);
  }

  /** With `scope`, only the organisations a principal scoped to it may see (docs/security.md). */
  searchOrganisations(
    args: {
      search?: string | null;
      level?: string | null;
      first?: number | null;
      after?: string | null;
    },
    scope: string | null = null,
  ): Promise<Connection<OrganisationDetail>> {
    return this.organisationQueries.search(args, scope);
  }

  /**
   * Whether `code` is `scope` or under it in the hierarchy in force on `asOf` (checked date):
   * remembered per hierarchy version, so a scoped principal's questions cost one lookup each.
   */
  isWithin(code: string, scope: string, asOf: string): Promise<boolean> {
    if (code === scope) return Promise.resolve(true);
    return this.hierarchy.get().then((version) => {
      const key = `${version.table}\u0000${asOf}\u0000${scope}\u0000${code}`;
      let known = this.within.get(key);
      if (!known) {
        if (this.within.size >= 10_000) this.within.clear();
        known = this.organisationQueries.ancestors(code, asOf).then((ancestors) => ancestors.some((a) => a.code === scope));
        known.catch(() => this.within.delete(key));
        this.within.set(key, known);
      }
      return known;
    });
  }

  /** These queries as `principal` may ask them: every question checked against its scope first. */
  as(principal: Pick<Principal, 'scope'>): ScopedReportingQueries {
    return new ScopedReportingQueries(this, principal);
  }

  /** The organisation's ancestors on `asOf`, nearest first, up to England. */
  ancestors(code: string, asOf?: string | null): Promise<OrganisationEntry[]> {
    return this.organisationQueries.ancestors(code, asOf);
  }

  /** The organisations one level down from `code` on `asOf` (practices under a commissioner with no PCN included). */
  children(code: string, args: { asOf?: string | null; first?: number | null; after?: string | null }): Promise<Connection<OrganisationEntry>> {
    return this.organisationQueries.children(code, args);
  }

  // ---- roll-ups ----

  /** `rates`: also work out registered patients and rates per 1,000 (default on; the API asks only when they are selected). */
  prepareUtilisation(args: UtilisationArgs, options: { rates?: boolean } = {}): Promise<PreparedUtilisation> {
    return this.utilisationQueries.prepare(args, options);
  }

  utilisation(args: UtilisationArgs, options: { rates?: boolean } = {}): Promise<Connection<UtilisationRow>> {
    return this.utilisationQueries.rollup(args, options);
  }

  /** Per period, what the utilisation roll-up could not place at its level (e.g. usage known only for a sub-ICB location, grouped by practice). */
  utilisationUnattributed(args: UtilisationArgs): Promise<Array<{ period: Period; value: number }>> {
    return this.utilisationQueries.unattributed(args);
  }

  capabilityAdoption(args: CoverageArgs & { capability: string }): Promise<Connection<CoverageRow>> {
    return this.coverageQueries.capabilityAdoption(args);
  }

  agreementCoverage(args: CoverageArgs): Promise<Connection<CoverageRow>> {
    return this.coverageQueries.agreementCoverage(args);
  }

  bcpReviewCoverage(args: CoverageArgs & { withinMonths?: number | null }): Promise<Connection<CoverageRow>> {
    return this.coverageQueries.bcpReviewCoverage(args);
  }

  carbon(args: CarbonArgs): Promise<Connection<CarbonRow>> {
    return this.carbonQueries.rollup(args);
  }

  // ---- Net Zero ----

  /** The Net Zero trajectory in force: per footprint, its default baseline year and the points of its paths. */
  netZeroTrajectory(): NetZeroTrajectory {
    return NET_ZERO_TRAJECTORY;
  }

  /** Per organisation, footprint and financial year: kgCO2e against the trajectory's allowance from the baseline year. */
  netZero(args: NetZeroArgs): Promise<Connection<NetZeroRow> & NetZeroTerms> {
    return this.netZeroQueries.rollup(args);
  }

  /** The Net Zero roll-up's SQL and parameters (for the benchmark's straight-to-ClickHouse baseline). */
  async prepareNetZero(args: NetZeroArgs): Promise<PreparedQuery> {
    const { sql, params, before } = await this.netZeroQueries.prepare(args);
    return { sql, params, before };
  }

  // ---- compliance with the Operating Model ----

  /** The compliance rules in force: each with its passage, parameters and the facts it reads, and the catalogue's version. */
  complianceRules(): RuleCatalogue {
    return this.complianceQueries.catalogue();
  }

  /** Per organisation at a level: practices compliant, non-compliant and unknown with each rule asked, and with all of them. */
  compliance(args: ComplianceArgs): Promise<Connection<ComplianceRow> & ComplianceTerms> {
    return this.complianceQueries.rollup(args);
  }

  /** The compliance roll-up's SQL and parameters (for the benchmark's straight-to-ClickHouse baseline). */
  prepareCompliance(args: ComplianceArgs): Promise<PreparedQuery> {
    return this.complianceQueries.prepare(args);
  }

  /** The compliance roll-up as one query, its evaluation inline (for the benchmark's baseline of a date's first answer). */
  prepareComplianceOneShot(args: ComplianceArgs): Promise<PreparedQuery> {
    return this.complianceQueries.prepareOneShot(args);
  }

  /** The non-compliant list's queries (for the benchmark's straight-to-ClickHouse baseline): the version check, the page, its explanations. */
  async prepareNonCompliantPractices(args: RollupScope & { rule: string; knownAt?: string | null }): Promise<PreparedQuery> {
    const { sql, params, before, explain } = await this.complianceQueries.prepareNonCompliant(args);
    return { sql, params, before: [...before, explain] };
  }

  /** The practices under a parent non-compliant with a rule on asOf, each with its reason. */
  nonCompliantPractices(args: RollupScope & { rule: string; knownAt?: string | null }): Promise<Connection<NonCompliantPractice> & ComplianceTerms> {
    return this.complianceQueries.nonCompliant(args);
  }

  // ---- the digital maturity index ----

  /** Every version of the index's definition (inputs and weights), oldest first. */
  maturityIndexDefinitions(): readonly MaturityIndexDefinition[] {
    return this.maturityQueries.definitions();
  }

  /** The index per organisation at a level on asOf as known at knownAt: plain and patient-weighted means, distribution. */
  maturity(args: MaturityArgs): Promise<Connection<MaturityRow> & MaturityTerms & { asOf: string }> {
    return this.maturityQueries.rollup(args);
  }

  /** The maturity roll-up's SQL and parameters (for the benchmark's straight-to-ClickHouse baseline). */
  prepareMaturity(args: MaturityArgs): Promise<PreparedQuery> {
    return this.maturityQueries.prepare(args);
  }

  /** The index per organisation at a level at the end of each month between two dates. */
  maturityTrend(args: MaturityArgs & { from: string; to: string }): Promise<Connection<MaturityTrendRow> & MaturityTerms> {
    return this.maturityQueries.trend(args);
  }

  /** A practice's index on asOf as known at knownAt: each input's value, weight and explanation. */
  practiceMaturity(code: string, args: { asOf?: string | null; knownAt?: string | null; version?: number | null }): Promise<PracticeMaturity> {
    return this.maturityQueries.practice(code, args);
  }

  // ---- incidents (docs/measures.md) ----

  /** Per organisation at a level and period: cyber incidents, data breaches and losses of record access, as of asOf as known at knownAt. */
  incidents(args: IncidentArgs): Promise<Connection<IncidentRow> & IncidentTerms> {
    return this.incidentQueries.rollup(args);
  }

  /** The incidents roll-up's SQL and parameters (for a benchmark's straight-to-ClickHouse baseline). */
  prepareIncidents(args: IncidentArgs): Promise<PreparedQuery> {
    return this.incidentQueries.prepare(args);
  }

  /** The losses of record access begun in a range under a parent, one by one, with their practice's organisation at a level. */
  recordAccessLosses(args: RecordAccessLossArgs): Promise<Connection<RecordAccessLoss> & IncidentTerms> {
    return this.incidentQueries.recordAccessLosses(args);
  }

  // ---- one practice ----

  /** A practice's outcome for each rule on asOf as known at knownAt, explained, with the events that decided it. */
  practiceCompliance(code: string, args: { asOf?: string | null; knownAt?: string | null; rules?: readonly string[] | null }): Promise<PracticeCompliance> {
    return this.complianceQueries.practice(code, args);
  }

  practiceState(code: string, asOf?: string | null): Promise<PracticeState> {
    return this.practiceQueries.state(code, asOf);
  }

  /** Every fact about a practice, newest first, each with the event it came from. */
  practiceTimeline(code: string, args: { first?: number | null; after?: string | null }): Promise<Connection<TimelineEntry>> {
    return this.practiceQueries.timeline(code, args);
  }
}
