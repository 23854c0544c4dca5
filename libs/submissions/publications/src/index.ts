export { planPublication, type PublicationImportReport, sendPublication } from './publication-import';
export { type Publication, PublicationFormatError, readPublication } from './publication-reader';
