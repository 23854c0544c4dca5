/**
 * The one seam between the event store's SQL and a PostgreSQL engine. Both adapters (the `pg`
 * server pool and embedded PGlite) run the same statements through it.
 */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface SqlDatabase extends SqlQueryable {
  readonly engine: 'postgres' | 'pglite';
  /** Runs several statements separated by `;` (no parameters): migrations. */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction (READ COMMITTED): committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for each notification on `channel` (PostgreSQL LISTEN on the server; on
   * PGlite, the same NOTIFY delivered in-process). Resolves to an unsubscribe function.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Takes the named lock if no one holds it, until released or until this process's connection
   * ends (a crash releases it): a PostgreSQL session-level advisory lock on a connection of its
   * own on the server; on PGlite, which one process holds, a lock in this process. Resolves to
   * the release function, or null when the lock is held elsewhere.
   */
  tryLock(name: string): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

/** PostgreSQL's SQLSTATE of an error raised by either driver, if it has one. */
export function sqlState(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** The constraint an integrity error names, if any. */
export function sqlConstraint(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'constraint' in error && typeof error.constraint === 'string') {
    return error.constraint;
  }
  return undefined;
}
