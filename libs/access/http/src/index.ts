export * from './api-key-check';
export * from './auth';
export * from './admin-keys.controller';
export * from './admin-keys.module';
