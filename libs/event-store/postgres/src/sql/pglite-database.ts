import { PGlite, type Transaction } from '@electric-sql/pglite';
import { checkChannel, ProcessLocks } from './pglite-process';
import type { EngineMemory, SqlDatabase, SqlQueryable } from './sql-database';

export interface PGliteDatabaseOptions {
  /** A directory for a durable database, or undefined for an in-memory one. */
  readonly dataDir?: string;
}

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in this process. It has one connection: every
 * query and transaction runs one at a time, in call order.
 */
export class PGliteDatabase implements SqlDatabase {
  readonly engine = 'pglite' as const;
  private readonly locks = new ProcessLocks();

  private constructor(private readonly db: PGlite) {}

  static async open(options: PGliteDatabaseOptions = {}): Promise<PGliteDatabase> {
    const db = await PGlite.create(options.dataDir ?? 'memory://');
    await db.exec(`SET TimeZone = 'UTC'`);
    return new PGliteDatabase(db);
  }

  async query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
    const result = await this.db.query<Row>(text, params as unknown[] | undefined);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t: Transaction) =>
      fn({ query: async <Row>(text: string, params?: readonly unknown[]) => (await t.query<Row>(text, params as unknown[] | undefined)).rows }),
    );
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    checkChannel(channel);
    return this.db.listen(channel, onNotify);
  }

  tryLock(name: string): Promise<(() => Promise<void>) | null> {
    return this.locks.tryLock(name);
  }

  /** PGlite's WebAssembly memory; its JavaScript objects are in the caller's heap, counted there. */
  async memory(): Promise<EngineMemory> {
    // `mod` (the Emscripten module) is PGlite's own, not in its typings' public surface.
    const wasm = (this.db as unknown as { mod?: { wasmMemory?: { buffer: ArrayBuffer } } }).mod?.wasmMemory?.buffer.byteLength ?? 0;
    return { wasm, heapUsed: 0, heapTotal: 0, external: 0 };
  }

  async close(): Promise<void> {
    this.locks.clear();
    if (!this.db.closed) await this.db.close();
  }
}
