import type { EventStore, UpcasterRegistry } from '@gpds/event-store';
import { EVENT_STORE_MIGRATIONS } from './migrations/event-store-migrations';
import { migrate, type MigrationReport } from './migrations/migrator';
import { PostgresEventStore } from './postgres-event-store';
import { PgDatabase } from './sql/pg-database';
import { PGliteDatabase } from './sql/pglite-database';
import { PGliteThreadDatabase } from './sql/pglite-thread-database';
import type { SqlDatabase } from './sql/sql-database';

/** The role the store works as: it may read and append events, never change or delete them. */
export const APP_ROLE = 'gpds_app';

export type EventStoreConnection =
  | {
      readonly kind: 'postgres';
      /** The application's connection (a login member of `gpds_app`, or an owner: see `role`). */
      readonly url: string;
      /** An owner's connection for migrations; default `url`. */
      readonly migrationUrl?: string;
      /** Pool size (default 10). */
      readonly poolSize?: number;
    }
  | {
      readonly kind: 'pglite';
      /** Directory of the embedded database; in memory when absent. */
      readonly dataDir?: string;
      /**
       * Where PGlite runs: on a worker thread (default), so the platform's main thread keeps
       * serving while statements run; or on the caller's thread ('main'), for short-lived tools
       * and for comparison in the benchmarks.
       */
      readonly thread?: 'worker' | 'main';
    };

export interface OpenEventStoreOptions {
  /** Apply pending migrations first (default true). */
  readonly migrate?: boolean;
  readonly upcasters?: UpcasterRegistry;
  /**
   * Runs on the owner's connection after migrating and before the store switches to `gpds_app`:
   * for set-up the application role may not do (tests' fixtures, extra grants).
   */
  readonly asOwner?: (db: SqlDatabase) => Promise<void>;
}

/**
 * An event store with the SQL database that holds the platform's own tables beside it (API keys,
 * the audit trail): the store's own database on PostgreSQL and PGlite; an embedded PGlite beside
 * KurrentDB (libs/platform/bootstrap).
 */
export type EventStoreWithDatabase = EventStore & { readonly db: SqlDatabase };

export interface OpenedEventStore<Store extends EventStoreWithDatabase = PostgresEventStore> {
  readonly store: Store;
  readonly migrations: MigrationReport | null;
  close(): Promise<void>;
}

/**
 * Opens the event store on either engine with the same schema and SQL: migrates as the owner,
 * then works as `gpds_app`, so append-only holds by grant in both modes.
 */
export async function openEventStore(connection: EventStoreConnection, options: OpenEventStoreOptions = {}): Promise<OpenedEventStore> {
  const shouldMigrate = options.migrate ?? true;
  let db: SqlDatabase;
  let migrations: MigrationReport | null = null;
  if (connection.kind === 'pglite') {
    const pglite =
      connection.thread === 'main'
        ? await PGliteDatabase.open({ dataDir: connection.dataDir })
        : await PGliteThreadDatabase.open({ dataDir: connection.dataDir });
    try {
      if (shouldMigrate) migrations = await migrate(pglite, EVENT_STORE_MIGRATIONS);
      await options.asOwner?.(pglite);
      // One connection: switching its role makes every later statement run as the app role.
      await pglite.exec(`SET ROLE ${APP_ROLE}`);
    } catch (error) {
      await pglite.close();
      throw error;
    }
    db = pglite;
  } else {
    const owner = new PgDatabase({ connectionString: connection.migrationUrl ?? connection.url, max: 1 });
    try {
      if (shouldMigrate) migrations = await migrate(owner, EVENT_STORE_MIGRATIONS);
      await options.asOwner?.(owner);
    } finally {
      await owner.close();
    }
    db = new PgDatabase({ connectionString: connection.url, max: connection.poolSize ?? 10, role: APP_ROLE });
  }
  const store = new PostgresEventStore(db, { upcasters: options.upcasters });
  return {
    store,
    migrations,
    async close() {
      await store.close();
      await db.close();
    },
  };
}
