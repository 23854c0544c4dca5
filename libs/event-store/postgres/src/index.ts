export * from './postgres-event-store';
export * from './postgres-checkpoint-store';
export * from './open-event-store';
export * from './migrations/migrator';
export { EVENT_STORE_MIGRATIONS } from './migrations/event-store-migrations';
export * from './sql/sql-database';
export { PgDatabase, type PgDatabaseOptions, quoteIdent } from './sql/pg-database';
export { PGliteDatabase, type PGliteDatabaseOptions } from './sql/pglite-database';
