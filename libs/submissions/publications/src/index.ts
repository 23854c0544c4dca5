export * from './publication-reader';
export * from './publication-import';
