export { describeEventStoreContract } from './event-store.contract';
export { sampleEvent } from './fixtures';
export { pglite, postgresServer, TEST_SERVER_URL, type TestDatabase, type TestDatabaseFactory } from './harness';
