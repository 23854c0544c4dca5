/**
 * The platform's configuration, read from the environment once at start-up. Every process
 * reads the same names; a wrong value stops the start with a message saying which variable is
 * wrong and what it accepts.
 */
export interface PlatformConfig {
  /** HTTP port (PORT, default 3000). */
  readonly port: number;
  /** Interface to listen on (HOST, default 127.0.0.1; 0.0.0.0 in a container). */
  readonly host: string;
  /** Where embedded stores keep their files (DATA_DIR, default ./data). */
  readonly dataDir: string;
  /**
   * The event store's server (EVENT_STORE_URL): PostgreSQL (postgres://...) or KurrentDB
   * (kurrentdb://..., also esdb://...; see eventStoreEngine); embedded PGlite under DATA_DIR when absent.
   */
  readonly eventStoreUrl: string | null;
  /** Owner connection for migrations (EVENT_STORE_MIGRATION_URL), default EVENT_STORE_URL; PostgreSQL only. */
  readonly eventStoreMigrationUrl: string | null;
  /**
   * ClickHouse server for the analytics store (CLICKHOUSE_URL, http(s)://user[:password]@host:8123[/database]);
   * embedded chDB under DATA_DIR when absent.
   */
  readonly clickhouseUrl: string | null;
  /**
   * The ClickHouse cluster the analytics schema spans (CLICKHOUSE_CLUSTER, a name in the servers'
   * remote_servers): replicated tables, Distributed `<table>_all` tables, ON CLUSTER DDL
   * (docs/analytics.md, "Cluster mode"). Only with CLICKHOUSE_URL: embedded chDB has no cluster.
   */
  readonly clickhouseCluster: string | null;
  /** Import the organisation reference data on start (REFERENCE_IMPORT, default on; 'off' skips it). */
  readonly referenceImport: boolean;
  /**
   * Run the projector into ClickHouse in this process (PROJECTOR, default on). Turn it off where
   * a separate projector process (`npm run projector`) follows the same store: a second projector
   * on one analytics database is refused at start (it would write the same facts twice).
   */
  readonly projector: boolean;
  /**
   * On first start, import demo data (DEMO_DATA, default on): the December 2025 national
   * publications and clearly labelled synthetic facts for the other event kinds. 'off' starts empty
   * but for the organisation hierarchy.
   */
  readonly demoData: boolean;
  /** Largest submission body in bytes (SUBMISSION_MAX_BYTES, default 268435456 = 256 MiB). */
  readonly submissionMaxBytes: number;
  /** pino level (LOG_LEVEL, default info). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function readPlatformConfig(env: Readonly<Record<string, string | undefined>>): PlatformConfig {
  const port = parsePort(env['PORT']);
  const logLevel = (env['LOG_LEVEL'] ?? 'info').toLowerCase();
  if (!(LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `'${env['LOG_LEVEL']}' is not a level: use one of ${LEVELS.join(', ')}`);
  }
  return {
    port,
    host: nonEmpty(env['HOST']) ?? '127.0.0.1',
    dataDir: nonEmpty(env['DATA_DIR']) ?? './data',
    eventStoreUrl: eventStoreUrl('EVENT_STORE_URL', env['EVENT_STORE_URL']),
    eventStoreMigrationUrl: migrationUrl('EVENT_STORE_MIGRATION_URL', env['EVENT_STORE_MIGRATION_URL'], env['EVENT_STORE_URL']),
    clickhouseUrl: clickhouseUrl('CLICKHOUSE_URL', env['CLICKHOUSE_URL']),
    clickhouseCluster: clickhouseCluster('CLICKHOUSE_CLUSTER', env['CLICKHOUSE_CLUSTER'], env['CLICKHOUSE_URL']),
    referenceImport: onOff('REFERENCE_IMPORT', env['REFERENCE_IMPORT'], true),
    projector: onOff('PROJECTOR', env['PROJECTOR'], true),
    demoData: onOff('DEMO_DATA', env['DEMO_DATA'], true),
    submissionMaxBytes: positiveInteger('SUBMISSION_MAX_BYTES', env['SUBMISSION_MAX_BYTES'], 268_435_456),
    logLevel: logLevel as PlatformConfig['logLevel'],
  };
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('PORT', `'${raw}' is not a port number: use a whole number from 0 to 65535 (0 picks a free port)`);
  }
  return port;
}

/** The KurrentDB client's connection-string schemes, and the legacy esdb:// (docs/event-store.md, "KurrentDB"). */
const KURRENTDB_SCHEME = /^(?:kurrentdb|kurrent|kdb|esdb)(?:\+discover)?:\/\//i;
const KURRENTDB_FORM = 'kurrentdb://[user:password@]host[:port][,host[:port]...][?tls=false]';
const POSTGRES_FORM = 'postgres://user[:password]@host[:port]/database';

/** A server's URL: one of `protocols`, or null when unset; `form` says what to write instead. */
function serverUrl(name: string, raw: string | undefined, protocols: readonly string[], form: string): string | null {
  const value = nonEmpty(raw);
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a URL: use ${form}`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(name, `has protocol '${url.protocol}': use ${form}`);
  return value;
}

const postgresUrl = (name: string, raw: string | undefined): string | null => serverUrl(name, raw, ['postgres:', 'postgresql:'], POSTGRES_FORM);

/** The engine the event store runs on, as EVENT_STORE_URL names it (its scheme): unset is the embedded PGlite. */
export type EventStoreEngine = 'pglite' | 'postgres' | 'kurrentdb';

export function eventStoreEngine(config: Pick<PlatformConfig, 'eventStoreUrl'>): EventStoreEngine {
  if (config.eventStoreUrl === null) return 'pglite';
  return KURRENTDB_SCHEME.test(config.eventStoreUrl) ? 'kurrentdb' : 'postgres';
}

/**
 * EVENT_STORE_URL: a PostgreSQL URL, or a KurrentDB connection string. A KurrentDB string may
 * name several hosts (a cluster), which a URL cannot, so it is checked by its own pattern.
 */
function eventStoreUrl(name: string, raw: string | undefined): string | null {
  const value = nonEmpty(raw);
  if (value === undefined || !KURRENTDB_SCHEME.test(value)) {
    return serverUrl(name, raw, ['postgres:', 'postgresql:'], `${POSTGRES_FORM}, or ${KURRENTDB_FORM} for KurrentDB`);
  }
  const match = /^[a-z+]+:\/\/(?:[^:@/?#]+(?::[^@/?#]*)?@)?([^@/?#]+)\/?(?:\?[^#]*)?$/i.exec(value);
  const hosts = match?.[1]?.split(',') ?? [];
  const bad = hosts.find((host) => {
    const hostPort = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
    return !hostPort || (hostPort[2] !== undefined && (Number(hostPort[2]) < 1 || Number(hostPort[2]) > 65_535));
  });
  if (!match || bad !== undefined) {
    throw new ConfigError(name, `is not a KurrentDB connection string${bad ? ` ('${bad}' is not host[:port])` : ''}: use ${KURRENTDB_FORM}`);
  }
  return value;
}

/** EVENT_STORE_MIGRATION_URL: the owner's PostgreSQL connection; KurrentDB has no schema to migrate. */
function migrationUrl(name: string, raw: string | undefined, storeUrl: string | undefined): string | null {
  const value = postgresUrl(name, raw);
  if (value !== null && storeUrl !== undefined && KURRENTDB_SCHEME.test(storeUrl.trim())) {
    throw new ConfigError(name, 'is for a PostgreSQL event store only: EVENT_STORE_URL names KurrentDB, which has no schema to migrate; unset it');
  }
  return value;
}

const clickhouseUrl = (name: string, raw: string | undefined): string | null =>
  serverUrl(name, raw, ['http:', 'https:'], 'http://user[:password]@host:8123/database (or https://)');

/**
 * A cluster name as the servers' remote_servers spell it. It goes into DDL (`ON CLUSTER '<name>'`),
 * so anything that could end the quote or the statement is refused.
 */
function clickhouseCluster(name: string, raw: string | undefined, url: string | undefined): string | null {
  const value = nonEmpty(raw);
  if (value === undefined) return null;
  if (nonEmpty(url) === undefined) {
    throw new ConfigError(
      name,
      'needs CLICKHOUSE_URL: the embedded chDB has no cluster; set CLICKHOUSE_URL to a node of the cluster, or unset CLICKHOUSE_CLUSTER',
    );
  }
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(value)) {
    throw new ConfigError(
      name,
      `'${raw}' is not a cluster name: use the name of a cluster in the servers' remote_servers (letters, digits, _, . and -, starting with a letter; no quotes or spaces)`,
    );
  }
  return value;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  const value = nonEmpty(raw);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError(name, `'${raw}' is not a whole number >= 1`);
  return n;
}

function onOff(name: string, raw: string | undefined, fallback: boolean): boolean {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(name, `'${raw}' is not on or off`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A connection string with its password replaced, for logs and health output. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // A KurrentDB cluster's connection string (several hosts) is no URL: hide its password by pattern.
    return KURRENTDB_SCHEME.test(value) ? value.replace(/^([a-z+]+:\/\/[^:@/?#]+):[^@/?#]*@/i, '$1:***@') : '<unparseable>';
  }
}
