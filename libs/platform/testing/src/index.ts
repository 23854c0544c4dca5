export * from './platform-process';
