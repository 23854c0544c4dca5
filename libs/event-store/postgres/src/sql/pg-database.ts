import { Client, Pool, type PoolClient, type PoolConfig } from 'pg';
import type { SqlDatabase, SqlQueryable } from './sql-database';

export interface PgDatabaseOptions {
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly max?: number;
  /**
   * Role every connection works as (a plain role name), whether it logs in as that role's
   * member or as an owner.
   */
  readonly role?: string;
  readonly applicationName?: string;
}

/** The PostgreSQL server through `pg`: a pool for queries, one dedicated client per LISTEN and per lock. */
export class PgDatabase implements SqlDatabase {
  readonly engine = 'postgres' as const;
  private readonly pool: Pool;
  private readonly dedicated = new Set<Client>();

  constructor(private readonly options: PgDatabaseOptions) {
    const config: PoolConfig = {
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'gpds-event-store',
      options: startupOptions(options),
    };
    this.pool = new Pool(config);
    // An idle client's error (e.g. the server restarting) must not crash the process; the pool
    // drops that client and the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
    const result = await this.pool.query(text, params as unknown[] | undefined);
    return result.rows as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const tx: SqlQueryable = {
        query: async <Row>(text: string, params?: readonly unknown[]) => (await client.query(text, params as unknown[] | undefined)).rows as Row[],
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: 'gpds-listener' });
    client.on('error', () => undefined);
    await client.connect();
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    await client.query(`LISTEN ${quoteIdent(channel)}`);
    this.dedicated.add(client);
    return async () => {
      this.dedicated.delete(client);
      await client.end().catch(() => undefined);
    };
  }

  async tryLock(name: string): Promise<(() => Promise<void>) | null> {
    // A session-level lock lives as long as its connection: one connection per lock, never pooled.
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: 'gpds-lock',
      options: startupOptions(this.options),
    });
    client.on('error', () => undefined);
    await client.connect();
    let locked = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
      locked = rows[0]?.locked === true;
    } finally {
      if (!locked) await client.end().catch(() => undefined);
    }
    if (!locked) return null;
    this.dedicated.add(client);
    // Ending the connection ends its session, and with it the lock.
    return async () => {
      if (this.dedicated.delete(client)) await client.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.dedicated].map((c) => c.end().catch(() => undefined)));
    this.dedicated.clear();
    await this.pool.end();
  }
}

/**
 * UTC, and the role as a startup parameter: a connection that may not take the role fails
 * loudly instead of silently working as the owner.
 */
function startupOptions(options: PgDatabaseOptions): string {
  return `-c TimeZone=UTC${options.role ? ` -c role=${options.role}` : ''}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
