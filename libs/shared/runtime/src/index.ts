export { DataDirLock } from './data-dir-lock';
export { odsMappingFiles, sharedDataDir } from './shared-data';
export { monotonicCounter } from './metrics';
