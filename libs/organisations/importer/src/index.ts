export * from './directory-loader';
export * from './mapping-file-importer';
export * from './live-directory';
