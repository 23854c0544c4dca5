import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { KurrentDBClient, NO_STREAM } from '@kurrent/kurrentdb-client';
import { eventIdFromSource } from '@gpds/event-store';
import { KurrentDbCheckpointStore, openKurrentDbEventStore, type OpenedKurrentDbEventStore } from '@gpds/event-store-kurrentdb';
import { describeEventStoreContract } from './event-store.contract';
import { eventually, sampleEvent, uniqueCategory } from './fixtures';
import { KURRENTDB_NOT_RUN, KURRENTDB_URL_VARIABLE, kurrentDbTarget } from './kurrentdb-harness';

// The event store contract against a real KurrentDB (25.1 or later): run by `npm run test:servers`,
// never by the default run, and never skipped: without the server's address it fails, saying how to get one.
const url = process.env[KURRENTDB_URL_VARIABLE];
if (!url) {
  throw new Error(
    `${KURRENTDB_URL_VARIABLE} is unset: this suite runs against a real KurrentDB 25.1 or later. Start one ` +
      `(docker compose -f infra/compose.yaml up -d kurrentdb) and run ${KURRENTDB_URL_VARIABLE}=kurrentdb://127.0.0.1:2113?tls=false npm run test:servers`,
  );
}

beforeAll(() => {
  console.info(
    `Contract tests not run on KurrentDB (PostgreSQL's own; docs/event-store.md, "KurrentDB"):\n${KURRENTDB_NOT_RUN.map((t) => `- ${t.test}: ${t.reason}`).join('\n')}`,
  );
});

describeEventStoreContract(kurrentDbTarget(url));

describe('KurrentDB: what only this adapter does', () => {
  let opened: OpenedKurrentDbEventStore;
  beforeAll(async () => {
    opened = await openKurrentDbEventStore(url);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('claims each event id in the same transaction as the event, and a failed append leaves no claim behind', async () => {
    const stream = `${uniqueCategory('claims')}-1`;
    const claimOf = async (recordId: string): Promise<unknown[]> => {
      const claims: unknown[] = [];
      const eventId = eventIdFromSource({ system: 'contract-tests', recordId });
      try {
        for await (const resolved of opened.client.readStream(`_gpds-ids-${eventId}`, { requiresLeader: true })) claims.push(resolved.event?.data);
      } catch (error) {
        if ((error as { type?: string }).type !== 'stream-not-found') throw error;
      }
      return claims;
    };
    await opened.store.appendToStream(stream, [sampleEvent(`${stream}-a`)], { expectedVersion: 'no_stream' });
    expect(await claimOf(`${stream}-a`)).toEqual([{ streamId: stream, streamVersion: 1, hash: expect.any(String) }]);
    await expect(opened.store.appendToStream(stream, [sampleEvent(`${stream}-b`)], { expectedVersion: 5 })).rejects.toMatchObject({
      code: 'WRONG_EXPECTED_VERSION',
      actualVersion: 1,
    });
    expect(await claimOf(`${stream}-b`)).toEqual([]);
  });

  it("returns the platform's events only: the adapter's streams and KurrentDB's own never show in readAll or head", async () => {
    const cat = uniqueCategory('own');
    const before = await opened.store.head();
    await opened.store.appendToStream(`${cat}-1`, [sampleEvent(`${cat}-1`)], { expectedVersion: 'any' });
    await new KurrentDbCheckpointStore(opened.client).save(`${cat}-sub`, before);
    const lock = await opened.store.tryLock(`${cat}:lock`);
    await lock?.release();
    const head = await opened.store.head();
    const { events } = await opened.store.readAll({ after: before, limit: 10_000 });
    expect(events.some((e) => e.streamId.startsWith('_gpds-') || e.streamId.startsWith('$'))).toBe(false);
    expect(events.at(-1)).toMatchObject({ streamId: `${cat}-1`, transactionId: head.transactionId, globalPosition: head.globalPosition });
  });

  it('keeps one checkpoint record per subscriber ($maxCount 1) and reads back the last one saved', async () => {
    const checkpoints = new KurrentDbCheckpointStore(opened.client);
    const subscriber = `${uniqueCategory('cp')}-sub`;
    expect(await checkpoints.load(subscriber)).toBeNull();
    await checkpoints.save(subscriber, { transactionId: 10, globalPosition: 9 });
    await checkpoints.save(subscriber, { transactionId: 20, globalPosition: 19 });
    expect(await checkpoints.load(subscriber)).toEqual({ transactionId: 20, globalPosition: 19 });
    const { metadata } = await opened.client.getStreamMetadata(KurrentDbCheckpointStore.streamOf(subscriber));
    expect(metadata?.maxCount).toBe(1);
    expect(await checkpoints.load(`${subscriber}-never`)).toBeNull();
  });

  it('refuses events of a stream another writer put in the platform database, naming them', async () => {
    const stream = `${uniqueCategory('foreign')}-1`;
    const client = KurrentDBClient.connectionString(opened.connection.connectionString);
    try {
      await client.appendToStream(
        stream,
        { id: '8c9a4c8e-1f0a-4b57-9d7e-0a7d2f0a1b11', contentType: 'application/json', type: 'SomethingElse', data: { a: 1 }, metadata: undefined },
        { streamState: NO_STREAM },
      );
      await expect(opened.store.readStream(stream)).rejects.toThrow(/has no JSON object as metadata: it was not written by the platform/);
    } finally {
      await client.dispose();
    }
  });

  it('a lock holder that dies (SIGKILL) keeps others out until its lease runs out, then the lock is free', async () => {
    const name = `${uniqueCategory('crash')}:lock`;
    const ttlMs = 6_000;
    const workspace = join(__dirname, '..', '..', '..', '..');
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'lease-holder-process.ts')], {
      cwd: workspace,
      env: { ...process.env, LEASE_HOLDER_CONFIG: JSON.stringify({ url, name, ttlMs }), SWC_NODE_PROJECT: join(workspace, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const answer = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => resolve(chunk.trim()));
      child.on('exit', (code) => reject(new Error(`The lease holder exited with ${code} before taking the lock:\n${stderr}`)));
    });
    expect(answer).toBe('locked');
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    expect(await opened.store.tryLock(name)).toBeNull();
    await eventually(
      "the dead holder's lease to run out",
      async () => {
        const lock = await opened.store.tryLock(name);
        await lock?.release();
        return lock !== null;
      },
      30_000,
    );
    expect(Date.now() - killedAt).toBeLessThanOrEqual(ttlMs + 2_000);
  });
});
