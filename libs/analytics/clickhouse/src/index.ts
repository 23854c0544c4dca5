export * from './analytics-client';
export * from './migrations';
