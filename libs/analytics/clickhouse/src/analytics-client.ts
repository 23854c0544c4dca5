import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, parseError, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

export type AnalyticsConnection =
  | { readonly kind: 'chdb'; /** Directory of the embedded ClickHouse data, or ':memory:'. */ readonly path: string }
  | { readonly kind: 'server'; readonly url: string; readonly username?: string; readonly password?: string; readonly database?: string };

export interface AnalyticsStore {
  readonly client: ClickHouseClient;
  readonly connection: AnalyticsConnection;
  /** The engine's version string, e.g. '26.7.2.1'. */
  version(): Promise<string>;
  /**
   * Inserts rows given as arrays in `columns` order, with settings for this insert only. The
   * projector's write path: on chDB the rows go as one JSONCompactEachRow buffer through chDB's
   * raw insert (parsed natively by the engine, about 1.35 times the rows per second of the
   * client's string path, which copies the body into the SQL text and SETs the settings on the
   * shared session; ADR 0019); on a server through the client's insert. Errors are ClickHouse
   * errors with their code on both.
   */
  insertCompactRows(table: string, columns: readonly string[], rows: readonly unknown[], settings?: InsertSettings): Promise<void>;
  close(): Promise<void>;
}

export type InsertSettings = Readonly<Record<string, string | number | boolean>>;

/**
 * One ClickHouse client for the whole platform, over `@clickhouse/client`: embedded chDB by
 * default (the ClickHouse engine in this process, plugged in as the client's connection), a
 * ClickHouse server over HTTP when configured. The same SQL runs on both; values always travel
 * as query parameters ({name:Type}), never spliced into SQL.
 */
export function openAnalyticsStore(connection: AnalyticsConnection): AnalyticsStore {
  let client: ClickHouseClient;
  let insertCompactRows: AnalyticsStore['insertCompactRows'];
  if (connection.kind === 'chdb') {
    const path = connection.path === ':memory:' ? ':memory:' : resolve(connection.path);
    if (path !== ':memory:') mkdirSync(path, { recursive: true });
    const chdb = createChdbConnection({ path });
    client = createClient({ connection: chdb } as unknown as Parameters<typeof createClient>[0]);
    insertCompactRows = async (table, columns, rows, settings) => {
      if (rows.length === 0) return;
      let body = '';
      for (const row of rows) body += `${JSON.stringify(row)}\n`;
      try {
        await chdb.chdb.rawInsert({
          table,
          columns: [...columns],
          values: Buffer.from(body),
          format: 'JSONCompactEachRow',
          settings: settings ? { ...settings } : undefined,
        });
      } catch (error) {
        // chDB says 'Code: N. DB::Exception: ...'; as a ClickHouseError it carries the code, as from a server.
        throw parseError(error instanceof Error ? error.message : String(error));
      }
    };
  } else {
    client = createClient({
      url: connection.url,
      username: connection.username,
      password: connection.password,
      database: connection.database,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    const server = client;
    insertCompactRows = async (table, columns, rows, settings) => {
      if (rows.length === 0) return;
      await server.insert({
        table,
        columns: [...columns] as [string, ...string[]],
        values: [...rows],
        format: 'JSONCompactEachRow',
        clickhouse_settings: settings,
      });
    };
  }
  return {
    client,
    connection,
    async version() {
      const rows = await (await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' })).json<{ version: string }>();
      return rows[0]?.version ?? 'unknown';
    },
    insertCompactRows,
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
