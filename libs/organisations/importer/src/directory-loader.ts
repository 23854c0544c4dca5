import { START, type EventStore } from '@gpds/event-store';
import { ODS_SOURCE_SYSTEM, ORGANISATION_EVENT_TYPES, OrganisationDirectory, type OrganisationEvent } from '@gpds/organisations';

export interface LoadedDirectory {
  readonly directory: OrganisationDirectory;
  /** Snapshot dates imported so far, oldest first. */
  readonly snapshots: string[];
  readonly events: number;
}

/** Folds every organisation event in the store into a directory (the hierarchy on any date). */
export async function loadDirectory(store: EventStore): Promise<LoadedDirectory> {
  const directory = new OrganisationDirectory();
  const snapshots = new Set<string>();
  let after = START;
  let events = 0;
  for (;;) {
    const batch = await store.readAll({ after, limit: 5_000, categories: ['organisation'] });
    if (batch.events.length === 0) break;
    for (const e of batch.events) {
      if (!ORGANISATION_EVENT_TYPES.has(e.type)) continue;
      directory.apply({ type: e.type, data: e.data } as OrganisationEvent);
      events++;
      if (e.metadata.source.system === ODS_SOURCE_SYSTEM) snapshots.add(e.metadata.source.recordId.split('/')[0] ?? '');
    }
    after = batch.checkpoint;
  }
  return { directory, snapshots: [...snapshots].filter(Boolean).sort(), events };
}
