import type { EventStore } from '@gpds/event-store';
import { importMappingFile, type MappingImportReport } from '@gpds/organisations-importer';
import { odsMappingFiles, sharedDataDir } from '@gpds/shared-runtime';

export interface ReferenceImportLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Brings the organisation hierarchy up to the national practice mapping files beside the
 * project (../shared/data/ods, or SHARED_DATA_DIR), oldest first. Files already imported are
 * no-ops, so every start may run it.
 */
export async function importReferenceData(store: EventStore, log: ReferenceImportLog): Promise<MappingImportReport[]> {
  const dataDir = sharedDataDir();
  if (!dataDir) {
    log.warn({}, 'no reference data found (../shared/data beside the project, or SHARED_DATA_DIR): the organisation hierarchy stays as it is');
    return [];
  }
  const reports: MappingImportReport[] = [];
  for (const file of odsMappingFiles(dataDir)) {
    const started = Date.now();
    const report = await importMappingFile(store, file, {
      onProgress: (p) => log.info({ file: p.file, done: p.done, total: p.total }, `importing ${p.file}: ${p.done}/${p.total} hierarchy events`),
    });
    reports.push(report);
    log.info(
      {
        file: report.file,
        snapshot: report.snapshotDate,
        outcome: report.outcome,
        appended: report.eventsAppended,
        problems: report.problems.length,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        ...(report.summary && report.eventsAppended > 0
          ? {
              practicesReparented: report.summary.practicesReparented,
              practicesChangingRegion: report.summary.practicesChangingRegion,
              newPractices: report.summary.newPractices,
              closedPractices: report.summary.closedPractices,
            }
          : {}),
      },
      report.eventsAppended > 0 ? `organisation hierarchy: imported ${report.file}` : `organisation hierarchy: ${report.file} already imported`,
    );
  }
  return reports;
}
