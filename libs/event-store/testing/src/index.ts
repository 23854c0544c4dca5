export * from './harness';
export * from './fixtures';
export { describeEventStoreContract } from './event-store.contract';
