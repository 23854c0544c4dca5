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
  /**
   * What an engine inside this process holds of its memory (embedded PGlite): absent for a server,
   * whose memory is its own.
   */
  memory?(): Promise<EngineMemory>;
  close(): Promise<void>;
}

/** Bytes an embedded engine holds in this process, by part. */
export interface EngineMemory {
  /** WebAssembly linear memory: PostgreSQL's shared buffers, caches and work memory. Grows to a high-water mark; never returned. */
  readonly wasm: number;
  /** The JavaScript heap of the engine's thread (0 when it runs on the caller's thread, whose heap is the process's). */
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** Memory outside that heap and the WebAssembly memory held by the engine's thread (in-memory files, buffers of rows on their way). */
  readonly external: number;
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
