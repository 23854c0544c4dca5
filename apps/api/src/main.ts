import 'reflect-metadata';
import { Controller, Get, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Response } from 'express';
import { Logger, LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { ApiKeyStore } from '@gpds/access-api-keys';
import type { AnalyticsStore } from '@gpds/analytics-clickhouse';
import type { EventStore } from '@gpds/event-store';
import { analyticsDatabase, connectAnalytics, listenOn, openPlatformEventStore, readConfigOrExit, stopOnSignals, type PlatformEventStore } from '@gpds/platform-bootstrap';
import { ReportingGraphqlModule } from '@gpds/reporting-graphql';
import { ReportingQueries } from '@gpds/reporting-queries';
import { redactUrl, type PlatformConfig } from '@gpds/shared-config';

/**
 * The GraphQL API as a process of its own: reads ClickHouse (CLICKHOUSE_URL) and checks API keys
 * against the event store's database (EVENT_STORE_URL), with /graphql and /health on $PORT. Run
 * as many as the load needs; the all-in-one platform serves the same module in its own process.
 */
const STORES = Symbol('STORES');

@Controller('health')
class ApiHealthController {
  constructor(@Inject(STORES) private readonly stores: { analytics: AnalyticsStore; eventStore: EventStore }) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const check = async (probe: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; error?: string }> =>
      probe().then(
        () => ({ status: 'up' as const }),
        (error: unknown) => ({ status: 'down' as const, error: error instanceof Error ? error.message : String(error) }),
      );
    const checks = { analytics: await check(() => this.stores.analytics.version()), eventStore: await check(() => this.stores.eventStore.head()) };
    const notReady = Object.entries(checks).filter(([, c]) => c.status !== 'up').map(([name]) => name);
    res.status(notReady.length ? 503 : 200).json({ status: notReady.length ? 'not-ready' : 'ok', live: true, ready: notReady.length === 0, notReady, checks });
  }
}

@Module({})
class ApiModule {
  static compose(config: PlatformConfig, stores: { analytics: AnalyticsStore; eventStore: EventStore }, reporting: ReportingQueries, keys: ApiKeyStore, onInternalError: (error: unknown) => void): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
        ReportingGraphqlModule.register({ queries: reporting, keys, onInternalError }),
      ],
      controllers: [ApiHealthController],
      providers: [{ provide: STORES, useValue: stores }],
    };
  }
}

async function main(): Promise<void> {
  const log = pino({ level: process.env['LOG_LEVEL'] ?? 'info', base: { component: 'api' } });
  const config = readConfigOrExit(log);
  log.info({ eventStore: config.eventStoreUrl ? redactUrl(config.eventStoreUrl) : `embedded under ${config.dataDir}` }, 'opening the event store (API keys)');
  let eventStore: PlatformEventStore;
  let analytics: AnalyticsStore;
  try {
    eventStore = await openPlatformEventStore(config);
    analytics = await connectAnalytics(config.dataDir, process.env);
  } catch (error) {
    log.fatal((error as Error).message);
    process.exit(1);
  }
  const reporting = new ReportingQueries(analytics.client, { database: analyticsDatabase(analytics.connection), bi: 'bi' });
  const keys = new ApiKeyStore(eventStore.opened.store.db);
  const app = await NestFactory.create(
    ApiModule.compose(config, { analytics, eventStore: eventStore.opened.store }, reporting, keys, (error) => log.error({ err: error }, 'a GraphQL query failed inside the API')),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const url = await listenOn(app, config);
  log.info({ url, graphql: `${url}/graphql`, health: `${url}/health` }, `GraphQL API listening: ${url}/graphql (Apollo Sandbox in a browser), health at ${url}/health; Ctrl-C stops it`);

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
