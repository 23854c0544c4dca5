export * from './data-dir-lock';
export * from './shared-data';
