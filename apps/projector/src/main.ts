import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { ApiKeyStore } from '@gpds/access-api-keys';
import type { ProjectionService } from '@gpds/analytics-clickhouse';
import { ProjectionsModule, projectionHealth } from '@gpds/analytics-http';
import {
  HealthModule,
  listenOn,
  migrateAccess,
  openPlatformEventStore,
  openPlatformProjections,
  processLogAndConfig,
  stopOnSignals,
  type PlatformEventStore,
  type PlatformProjections,
} from '@gpds/platform-bootstrap';
import { redactUrl, type PlatformConfig } from '@gpds/shared-config';

/**
 * The projector as a process of its own: follows the event store (EVENT_STORE_URL) into
 * ClickHouse (CLICKHOUSE_URL), with /health, /metrics and the admin rebuild route on $PORT.
 * The all-in-one platform runs the same ProjectionService inside its own process.
 */
@Module({})
class ProjectorModule {
  static compose(config: PlatformConfig, service: ProjectionService, keys: ApiKeyStore): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          },
        }),
        ProjectionsModule.register({ service, keys }),
        HealthModule.register({ checks: { projections: () => projectionHealth(service) } }),
      ],
    };
  }
}

async function main(): Promise<void> {
  const { log, config } = processLogAndConfig('projector');
  log.info({ eventStore: config.eventStoreUrl ? redactUrl(config.eventStoreUrl) : `embedded under ${config.dataDir}` }, 'opening the event store');
  let eventStore: PlatformEventStore;
  let projections: PlatformProjections;
  try {
    eventStore = await openPlatformEventStore(config, { asOwner: migrateAccess });
    projections = await openPlatformProjections(config, eventStore.opened.store, {
      log: { info: (message, details) => log.info(details ?? {}, message), warn: (message, details) => log.warn(details ?? {}, message) },
    });
  } catch (error) {
    log.fatal((error as Error).message);
    process.exit(1);
  }
  const app = await NestFactory.create(ProjectorModule.compose(config, projections.service, new ApiKeyStore(eventStore.opened.store.db)), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const url = await listenOn(app, config);
  log.info(
    { url, database: projections.service.database },
    `projector following the event store; health at ${url}/health, metrics at ${url}/metrics; Ctrl-C stops it`,
  );

  stopOnSignals(log, async () => {
    await projections.close();
    await app.close();
    await eventStore.close();
  });
}

void main().catch((error: unknown) => {
  pino().fatal({ err: error }, 'projector failed to start');
  process.exit(1);
});
