export { loadDirectory, mappingFileDates } from './directory-loader';
export { EvidenceError, HIERARCHY_RESOLUTION_SYSTEM, recordHierarchyEvidence, type EvidenceProgress, type EvidenceReport } from './evidence-recorder';
export { LiveDirectory } from './live-directory';
export { importMappingFile, MappingImportError, type MappingImportReport, type MappingSummary } from './mapping-file-importer';
