import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { EventStore } from '@gpds/event-store';
import {
  ODS_SOURCE_SYSTEM,
  readMappingSnapshot,
  snapshotEvidence,
  type EvidenceSummary,
  type OrganisationDirectory,
  type SnapshotProblem,
} from '@gpds/organisations';
import { recordHierarchyEvidence } from './evidence-recorder';

export interface ImportProgress {
  readonly file: string;
  readonly done: number;
  readonly total: number;
}

export interface MappingImportReport {
  readonly file: string;
  readonly snapshotDate: string;
  readonly format: string;
  readonly practicesInFile: number;
  /** Rows that could not be used, with why. */
  readonly problems: readonly SnapshotProblem[];
  /** 'imported', or 'already imported' when this snapshot's evidence is all in the store already. */
  readonly outcome: 'imported' | 'already imported';
  readonly eventsAppended: number;
  readonly eventsDuplicate: number;
  readonly summary: MappingSummary | null;
}

/** What the file changed: organisations new to the platform, closures, renames, and the practice moves since the previous mapping file. */
export interface MappingSummary {
  readonly registered: EvidenceSummary['registered'];
  readonly closed: EvidenceSummary['closed'];
  readonly renamed: number;
  readonly timelinesChanged: number;
  /** The mapping file compared with (the latest one before it), or null for the first. */
  readonly previousSnapshot: string | null;
  readonly newPractices: number;
  readonly closedPractices: number;
  readonly practicesReparented: number;
  readonly practicesChangingRegion: number;
  /** Practices it places differently from the hierarchy the platform had for its date (e.g. from publications). */
  readonly agreed: number;
  readonly differed: EvidenceSummary['differed'];
}

export class MappingImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingImportError';
  }
}

/**
 * Imports one national practice mapping file (either format, any month) as hierarchy evidence:
 * an observation of every organisation it names, on its extract date, then every organisation
 * timeline brought up to date (docs/organisations.md). Idempotent; files may come in any order
 * (an older file after a newer one gives the same hierarchy as in date order).
 */
export async function importMappingFile(
  store: EventStore,
  path: string,
  options: { onProgress?: (progress: ImportProgress) => void; actor?: string; directory?: OrganisationDirectory } = {},
): Promise<MappingImportReport> {
  const file = basename(path);
  let records: string[][];
  try {
    records = parse(readFileSync(path), { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new MappingImportError(`${file}: cannot be read as CSV (${(error as Error).message})`);
  }
  const [header, ...rows] = records;
  if (!header) throw new MappingImportError(`${file}: the file is empty`);
  const { snapshot, problems } = readMappingSnapshot(header, rows);
  const evidence = snapshotEvidence(snapshot);
  const report = await recordHierarchyEvidence(store, evidence, {
    system: ODS_SOURCE_SYSTEM,
    actor: options.actor ?? 'ods-importer',
    ...(options.directory ? { directory: options.directory } : {}),
    onProgress: (p) => options.onProgress?.({ file, done: p.done, total: p.total }),
  });
  const s = report.summary;
  return {
    file,
    snapshotDate: snapshot.date,
    format: snapshot.format,
    practicesInFile: snapshot.practices.length,
    problems,
    outcome: report.outcome === 'recorded' ? 'imported' : 'already imported',
    eventsAppended: report.eventsAppended,
    eventsDuplicate: report.eventsDuplicate,
    summary:
      report.outcome === 'recorded'
        ? {
            registered: s.registered,
            closed: s.closed,
            renamed: s.renamed,
            timelinesChanged: s.timelinesChanged,
            previousSnapshot: s.sincePrevious?.source.replace(/^\S+ /, '') ?? null,
            newPractices: s.sincePrevious?.newPractices ?? 0,
            closedPractices: s.sincePrevious?.closedPractices ?? 0,
            practicesReparented: s.sincePrevious?.practicesReparented ?? 0,
            practicesChangingRegion: s.sincePrevious?.practicesChangingRegion ?? 0,
            agreed: s.agreed,
            differed: s.differed,
          }
        : null,
  };
}
