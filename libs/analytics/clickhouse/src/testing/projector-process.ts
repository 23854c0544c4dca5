/**
 * A projector in a process of its own, for the crash tests: the test kills it with SIGKILL
 * (no clean-up of any kind) and starts it again. Configured by PROJECTOR_CONFIG (JSON); reports
 * on stdout one line per batch ('batch <seq> <events>') or rebuild progress ('progress <events>').
 */
import { openEventStore, type EventStoreConnection } from '@gpds/event-store-postgres';
import { openAnalyticsStore } from '../analytics-client';
import { tableChecksums } from '../checksum';
import { migrateAnalytics } from '../migrations';
import { Projector } from '../projector';
import { rebuildProjections } from '../rebuild';
import { tableMigrations } from '../schema';

interface Config {
  readonly mode: 'project' | 'rebuild' | 'checksum';
  readonly chdbPath: string;
  readonly databases: string[];
  readonly connection: EventStoreConnection;
  readonly maxRows: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['PROJECTOR_CONFIG'] ?? '{}') as Config;
  const analytics = openAnalyticsStore({ kind: 'chdb', path: config.chdbPath });
  const opened = await openEventStore(config.connection, { migrate: false });
  const database = config.databases[0]!;
  try {
    if (config.mode === 'project') {
      await migrateAnalytics(analytics.client, database, tableMigrations(database));
      const projector = new Projector({
        store: opened.store,
        analytics,
        database,
        maxRows: config.maxRows,
        maxDelayMs: 20,
        readBatchSize: 200,
        onWriteStart: (seq, events) => process.stdout.write(`writing ${seq} ${events}\n`),
        onBatch: (b) => process.stdout.write(`batch ${b.seq} ${b.events} ${b.ms}ms${b.replayed ? ' replayed' : ''}\n`),
      });
      await projector.start();
      await projector.waitUntilCaughtUp({ timeoutMs: 120_000 });
      await projector.stop();
    } else if (config.mode === 'rebuild') {
      await migrateAnalytics(analytics.client, database, tableMigrations(database));
      await rebuildProjections({
        store: opened.store,
        analytics,
        database,
        maxRows: config.maxRows,
        progressEveryMs: 20,
        onProgress: (p) => process.stdout.write(`progress ${p.events} ${p.phase}\n`),
      });
    } else {
      const out: Record<string, unknown> = {};
      for (const db of config.databases) out[db] = await tableChecksums(analytics.client, db);
      process.stdout.write(`checksums ${JSON.stringify(out)}\n`);
    }
  } finally {
    await opened.close();
    await analytics.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
