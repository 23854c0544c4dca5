import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { START, type Checkpoint, type EventStore } from '@gpds/event-store';
import { ORGANISATION_EVENT_TYPES, OrganisationDirectory, type DirectoryState, type OrganisationEvent } from '@gpds/organisations';

export interface LoadedDirectory {
  readonly directory: OrganisationDirectory;
  /** Dates of the mapping files recorded so far, oldest first. */
  readonly snapshots: string[];
  /** Organisation events folded in this call (after the snapshot, when one was used). */
  readonly events: number;
  /** Whether a snapshot file was used. */
  readonly fromSnapshot: boolean;
}

export interface LoadDirectoryOptions {
  /**
   * A file holding the folded directory and the store position it covers (a CLI run on a stopped
   * platform passes one in DATA_DIR): the events after it are read, not the whole history, and the
   * file is brought up to date. A snapshot of another store or format is ignored and rewritten.
   */
  readonly snapshotFile?: string;
}

interface SnapshotFile {
  /** The first organisation event's id: a snapshot of another store (a new DATA_DIR, a reset database) does not match. */
  readonly store: string;
  readonly checkpoint: Checkpoint;
  /** The last event folded into it: a store without it at that position (restored from an older backup) is not the one it was taken of. */
  readonly last: { readonly eventId: string; readonly globalPosition: number } | null;
  readonly state: DirectoryState;
}

/** Folds every organisation event in the store into a directory (the hierarchy on any date). */
export async function loadDirectory(store: EventStore, options: LoadDirectoryOptions = {}): Promise<LoadedDirectory> {
  const firstEvent = (await store.readAll({ after: START, limit: 1, categories: ['organisation'] })).events[0];
  // Event ids are derived from source records (the same in a store rebuilt from the same files): the time it was recorded tells stores apart.
  const first = firstEvent ? `${firstEvent.eventId}@${firstEvent.metadata.recordedAt}` : '';
  let directory = new OrganisationDirectory();
  let after = START;
  let fromSnapshot = false;
  let last: SnapshotFile['last'] = null;
  if (options.snapshotFile && first && existsSync(options.snapshotFile)) {
    try {
      const saved = JSON.parse(readFileSync(options.snapshotFile, 'utf8')) as SnapshotFile;
      const lastEvent = saved.last ? await store.readEvent(saved.last.eventId) : null;
      const covered = saved.store === first && (saved.last === null || lastEvent?.globalPosition === saved.last.globalPosition);
      const restored = covered ? OrganisationDirectory.fromState(saved.state) : null;
      if (restored) {
        directory = restored;
        after = saved.checkpoint;
        last = saved.last;
        fromSnapshot = true;
      }
    } catch {
      // An unreadable snapshot is only a cache: fold from the start and write a new one.
    }
  }
  let events = 0;
  for (;;) {
    const batch = await store.readAll({ after, limit: 5_000, categories: ['organisation'] });
    if (batch.events.length === 0) break;
    for (const e of batch.events) {
      if (!ORGANISATION_EVENT_TYPES.has(e.type)) continue;
      directory.apply({ type: e.type, data: e.data } as OrganisationEvent);
      last = { eventId: e.eventId, globalPosition: e.globalPosition };
      events++;
    }
    after = batch.checkpoint;
  }
  if (options.snapshotFile && first && (events > 0 || !fromSnapshot)) {
    const file: SnapshotFile = { store: first, checkpoint: after, last, state: directory.exportState() };
    mkdirSync(dirname(options.snapshotFile), { recursive: true });
    const scratch = `${options.snapshotFile}.${process.pid}.tmp`;
    writeFileSync(scratch, JSON.stringify(file));
    renameSync(scratch, options.snapshotFile);
  }
  return { directory, snapshots: mappingFileDates(directory), events, fromSnapshot };
}

/** The dates of the complete sources (mapping files) the directory holds, oldest first. */
export function mappingFileDates(directory: OrganisationDirectory): string[] {
  return directory
    .sources()
    .filter((s) => s.complete)
    .map((s) => s.from)
    .sort();
}
