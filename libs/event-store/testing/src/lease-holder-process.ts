/**
 * A process that takes a KurrentDB lock and holds it until killed, for the servers spec's crash
 * test: it prints `locked` (or `refused`) and then only renews its lease. Configuration comes as
 * JSON in LEASE_HOLDER_CONFIG: { url, name, ttlMs }.
 */
import { openKurrentDbEventStore } from '@gpds/event-store-kurrentdb';

interface Config {
  readonly url: string;
  readonly name: string;
  readonly ttlMs: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['LEASE_HOLDER_CONFIG'] ?? '{}') as Config;
  const opened = await openKurrentDbEventStore(config.url, { leases: { ttlMs: config.ttlMs } });
  const lock = await opened.store.tryLock(config.name);
  process.stdout.write(lock ? 'locked\n' : 'refused\n');
  // The lease's renewal timer does not keep a process alive: this does, until the kill.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
