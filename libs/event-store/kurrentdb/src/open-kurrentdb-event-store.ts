import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { parseKurrentDbUrl, type KurrentDbConnectionString } from './connection-string';
import { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';

export interface OpenedKurrentDbEventStore {
  readonly store: KurrentDbEventStore;
  readonly client: KurrentDBClient;
  readonly connection: KurrentDbConnectionString;
  /** Closes the store (subscriptions, leases), then the client's connections. */
  close(): Promise<void>;
}

/**
 * Connects to KurrentDB and checks that it answers (a read of the log's last platform event), so a
 * wrong address or a stopped server stops the start with a message saying what to check. Nothing
 * to migrate: streams are created by their first append.
 */
export async function openKurrentDbEventStore(url: string, options: Omit<KurrentDbEventStoreOptions, 'serverLabel'> = {}): Promise<OpenedKurrentDbEventStore> {
  const connection = parseKurrentDbUrl(url);
  const client = KurrentDBClient.connectionString(connection.connectionString);
  const store = new KurrentDbEventStore(client, { ...options, serverLabel: connection.redacted });
  try {
    await store.head();
  } catch (error) {
    await store.close().catch(() => undefined);
    await client.dispose().catch(() => undefined);
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot reach KurrentDB at ${connection.redacted} (${detail}): check that it is running and that the connection string is right ` +
        '(tls=false for an insecure node; user and password for a secure one)',
      { cause: error },
    );
  }
  return {
    store,
    client,
    connection,
    async close() {
      await store.close();
      await client.dispose();
    },
  };
}
