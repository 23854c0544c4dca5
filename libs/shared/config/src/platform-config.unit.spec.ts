import { ConfigError, eventStoreEngine, readPlatformConfig, redactUrl } from './platform-config';

describe('readPlatformConfig', () => {
  it('defaults to the embedded platform on port 3000 under ./data', () => {
    expect(readPlatformConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      eventStoreUrl: null,
      eventStoreMigrationUrl: null,
      clickhouseUrl: null,
      clickhouseCluster: null,
      referenceImport: true,
      projector: true,
      demoData: true,
      submissionMaxBytes: 268_435_456,
      logLevel: 'info',
    });
  });

  it('reads servers and settings from the environment', () => {
    const config = readPlatformConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/gpds',
      EVENT_STORE_URL: 'postgres://gpds@db:5432/events',
      CLICKHOUSE_URL: ' http://reader:s%40cret@ch.internal:8123/gpds ',
      LOG_LEVEL: 'DEBUG',
      DEMO_DATA: 'off',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/gpds',
      eventStoreUrl: 'postgres://gpds@db:5432/events',
      clickhouseUrl: 'http://reader:s%40cret@ch.internal:8123/gpds',
      logLevel: 'debug',
      demoData: false,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT', /'eighty' is not a port number/],
    [{ PORT: '70000' }, 'PORT', /from 0 to 65535/],
    [{ EVENT_STORE_URL: 'mysql://x@y/z' }, 'EVENT_STORE_URL', /has protocol 'mysql:'/],
    [{ EVENT_STORE_URL: 'not a url' }, 'EVENT_STORE_URL', /is not a URL: use postgres:\/\/.*, or kurrentdb:\/\/.* for KurrentDB/],
    [
      { EVENT_STORE_URL: 'kurrentdb://db:99999?tls=false' },
      'EVENT_STORE_URL',
      /is not a KurrentDB connection string \('db:99999' is not host\[:port\]\): use kurrentdb:\/\//,
    ],
    [{ EVENT_STORE_URL: 'kurrentdb://' }, 'EVENT_STORE_URL', /is not a KurrentDB connection string: use kurrentdb:\/\//],
    [
      { EVENT_STORE_URL: 'kurrentdb://db:2113', EVENT_STORE_MIGRATION_URL: 'postgres://owner@db/gpds' },
      'EVENT_STORE_MIGRATION_URL',
      /is for a PostgreSQL event store only: EVENT_STORE_URL names KurrentDB, which has no schema to migrate; unset it/,
    ],
    [{ CLICKHOUSE_URL: 'postgres://x@y/z' }, 'CLICKHOUSE_URL', /has protocol 'postgres:': use http:\/\//],
    [{ CLICKHOUSE_URL: 'ch.internal:8123' }, 'CLICKHOUSE_URL', /has protocol 'ch.internal:'/],
    [{ CLICKHOUSE_URL: 'not a url' }, 'CLICKHOUSE_URL', /is not a URL/],
    [{ CLICKHOUSE_CLUSTER: 'gpds' }, 'CLICKHOUSE_CLUSTER', /needs CLICKHOUSE_URL: the embedded chDB has no cluster/],
    [{ CLICKHOUSE_CLUSTER: 'gpds', CLICKHOUSE_URL: ' ' }, 'CLICKHOUSE_CLUSTER', /needs CLICKHOUSE_URL/],
    [
      { CLICKHOUSE_URL: 'http://ch:8123/gpds', CLICKHOUSE_CLUSTER: "gpds'; DROP DATABASE gpds" },
      'CLICKHOUSE_CLUSTER',
      /is not a cluster name: .*no quotes or spaces/,
    ],
    [{ CLICKHOUSE_URL: 'http://ch:8123/gpds', CLICKHOUSE_CLUSTER: 'gpds cluster' }, 'CLICKHOUSE_CLUSTER', /'gpds cluster' is not a cluster name/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /'loud' is not a level/],
    [{ REFERENCE_IMPORT: 'maybe' }, 'REFERENCE_IMPORT', /'maybe' is not on or off/],
    [{ PROJECTOR: 'sometimes' }, 'PROJECTOR', /'sometimes' is not on or off/],
    [{ DEMO_DATA: 'lots' }, 'DEMO_DATA', /'lots' is not on or off/],
    [{ SUBMISSION_MAX_BYTES: '-5' }, 'SUBMISSION_MAX_BYTES', /'-5' is not a whole number >= 1/],
  ])('names the wrong variable and what it accepts: %j', (env, variable, message) => {
    const error = (() => {
      try {
        readPlatformConfig(env);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable });
    expect((error as Error).message).toMatch(message);
  });
});

describe('CLICKHOUSE_CLUSTER', () => {
  it('names the cluster the analytics schema spans, beside a ClickHouse server', () => {
    const config = readPlatformConfig({ CLICKHOUSE_URL: 'http://gpds@ch-1.internal:8123/gpds', CLICKHOUSE_CLUSTER: ' nhs-analytics.prod ' });
    expect(config).toMatchObject({ clickhouseUrl: 'http://gpds@ch-1.internal:8123/gpds', clickhouseCluster: 'nhs-analytics.prod' });
  });

  it('is no cluster when unset or blank, with or without a server', () => {
    expect(readPlatformConfig({ CLICKHOUSE_URL: 'http://ch:8123/gpds' }).clickhouseCluster).toBeNull();
    expect(readPlatformConfig({ CLICKHOUSE_URL: 'http://ch:8123/gpds', CLICKHOUSE_CLUSTER: '  ' }).clickhouseCluster).toBeNull();
    expect(readPlatformConfig({ CLICKHOUSE_CLUSTER: '' }).clickhouseCluster).toBeNull();
  });
});

describe('EVENT_STORE_URL and the engine it names', () => {
  it('is the embedded PGlite when unset, PostgreSQL for postgres://, KurrentDB for its connection strings', () => {
    expect(eventStoreEngine(readPlatformConfig({}))).toBe('pglite');
    expect(eventStoreEngine(readPlatformConfig({ EVENT_STORE_URL: 'postgresql://gpds@db/events' }))).toBe('postgres');
    for (const url of [
      'kurrentdb://127.0.0.1:2113?tls=false',
      'esdb://admin:changeit@db:2113',
      'kurrentdb+discover://cluster.internal:2113',
      'kdb://a,b:2114',
    ]) {
      const config = readPlatformConfig({ EVENT_STORE_URL: ` ${url} ` });
      expect({ url, stored: config.eventStoreUrl, engine: eventStoreEngine(config) }).toEqual({ url, stored: url, engine: 'kurrentdb' });
    }
  });
});

describe('redactUrl', () => {
  it("hides a KurrentDB cluster's password too (several hosts are no URL)", () => {
    expect(redactUrl('kurrentdb://ops:s3cret@node1:2113,node2:2113?tls=true')).toBe('kurrentdb://ops:***@node1:2113,node2:2113?tls=true');
    expect(redactUrl('kurrentdb://node1:2113,node2:2113')).toBe('kurrentdb://node1:2113,node2:2113');
  });

  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://gpds:s3cret@db:5432/events')).toBe('postgres://gpds:***@db:5432/events');
    expect(redactUrl('postgres://gpds@db/events')).toBe('postgres://gpds@db/events');
  });
});
