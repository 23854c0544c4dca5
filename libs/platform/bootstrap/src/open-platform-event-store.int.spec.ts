import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPlatformConfig } from '@gpds/shared-config';
import { EventStoreUnavailableError, eventStoreConnection, openPlatformEventStore } from './open-platform-event-store';

/** A local port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('EVENT_STORE_URL=kurrentdb://... (the platform on KurrentDB)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpds-kurrent-boot-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("selects KurrentDB for the events and keeps the platform's own tables in the embedded database under DATA_DIR", () => {
    const config = readPlatformConfig({ EVENT_STORE_URL: 'kurrentdb://127.0.0.1:2113?tls=false', DATA_DIR: dataDir });
    expect(eventStoreConnection(config)).toEqual({ kind: 'kurrentdb', url: 'kurrentdb://127.0.0.1:2113?tls=false', dataDir: join(dataDir, 'event-store') });
    expect(eventStoreConnection(readPlatformConfig({ EVENT_STORE_URL: 'postgres://gpds@db/events' }))).toMatchObject({ kind: 'postgres' });
    expect(eventStoreConnection(readPlatformConfig({ DATA_DIR: dataDir }))).toEqual({ kind: 'pglite', dataDir: join(dataDir, 'event-store') });
  });

  it('stops with what to check when KurrentDB does not answer, and lets go of the data directory', async () => {
    const port = await closedPort();
    const config = readPlatformConfig({ EVENT_STORE_URL: `kurrentdb://admin:hunter2@127.0.0.1:${port}?tls=false`, DATA_DIR: dataDir });
    const error = await openPlatformEventStore(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(
      /^Cannot open the event store on KurrentDB \(Cannot reach KurrentDB at kurrentdb:\/\/admin:\*\*\*@127\.0\.0\.1:\d+\?tls=false /,
    );
    expect((error as Error).message).toMatch(/check that KurrentDB 25\.1 or later is running, that EVENT_STORE_URL is right/);
    expect((error as Error).message).not.toContain('hunter2');
    // The embedded database was closed and the lock released: the directory can be opened again.
    expect(existsSync(join(dataDir, 'platform.lock'))).toBe(false);
    const embedded = await openPlatformEventStore(readPlatformConfig({ DATA_DIR: dataDir, DEMO_DATA: 'off' }));
    await embedded.close();
  });
});
