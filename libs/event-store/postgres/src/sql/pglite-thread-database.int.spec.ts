import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGliteThreadDatabase } from './pglite-thread-database';
import { sqlConstraint, sqlState } from './sql-database';

// PGlite on its worker thread: the store's SQL seam (query, exec, transaction, listen, locks)
// behaves as it does with PGlite on the caller's thread; the event store contract suite
// (libs/event-store/testing) runs the whole store on it.
describe('PGliteThreadDatabase', () => {
  let dir: string;
  let db: PGliteThreadDatabase;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpds-pglite-thread-'));
    db = await PGliteThreadDatabase.open({ dataDir: dir });
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, body jsonb NOT NULL, at timestamptz, bytes bytea)`);
  });

  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes parameters and returns typed rows across the thread', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    await db.query(`INSERT INTO t VALUES ($1, $2, $3, $4)`, [1, JSON.stringify({ a: [1, 'x'] }), at, new Uint8Array([1, 2, 255])]);
    const rows = await db.query<{ id: number; body: unknown; at: Date; bytes: Uint8Array; big: bigint | string }>(
      `SELECT id, body, at, bytes, 9007199254740993::int8 AS big FROM t`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).toEqual({ a: [1, 'x'] });
    // A Date (of the main realm: under Jest, not the test's own Date class).
    expect(Object.prototype.toString.call(rows[0]?.at)).toBe('[object Date]');
    expect(rows[0]?.at.toISOString()).toBe(at.toISOString());
    expect([...(rows[0]?.bytes ?? [])]).toEqual([1, 2, 255]);
    expect(String(rows[0]?.big)).toBe('9007199254740993');
  });

  it("reports the thread's memory: PGlite's WebAssembly pages and the thread's own heap", async () => {
    const memory = await db.memory();
    // WebAssembly memory comes in 64 KiB pages; PostgreSQL's shared buffers alone are megabytes.
    expect(memory.wasm % 65_536).toBe(0);
    expect(memory.wasm).toBeGreaterThan(16 * 1024 * 1024);
    expect(memory.heapUsed).toBeGreaterThan(0);
    expect(memory.heapTotal).toBeGreaterThanOrEqual(memory.heapUsed);
  });

  it('keeps the SQLSTATE and constraint of a failed statement', async () => {
    await db.query(`INSERT INTO t VALUES (1, '{}')`);
    const error = await db.query(`INSERT INTO t VALUES (1, '{}')`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(sqlState(error)).toBe('23505');
    expect(sqlConstraint(error)).toBe('t_pkey');
    expect((error as Error).message).toMatch(/duplicate key/);
    // The connection is still usable.
    expect(await db.query(`SELECT count(*)::int AS n FROM t`)).toEqual([{ n: 1 }]);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO t VALUES (1, '{}')`);
      return (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM t`))[0]?.n;
    });
    expect(value).toBe(1);
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO t VALUES (2, '{}')`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO t VALUES (3, '{}')`);
        await tx.query(`INSERT INTO t VALUES (1, '{}')`); // duplicate: the transaction fails
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query(`SELECT id FROM t ORDER BY id`)).toEqual([{ id: 1 }]);
  });

  it('runs statements from outside a transaction after it ends, in call order', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.query(`INSERT INTO t VALUES (1, '{}')`);
      order.push('tx insert');
      await held;
      await t.query(`UPDATE t SET body = '{"v":2}' WHERE id = 1`);
      order.push('tx update');
    });
    // Wait until the transaction holds the lock, then ask from outside it.
    while (order.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const outside = db.query<{ body: unknown }>(`SELECT body FROM t WHERE id = 1`).then((rows) => {
      order.push('outside read');
      return rows;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual(['tx insert']);
    release();
    await tx;
    expect(await outside).toEqual([{ body: { v: 2 } }]);
    expect(order).toEqual(['tx insert', 'tx update', 'outside read']);
  });

  it('delivers NOTIFY to each listener until it unlistens', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = await db.listen('gpds_test', (payload) => first.push(payload));
    const stopSecond = await db.listen('gpds_test', (payload) => second.push(payload));
    await db.query(`SELECT pg_notify('gpds_test', 'one')`);
    await waitFor(() => first.length === 1 && second.length === 1);
    await stopFirst();
    await db.query(`SELECT pg_notify('gpds_test', 'two')`);
    await waitFor(() => second.length === 2);
    expect(first).toEqual(['one']);
    expect(second).toEqual(['one', 'two']);
    await stopSecond();
    await expect(db.listen('Bad Channel', () => undefined)).rejects.toThrow(/lower-case identifier/);
  });

  it('keeps what was committed across a close and an open', async () => {
    await db.query(`INSERT INTO t VALUES (7, '{"kept":true}')`);
    await db.close();
    db = await PGliteThreadDatabase.open({ dataDir: dir });
    expect(await db.query(`SELECT id, body FROM t`)).toEqual([{ id: 7, body: { kept: true } }]);
  });

  it('says the database is closed to a statement sent after close', async () => {
    await db.close();
    await expect(db.query(`SELECT 1`)).rejects.toThrow('The embedded database is closed.');
    db = await PGliteThreadDatabase.open({ dataDir: dir });
  });

  it('takes a named lock once until it is released', async () => {
    const release = await db.tryLock('projector');
    expect(release).not.toBeNull();
    expect(await db.tryLock('projector')).toBeNull();
    await release?.();
    expect(await db.tryLock('projector')).not.toBeNull();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
