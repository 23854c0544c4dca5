export * from './arguments';
export * from './hierarchy-cache';
export * from './reporting-queries';
export * from './rollup-sql';
