/**
 * Every question the dashboard asks, as the public GraphQL API (libs/reporting/graphql/src/schema.graphql)
 * defines it, and the shapes of the answers. Operations are named (the audit trail records the
 * name) and take variables only, so each text's hash is stable and the persisted-query cache
 * holds a handful of entries. Lists ask for 100 rows a page (the cost limit multiplies by
 * `first`) and page on where an answer can be longer.
 */
import type { Level, OrganisationRef } from '../lib/levels';
import type { Viewer } from '../lib/scope';

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export interface Connection<Node> {
  readonly nodes: readonly Node[];
  readonly pageInfo: PageInfo;
}

/** Rows a page: the API's default, and what the cost limit is sized for. */
export const PAGE_SIZE = 100;

const ORG = 'code name level';

export const ME = `query DashboardMe { me { id kind name organisation role scope scopeName scopeLevel } }`;
export interface MeData {
  readonly me: Viewer;
}

export const ORGANISATION = `query DashboardOrganisation($code: String!, $asOf: Date) {
  organisation(code: $code) {
    ${ORG}
    ancestors(asOf: $asOf) { ${ORG} }
    children(asOf: $asOf, first: 1000) { totalCount nodes { ${ORG} } }
  }
}`;
export interface OrganisationData {
  readonly organisation:
    | (OrganisationRef & {
        readonly ancestors: readonly OrganisationRef[];
        readonly children: { readonly totalCount: number; readonly nodes: readonly OrganisationRef[] };
      })
    | null;
}

export interface OutcomeCounts {
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly unknown: number;
  readonly evaluated: number;
  readonly compliantShare: number | null;
}
export interface RuleCompliance extends OutcomeCounts {
  readonly rule: { readonly id: string };
}
export interface ComplianceRow {
  readonly organisation: OrganisationRef;
  readonly practicesEvaluated: number;
  readonly allRules: OutcomeCounts;
  readonly rules: readonly RuleCompliance[];
}
export interface ComplianceRuleInfo {
  readonly id: string;
  readonly title: string;
  readonly holdsWhen: string;
}

const COUNTS = 'compliant nonCompliant unknown evaluated compliantShare';

/** Compliance with every rule per organisation at `level` under `parent`: one answer serves every choice of rule. */
export const COMPLIANCE = `query DashboardCompliance($level: Level!, $parent: String, $asOf: Date, $knownAt: DateTime, $after: String) {
  complianceRules { version rules { id title holdsWhen } }
  compliance(level: $level, parent: $parent, asOf: $asOf, knownAt: $knownAt, first: ${PAGE_SIZE}, after: $after) {
    rulesVersion
    pageInfo { hasNextPage endCursor }
    nodes { organisation { ${ORG} } practicesEvaluated allRules { ${COUNTS} } rules { rule { id } ${COUNTS} } }
  }
}`;
export interface ComplianceData {
  readonly complianceRules: { readonly version: number; readonly rules: readonly ComplianceRuleInfo[] };
  readonly compliance: Connection<ComplianceRow> & { readonly rulesVersion: number };
}

export interface MaturityRow {
  readonly organisation: OrganisationRef;
  readonly practices: number;
  readonly practicesWithIndex: number;
  readonly mean: number | null;
  readonly weightedMean: number | null;
  readonly min: number | null;
  readonly lowerQuartile: number | null;
  readonly median: number | null;
  readonly upperQuartile: number | null;
  readonly max: number | null;
  readonly meanCoverage: number | null;
}

export const MATURITY = `query DashboardMaturity($level: Level!, $parent: String, $asOf: Date, $knownAt: DateTime, $after: String) {
  maturity(level: $level, parent: $parent, asOf: $asOf, knownAt: $knownAt, first: ${PAGE_SIZE}, after: $after) {
    indexVersion
    pageInfo { hasNextPage endCursor }
    nodes { organisation { ${ORG} } practices practicesWithIndex mean weightedMean min lowerQuartile median upperQuartile max meanCoverage }
  }
  england: maturity(level: NATIONAL, asOf: $asOf, knownAt: $knownAt) {
    nodes { organisation { ${ORG} } practicesWithIndex mean median }
  }
}`;
export interface MaturityData {
  readonly maturity: Connection<MaturityRow> & { readonly indexVersion: number };
  readonly england: { readonly nodes: readonly Pick<MaturityRow, 'organisation' | 'practicesWithIndex' | 'mean' | 'median'>[] };
}

export interface NetZeroRow {
  readonly organisation: OrganisationRef;
  readonly footprint: string;
  readonly financialYear: string;
  readonly status: 'ON_TRACK' | 'OFF_TRACK' | 'NO_BASELINE' | 'NO_ALLOWANCE';
  readonly actual: number;
  readonly baseline: number | null;
  readonly comparableActual: number | null;
  readonly allowance: number | null;
  readonly ambitiousAllowance: number | null;
  readonly gap: number | null;
  readonly gapPercent: number | null;
}
export interface NetZeroTrajectory {
  readonly footprint: string;
  readonly version: number;
  readonly defaultBaselineYear: string;
  readonly points: readonly {
    readonly path: 'REQUIRED' | 'AMBITIOUS';
    readonly financialYear: string;
    readonly percentOfBaseline: number;
    readonly meaning: string;
  }[];
}

/** Rows a Net Zero page holds: two footprints over up to eight years for a dozen organisations. */
export const NET_ZERO_PAGE_SIZE = 200;

export const NET_ZERO = `query DashboardNetZero($level: Level!, $parent: String, $from: String!, $to: String!, $asOf: Date, $knownAt: DateTime, $after: String) {
  netZeroTrajectory { footprint version defaultBaselineYear points { path financialYear percentOfBaseline meaning } }
  netZero(level: $level, parent: $parent, from: $from, to: $to, asOf: $asOf, knownAt: $knownAt, first: ${NET_ZERO_PAGE_SIZE}, after: $after) {
    trajectoryVersion baselineYear
    pageInfo { hasNextPage endCursor }
    nodes { organisation { ${ORG} } footprint financialYear status actual baseline comparableActual allowance ambitiousAllowance gap gapPercent }
  }
}`;
export interface NetZeroData {
  readonly netZeroTrajectory: readonly NetZeroTrajectory[];
  readonly netZero: Connection<NetZeroRow> & { readonly trajectoryVersion: number; readonly baselineYear: string };
}

export interface UtilisationRow {
  readonly organisation: OrganisationRef;
  readonly period: { readonly start: string; readonly end: string } | null;
  readonly value: number;
  readonly practices: number;
  readonly registeredPatients: number | null;
  readonly ratePer1000: number | null;
}

/** Rows a utilisation page holds: twelve months for twenty organisations. */
export const UTILISATION_PAGE_SIZE = 240;

export const UTILISATION = `query DashboardUtilisation($capability: String!, $metric: String!, $level: Level!, $parent: String, $from: Date!, $to: Date!, $asOf: Date, $knownAt: DateTime, $after: String) {
  utilisation(capability: $capability, metric: $metric, level: $level, parent: $parent, from: $from, to: $to, granularity: MONTH, asOf: $asOf, knownAt: $knownAt, first: ${UTILISATION_PAGE_SIZE}, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { organisation { ${ORG} } period { start end } value practices registeredPatients ratePer1000 }
  }
}`;
export interface UtilisationData {
  readonly utilisation: Connection<UtilisationRow>;
}

export interface IncidentRow {
  readonly organisation: OrganisationRef;
  readonly cyber: { readonly reported: number; readonly highSeverity: number; readonly open: number; readonly medianHoursToReport: number | null };
  readonly breaches: {
    readonly detected: number;
    readonly reportable: number;
    readonly reportedWithin72Hours: number;
    readonly shareWithin72Hours: number | null;
    readonly overdue: number;
  };
  readonly recordAccess: { readonly losses: number; readonly practicesAffected: number; readonly totalHours: number; readonly ongoing: number };
}

export const INCIDENTS = `query DashboardIncidents($level: Level!, $parent: String, $from: Date!, $to: Date!, $asOf: Date, $knownAt: DateTime, $after: String) {
  incidents(level: $level, parent: $parent, from: $from, to: $to, asOf: $asOf, knownAt: $knownAt, first: ${PAGE_SIZE}, after: $after) {
    rulesVersion
    pageInfo { hasNextPage endCursor }
    nodes {
      organisation { ${ORG} }
      cyber { reported highSeverity open medianHoursToReport }
      breaches { detected reportable reportedWithin72Hours shareWithin72Hours overdue }
      recordAccess { losses practicesAffected totalHours ongoing }
    }
  }
}`;
export interface IncidentsData {
  readonly incidents: Connection<IncidentRow> & { readonly rulesVersion: number };
}

/** The organisation's own compliance with every rule at once (and each rule, by title: time travel's note names those that changed), the headline figure time travel compares. */
export const HEADLINE = `query DashboardHeadline($level: Level!, $parent: String, $asOf: Date, $knownAt: DateTime, $after: String) {
  compliance(level: $level, parent: $parent, asOf: $asOf, knownAt: $knownAt, first: ${PAGE_SIZE}, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { organisation { ${ORG} } allRules { ${COUNTS} } rules { rule { id title } compliant nonCompliant unknown evaluated } }
  }
}`;
export interface HeadlineRow {
  readonly organisation: OrganisationRef;
  readonly allRules: OutcomeCounts;
  readonly rules: readonly (Omit<RuleCompliance, 'compliantShare' | 'rule'> & { readonly rule: { readonly id: string; readonly title: string } })[];
}
export interface HeadlineData {
  readonly compliance: Connection<HeadlineRow>;
}

export interface DecidingFact {
  readonly eventType: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly sourceSystem: string;
  readonly sourceRecord: string;
}

export const PRACTICE = `query DashboardPractice($code: String!, $asOf: Date) {
  practice(code: $code, asOf: $asOf) {
    organisation { ${ORG} openedOn closedOn postcode }
    ancestors { ${ORG} }
    agreementInForce { agreementId commissionerCode termStart termEnd }
    latestBcpReview { reviewedOn outcome reviewedBy }
    capabilities { capability since solution supplier }
  }
}`;
export interface PracticeData {
  readonly practice: {
    readonly organisation: OrganisationRef & { readonly openedOn: string | null; readonly closedOn: string | null; readonly postcode: string | null };
    readonly ancestors: readonly OrganisationRef[];
    readonly agreementInForce: { readonly agreementId: string; readonly commissionerCode: string; readonly termStart: string; readonly termEnd: string } | null;
    readonly latestBcpReview: { readonly reviewedOn: string; readonly outcome: string; readonly reviewedBy: string } | null;
    readonly capabilities: readonly { readonly capability: string; readonly since: string; readonly solution: string; readonly supplier: string }[];
  } | null;
}

const FACT = 'eventType eventId occurredAt recordedAt sourceSystem sourceRecord';

export const PRACTICE_COMPLIANCE = `query DashboardPracticeCompliance($code: String!, $asOf: Date, $knownAt: DateTime) {
  practice(code: $code, asOf: $asOf) {
    compliance(asOf: $asOf, knownAt: $knownAt) {
      rulesVersion asOf knownAt evaluated allRules
      outcomes { rule { id title section holdsWhen } outcome explanation values { name value } facts { ${FACT} } }
    }
  }
}`;
export type ComplianceOutcome = 'COMPLIANT' | 'NON_COMPLIANT' | 'UNKNOWN';
export interface RuleOutcome {
  readonly rule: { readonly id: string; readonly title: string; readonly section: string; readonly holdsWhen: string };
  readonly outcome: ComplianceOutcome;
  readonly explanation: string;
  readonly values: readonly { readonly name: string; readonly value: string }[];
  readonly facts: readonly DecidingFact[];
}
export interface PracticeComplianceData {
  readonly practice: {
    readonly compliance: {
      readonly rulesVersion: number;
      readonly asOf: string;
      readonly knownAt: string | null;
      readonly evaluated: boolean;
      readonly allRules: ComplianceOutcome | null;
      readonly outcomes: readonly RuleOutcome[];
    };
  } | null;
}

export const PRACTICE_MATURITY = `query DashboardPracticeMaturity($code: String!, $asOf: Date, $knownAt: DateTime) {
  practice(code: $code, asOf: $asOf) {
    maturity(asOf: $asOf, knownAt: $knownAt) {
      indexVersion asOf evaluated index coverage inputsKnown
      inputs { kind id title weight value explanation facts { ${FACT} } }
    }
  }
}`;
export interface MaturityInput {
  readonly kind: 'RULE' | 'ENHANCED_CAPABILITY';
  readonly id: string;
  readonly title: string;
  readonly weight: number;
  readonly value: number | null;
  readonly explanation: string;
  readonly facts: readonly DecidingFact[];
}
export interface PracticeMaturityData {
  readonly practice: {
    readonly maturity: {
      readonly indexVersion: number;
      readonly asOf: string;
      readonly evaluated: boolean;
      readonly index: number | null;
      readonly coverage: number;
      readonly inputsKnown: number;
      readonly inputs: readonly MaturityInput[];
    };
  } | null;
}

/** Timeline entries a page. */
export const TIMELINE_PAGE_SIZE = 25;

export const PRACTICE_TIMELINE = `query DashboardPracticeTimeline($code: String!, $after: String) {
  practice(code: $code) {
    timeline(first: ${TIMELINE_PAGE_SIZE}, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { kind summary occurredAt recordedAt eventId eventPosition sourceSystem sourceRecord }
    }
  }
}`;
export interface TimelineEntry {
  readonly kind: string;
  readonly summary: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly eventId: string;
  readonly eventPosition: number;
  readonly sourceSystem: string;
  readonly sourceRecord: string;
}
export interface PracticeTimelineData {
  readonly practice: { readonly timeline: Connection<TimelineEntry> & { readonly totalCount: number } } | null;
}

export type { Level };
