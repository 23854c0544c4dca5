export { loadDirectory } from './directory-loader';
export { LiveDirectory } from './live-directory';
export { importMappingFile, MappingImportError, type MappingImportReport } from './mapping-file-importer';
