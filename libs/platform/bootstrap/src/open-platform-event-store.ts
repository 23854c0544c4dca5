import { join, resolve } from 'node:path';
import { openEventStore, type EventStoreConnection, type OpenEventStoreOptions, type OpenedEventStore } from '@gpds/event-store-postgres';
import { redactUrl, type PlatformConfig } from '@gpds/shared-config';
import { DataDirLock } from '@gpds/shared-runtime';

export interface PlatformEventStore {
  readonly opened: OpenedEventStore;
  readonly connection: EventStoreConnection;
  /** Held while an embedded store is open: one process per data directory. */
  readonly lock: DataDirLock | null;
  close(): Promise<void>;
}

export class EventStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/** The connection the configuration names: the PostgreSQL server, or PGlite under DATA_DIR. */
export function eventStoreConnection(config: PlatformConfig): EventStoreConnection {
  return config.eventStoreUrl
    ? { kind: 'postgres', url: config.eventStoreUrl, migrationUrl: config.eventStoreMigrationUrl ?? undefined }
    : { kind: 'pglite', dataDir: join(resolve(config.dataDir), 'event-store') };
}

/**
 * Opens the event store the way every process of the platform does (the platform, the CLI):
 * locks the data directory first in embedded mode, migrates, and says what to check on failure.
 */
export async function openPlatformEventStore(config: PlatformConfig, options: OpenEventStoreOptions = {}): Promise<PlatformEventStore> {
  const connection = eventStoreConnection(config);
  const lock = connection.kind === 'pglite' ? DataDirLock.acquire(resolve(config.dataDir)) : null;
  try {
    const opened = await openEventStore(connection, options);
    return {
      opened,
      connection,
      lock,
      async close() {
        await opened.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    const detail = error instanceof Error ? error.message : String(error);
    throw new EventStoreUnavailableError(
      connection.kind === 'postgres'
        ? `Cannot open the event store at ${redactUrl(connection.url)} (${detail}): check that PostgreSQL is running and EVENT_STORE_URL is right`
        : `Cannot open the embedded event store in ${connection.dataDir} (${detail}): is the directory writable?`,
      { cause: error },
    );
  }
}
