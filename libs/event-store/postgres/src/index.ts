export { EVENT_STORE_MIGRATIONS } from './migrations/event-store-migrations';
export { PgDatabase, type PgDatabaseOptions, quoteIdent } from './sql/pg-database';
export { PGliteDatabase, type PGliteDatabaseOptions } from './sql/pglite-database';
export { PGliteError, PGliteThreadDatabase, type PGliteThreadDatabaseOptions } from './sql/pglite-thread-database';
export { migrate, type Migration } from './migrations/migrator';
export { type EventStoreConnection, type EventStoreWithDatabase, type OpenedEventStore, openEventStore, type OpenEventStoreOptions } from './open-event-store';
export { PostgresCheckpointStore } from './postgres-checkpoint-store';
export { PostgresEventStore } from './postgres-event-store';
export { type EngineMemory, type SqlDatabase, type SqlQueryable, sqlState } from './sql/sql-database';
