import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Registry } from 'prom-client';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import type { AuditEntryInput } from '@gpds/access-audit';
import { AdminKeysModule, type KeyChange } from '@gpds/access-http';
import type { ProjectionService } from '@gpds/analytics-clickhouse';
import { ProjectionsModule, projectionHealth } from '@gpds/analytics-http';
import type { EventStoreWithDatabase, OpenedEventStore } from '@gpds/event-store-postgres';
import { recordHierarchyEvidence, type LiveDirectory } from '@gpds/organisations-importer';
import {
  AuditLifecycleModule,
  embeddedDatabaseMetrics,
  HealthModule,
  probeHealth,
  withTimeout,
  type AccessParts,
  type HealthCheck,
  type HealthProbe,
  type PlatformKafka,
} from '@gpds/platform-bootstrap';
import type { PlatformConfig } from '@gpds/shared-config';
import { evidenceSystem, hierarchyReport } from '@gpds/submissions-publications';
import { DASHBOARD_DIST_DIR, DashboardModule } from '@gpds/reporting-dashboard-http';
import { ReportingGraphqlModule } from '@gpds/reporting-graphql';
import type { ReportingQueries } from '@gpds/reporting-queries';
import type { SubmissionProcessor } from '@gpds/submissions';
import { HierarchyEvidenceModule, SubmissionsHttpModule } from '@gpds/submissions-http';
import { EventStoreModule } from './event-store/event-store.module';
import type { PlatformInfo } from './platform-info';

export interface PlatformParts {
  readonly opened: OpenedEventStore<EventStoreWithDatabase>;
  readonly keys: ApiKeyStore;
  /** Tokens, rate limits and the audit trail beside the keys. */
  readonly access: Pick<AccessParts, 'tokens' | 'dashboardSignIn' | 'rateLimits' | 'audit'>;
  readonly directory: LiveDirectory;
  readonly processor: SubmissionProcessor;
  /** Null with PROJECTOR=off. */
  readonly projections: ProjectionService | null;
  /** The GraphQL API's queries; null when this process has no ClickHouse to read (PROJECTOR=off on the embedded store). */
  readonly reporting: ReportingQueries | null;
  /** The Kafka connector and relay; null or absent while KAFKA_BROKERS is unset. */
  readonly kafka?: PlatformKafka | null;
  readonly onInternalError?: (error: unknown) => void;
}

@Module({})
export class AppModule {
  static compose(config: PlatformConfig, parts: PlatformParts, info: PlatformInfo): DynamicModule {
    // One /metrics for the process: the projector's, the GraphQL API's, Kafka's and the embedded event store's memory.
    const metrics = new Registry();
    parts.kafka?.registerMetrics(metrics);
    embeddedDatabaseMetrics(parts.opened.store.db, metrics);
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Never log credentials: API keys travel in Authorization headers.
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], censor: '[redacted]' },
            // The dashboard's hashed files are not worth a line each (a page load fetches a score of them).
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' || req.url?.startsWith('/assets/') === true },
            // Requests shed by the rate limits are counted on /metrics, not logged one line each: a flood must not cost a log write per refusal.
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode === 429 ? 'debug' : 'info'),
          },
        }),
        EventStoreModule.forStore(parts.opened),
        AuditLifecycleModule.register(parts.access.audit),
        HealthModule.register({
          checks: healthChecks(parts, info),
          // A broker outage pauses Kafka in and out (both resume where they were); HTTP and GraphQL still serve.
          degradedOnly: Object.keys(parts.kafka?.healthChecks() ?? {}),
          about: () => ({ version: info.version, uptimeSeconds: Math.round(process.uptime()) }),
        }),
        ...(parts.projections ? [ProjectionsModule.register({ service: parts.projections, keys: parts.keys, registry: metrics })] : []),
        ...(parts.reporting
          ? [
              ReportingGraphqlModule.register({
                queries: parts.reporting,
                keys: parts.keys,
                tokens: parts.access.tokens,
                rateLimits: parts.access.rateLimits,
                audit: parts.access.audit,
                onInternalError: parts.onInternalError,
                metrics,
              }),
            ]
          : []),
        // The analysts' dashboard at /, and the GraphQL explorer at /graphql wherever GraphQL is served here.
        DashboardModule.register({ distDir: DASHBOARD_DIST_DIR, explorer: parts.reporting !== null, signIn: parts.access.dashboardSignIn }),
        SubmissionsHttpModule.register({
          processor: parts.processor,
          keys: parts.keys,
          limits: { maxBodyBytes: config.submissionMaxBytes, chunkSize: 1_000 },
          oversight: { rateLimits: parts.access.rateLimits, audit: parts.access.audit },
        }),
        AdminKeysModule.register({
          keys: parts.keys,
          organisationLevel: (code) => parts.directory.current().organisation(code)?.level,
          onKeyChange: (change) => parts.access.audit.record(keyChangeEntry(change)),
        }),
        HierarchyEvidenceModule.register({
          keys: parts.keys,
          record: async (evidence) => {
            // The live directory first catches up with every organisation event already committed, then takes these in as they are appended.
            await parts.directory.caughtUp();
            const report = await recordHierarchyEvidence(parts.opened.store, evidence, {
              system: evidenceSystem(evidence),
              actor: 'admin-hierarchy-evidence',
              directory: parts.directory.current(),
            });
            return hierarchyReport(report);
          },
        }),
      ],
    };
  }
}

/** A key change as the audit trail records it: who changed which key, and the key's organisation, role, scope and expiry (never its secret). */
export function keyChangeEntry(change: KeyChange): AuditEntryInput {
  const { action, by, keyId, ...described } = change;
  return {
    kind: 'key',
    principal: by,
    operation: action,
    organisations: described.scope ? [described.scope] : [],
    outcome: 'ok',
    details: { keyId, ...described },
  };
}

/** What the platform's /health checks: the event store, the organisation hierarchy, and the projector and Kafka parts when they run here. */
function healthChecks(parts: PlatformParts, info: PlatformInfo): Record<string, HealthProbe> {
  const projections = parts.projections;
  return {
    eventStore: probeHealth(() => parts.opened.store.head(), { timeoutMs: 2_000, details: { engine: info.eventStoreEngine }, up: (head) => ({ head }) }),
    referenceData: () => referenceDataHealth(parts.directory),
    ...(projections
      ? { projections: () => withTimeout(projectionHealth(projections), 2_000).catch((error: unknown) => ({ status: 'down' as const, error: String(error) })) }
      : {}),
    ...(parts.kafka?.healthChecks() ?? {}),
  };
}

/** Submissions are checked against the organisation hierarchy: without it every record would be refused. */
function referenceDataHealth(directory: LiveDirectory): HealthCheck {
  const practices = directory.current().all('PRACTICE').length;
  return practices > 0
    ? { status: 'up', organisations: directory.current().size, practices }
    : { status: 'down', error: 'the organisation hierarchy is empty: import the ODS mapping files (npm run cli -- import-ods ...)' };
}
