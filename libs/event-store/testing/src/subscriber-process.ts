/**
 * A subscriber in a process of its own, for the crash test: its handler records each delivered
 * event idempotently in `public.test_sink` (keyed by position) and every delivery, repeats
 * included, in `public.test_deliveries`. It prints `position <n>` after each saved checkpoint.
 * Configuration comes as JSON in SUBSCRIBER_CONFIG.
 */
import type { CheckpointStore } from '@gpds/event-store';
import { PostgresCheckpointStore, openEventStore, type EventStoreConnection } from '@gpds/event-store-postgres';

interface Config {
  readonly connection: EventStoreConnection;
  readonly batchSize: number;
  readonly handlerDelayMs: number;
  readonly exitWhenCaughtUp: boolean;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['SUBSCRIBER_CONFIG'] ?? '{}') as Config;
  const opened = await openEventStore(config.connection, {
    asOwner: async (db) => {
      await db.exec(`
        CREATE TABLE IF NOT EXISTS public.test_sink (global_position bigint PRIMARY KEY, event_id uuid NOT NULL);
        CREATE TABLE IF NOT EXISTS public.test_deliveries (global_position bigint NOT NULL);
        GRANT SELECT, INSERT ON public.test_sink, public.test_deliveries TO gpds_app;`);
    },
  });
  const { store } = opened;
  const inner = new PostgresCheckpointStore(store.db);
  const checkpoints: CheckpointStore = {
    load: (id) => inner.load(id),
    save: async (id, checkpoint) => {
      await inner.save(id, checkpoint);
      process.stdout.write(`position ${checkpoint.globalPosition}\n`);
    },
  };
  const subscription = store.subscribe({
    subscriberId: 'kill-test',
    batchSize: config.batchSize,
    checkpoints,
    handler: async (events) => {
      const positions = events.map((e) => e.globalPosition);
      await store.db.query('INSERT INTO public.test_deliveries (global_position) SELECT unnest($1::bigint[])', [positions]);
      await store.db.query('INSERT INTO public.test_sink (global_position, event_id) SELECT * FROM unnest($1::bigint[], $2::uuid[]) ON CONFLICT DO NOTHING', [
        positions,
        events.map((e) => e.eventId),
      ]);
      if (config.handlerDelayMs > 0) await new Promise((r) => setTimeout(r, config.handlerDelayMs));
    },
  });
  process.stdout.write('ready\n');
  if (config.exitWhenCaughtUp) {
    await subscription.waitUntilCaughtUp({ timeoutMs: 120_000 });
    await opened.close();
    process.stdout.write('caught-up\n');
    return;
  }
  await subscription.done;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
