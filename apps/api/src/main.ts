import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { AnalyticsStore } from '@gpds/analytics-clickhouse';
import type { EventStore } from '@gpds/event-store';
import {
  AuditLifecycleModule,
  HealthModule,
  analyticsDatabase,
  connectAnalytics,
  listenOn,
  migrateAccess,
  openAccess,
  openPlatformEventStore,
  probeHealth,
  processLogAndConfig,
  stopOnSignals,
  type AccessParts,
  type PlatformEventStore,
} from '@gpds/platform-bootstrap';
import { DASHBOARD_DIST_DIR, DashboardModule } from '@gpds/reporting-dashboard-http';
import { ReportingGraphqlModule } from '@gpds/reporting-graphql';
import { ReportingQueries } from '@gpds/reporting-queries';
import { redactUrl, type PlatformConfig } from '@gpds/shared-config';

/**
 * The GraphQL API as a process of its own: reads ClickHouse (CLICKHOUSE_URL) and checks API keys
 * against the event store's database (EVENT_STORE_URL), with /graphql, the dashboard (/) and /health on $PORT. Run
 * as many as the load needs; the all-in-one platform serves the same module in its own process.
 */
@Module({})
class ApiModule {
  static compose(
    config: PlatformConfig,
    stores: { analytics: AnalyticsStore; eventStore: EventStore },
    reporting: ReportingQueries,
    access: AccessParts,
    onInternalError: (error: unknown) => void,
  ): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
            autoLogging: { ignore: (req) => req.url === '/health' || req.url?.startsWith('/assets/') === true },
            // Requests shed by the rate limits are counted on /metrics, not logged one line each: a flood must not cost a log write per refusal.
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode === 429 ? 'debug' : 'info'),
          },
        }),
        ReportingGraphqlModule.register({
          queries: reporting,
          keys: access.keys,
          tokens: access.tokens,
          rateLimits: access.rateLimits,
          audit: access.audit,
          onInternalError,
        }),
        // The analysts' dashboard at / and the GraphQL explorer at GET /graphql, as the platform serves them.
        DashboardModule.register({ distDir: DASHBOARD_DIST_DIR, signIn: access.dashboardSignIn }),
        AuditLifecycleModule.register(access.audit),
        HealthModule.register({
          checks: { analytics: probeHealth(() => stores.analytics.version()), eventStore: probeHealth(() => stores.eventStore.head()) },
        }),
      ],
    };
  }
}

async function main(): Promise<void> {
  const { log, config } = processLogAndConfig('api');
  log.info({ eventStore: config.eventStoreUrl ? redactUrl(config.eventStoreUrl) : `embedded under ${config.dataDir}` }, 'opening the event store (API keys)');
  let eventStore: PlatformEventStore;
  let analytics: AnalyticsStore;
  try {
    eventStore = await openPlatformEventStore(config, { asOwner: migrateAccess });
    analytics = await connectAnalytics(config);
  } catch (error) {
    log.fatal((error as Error).message);
    process.exit(1);
  }
  const reporting = new ReportingQueries(analytics.client, { database: analyticsDatabase(analytics.connection), bi: 'bi' });
  let access: AccessParts;
  try {
    access = openAccess(eventStore.opened.store.db, process.env, log);
  } catch (error) {
    log.fatal((error as Error).message);
    process.exit(1);
  }
  const app = await NestFactory.create(
    ApiModule.compose(config, { analytics, eventStore: eventStore.opened.store }, reporting, access, (error) =>
      log.error({ err: error }, 'a GraphQL query failed inside the API'),
    ),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const url = await listenOn(app, config);
  log.info(
    { url, graphql: `${url}/graphql`, health: `${url}/health` },
    `GraphQL API listening: ${url}/graphql (the explorer in a browser), dashboard at ${url}/, health at ${url}/health; Ctrl-C stops it`,
  );

  stopOnSignals(log, async () => {
    await app.close(); // queries in flight finish first
    await analytics.close();
    await eventStore.close();
  });
}

void main().catch((error: unknown) => {
  pino().fatal({ err: error }, 'the GraphQL API failed to start');
  process.exit(1);
});
