import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlQueryable } from './sql-database';

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
  private readonly locks = new Set<string>();

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
    // PGlite runs `LISTEN <channel>` as given: channel names here are plain lower-case identifiers.
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Channel '${channel}' must be a lower-case identifier`);
    return this.db.listen(channel, onNotify);
  }

  async tryLock(name: string): Promise<(() => Promise<void>) | null> {
    // PGlite is one connection in one process (its data directory is locked to that process):
    // a lock among this process's holders is the whole story.
    if (this.locks.has(name)) return null;
    this.locks.add(name);
    return async () => void this.locks.delete(name);
  }

  async close(): Promise<void> {
    this.locks.clear();
    if (!this.db.closed) await this.db.close();
  }
}
