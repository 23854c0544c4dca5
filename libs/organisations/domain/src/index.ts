export * from './organisation-events';
export * from './organisation-directory';
export * from './mapping-snapshot';
export * from './snapshot-diff';
