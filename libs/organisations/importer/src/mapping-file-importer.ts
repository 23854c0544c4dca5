import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { EventStore, EventToAppend } from '@gpds/event-store';
import { ODS_SOURCE_SYSTEM, diffSnapshot, readMappingSnapshot, type PlannedEvent, type SnapshotDiff, type SnapshotProblem } from '@gpds/organisations';
import { decodeEventData } from '@gpds/shared-contracts';
import { HIERARCHY_CHANGE_DATES } from '@gpds/shared-reference-data';
import { loadDirectory } from './directory-loader';

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
  /** 'imported', or 'already imported' when this snapshot's events are all in the store already. */
  readonly outcome: 'imported' | 'already imported';
  readonly eventsAppended: number;
  readonly eventsDuplicate: number;
  readonly summary: SnapshotDiff['summary'] | null;
}

export class MappingImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingImportError';
  }
}

/**
 * Imports one national practice mapping file (either format) as dated organisation events:
 * registrations, renames, re-parenting and closures relative to what the store already holds.
 * Idempotent: every event's source record is (file date, organisation, fact), so importing the
 * same file again appends nothing. Snapshots must arrive in date order.
 */
export async function importMappingFile(
  store: EventStore,
  path: string,
  options: { onProgress?: (progress: ImportProgress) => void; actor?: string } = {},
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

  const { directory, snapshots } = await loadDirectory(store);
  const latest = snapshots.at(-1) ?? null;
  const base = { file, snapshotDate: snapshot.date, format: snapshot.format, practicesInFile: snapshot.practices.length, problems };
  if (latest !== null && snapshot.date < latest) {
    if (snapshots.includes(snapshot.date)) return { ...base, outcome: 'already imported', eventsAppended: 0, eventsDuplicate: 0, summary: null };
    throw new MappingImportError(
      `${file}: its snapshot (${snapshot.date}) is older than one already imported (${latest}); mapping files must be imported in date order`,
    );
  }
  const previous = snapshots.filter((d) => d < snapshot.date).at(-1) ?? null;
  const diff = diffSnapshot(directory, snapshot, { previousSnapshot: previous, knownChangeDates: HIERARCHY_CHANGE_DATES });
  // Seen before and nothing left to write (an import cut short is completed instead).
  if (snapshots.includes(snapshot.date) && diff.events.length === 0) {
    return { ...base, outcome: 'already imported', eventsAppended: 0, eventsDuplicate: 0, summary: null };
  }

  const byStream = new Map<string, PlannedEvent[]>();
  for (const planned of diff.events) byStream.set(planned.streamId, [...(byStream.get(planned.streamId) ?? []), planned]);
  let appended = 0;
  let duplicates = 0;
  let done = 0;
  const total = byStream.size;
  for (const [streamId, planned] of byStream) {
    const result = await store.appendToStream(
      streamId,
      planned.map((p) => toEvent(p, snapshot.date, options.actor ?? 'ods-importer')),
      { expectedVersion: 'any' },
    );
    for (const e of result.events) {
      if (e.status === 'appended') appended++;
      else duplicates++;
    }
    done++;
    if (done % 500 === 0 || done === total) options.onProgress?.({ file, done, total });
  }
  return { ...base, outcome: 'imported', eventsAppended: appended, eventsDuplicate: duplicates, summary: diff.summary };
}

function toEvent(planned: PlannedEvent, snapshotDate: string, actor: string): EventToAppend {
  const { type, data } = planned.event;
  const decoded = decodeEventData(type, 1, data);
  if (!decoded.ok)
    throw new MappingImportError(`internal: ${type} for ${planned.streamId} breaks its contract: ${decoded.errors.map((e) => e.message).join('; ')}`);
  const effective = 'effectiveFrom' in data ? data.effectiveFrom : 'closedOn' in data ? data.closedOn : '';
  return {
    type,
    schemaVersion: 1,
    data: decoded.data,
    metadata: {
      occurredAt: `${effective || snapshotDate}T00:00:00Z`,
      source: { system: ODS_SOURCE_SYSTEM, recordId: planned.recordId },
      actor: { type: 'importer', id: actor },
      correlationId: `ods-${snapshotDate}`,
    },
  };
}
