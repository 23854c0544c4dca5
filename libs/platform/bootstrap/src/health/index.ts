export * from './health-checks';
export * from './health.module';
