import 'reflect-metadata';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { loadLegacySourceOwners } from '@gpds/access-api-keys';
import { LiveDirectory } from '@gpds/organisations-importer';
import type { AnalyticsStore } from '@gpds/analytics-clickhouse';
import {
  analyticsDatabase,
  connectAnalytics,
  ensureAdminKey,
  importDemoData,
  importReferenceData,
  listenOn,
  migrateAccess,
  openAccess,
  openPlatformEventStore,
  openPlatformKafka,
  openPlatformProjections,
  processLogAndConfig,
  stopOnSignals,
  type AccessParts,
  type PlatformEventStore,
  type PlatformKafka,
  type PlatformProjections,
} from '@gpds/platform-bootstrap';
import { ReportingQueries } from '@gpds/reporting-queries';
import { SubmissionProcessor } from '@gpds/submissions';
import { eventStoreEngine, redactUrl } from '@gpds/shared-config';
import { AppModule } from './app.module';

/**
 * The whole platform in one process. With no server URLs it runs on embedded stores under
 * DATA_DIR; with EVENT_STORE_URL the same code uses the PostgreSQL server.
 */
async function main(): Promise<void> {
  const { log: boot, config } = processLogAndConfig('platform');

  boot.info(
    {
      eventStore: config.eventStoreUrl
        ? { engine: eventStoreEngine(config), url: redactUrl(config.eventStoreUrl) }
        : { engine: 'pglite', dataDir: resolve(config.dataDir) },
    },
    'opening the event store',
  );
  let eventStore: PlatformEventStore;
  try {
    eventStore = await openPlatformEventStore(config, { asOwner: migrateAccess });
  } catch (error) {
    boot.fatal((error as Error).message);
    process.exit(1);
  }
  const { opened, connection } = eventStore;
  if (opened.migrations?.applied.length) boot.info({ applied: opened.migrations.applied }, 'event store schema migrated');
  if (config.referenceImport) await importReferenceData(opened.store, boot);
  let access: AccessParts;
  try {
    access = openAccess(opened.store.db, process.env, boot);
  } catch (error) {
    boot.fatal((error as Error).message);
    await eventStore.close();
    process.exit(1);
  }
  const keys = access.keys;
  if (access.tokens) boot.info({ issuer: process.env['OIDC_ISSUER'] }, 'GraphQL accepts OIDC access tokens (NHS CIS2) beside API keys');
  const adminKey = await ensureAdminKey(keys, config.dataDir);
  if (adminKey.created) boot.info({ adminKeyFile: adminKey.path }, `created the first admin API key in ${adminKey.path} (mode 0600)`);
  const directory = await LiveDirectory.start(opened.store);
  const processor = new SubmissionProcessor({
    store: opened.store,
    directory: () => directory.current(),
    legacySources: await loadLegacySourceOwners(opened.store.db),
    onInternalError: (error, context) => boot.error({ err: error, ...context }, 'a submission failed inside the platform'),
  });
  // Kafka only with KAFKA_BROKERS: the connector in (the same command path as HTTP) and the event relay out.
  let kafka: PlatformKafka | null;
  try {
    const kafkaLog = boot.child({ component: 'kafka' });
    kafka = openPlatformKafka(process.env, {
      store: opened.store,
      processor,
      log: { info: (d, m) => kafkaLog.info(d, m), warn: (d, m) => kafkaLog.warn(d, m), error: (d, m) => kafkaLog.error(d, m) },
    });
  } catch (error) {
    boot.fatal((error as Error).message);
    await directory.stop();
    await eventStore.close();
    process.exit(1);
  }
  const projectionLog = boot.child({ component: 'projector' });
  let projections: PlatformProjections | null = null;
  if (config.projector) {
    try {
      projections = await openPlatformProjections(config, opened.store, {
        log: { info: (message, details) => projectionLog.info(details ?? {}, message), warn: (message, details) => projectionLog.warn(details ?? {}, message) },
      });
    } catch (error) {
      boot.fatal((error as Error).message);
      await directory.stop();
      await eventStore.close();
      process.exit(1);
    }
    boot.info(
      {
        analytics:
          projections.connection.kind === 'chdb'
            ? { engine: 'chdb', path: projections.connection.path }
            : { engine: 'clickhouse', url: projections.connection.url },
        database: projections.service.database,
      },
      'projector following the event store into ClickHouse',
    );
  } else {
    boot.info('PROJECTOR=off: no projector in this process (run npm run projector beside it)');
  }
  // The GraphQL API reads ClickHouse: the projector's, or with PROJECTOR=off a ClickHouse server (CLICKHOUSE_URL).
  let readOnlyAnalytics: AnalyticsStore | null = null;
  if (!projections && config.clickhouseUrl) readOnlyAnalytics = await connectAnalytics(config);
  const analytics = projections?.analytics ?? readOnlyAnalytics;
  const reporting = analytics ? new ReportingQueries(analytics.client, { database: analyticsDatabase(analytics.connection), bi: 'bi' }) : null;
  if (!reporting) boot.info('no ClickHouse to read in this process (PROJECTOR=off on the embedded store): the GraphQL API is not served here');

  if (config.demoData) {
    const report = await importDemoData(
      config.dataDir,
      processor,
      () => directory.current(),
      {
        info: (details, message) => boot.info(details, message),
        warn: (details, message) => boot.warn(details, message),
      },
      { store: opened.store },
    );
    if (report) {
      boot.info(
        { publications: report.publications, synthetic: { ...report.synthetic, source: 'synthetic-demo' }, seconds: report.seconds },
        `demo data imported: the December 2025 national publications (real) and ${report.synthetic.accepted} synthetic facts (source system 'synthetic-demo'); DEMO_DATA=off skips this`,
      );
      if (report.synthetic.rejected > 0)
        boot.warn({ firstRejections: report.synthetic.firstRejections }, `${report.synthetic.rejected} synthetic demo facts were refused`);
    }
  }

  const app = await NestFactory.create(
    AppModule.compose(
      config,
      {
        opened,
        keys,
        access,
        directory,
        processor,
        projections: projections?.service ?? null,
        reporting,
        kafka,
        onInternalError: (error) => boot.error({ err: error }, 'a GraphQL query failed inside the platform'),
      },
      { version: process.env['npm_package_version'] ?? '0.1.0', eventStoreEngine: connection.kind },
    ),
    // Submission bodies stream through their own readers; nothing buffers them first.
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const url = await listenOn(app, config);
  // Consuming starts once the process answers /health; a broker that cannot be reached stops the start, as a missing event store does.
  if (kafka) {
    try {
      await kafka.start();
    } catch (error) {
      boot.fatal(
        { err: error },
        `could not connect to Kafka (KAFKA_BROKERS): ${(error as Error).message}; check the brokers, or unset KAFKA_BROKERS to run without Kafka`,
      );
      await kafka.stop().catch(() => undefined);
      await app.close();
      process.exit(1);
    }
  }
  boot.info(
    {
      url,
      dashboard: reporting ? `${url}/` : null,
      graphql: reporting ? `${url}/graphql` : null,
      health: `${url}/health`,
      metrics: `${url}/metrics`,
      submissions: `${url}/v1/submissions`,
      openapi: `${url}/openapi.json`,
      adminKeyFile: adminKey.path,
      dataDir: resolve(config.dataDir),
    },
    `platform listening on ${url}: ${reporting ? `the analysts' dashboard at ${url}/, the GraphQL API and its explorer at ${url}/graphql, ` : ''}submissions at ${url}/v1/submissions, API description at ${url}/openapi.json, health at ${url}/health, metrics at ${url}/metrics; admin key in ${adminKey.path} (send it as Authorization: Bearer <key>); Ctrl-C stops it`,
  );

  stopOnSignals(boot, async () => {
    await kafka?.stop(); // commits what is durable, publishes the batch in hand
    await directory.stop();
    await projections?.service.stop(); // writes what the projector has buffered
    if (projections) boot.info('projector stopped');
    await app.close(); // stops HTTP (GraphQL queries in flight finish first), closes the event store (EventStoreModule)
    await analytics?.close(); // chDB must not close under a running query
    eventStore.lock?.release();
  });
}

void main().catch((error: unknown) => {
  pino().fatal({ err: error }, 'platform failed to start');
  process.exit(1);
});
