export * from './platform-process';
export * from './submission-answer';
