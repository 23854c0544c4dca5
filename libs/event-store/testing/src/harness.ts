import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PGliteDatabase,
  PgDatabase,
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
  open(options?: OpenEventStoreOptions): Promise<OpenedEventStore>;
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
