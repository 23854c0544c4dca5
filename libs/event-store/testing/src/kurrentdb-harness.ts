import type { EventStore, UpcasterRegistry } from '@gpds/event-store';
import { KurrentDbCheckpointStore, KurrentDbEventStore, openKurrentDbEventStore, type OpenedKurrentDbEventStore } from '@gpds/event-store-kurrentdb';
import type { ContractDatabase, EventStoreTarget, StoreUnderTest } from './harness';

/** The variable naming the server of the KurrentDB contract suite (`npm run test:servers`). */
export const KURRENTDB_URL_VARIABLE = 'KURRENTDB_URL';

/**
 * The contract's tests that do not run on KurrentDB, and why: they test PostgreSQL's schema,
 * grants, migrations and transaction ids, or need SQL in the harness. docs/event-store.md lists them.
 */
export const KURRENTDB_NOT_RUN: EventStoreTarget['notRun'] = [
  { test: 'schema and grants: migrates once', reason: 'KurrentDB has no schema to migrate: a stream is created by its first append' },
  {
    test: 'schema and grants: append-only by grant',
    reason: "KurrentDB has no SQL grants: the adapter never deletes, truncates or rewrites; production restricts $delete and $tb in the streams' ACLs",
  },
  {
    test: 'delivers an event whose transaction took a lower position but committed after a later one',
    reason: 'KurrentDB gives positions at commit, in log order: no writer can hold a lower position while a later one becomes readable',
  },
  { test: 'refuses a released migration whose text changed', reason: 'KurrentDB has no migrations' },
  {
    test: 'a subscriber killed mid-catch-up (SIGKILL) resumes from its checkpoint',
    reason:
      "its child process keeps its idempotent sink in SQL tables of the event store's database; the subscription is the domain's CatchUpSubscription on both engines",
  },
];

/**
 * KurrentDB as a contract target: the server at `url`, which cannot be emptied, so every test
 * works under stream names no earlier run used (fixtures' uniqueCategory carries a token of the
 * run) and nothing is dropped afterwards. Each open is a client of its own, as another process's.
 */
export function kurrentDbTarget(url: string, options: { readonly leaseTtlMs?: number } = {}): EventStoreTarget {
  return {
    engine: 'kurrentdb',
    notRun: KURRENTDB_NOT_RUN,
    async create() {
      const opens: StoreUnderTest[] = [];
      const database: ContractDatabase = {
        sql: null,
        async open() {
          const opened = await openKurrentDbEventStore(url, { leases: { ttlMs: options.leaseTtlMs } });
          const underTest = kurrentDbStoreUnderTest(opened);
          opens.push(underTest);
          return underTest;
        },
        async dispose() {
          await Promise.all(opens.map((o) => o.close().catch(() => undefined)));
        },
      };
      return database;
    },
  };
}

function kurrentDbStoreUnderTest(opened: OpenedKurrentDbEventStore): StoreUnderTest {
  const readers: KurrentDbEventStore[] = [];
  let closed: Promise<void> | null = null;
  return {
    store: opened.store,
    checkpoints: new KurrentDbCheckpointStore(opened.client),
    withUpcasters(upcasters: UpcasterRegistry): EventStore {
      const reader = new KurrentDbEventStore(opened.client, { upcasters });
      readers.push(reader);
      return reader;
    },
    async storedForm(streamId) {
      const stored: Array<{ schemaVersion: number; data: unknown }> = [];
      for await (const resolved of opened.client.readStream(streamId, { requiresLeader: true })) {
        const metadata = resolved.event?.metadata as Record<string, unknown> | undefined;
        stored.push({ schemaVersion: Number(metadata?.['schemaVersion']), data: resolved.event?.data });
      }
      return stored;
    },
    sql: null,
    close() {
      closed ??= (async () => {
        await Promise.all(readers.map((r) => r.close()));
        await opened.close();
      })();
      return closed;
    },
  };
}
