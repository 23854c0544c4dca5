export * from './record-readers';
export * from '@gpds/access-http';
export * from './submit-records.command';
export * from './submissions.controller';
export * from './admin-keys.controller';
export * from './openapi';
export * from './submissions-http.module';
export * from './result-spool';
