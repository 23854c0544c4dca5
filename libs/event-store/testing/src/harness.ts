import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointStore, EventStore, SubscriptionSource, UpcasterRegistry } from '@gpds/event-store';
import {
  PGliteDatabase,
  PgDatabase,
  PostgresCheckpointStore,
  PostgresEventStore,
  openEventStore,
  quoteIdent,
  type EventStoreConnection,
  type OpenEventStoreOptions,
  type OpenedEventStore,
  type SqlDatabase,
} from '@gpds/event-store-postgres';

export const TEST_SERVER_URL = process.env['EVENT_STORE_TEST_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * One isolated database for a test: a fresh PostgreSQL database on the server, or a fresh PGlite
 * directory. It can be opened, closed and opened again (a restart), and inspected as its owner.
 */
export interface TestDatabase {
  readonly engine: 'postgres' | 'pglite';
  readonly connection: EventStoreConnection;
  /** Separate connections can hold transactions open at the same time (the server can, PGlite cannot). */
  readonly concurrentTransactions: boolean;
  open(options?: OpenEventStoreOptions): Promise<OpenedEventStore<PostgresEventStore>>;
  /** Runs `fn` with an owner's connection (PGlite: only while no store holds the directory open). */
  asOwner<T>(fn: (db: SqlDatabase) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

export interface TestDatabaseFactory {
  readonly engine: 'postgres' | 'pglite';
  create(label: string): Promise<TestDatabase>;
}

let counter = 0;

export const postgresServer: TestDatabaseFactory = {
  engine: 'postgres',
  async create(label: string): Promise<TestDatabase> {
    const name = `gpds_test_${process.pid}_${Date.now().toString(36)}_${++counter}_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}`.slice(0, 63);
    const admin = new PgDatabase({ connectionString: TEST_SERVER_URL, max: 1 });
    try {
      await admin.exec(`CREATE DATABASE ${quoteIdent(name)}`);
    } finally {
      await admin.close();
    }
    const url = new URL(TEST_SERVER_URL);
    url.pathname = `/${name}`;
    const connection: EventStoreConnection = { kind: 'postgres', url: url.toString(), poolSize: 12 };
    return {
      engine: 'postgres',
      connection,
      concurrentTransactions: true,
      open: (options) => openEventStore(connection, options),
      async asOwner(fn) {
        const db = new PgDatabase({ connectionString: url.toString(), max: 2 });
        try {
          return await fn(db);
        } finally {
          await db.close();
        }
      },
      async dispose() {
        const db = new PgDatabase({ connectionString: TEST_SERVER_URL, max: 1 });
        try {
          await db.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        } finally {
          await db.close();
        }
      },
    };
  },
};

export const pglite: TestDatabaseFactory = {
  engine: 'pglite',
  async create(label: string): Promise<TestDatabase> {
    const dir = mkdtempSync(join(tmpdir(), `gpds-pglite-${label.replace(/[^a-z0-9]/gi, '')}-`));
    const connection: EventStoreConnection = { kind: 'pglite', dataDir: dir };
    return {
      engine: 'pglite',
      connection,
      concurrentTransactions: false,
      open: (options) => openEventStore(connection, options),
      async asOwner(fn) {
        const db = await PGliteDatabase.open({ dataDir: dir });
        try {
          return await fn(db);
        } finally {
          await db.close();
        }
      },
      async dispose() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * What the contract suite needs of one open store, whatever the engine: the port, the catch-up
 * source, the store's own checkpoints, a second reader with upcasters, and a look at what is stored.
 */
export interface StoreUnderTest {
  readonly store: EventStore & SubscriptionSource;
  /** Where `subscribe` keeps checkpoints when given none. */
  readonly checkpoints: CheckpointStore;
  /** Another store on the same data that reads with these upcasters. */
  withUpcasters(upcasters: UpcasterRegistry): EventStore;
  /** A stream's events as stored: schema version and data before upcasting. */
  storedForm(streamId: string): Promise<Array<{ schemaVersion: number; data: unknown }>>;
  /** The SQL engines' opened store, for the tests only they can run; null on other engines. */
  readonly sql: OpenedEventStore<PostgresEventStore> | null;
  close(): Promise<void>;
}

export interface ContractDatabase {
  /** Opens the store again: a restart, or (where the engine allows) a second process's connection. */
  open(options?: { readonly migrate?: boolean }): Promise<StoreUnderTest>;
  /** The SQL engines' test database (its owner's connection, the connection for child processes); null on other engines. */
  readonly sql: TestDatabase | null;
  dispose(): Promise<void>;
}

/** One engine the contract suite runs against. */
export interface EventStoreTarget {
  readonly engine: 'postgres' | 'pglite' | 'kurrentdb';
  /** A fresh store for one describe block: a new database, or a stream prefix no earlier run used. */
  create(label: string): Promise<ContractDatabase>;
  /** The contract's tests this engine does not run, each with why (listed in docs/event-store.md). */
  readonly notRun: ReadonlyArray<{ readonly test: string; readonly reason: string }>;
}

/** PostgreSQL or PGlite as a contract target: every test runs. */
export function sqlTarget(factory: TestDatabaseFactory): EventStoreTarget {
  return {
    engine: factory.engine,
    notRun: [],
    async create(label) {
      const database = await factory.create(label);
      return {
        sql: database,
        open: async (options) => sqlStoreUnderTest(await database.open(options)),
        dispose: () => database.dispose(),
      };
    },
  };
}

function sqlStoreUnderTest(opened: OpenedEventStore<PostgresEventStore>): StoreUnderTest {
  const { store } = opened;
  return {
    store,
    checkpoints: new PostgresCheckpointStore(store.db),
    withUpcasters: (upcasters) => new PostgresEventStore(store.db, { upcasters }),
    storedForm: async (streamId) =>
      (
        await store.db.query<{ schema_version: number; data: unknown }>(
          'SELECT schema_version, data FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version',
          [streamId],
        )
      ).map((row) => ({ schemaVersion: row.schema_version, data: row.data })),
    sql: opened,
    close: () => opened.close(),
  };
}
