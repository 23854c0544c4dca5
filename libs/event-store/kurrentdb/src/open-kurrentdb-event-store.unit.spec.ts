import { createServer } from 'node:net';
import { openKurrentDbEventStore } from './open-kurrentdb-event-store';

/** A local port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('openKurrentDbEventStore', () => {
  it('stops with the address (password hidden) and what to check when no server answers', async () => {
    const port = await closedPort();
    const error = await openKurrentDbEventStore(`kurrentdb://admin:hunter2@127.0.0.1:${port}?tls=false`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot reach KurrentDB at kurrentdb://admin:\\*\\*\\*@127\\.0\\.0\\.1:${port}\\?tls=false .*check that it is running`),
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('refuses a connection string that is not one, before connecting', async () => {
    await expect(openKurrentDbEventStore('postgres://gpds@127.0.0.1/events')).rejects.toThrow(/is not a KurrentDB connection string/);
  });
});
