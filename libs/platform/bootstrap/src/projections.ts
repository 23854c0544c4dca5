import type { EventStore } from '@gpds/event-store';
import {
  ProjectionService,
  analyticsConnectionFromEnv,
  openAnalyticsStore,
  redactAnalyticsConnection,
  type AnalyticsConnection,
  type AnalyticsStore,
  type ProjectionLogger,
} from '@gpds/analytics-clickhouse';
import type { PlatformConfig } from '@gpds/shared-config';

/**
 * Where the analytics store is, as the configuration says: DATA_DIR for chDB, or CLICKHOUSE_URL
 * (and CLICKHOUSE_CLUSTER, when the schema spans a cluster of that server's).
 */
export type AnalyticsConfig = Pick<PlatformConfig, 'dataDir' | 'clickhouseUrl'> & Partial<Pick<PlatformConfig, 'clickhouseCluster'>>;

export interface PlatformProjections {
  readonly analytics: AnalyticsStore;
  readonly service: ProjectionService;
  readonly connection: AnalyticsConnection;
  close(): Promise<void>;
}

/** The connection the configuration names: the ClickHouse server at CLICKHOUSE_URL, or chDB under DATA_DIR/analytics. */
export function analyticsConnection(config: AnalyticsConfig): AnalyticsConnection {
  // The URL was read and checked by the configuration; the analytics library turns it into a connection.
  return analyticsConnectionFromEnv({ CLICKHOUSE_URL: config.clickhouseUrl ?? undefined }, config.dataDir);
}

/** The live analytics database: the one named in CLICKHOUSE_URL's path, else 'gpds'. */
export function analyticsDatabase(connection: AnalyticsConnection): string {
  return connection.kind === 'server' && connection.database ? connection.database : 'gpds';
}

/**
 * Opens ClickHouse (chDB under DATA_DIR/analytics, or CLICKHOUSE_URL) and, unless told not to,
 * starts the projector: schema migrated, an interrupted swap finished, the store followed.
 */
export async function openPlatformProjections(
  config: AnalyticsConfig,
  store: EventStore,
  options: { log?: ProjectionLogger; start?: boolean } = {},
): Promise<PlatformProjections> {
  const analytics = await connectAnalytics(config);
  const { connection } = analytics;
  const service = new ProjectionService({
    store,
    analytics,
    database: analyticsDatabase(connection),
    cluster: config.clickhouseCluster ?? null,
    log: options.log,
  });
  if (options.start !== false) await service.start();
  return {
    analytics,
    service,
    connection,
    async close() {
      await service.stop();
      await analytics.close();
    },
  };
}

/**
 * Opens ClickHouse (chDB under DATA_DIR/analytics, or CLICKHOUSE_URL) and checks that it answers,
 * with a message that says what to do when it does not.
 */
export async function connectAnalytics(config: AnalyticsConfig): Promise<AnalyticsStore> {
  const connection = analyticsConnection(config);
  let analytics: AnalyticsStore | null = null;
  try {
    // chDB refuses a directory another process holds, when connecting or at the first query.
    analytics = openAnalyticsStore(connection);
    await analytics.version();
  } catch (error) {
    await analytics?.close().catch(() => undefined);
    if (connection.kind === 'chdb' && /Cannot lock file|Another server instance|Failed to create connection/i.test(String(error))) {
      throw new Error(
        `Another process is using the embedded analytics store in ${connection.path}: only one process can open it. Stop that process, ` +
          'give this one its own DATA_DIR, or run every process against a ClickHouse server (CLICKHOUSE_URL); a platform beside a separate projector runs with PROJECTOR=off',
      );
    }
    throw new Error(
      `ClickHouse is not reachable (${JSON.stringify(redactAnalyticsConnection(connection))}): ${error instanceof Error ? error.message : String(error)}; ` +
        'check CLICKHOUSE_URL, or unset it to use the embedded chDB under DATA_DIR',
    );
  }
  return analytics;
}
