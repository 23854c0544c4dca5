export * from './submission-types';
export * from './envelope';
export * from './decision-context';
export * from './submission-processor';
export * from './authorisation';
