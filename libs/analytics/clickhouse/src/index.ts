export { type AnalyticsConnection, analyticsConnectionFromEnv, type AnalyticsStore, openAnalyticsStore, redactAnalyticsConnection } from './analytics-client';
export {
  DISTRIBUTED_TABLES,
  REPLICA_PATH,
  clusterMigrations,
  clusterStatement,
  clusterStatements,
  distributedTableOf,
  validateClusterName,
} from './cluster-ddl';
export { type ComplianceAt, COMPLIANCE_TABLES, FACT_FIELDS, QUERY_PARAMETERS, VIEW_PARAMETERS, practiceComplianceSql } from './compliance/compliance-sql';
export { HIERARCHY_TABLES, type HierarchySql, type HierarchySqlOptions, hierarchySql } from './hierarchy-sql';
export { type IncidentAt, type IncidentRange, cyberIncidentItemsSql, dataBreachItemsSql, recordAccessLossItemsSql } from './measures/incident-sql';
export { LIST_SIZE_SAMPLES, type MaturitySqlOptions, practiceMaturitySql } from './measures/maturity-sql';
export { type MigrateAnalyticsOptions, migrateAnalytics } from './migrations';
export { BI_VIEWS, TABLES } from './names';
export { type ProjectionLogger, ProjectionService, RebuildInProgressError } from './projection-service';
export { insertRows, Projector } from './projector';
export { type RebuildProgress, type RebuildReport } from './rebuild';
export {
  BI_VIEW_SCOPING,
  type BiRowPolicy,
  type BiRowPolicyOptions,
  type BiViewScoping,
  biRowPolicies,
  biRowPolicyConditions,
  biRowPolicyDrops,
  biRowPolicySql,
  biScopedGrants,
} from './row-policies';
export { biMigrations, tableMigrations } from './schema';
