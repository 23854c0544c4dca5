import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

export type AnalyticsConnection =
  | { readonly kind: 'chdb'; /** Directory of the embedded ClickHouse data, or ':memory:'. */ readonly path: string }
  | { readonly kind: 'server'; readonly url: string; readonly username?: string; readonly password?: string; readonly database?: string };

export interface AnalyticsStore {
  readonly client: ClickHouseClient;
  readonly connection: AnalyticsConnection;
  /** The engine's version string, e.g. '26.7.2.1'. */
  version(): Promise<string>;
  close(): Promise<void>;
}

/**
 * One ClickHouse client for the whole platform, over `@clickhouse/client`: embedded chDB by
 * default (the ClickHouse engine in this process, plugged in as the client's connection), a
 * ClickHouse server over HTTP when configured. The same SQL runs on both; values always travel
 * as query parameters ({name:Type}), never spliced into SQL.
 */
export function openAnalyticsStore(connection: AnalyticsConnection): AnalyticsStore {
  let client: ClickHouseClient;
  if (connection.kind === 'chdb') {
    const path = connection.path === ':memory:' ? ':memory:' : resolve(connection.path);
    if (path !== ':memory:') mkdirSync(path, { recursive: true });
    client = createClient({ connection: createChdbConnection({ path }) } as unknown as Parameters<typeof createClient>[0]);
  } else {
    client = createClient({
      url: connection.url,
      username: connection.username,
      password: connection.password,
      database: connection.database,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  }
  return {
    client,
    connection,
    async version() {
      const rows = await (await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' })).json<{ version: string }>();
      return rows[0]?.version ?? 'unknown';
    },
    close: () => client.close(),
  };
}

/** CLICKHOUSE_URL selects a server; otherwise chDB under the data directory. */
export function analyticsConnectionFromEnv(env: Readonly<Record<string, string | undefined>>, dataDir: string): AnalyticsConnection {
  const url = env['CLICKHOUSE_URL'];
  if (url && url.trim() !== '') {
    const parsed = new URL(url);
    return {
      kind: 'server',
      url: `${parsed.protocol}//${parsed.host}`,
      username: decodeURIComponent(parsed.username) || undefined,
      password: decodeURIComponent(parsed.password) || undefined,
      database: parsed.pathname.replace(/^\//, '') || undefined,
    };
  }
  return { kind: 'chdb', path: resolve(dataDir, 'analytics') };
}

/** The connection with any password blanked, for logs and messages. */
export function redactAnalyticsConnection(connection: AnalyticsConnection): AnalyticsConnection {
  return connection.kind === 'server' && connection.password ? { ...connection, password: '[redacted]' } : connection;
}
