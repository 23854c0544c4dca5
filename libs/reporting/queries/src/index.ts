// What the library offers, named one by one: the facade over every read model, and the argument
// checks the GraphQL layer reuses for its scalars and errors. The per-read-model queries, the SQL
// builders and the hierarchy cache stay inside.
export { ReportingQueries } from './reporting-queries';
export { ScopedReportingQueries } from './scoped/scoped-queries';
export { QueryArgumentError, instant, isoDate } from './shared/arguments';

// The argument and result types of ReportingQueries' methods.
export type { Granularity, Level } from './shared/arguments';
export type { Connection, PageInfo } from './shared/connection';
export type { OrganisationEntry } from './shared/hierarchy-cache';
export type { Period } from './shared/period';
export type { PreparedQuery, RollupScope } from './shared/query-context';
export type { CarbonArgs, CarbonRow } from './carbon/carbon-queries';
export type { CoverageArgs, CoverageRow } from './coverage/coverage-queries';
export type {
  ComplianceArgs,
  ComplianceRow,
  ComplianceTerms,
  DecidingFact,
  NonCompliantPractice,
  OutcomeCounts,
  PracticeCompliance,
  RuleCounts,
  RuleOutcome,
} from './compliance/compliance-queries';
export type {
  MaturityArgs,
  MaturityInputOutcome,
  MaturityRow,
  MaturityStats,
  MaturityTerms,
  MaturityTrendRow,
  PracticeMaturity,
} from './maturity/maturity-queries';
export type { CategoryAmount, NetZeroArgs, NetZeroRow, NetZeroStatus, NetZeroTerms } from './net-zero/net-zero-queries';
export type {
  CyberIncidentCounts,
  DataBreachCounts,
  IncidentArgs,
  IncidentRow,
  IncidentTerms,
  RecordAccessCounts,
  RecordAccessLoss,
  RecordAccessLossArgs,
} from './incidents/incidents-queries';
export type { OrganisationDetail } from './organisations/organisation-queries';
export type { PracticeState, TimelineEntry } from './practice/practice-queries';
export type { PreparedUtilisation, UtilisationArgs, UtilisationRow } from './utilisation/utilisation-queries';
