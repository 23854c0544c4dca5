import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Registry } from 'prom-client';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import type { ProjectionService } from '@gpds/analytics-clickhouse';
import { PROJECTIONS, ProjectionsModule } from '@gpds/analytics-http';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import type { LiveDirectory } from '@gpds/organisations-importer';
import type { PlatformConfig } from '@gpds/shared-config';
import { ReportingGraphqlModule } from '@gpds/reporting-graphql';
import type { ReportingQueries } from '@gpds/reporting-queries';
import type { SubmissionProcessor } from '@gpds/submissions';
import { SubmissionsHttpModule } from '@gpds/submissions-http';
import { EventStoreModule } from './event-store/event-store.module';
import { HealthController, LIVE_DIRECTORY } from './health/health.controller';
import { PLATFORM_INFO, type PlatformInfo } from './platform-info';

export interface PlatformParts {
  readonly opened: OpenedEventStore;
  readonly keys: ApiKeyStore;
  readonly directory: LiveDirectory;
  readonly processor: SubmissionProcessor;
  /** Null with PROJECTOR=off. */
  readonly projections: ProjectionService | null;
  /** The GraphQL API's queries; null when this process has no ClickHouse to read (PROJECTOR=off on the embedded store). */
  readonly reporting: ReportingQueries | null;
  readonly onInternalError?: (error: unknown) => void;
}

@Module({})
export class AppModule {
  static compose(config: PlatformConfig, parts: PlatformParts, info: PlatformInfo): DynamicModule {
    // One /metrics for the process: the projector's and the GraphQL API's.
    const metrics = new Registry();
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Never log credentials: API keys travel in Authorization headers.
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], censor: '[redacted]' },
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          },
        }),
        EventStoreModule.forStore(parts.opened),
        ...(parts.projections ? [ProjectionsModule.register({ service: parts.projections, keys: parts.keys, registry: metrics })] : []),
        ...(parts.reporting ? [ReportingGraphqlModule.register({ queries: parts.reporting, keys: parts.keys, onInternalError: parts.onInternalError, metrics })] : []),
        SubmissionsHttpModule.register({
          processor: parts.processor,
          keys: parts.keys,
          limits: { maxBodyBytes: config.submissionMaxBytes, chunkSize: 1_000 },
          organisationLevel: (code) => parts.directory.current().organisation(code)?.level,
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_INFO, useValue: info },
        { provide: LIVE_DIRECTORY, useValue: parts.directory },
        ...(parts.projections ? [] : [{ provide: PROJECTIONS, useValue: null }]),
      ],
    };
  }
}
