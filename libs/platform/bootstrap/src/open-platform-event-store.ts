import { join, resolve } from 'node:path';
import type { EventStore } from '@gpds/event-store';
import { openKurrentDbEventStore } from '@gpds/event-store-kurrentdb';
import {
  openEventStore,
  type EventStoreConnection,
  type EventStoreWithDatabase,
  type OpenEventStoreOptions,
  type OpenedEventStore,
  type SqlDatabase,
} from '@gpds/event-store-postgres';
import { eventStoreEngine, redactUrl, type PlatformConfig } from '@gpds/shared-config';
import { DataDirLock } from '@gpds/shared-runtime';

/**
 * Where the events are. With KurrentDB the platform's own tables (API keys, the audit trail) stay
 * in the embedded PostgreSQL under DATA_DIR (`dataDir`), as without EVENT_STORE_URL.
 */
export type PlatformEventStoreConnection = EventStoreConnection | { readonly kind: 'kurrentdb'; readonly url: string; readonly dataDir: string };

export interface PlatformEventStore {
  readonly opened: OpenedEventStore<EventStoreWithDatabase>;
  readonly connection: PlatformEventStoreConnection;
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

/** The connection the configuration names: the PostgreSQL server, KurrentDB, or PGlite under DATA_DIR. */
export function eventStoreConnection(config: PlatformConfig): PlatformEventStoreConnection {
  const embedded = join(resolve(config.dataDir), 'event-store');
  const url = config.eventStoreUrl;
  if (url === null) return { kind: 'pglite', dataDir: embedded };
  return eventStoreEngine(config) === 'kurrentdb'
    ? { kind: 'kurrentdb', url, dataDir: embedded }
    : { kind: 'postgres', url, migrationUrl: config.eventStoreMigrationUrl ?? undefined };
}

/**
 * Opens the event store the way every process of the platform does (the platform, the CLI):
 * locks the data directory first in embedded mode, migrates, and says what to check on failure.
 */
export async function openPlatformEventStore(config: PlatformConfig, options: OpenEventStoreOptions = {}): Promise<PlatformEventStore> {
  const connection = eventStoreConnection(config);
  const lock = connection.kind === 'postgres' ? null : DataDirLock.acquire(resolve(config.dataDir));
  try {
    const opened = connection.kind === 'kurrentdb' ? await openBesideKurrentDb(connection, options) : await openEventStore(connection, options);
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
        : connection.kind === 'kurrentdb'
          ? `Cannot open the event store on KurrentDB (${detail}): check that KurrentDB 25.1 or later is running, that EVENT_STORE_URL is right, and that ${connection.dataDir} is writable`
          : `Cannot open the embedded event store in ${connection.dataDir} (${detail}): is the directory writable?`,
      { cause: error },
    );
  }
}

/**
 * KurrentDB holds the events; the embedded PostgreSQL under DATA_DIR keeps the platform's own
 * tables (migrated, with `asOwner`, as in embedded mode; its event tables stay empty). One process
 * per DATA_DIR, as in embedded mode (docs/event-store.md, "KurrentDB").
 */
async function openBesideKurrentDb(
  connection: Extract<PlatformEventStoreConnection, { kind: 'kurrentdb' }>,
  options: OpenEventStoreOptions,
): Promise<OpenedEventStore<EventStoreWithDatabase>> {
  const tables = await openEventStore({ kind: 'pglite', dataDir: connection.dataDir }, options);
  try {
    const events = await openKurrentDbEventStore(connection.url, { upcasters: options.upcasters });
    return {
      store: withDatabase(events.store, tables.store.db),
      migrations: tables.migrations,
      async close() {
        await events.close();
        await tables.close();
      },
    };
  } catch (error) {
    await tables.close();
    throw error;
  }
}

/** The events of one store with the SQL database of the platform's tables beside them. */
function withDatabase(events: EventStore, db: SqlDatabase): EventStoreWithDatabase {
  return {
    db,
    appendToStream: (streamId, toAppend, options) => events.appendToStream(streamId, toAppend, options),
    appendToStreams: (appends) => events.appendToStreams(appends),
    readEvent: (eventId) => events.readEvent(eventId),
    readStream: (streamId, options) => events.readStream(streamId, options),
    streamVersion: (streamId) => events.streamVersion(streamId),
    readAll: (options) => events.readAll(options),
    head: () => events.head(),
    subscribe: (options) => events.subscribe(options),
    tryLock: (name) => events.tryLock(name),
    close: () => events.close(),
  };
}
