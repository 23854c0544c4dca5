export * from './record-readers';
export * from './submit-records.command';
export * from './submissions.controller';
export * from './openapi';
export * from './submissions-http.module';
export * from './result-spool';
