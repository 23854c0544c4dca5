export { evidenceSystem, hierarchyReport, publicationEvidence, publicationSource, publicationSystem } from './publication-evidence';
export { planPublication, sendPublication, type HierarchyReport, type PublicationImportReport } from './publication-import';
export { type Publication, PublicationFormatError, readPublication } from './publication-reader';
