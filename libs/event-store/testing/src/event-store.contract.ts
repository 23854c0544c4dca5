import {
  CatchUpSubscription,
  EventIdConflictError,
  InvalidAppendError,
  START,
  UpcasterRegistry,
  WrongExpectedVersionError,
  compareCheckpoints,
  eventIdFromSource,
  type EventStore,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscriptionSource,
} from '@gpds/event-store';
import { EVENT_STORE_MIGRATIONS, PostgresCheckpointStore, PostgresEventStore, migrate, sqlState } from '@gpds/event-store-postgres';
import { Gate, eventually, holdingCommitAt, positions, sampleEvent, uniqueCategory } from './fixtures';
import { sqlTarget, type ContractDatabase, type EventStoreTarget, type StoreUnderTest, type TestDatabaseFactory } from './harness';
import { runSubscriberProcess } from './subscriber-process-runner';

/**
 * The event store's contract, run unchanged against every engine. Each `describe` uses a fresh
 * store (a new database, or on a server that cannot be emptied, streams no earlier run used);
 * tests inside share it and keep apart by stream category. The tests of PostgreSQL's own schema,
 * grants, migrations and transaction ids run on the SQL engines only; a target says which it does
 * not run and why (`notRun`, listed in docs/event-store.md).
 */
export function describeEventStoreContract(factoryOrTarget: TestDatabaseFactory | EventStoreTarget): void {
  const target = 'notRun' in factoryOrTarget ? factoryOrTarget : sqlTarget(factoryOrTarget);
  const engine = target.engine;
  /** PostgreSQL and PGlite: the tests of the SQL schema, grants and migrations. */
  const sql = engine !== 'kurrentdb';

  describe(`event store contract on ${engine}`, () => {
    let database: ContractDatabase;
    let opened: StoreUnderTest;
    let store: EventStore & SubscriptionSource;
    /** The SQL engines' store, for their own tests. */
    const pg = (): PostgresEventStore => opened.sql!.store;

    beforeAll(async () => {
      database = await target.create('contract');
      opened = await database.open();
      store = opened.store;
    });

    afterAll(async () => {
      await opened?.close();
      await database?.dispose();
    });

    if (sql) {
      describe('schema and grants', () => {
        it('migrates once: reopening applies nothing and the schema version is recorded', async () => {
          expect(opened.sql!.migrations).toEqual({ applied: [1, 2, 3, 4], current: 4 });
          const rows = await pg().db.query<{ version: number }>('SELECT version FROM event_store.schema_migrations ORDER BY version');
          expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
        });

        it('is append-only by grant: the application role cannot update, delete or truncate events', async () => {
          await store.appendToStream(`${uniqueCategory('grant')}-s`, [sampleEvent(`grant-${Date.now()}`)], { expectedVersion: 'any' });
          const { db } = pg();
          for (const statement of [`UPDATE event_store.events SET data = '{}'::jsonb`, 'DELETE FROM event_store.events', 'TRUNCATE event_store.events']) {
            const error = await db.query(statement).then(
              () => null,
              (e: unknown) => e,
            );
            expect({ statement, state: sqlState(error) }).toEqual({ statement, state: '42501' }); // insufficient_privilege
          }
          const [row] = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM event_store.events');
          expect(Number(row?.n)).toBeGreaterThan(0);
        });
      });
    }

    describe('append with expected version', () => {
      it("'no_stream' creates a stream; a second 'no_stream' is a conflict naming stream, expected and actual", async () => {
        const stream = `${uniqueCategory('nostream')}-1`;
        const first = await store.appendToStream(stream, [sampleEvent(`${stream}-a`)], { expectedVersion: 'no_stream' });
        expect(first).toMatchObject({ status: 'appended', nextExpectedVersion: 1 });
        const error = await store.appendToStream(stream, [sampleEvent(`${stream}-b`)], { expectedVersion: 'no_stream' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamId: stream, expectedVersion: 'no_stream', actualVersion: 1 });
        expect((error as Error).message).toContain(stream);
      });

      it('an exact version appends only when it matches; a stale one is rejected and writes nothing', async () => {
        const stream = `${uniqueCategory('exact')}-1`;
        await store.appendToStream(stream, [sampleEvent(`${stream}-1`), sampleEvent(`${stream}-2`)], { expectedVersion: 0 });
        const ok = await store.appendToStream(stream, [sampleEvent(`${stream}-3`)], { expectedVersion: 2 });
        expect(ok.nextExpectedVersion).toBe(3);
        await expect(store.appendToStream(stream, [sampleEvent(`${stream}-4`)], { expectedVersion: 2 })).rejects.toMatchObject({
          streamId: stream,
          expectedVersion: 2,
          actualVersion: 3,
        });
        await expect(store.appendToStream(`${stream}x`, [sampleEvent(`${stream}-5`)], { expectedVersion: 4 })).rejects.toMatchObject({
          expectedVersion: 4,
          actualVersion: 0,
        });
        expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([1, 2, 3]);
      });

      it("'stream_exists' needs the stream; 'any' always appends", async () => {
        const stream = `${uniqueCategory('exists')}-1`;
        await expect(store.appendToStream(stream, [sampleEvent(`${stream}-1`)], { expectedVersion: 'stream_exists' })).rejects.toBeInstanceOf(
          WrongExpectedVersionError,
        );
        await store.appendToStream(stream, [sampleEvent(`${stream}-1`)], { expectedVersion: 'any' });
        const r = await store.appendToStream(stream, [sampleEvent(`${stream}-2`)], { expectedVersion: 'stream_exists' });
        expect(r.nextExpectedVersion).toBe(2);
        expect(await store.streamVersion(stream)).toBe(2);
      });

      it('many events in one append are atomic: one conflicting event and none is written', async () => {
        const stream = `${uniqueCategory('atomic')}-1`;
        await store.appendToStream(stream, [sampleEvent(`${stream}-stored`, { value: 1 })], { expectedVersion: 'no_stream' });
        const head = await store.head();
        const error = await store
          .appendToStream(stream, [sampleEvent(`${stream}-new-1`), sampleEvent(`${stream}-new-2`), sampleEvent(`${stream}-stored`, { value: 2 })], {
            expectedVersion: 1,
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EventIdConflictError);
        expect(await store.readStream(stream)).toHaveLength(1);
        expect(await store.streamVersion(stream)).toBe(1);
        expect(await store.head()).toEqual(head);
      });

      it('rejects malformed appends with a specific reason and writes nothing', async () => {
        const stream = `${uniqueCategory('bad')}-1`;
        const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
          ['stream id without category', () => store.appendToStream('nocategory', [sampleEvent('b1')], { expectedVersion: 'any' }), /Stream id 'nocategory'/],
          ['no events', () => store.appendToStream(stream, [], { expectedVersion: 'any' }), /Nothing to append/],
          ['negative version', () => store.appendToStream(stream, [sampleEvent('b2')], { expectedVersion: -3 }), /Expected version -3/],
          [
            'lower-case type',
            () => store.appendToStream(stream, [sampleEvent('b3', { type: 'sampleRecorded' })], { expectedVersion: 'any' }),
            /type 'sampleRecorded'/,
          ],
          ['schema version 0', () => store.appendToStream(stream, [sampleEvent('b4', { schemaVersion: 0 })], { expectedVersion: 'any' }), /schemaVersion 0/],
          ['NUL in data', () => store.appendToStream(stream, [sampleEvent('b5', { data: { text: 'a\u0000b' } })], { expectedVersion: 'any' }), /NUL character/],
          [
            'lone surrogate',
            () => store.appendToStream(stream, [sampleEvent('b6', { data: { text: 'a\ud800b' } })], { expectedVersion: 'any' }),
            /unpaired UTF-16 surrogate/,
          ],
          [
            '1 MiB of data',
            () => store.appendToStream(stream, [sampleEvent('b7', { data: { text: 'x'.repeat(1_048_576) } })], { expectedVersion: 'any' }),
            /at most 1048576/,
          ],
        ];
        for (const [label, run, message] of cases) {
          const error = await run().catch((e: unknown) => e);
          expect({ label, error: error instanceof InvalidAppendError }).toEqual({ label, error: true });
          expect((error as Error).message).toMatch(message);
        }
        // A backslash before 'u0000' is ordinary text, not an escape: it is stored.
        await store.appendToStream(stream, [sampleEvent(`${stream}-b8`, { data: { text: '\\u0000 and \\ud800' } })], { expectedVersion: 'any' });
        const [stored] = await store.readStream(stream);
        expect(stored?.data).toEqual({ text: '\\u0000 and \\ud800' });
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('appending to several streams at once', () => {
      it('writes every stream in one transaction, reports each, and keeps positions in input order', async () => {
        const cat = uniqueCategory('multi');
        await store.appendToStream(`${cat}-b`, [sampleEvent(`${cat}-b-0`)], { expectedVersion: 'no_stream' });
        const results = await store.appendToStreams([
          { streamId: `${cat}-a`, events: [sampleEvent(`${cat}-a-1`), sampleEvent(`${cat}-a-2`)], expectedVersion: 'any' },
          { streamId: `${cat}-b`, events: [sampleEvent(`${cat}-b-0`), sampleEvent(`${cat}-b-1`)], expectedVersion: 1 },
          { streamId: `${cat}-c`, events: [sampleEvent(`${cat}-c-1`)], expectedVersion: 'no_stream' },
        ]);
        expect(results.map((r) => [r.streamId, r.status, r.nextExpectedVersion])).toEqual([
          [`${cat}-a`, 'appended', 2],
          [`${cat}-b`, 'appended', 2],
          [`${cat}-c`, 'appended', 1],
        ]);
        expect(results[1]!.events.map((e) => e.status)).toEqual(['duplicate', 'appended']);
        const all = (await store.readAll({ categories: [cat] })).events;
        expect(all.map((e) => e.metadata.source.recordId)).toEqual([`${cat}-b-0`, `${cat}-a-1`, `${cat}-a-2`, `${cat}-b-1`, `${cat}-c-1`]);
        expect(await store.readEvent(all[1]!.eventId)).toEqual(all[1]);
        expect(await store.readEvent('00000000-0000-5000-8000-000000000000')).toBeNull();
      });

      it('writes nothing when one stream fails its expected version or one event conflicts', async () => {
        const cat = uniqueCategory('multifail');
        await store.appendToStream(`${cat}-x`, [sampleEvent(`${cat}-x-0`, { value: 1 })], { expectedVersion: 'any' });
        const head = await store.head();
        await expect(
          store.appendToStreams([
            { streamId: `${cat}-a`, events: [sampleEvent(`${cat}-a-1`)], expectedVersion: 'any' },
            { streamId: `${cat}-x`, events: [sampleEvent(`${cat}-x-1`)], expectedVersion: 5 },
          ]),
        ).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamId: `${cat}-x`, actualVersion: 1 });
        await expect(
          store.appendToStreams([
            { streamId: `${cat}-a`, events: [sampleEvent(`${cat}-a-1`)], expectedVersion: 'any' },
            { streamId: `${cat}-x`, events: [sampleEvent(`${cat}-x-0`, { value: 2 })], expectedVersion: 'any' },
          ]),
        ).rejects.toMatchObject({ code: 'EVENT_ID_CONFLICT' });
        await expect(
          store.appendToStreams([
            { streamId: `${cat}-a`, events: [sampleEvent('x')], expectedVersion: 'any' },
            { streamId: `${cat}-a`, events: [sampleEvent('y')], expectedVersion: 'any' },
          ]),
        ).rejects.toThrow(/appears twice in one append/);
        expect(await store.head()).toEqual(head);
        expect(await store.streamVersion(`${cat}-a`)).toBe(0);
      });
    });

    describe('concurrency', () => {
      it('8 writers racing on one stream for 1,000 appends each: every version taken once, nothing lost or duplicated, losers get the conflict', async () => {
        const stream = `${uniqueCategory('race')}-1`;
        const writers = 8;
        const attemptsEach = 1_000;
        const won = new Map<string, number>();
        let conflicts = 0;
        const unexpected: unknown[] = [];
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < attemptsEach; i++) {
              const expected = await store.streamVersion(stream);
              const recordId = `${stream}-w${w}-${i}`;
              try {
                const r = await store.appendToStream(stream, [sampleEvent(recordId, { value: i })], { expectedVersion: expected });
                won.set(eventIdFromSource({ system: 'contract-tests', recordId }), r.nextExpectedVersion);
              } catch (error) {
                if (
                  error instanceof WrongExpectedVersionError &&
                  error.streamId === stream &&
                  error.expectedVersion === expected &&
                  error.actualVersion > expected
                ) {
                  conflicts++;
                } else unexpected.push(error);
              }
            }
          }),
        );
        expect(unexpected).toEqual([]);
        expect(won.size + conflicts).toBe(writers * attemptsEach);
        expect(conflicts).toBeGreaterThan(0);
        const stored = await store.readStream(stream);
        expect(stored.map((e) => e.streamVersion)).toEqual(Array.from({ length: won.size }, (_, i) => i + 1));
        expect(new Set(stored.map((e) => e.eventId)).size).toBe(stored.length);
        for (const event of stored) expect(won.get(event.eventId)).toBe(event.streamVersion);
        expect(await store.streamVersion(stream)).toBe(won.size);
      });
    });

    describe('idempotency by source record', () => {
      it('an identical resubmission is a duplicate that writes nothing, even with a stale expected version', async () => {
        const stream = `${uniqueCategory('dup')}-1`;
        const events = [sampleEvent(`${stream}-1`), sampleEvent(`${stream}-2`)];
        const first = await store.appendToStream(stream, events, { expectedVersion: 'no_stream' });
        const head = await store.head();
        const again = await store.appendToStream(stream, events, { expectedVersion: 'no_stream' });
        expect(again).toMatchObject({ status: 'duplicate', nextExpectedVersion: 2, lastGlobalPosition: null });
        expect(again.events).toEqual(first.events.map((e) => ({ eventId: e.eventId, status: 'duplicate' })));
        expect(await store.head()).toEqual(head);
        // A resend may travel with another actor and correlation id: still the same fact.
        const resent = { ...events[0]!, metadata: { ...events[0]!.metadata, actor: { type: 'key', id: 'other' }, correlationId: 'another' } };
        expect((await store.appendToStream(stream, [resent], { expectedVersion: 'any' })).status).toBe('duplicate');
      });

      it('a resubmission with changed content is a typed conflict naming the stored event', async () => {
        const stream = `${uniqueCategory('conflict')}-1`;
        await store.appendToStream(stream, [sampleEvent(`${stream}-1`, { value: 1 })], { expectedVersion: 'any' });
        const [stored] = await store.readStream(stream);
        const error = await store.appendToStream(stream, [sampleEvent(`${stream}-1`, { value: 2 })], { expectedVersion: 'any' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EventIdConflictError);
        expect(error).toMatchObject({
          code: 'EVENT_ID_CONFLICT',
          eventId: stored?.eventId,
          storedStreamId: stream,
          storedGlobalPosition: stored?.globalPosition,
        });
      });

      it('holds across streams: the same source record sent to another stream is detected', async () => {
        const category = uniqueCategory('across');
        await store.appendToStream(`${category}-a`, [sampleEvent(`${category}-rec`)], { expectedVersion: 'any' });
        await expect(store.appendToStream(`${category}-b`, [sampleEvent(`${category}-rec`)], { expectedVersion: 'any' })).rejects.toMatchObject({
          code: 'EVENT_ID_CONFLICT',
          storedStreamId: `${category}-a`,
          attemptedStreamId: `${category}-b`,
        });
        expect(await store.streamVersion(`${category}-b`)).toBe(0);
      });

      it('a batch mixing stored and new records appends only the new ones, in order', async () => {
        const stream = `${uniqueCategory('mixed')}-1`;
        await store.appendToStream(stream, [sampleEvent(`${stream}-1`)], { expectedVersion: 'any' });
        const r = await store.appendToStream(stream, [sampleEvent(`${stream}-1`), sampleEvent(`${stream}-2`), sampleEvent(`${stream}-2`)], {
          expectedVersion: 1,
        });
        expect(r.events.map((e) => e.status)).toEqual(['duplicate', 'appended', 'duplicate']);
        expect(r.nextExpectedVersion).toBe(2);
        expect((await store.readStream(stream)).map((e) => e.metadata.source.recordId)).toEqual([`${stream}-1`, `${stream}-2`]);
      });

      it('the same record twice in one append with different content is a conflict', async () => {
        const stream = `${uniqueCategory('twice')}-1`;
        await expect(
          store.appendToStream(stream, [sampleEvent(`${stream}-1`, { value: 1 }), sampleEvent(`${stream}-1`, { value: 2 })], { expectedVersion: 'any' }),
        ).rejects.toBeInstanceOf(EventIdConflictError);
        expect(await store.streamVersion(stream)).toBe(0);
      });
    });

    describe('reads', () => {
      it('reads a stream forwards and backwards, from a version, with a count', async () => {
        const stream = `${uniqueCategory('read')}-1`;
        await store.appendToStream(
          stream,
          Array.from({ length: 5 }, (_, i) => sampleEvent(`${stream}-${i}`, { value: i })),
          { expectedVersion: 'no_stream' },
        );
        expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
        expect((await store.readStream(stream, { direction: 'backwards' })).map((e) => e.streamVersion)).toEqual([5, 4, 3, 2, 1]);
        expect((await store.readStream(stream, { fromVersion: 2, maxCount: 2 })).map((e) => e.streamVersion)).toEqual([2, 3]);
        expect((await store.readStream(stream, { direction: 'backwards', fromVersion: 4, maxCount: 2 })).map((e) => e.streamVersion)).toEqual([4, 3]);
        expect(await store.readStream(`${stream}-missing`)).toEqual([]);
      });

      it('stores every field: position, stream and version, type, schema version, data, metadata and transaction id', async () => {
        const stream = `${uniqueCategory('fields')}-1`;
        const before = Date.now();
        const input = sampleEvent(`${stream}-1`);
        const result = await store.appendToStream(stream, [{ ...input, metadata: { ...input.metadata, causationId: 'cause-1' } }], { expectedVersion: 'any' });
        const [event] = await store.readStream(stream);
        expect(event).toMatchObject({
          eventId: eventIdFromSource({ system: 'contract-tests', recordId: `${stream}-1` }),
          globalPosition: result.lastGlobalPosition,
          streamId: stream,
          streamVersion: 1,
          type: 'UtilisationSampleRecorded',
          schemaVersion: 1,
          storedSchemaVersion: 1,
          data: input.data,
          metadata: {
            occurredAt: '2025-12-31T23:59:59Z',
            source: { system: 'contract-tests', recordId: `${stream}-1` },
            actor: { type: 'test', id: 'contract-suite' },
            correlationId: `corr-${stream}-1`,
            causationId: 'cause-1',
          },
        });
        expect(event?.transactionId).toBeGreaterThan(0);
        expect(Date.parse(event!.metadata.recordedAt)).toBeGreaterThanOrEqual(before - 5_000);
      });

      it('reads all events from a checkpoint in bounded batches, filtered by type or category', async () => {
        const cat = uniqueCategory('all');
        const other = uniqueCategory('other');
        for (let s = 0; s < 3; s++) {
          await store.appendToStream(
            `${cat}-${s}`,
            Array.from({ length: 7 }, (_, i) => sampleEvent(`${cat}-${s}-${i}`)),
            { expectedVersion: 'any' },
          );
          await store.appendToStream(`${other}-${s}`, [sampleEvent(`${other}-${s}`, { type: 'CarbonMetricRecorded' })], { expectedVersion: 'any' });
        }
        const seen: RecordedEvent[] = [];
        let after = START;
        for (;;) {
          const batch = await store.readAll({ after, limit: 4, categories: [cat] });
          expect(batch.events.length).toBeLessThanOrEqual(4);
          if (batch.events.length === 0) break;
          seen.push(...batch.events);
          after = batch.checkpoint;
        }
        expect(seen).toHaveLength(21);
        expect(new Set(seen.map((e) => e.streamId))).toEqual(new Set([`${cat}-0`, `${cat}-1`, `${cat}-2`]));
        for (let i = 1; i < seen.length; i++) expect(compareCheckpoints(seen[i - 1]!, seen[i]!)).toBeLessThan(0);

        const carbon = await store.readAll({ types: ['CarbonMetricRecorded'], categories: [other], limit: 100 });
        expect(carbon.events.map((e) => e.streamId)).toEqual([`${other}-0`, `${other}-1`, `${other}-2`]);
        await expect(store.readAll({ limit: 0 })).rejects.toThrow(/limit 0 is out of range/);
      });
    });

    describe('catch-up subscriptions', () => {
      it('catches up from the start, then tails new appends live, saving its checkpoint', async () => {
        const cat = uniqueCategory('tail');
        await store.appendToStream(
          `${cat}-1`,
          Array.from({ length: 30 }, (_, i) => sampleEvent(`${cat}-a${i}`)),
          { expectedVersion: 'any' },
        );
        const delivered: RecordedEvent[] = [];
        const sub = store.subscribe({ subscriberId: `${cat}-sub`, categories: [cat], batchSize: 8, handler: async (events) => void delivered.push(...events) });
        await sub.waitUntilCaughtUp();
        expect(delivered).toHaveLength(30);
        const t0 = Date.now();
        await store.appendToStream(`${cat}-2`, [sampleEvent(`${cat}-live`)], { expectedVersion: 'any' });
        await eventually('the live event is delivered', () => delivered.length === 31, 10_000);
        expect(Date.now() - t0).toBeLessThan(10_000);
        await sub.stop();
        // Saved at or past the last event delivered (a filtered subscriber also moves past what it skipped).
        const saved = await opened.checkpoints.load(`${cat}-sub`);
        expect(compareCheckpoints(saved!, delivered[30]!)).toBeGreaterThanOrEqual(0);
        expect((await store.readAll({ after: saved!, categories: [cat] })).events).toEqual([]);
      });

      it('moves a filtered reader past the events it skipped, without skipping any it wants', async () => {
        const cat = uniqueCategory('skip');
        const noise = uniqueCategory('noise');
        await store.appendToStream(`${cat}-1`, [sampleEvent(`${cat}-a`)], { expectedVersion: 'any' });
        await store.appendToStream(
          `${noise}-1`,
          Array.from({ length: 20 }, (_, i) => sampleEvent(`${noise}-${i}`)),
          { expectedVersion: 'any' },
        );
        const first = await store.readAll({ categories: [cat], limit: 10 });
        expect(first.events).toHaveLength(1);
        expect(first.checkpoint.transactionId).toBeGreaterThanOrEqual(first.events[0]!.transactionId);
        expect(first.checkpoint.transactionId).toBe(first.visibleBelow - 1);
        await store.appendToStream(`${cat}-1`, [sampleEvent(`${cat}-b`)], { expectedVersion: 'any' });
        const next = await store.readAll({ after: first.checkpoint, categories: [cat], limit: 10 });
        expect(next.events.map((e) => e.metadata.source.recordId)).toEqual([`${cat}-b`]);
      });

      it('moves a filtered subscriber past what it skipped when none of its events came, so it does not scan them again', async () => {
        const cat = uniqueCategory('quiet');
        const noise = uniqueCategory('loud');
        await store.appendToStream(`${cat}-1`, [sampleEvent(`${cat}-a`)], { expectedVersion: 'any' });
        const seen: number[] = [];
        const sub = store.subscribe({ subscriberId: `${cat}-sub`, categories: [cat], handler: async (events) => void seen.push(...positions(events)) });
        try {
          await sub.waitUntilCaughtUp();
          await store.appendToStream(
            `${noise}-1`,
            Array.from({ length: 20 }, (_, i) => sampleEvent(`${noise}-${i}`)),
            { expectedVersion: 'any' },
          );
          await sub.waitUntilCaughtUp();
          const skipped = (await store.readAll({ categories: [noise], limit: 100 })).events.at(-1)!;
          // Its next read starts after the noise: a read from where it was would scan the 20 again.
          expect(compareCheckpoints(sub.position(), { transactionId: skipped.transactionId, globalPosition: skipped.globalPosition })).toBeGreaterThanOrEqual(
            0,
          );
          await store.appendToStream(`${cat}-1`, [sampleEvent(`${cat}-b`)], { expectedVersion: 'any' });
          await sub.waitUntilCaughtUp();
          expect(seen).toHaveLength(2);
        } finally {
          await sub.stop();
        }
      });

      it('a restarted subscriber resumes from its checkpoint without redelivering', async () => {
        const cat = uniqueCategory('resume');
        await store.appendToStream(
          `${cat}-1`,
          Array.from({ length: 10 }, (_, i) => sampleEvent(`${cat}-${i}`)),
          { expectedVersion: 'any' },
        );
        const first: number[] = [];
        const sub1 = store.subscribe({ subscriberId: `${cat}-sub`, categories: [cat], handler: async (events) => void first.push(...positions(events)) });
        await sub1.waitUntilCaughtUp();
        await sub1.stop();
        await store.appendToStream(
          `${cat}-1`,
          Array.from({ length: 5 }, (_, i) => sampleEvent(`${cat}-later-${i}`)),
          { expectedVersion: 'any' },
        );
        const second: number[] = [];
        const sub2 = store.subscribe({ subscriberId: `${cat}-sub`, categories: [cat], handler: async (events) => void second.push(...positions(events)) });
        await sub2.waitUntilCaughtUp();
        await sub2.stop();
        expect(first).toHaveLength(10);
        expect(second).toHaveLength(5);
        expect(Math.min(...second)).toBeGreaterThan(Math.max(...first));
      });

      it('keeps at most two batches in memory while a slow handler works (back-pressure)', async () => {
        const cat = uniqueCategory('pressure');
        await store.appendToStream(
          `${cat}-1`,
          Array.from({ length: 200 }, (_, i) => sampleEvent(`${cat}-${i}`)),
          { expectedVersion: 'any' },
        );
        let inFlightReads = 0;
        let maxHeld = 0;
        let handled = 0;
        const counting: SubscriptionSource = {
          readAll: async (options: ReadAllOptions) => {
            inFlightReads++;
            return store.readAll(options);
          },
          waitForAppend: (ms, signal) => store.waitForAppend(ms, signal),
          head: () => store.head(),
        };
        const sub = new CatchUpSubscription(counting, opened.checkpoints, {
          subscriberId: `${cat}-sub`,
          categories: [cat],
          batchSize: 10,
          handler: async (events) => {
            // Reads issued but not yet handled: the batch in hand plus at most one prefetched.
            maxHeld = Math.max(maxHeld, inFlightReads - handled);
            await new Promise((r) => setTimeout(r, 5));
            handled++;
            expect(events.length).toBeLessThanOrEqual(10);
          },
        });
        await sub.waitUntilCaughtUp();
        await sub.stop();
        expect(handled).toBe(20);
        expect(maxHeld).toBeLessThanOrEqual(2);
      });

      it('keeps going when reads fail (the store briefly unreachable), skipping nothing', async () => {
        const cat = uniqueCategory('flaky');
        await store.appendToStream(
          `${cat}-1`,
          Array.from({ length: 25 }, (_, i) => sampleEvent(`${cat}-${i}`)),
          { expectedVersion: 'any' },
        );
        let reads = 0;
        const flaky: SubscriptionSource = {
          readAll: async (options: ReadAllOptions) => {
            if (++reads % 3 === 2) throw new Error('connection terminated unexpectedly');
            return store.readAll(options);
          },
          waitForAppend: (ms, signal) => store.waitForAppend(ms, signal),
          head: () => store.head(),
        };
        const delivered: number[] = [];
        const failures: string[] = [];
        const sub = new CatchUpSubscription(flaky, opened.checkpoints, {
          subscriberId: `${cat}-sub`,
          categories: [cat],
          batchSize: 4,
          onError: (e) => failures.push((e as Error).message),
          handler: async (events) => void delivered.push(...positions(events)),
        });
        await sub.waitUntilCaughtUp();
        await sub.stop();
        expect(failures.length).toBeGreaterThan(0);
        expect(delivered).toHaveLength(25);
        expect(new Set(delivered).size).toBe(25);
        expect([...delivered].sort((a, b) => a - b)).toEqual(delivered);
      });

      it('retries a failing handler and moves on only after it succeeds', async () => {
        const cat = uniqueCategory('retry');
        await store.appendToStream(`${cat}-1`, [sampleEvent(`${cat}-1`)], { expectedVersion: 'any' });
        let calls = 0;
        const errors: number[] = [];
        const sub = store.subscribe({
          subscriberId: `${cat}-sub`,
          categories: [cat],
          onError: (_e, attempt) => errors.push(attempt),
          handler: async () => {
            if (++calls < 3) throw new Error('sink unavailable');
          },
        });
        await sub.waitUntilCaughtUp();
        await sub.stop();
        expect(calls).toBe(3);
        expect(errors).toEqual([1, 2]);
      });

      if (engine === 'postgres') {
        it('delivers an event whose transaction took a lower position but committed after a later one, in (transaction, position) order', async () => {
          const cat = uniqueCategory('gap');
          const delivered: RecordedEvent[] = [];
          const sub = store.subscribe({
            subscriberId: `${cat}-sub`,
            categories: [cat],
            pollIntervalMs: 50,
            handler: async (events) => void delivered.push(...events),
          });
          const gate = new Gate();
          const slowWriter = new PostgresEventStore(holdingCommitAt(pg().db, gate));
          const slow = slowWriter.appendToStream(`${cat}-slow`, [sampleEvent(`${cat}-slow`)], { expectedVersion: 'any' });
          await gate.reached; // the slow transaction holds its position, uncommitted
          const fast = await store.appendToStream(`${cat}-fast`, [sampleEvent(`${cat}-fast`)], { expectedVersion: 'any' });
          // The later event is committed and visible, yet the subscriber must hold it back:
          // delivering it now would move the checkpoint past the slow transaction's position.
          const visible = await pg().db.query<{ n: string | number }>('SELECT count(*) AS n FROM event_store.events WHERE category = $1', [cat]);
          expect(Number(visible[0]?.n)).toBe(1);
          await new Promise((r) => setTimeout(r, 400));
          expect(delivered).toEqual([]);
          gate.open();
          const slowResult = await slow;
          await sub.waitUntilCaughtUp();
          await sub.stop();
          expect(slowResult.lastGlobalPosition!).toBeLessThan(fast.lastGlobalPosition!);
          expect(delivered.map((e) => e.streamId)).toEqual([`${cat}-slow`, `${cat}-fast`]);
          expect(compareCheckpoints(delivered[0]!, delivered[1]!)).toBeLessThan(0);
        });
      } else if (engine === 'pglite') {
        it('serialises transactions, so no transaction can commit around an open one and leave a gap', async () => {
          const cat = uniqueCategory('gap');
          const delivered: RecordedEvent[] = [];
          const sub = store.subscribe({
            subscriberId: `${cat}-sub`,
            categories: [cat],
            pollIntervalMs: 50,
            handler: async (events) => void delivered.push(...events),
          });
          const gate = new Gate();
          const slowWriter = new PostgresEventStore(holdingCommitAt(pg().db, gate));
          const slow = slowWriter.appendToStream(`${cat}-slow`, [sampleEvent(`${cat}-slow`)], { expectedVersion: 'any' });
          await gate.reached;
          let fastDone = false;
          const fast = store.appendToStream(`${cat}-fast`, [sampleEvent(`${cat}-fast`)], { expectedVersion: 'any' }).then((r) => {
            fastDone = true;
            return r;
          });
          await new Promise((r) => setTimeout(r, 300));
          expect(fastDone).toBe(false); // the second writer waits for the open transaction
          expect(delivered).toEqual([]);
          gate.open();
          const [slowResult, fastResult] = await Promise.all([slow, fast]);
          await sub.waitUntilCaughtUp();
          await sub.stop();
          expect(slowResult.lastGlobalPosition!).toBeLessThan(fastResult.lastGlobalPosition!);
          expect(delivered.map((e) => e.streamId)).toEqual([`${cat}-slow`, `${cat}-fast`]);
        });
      }
    });

    describe('upcasting', () => {
      it('turns a stored old schema version into the current shape on every read path; stored bytes never change', async () => {
        const cat = uniqueCategory('upcast');
        const stream = `${cat}-1`;
        const v1 = sampleEvent(`${stream}-old`, { type: 'ItReviewCompleted', schemaVersion: 1, data: { practiceCode: 'A81001', reviewer: '16C' } });
        const v2 = sampleEvent(`${stream}-mid`, { type: 'ItReviewCompleted', schemaVersion: 2, data: { practiceCode: 'A81002', reviewedBy: '16C' } });
        await store.appendToStream(stream, [v1, v2], { expectedVersion: 'no_stream' });
        const upcasters = new UpcasterRegistry()
          .register('ItReviewCompleted', 1, ({ reviewer, ...rest }) => ({ ...rest, reviewedBy: reviewer }))
          .register('ItReviewCompleted', 2, (data) => ({ ...data, reviewType: 'ANNUAL' }));
        const reader = opened.withUpcasters(upcasters);
        const current = [
          { practiceCode: 'A81001', reviewedBy: '16C', reviewType: 'ANNUAL' },
          { practiceCode: 'A81002', reviewedBy: '16C', reviewType: 'ANNUAL' },
        ];
        const check = (events: RecordedEvent[]): void => {
          expect(events.map((e) => e.data)).toEqual(current);
          expect(events.map((e) => e.schemaVersion)).toEqual([3, 3]);
          expect(events.map((e) => e.storedSchemaVersion)).toEqual([1, 2]);
        };
        check(await reader.readStream(stream));
        check((await reader.readStream(stream, { direction: 'backwards' })).reverse());
        check((await reader.readAll({ categories: [cat] })).events);
        const delivered: RecordedEvent[] = [];
        const sub = reader.subscribe({ subscriberId: `${cat}-sub`, categories: [cat], handler: async (events) => void delivered.push(...events) });
        await sub.waitUntilCaughtUp();
        await sub.stop();
        check(delivered);
        expect(await opened.storedForm(stream)).toEqual([
          { schemaVersion: 1, data: { practiceCode: 'A81001', reviewer: '16C' } },
          { schemaVersion: 2, data: { practiceCode: 'A81002', reviewedBy: '16C' } },
        ]);
        // Content identity is the stored form: resending the old record is still a duplicate.
        expect((await reader.appendToStream(stream, [v1], { expectedVersion: 'any' })).status).toBe('duplicate');
      });
    });
  });

  describe(`event store restarts on ${engine}`, () => {
    let database: ContractDatabase;
    beforeEach(async () => {
      database = await target.create('restart');
    });
    afterEach(async () => {
      await database.dispose();
    });

    it('after a restart, identical resubmissions are duplicates and changed ones conflicts; migrations apply nothing', async () => {
      const stream = `${uniqueCategory('practice')}-A81001`;
      const events = [sampleEvent(`${stream}-restart-1`), sampleEvent(`${stream}-restart-2`)];
      const first = await database.open();
      const appended = await first.store.appendToStream(stream, events, { expectedVersion: 'no_stream' });
      await first.close();

      const second = await database.open();
      try {
        if (sql) expect(second.sql!.migrations).toEqual({ applied: [], current: 4 });
        const again = await second.store.appendToStream(stream, events, { expectedVersion: 'no_stream' });
        expect(again.status).toBe('duplicate');
        await expect(
          second.store.appendToStream(stream, [sampleEvent(`${stream}-restart-2`, { value: 99 })], { expectedVersion: 'any' }),
        ).rejects.toMatchObject({
          code: 'EVENT_ID_CONFLICT',
          eventId: appended.events[1]!.eventId,
        });
        expect((await second.store.readStream(stream)).map((e) => e.metadata.source.recordId)).toEqual([`${stream}-restart-1`, `${stream}-restart-2`]);
      } finally {
        await second.close();
      }
    });

    it('a named lock has one holder across connections, until released or until its holder goes', async () => {
      const first = await database.open();
      // PGlite belongs to one process (its directory cannot be opened twice): the same store stands in for another holder there.
      const second = engine === 'pglite' ? first : await database.open({ migrate: false });
      // Lock names of this run only: a KurrentDB server keeps earlier runs' leases.
      const name = uniqueCategory('projector');
      let firstOpen = true;
      try {
        const lock = await first.store.tryLock(`${name}:a`);
        expect(lock).not.toBeNull();
        expect(await second.store.tryLock(`${name}:a`)).toBeNull();
        const other = await second.store.tryLock(`${name}:b`);
        expect(other).not.toBeNull();
        await lock!.release();
        const again = await second.store.tryLock(`${name}:a`);
        expect(again).not.toBeNull();
        await again!.release();
        await other!.release();
        if (engine !== 'pglite') {
          // The holder goes: on PostgreSQL its connection ends (a crash ends it the same way); on
          // KurrentDB closing releases its leases (a crash lets them run out: the servers spec).
          expect(await first.store.tryLock(`${name}:c`)).not.toBeNull();
          expect(await second.store.tryLock(`${name}:c`)).toBeNull();
          await first.close();
          firstOpen = false;
          await eventually('the closed holder to let go of its lock', async () => {
            const taken = await second.store.tryLock(`${name}:c`);
            await taken?.release();
            return taken !== null;
          });
        }
      } finally {
        if (firstOpen) await first.close();
        if (second !== first) await second.close();
      }
    });

    if (!sql) return;

    it('refuses a released migration whose text changed', async () => {
      const opened = await database.open();
      await opened.close();
      const changed = EVENT_STORE_MIGRATIONS.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
      await database.sql!.asOwner(async (db) => {
        await expect(migrate(db, changed)).rejects.toThrow(/Migration 1 .* was changed after it was applied/);
        expect(await migrate(db, EVENT_STORE_MIGRATIONS)).toEqual({ applied: [], current: 4 });
      });
    });

    it('a subscriber killed mid-catch-up (SIGKILL) resumes from its checkpoint and delivers every event exactly once to an idempotent handler', async () => {
      const total = 2_000;
      const opened = await database.open();
      for (let s = 0; s < 20; s++) {
        await opened.store.appendToStream(
          `killtest-${s}`,
          Array.from({ length: total / 20 }, (_, i) => sampleEvent(`kill-${s}-${i}`)),
          { expectedVersion: 'no_stream' },
        );
      }
      const head = await opened.store.head();
      await opened.close(); // PGlite: one process at a time owns the directory

      const killed = await runSubscriberProcess(database.sql!.connection, { killAfterPosition: Math.floor(total * 0.4), batchSize: 50, handlerDelayMs: 15 });
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.lastReportedPosition).toBeGreaterThanOrEqual(total * 0.4);
      expect(killed.lastReportedPosition).toBeLessThan(total);

      const finished = await runSubscriberProcess(database.sql!.connection, { exitWhenCaughtUp: true, batchSize: 50, handlerDelayMs: 0 });
      expect(finished.code).toBe(0);
      expect(finished.lastReportedPosition).toBe(head.globalPosition);

      await database.sql!.asOwner(async (db) => {
        const [sink] = await db.query<{ n: string | number; distinct_n: string | number; min: string | number; max: string | number }>(
          'SELECT count(*) AS n, count(DISTINCT global_position) AS distinct_n, min(global_position) AS min, max(global_position) AS max FROM public.test_sink',
        );
        expect({ n: Number(sink?.n), distinct: Number(sink?.distinct_n), min: Number(sink?.min), max: Number(sink?.max) }).toEqual({
          n: total,
          distinct: total,
          min: 1,
          max: total,
        });
        const [deliveries] = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM public.test_deliveries');
        // Redelivery is bounded by the batch in hand when the process died.
        expect(Number(deliveries?.n)).toBeGreaterThanOrEqual(total);
        expect(Number(deliveries?.n)).toBeLessThanOrEqual(total + 50);
        const checkpoint = await new PostgresCheckpointStore(db).load('kill-test');
        expect(checkpoint).toEqual(head);
      });
    });
  });
}
