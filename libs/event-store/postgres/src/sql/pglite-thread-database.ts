import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkChannel, ProcessLocks } from './pglite-process';
import type { EngineMemory, SqlDatabase, SqlQueryable } from './sql-database';

export interface PGliteThreadDatabaseOptions {
  /** A directory for a durable database, or undefined for an in-memory one. */
  readonly dataDir?: string;
}

/** A PostgreSQL error raised in the worker, with the fields the store reads (code, constraint...). */
export class PGliteError extends Error {
  readonly code?: string;
  readonly constraint?: string;
  readonly detail?: string;

  constructor(fields: Readonly<Record<string, unknown>>) {
    super(typeof fields['message'] === 'string' ? fields['message'] : 'PGlite error');
    this.name = 'PGliteError';
    for (const [key, value] of Object.entries(fields)) {
      if (key !== 'message' && key !== 'name' && key !== 'stack') Object.assign(this, { [key]: value });
    }
  }
}

type Reply =
  { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: Record<string, unknown> };
type Notification = { readonly notify: string; readonly payload: string };
type Ready = { readonly ready: true } | { readonly ready: false; readonly error: Record<string, unknown> };
type WorkerMessage = Reply | Notification | Ready;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const CLOSED = () => new Error('The embedded database is closed.');

/** Where the worker's body is: beside this file in the source tree (it is plain JavaScript). */
const WORKER_FILE = join(__dirname, 'pglite-worker.mjs');

/**
 * Embedded PostgreSQL (PGlite) on a worker thread of this process. PGlite is WebAssembly: on the
 * main thread every statement stops HTTP, GraphQL and the projector while it runs, and under
 * continuous ingestion the platform fell behind half of its own capacity (docs/scaling.md, soak).
 * Here the statements run on the worker and the main thread only sends them and reads rows back.
 *
 * Same contract as PGliteDatabase: one connection, statements and transactions one at a time in
 * call order (a transaction holds PGlite's lock until it ends), NOTIFY delivered to `listen`, locks
 * among this process's holders. The worker keeps the process alive only while a statement is on
 * its way, as a socket would. If the worker stops, every statement waiting and every later one
 * fails saying so (restart the platform; the data directory is as the last commit left it).
 */
export class PGliteThreadDatabase implements SqlDatabase {
  readonly engine = 'pglite' as const;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private readonly locks = new ProcessLocks();
  private lastId = 0;
  private stopped: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerMessage) => this.receive(message));
    worker.on('error', (error) => this.stop(new Error(`The embedded database's thread failed: ${error.message}. Restart the platform.`)));
    worker.on('exit', (code) =>
      this.stop(this.closing !== null ? CLOSED() : new Error(`The embedded database's thread stopped (exit code ${code}). Restart the platform.`)),
    );
    worker.unref();
  }

  static async open(options: PGliteThreadDatabaseOptions = {}): Promise<PGliteThreadDatabase> {
    // No execArgv: the worker is plain JavaScript and needs none of the parent's loaders.
    const worker = new Worker(WORKER_FILE, { workerData: { dataDir: options.dataDir }, execArgv: [] });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (!('ready' in message)) return;
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (message.ready) resolve();
        else {
          void worker.terminate();
          reject(
            new PGliteError({
              ...message.error,
              message: `Could not open the embedded database${options.dataDir ? ` in ${options.dataDir}` : ''}: ${String(message.error['message'])}`,
            }),
          );
        }
      };
      const onError = (error: Error) => reject(new Error(`Could not start the embedded database's thread: ${error.message}`));
      worker.on('message', onMessage);
      worker.once('error', onError);
    });
    return new PGliteThreadDatabase(worker);
  }

  async query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
    return (await this.call({ op: 'query', sql: text, params: params === undefined ? undefined : [...params] })) as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.call({ op: 'exec', sql });
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const tx = (await this.call({ op: 'begin' })) as number;
    let result: T;
    try {
      result = await fn({
        query: async <Row>(text: string, params?: readonly unknown[]) =>
          (await this.call({ op: 'query', sql: text, params: params === undefined ? undefined : [...params], tx })) as Row[],
      });
    } catch (error) {
      await this.call({ op: 'rollback', tx }).catch(() => undefined);
      throw error;
    }
    await this.call({ op: 'commit', tx });
    return result;
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    checkChannel(channel);
    let callbacks = this.listeners.get(channel);
    if (callbacks === undefined) {
      callbacks = new Set();
      this.listeners.set(channel, callbacks);
      await this.call({ op: 'listen', channel });
    }
    const listener = (payload: string) => onNotify(payload);
    callbacks.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      if (current === undefined || !current.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      if (this.stopped === null) await this.call({ op: 'unlisten', channel });
    };
  }

  tryLock(name: string): Promise<(() => Promise<void>) | null> {
    return this.locks.tryLock(name);
  }

  /** The worker's memory: PGlite's WebAssembly memory and the thread's own heap. */
  async memory(): Promise<EngineMemory> {
    return (await this.call({ op: 'memory' })) as EngineMemory;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.locks.clear();
      this.listeners.clear();
      if (this.stopped !== null) return;
      try {
        await this.call({ op: 'close' });
      } finally {
        await this.worker.terminate();
        this.stop(CLOSED());
      }
    })();
    return this.closing;
  }

  private call(message: Record<string, unknown>): Promise<unknown> {
    if (this.stopped !== null) return Promise.reject(this.stopped);
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private receive(message: WorkerMessage): void {
    if ('notify' in message) {
      for (const listener of this.listeners.get(message.notify) ?? []) listener(message.payload);
      return;
    }
    if (!('id' in message)) return;
    const waiting = this.pending.get(message.id);
    if (waiting === undefined) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new PGliteError(message.error));
  }

  private stop(reason: Error): void {
    if (this.stopped !== null) return;
    this.stopped = reason;
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
  }
}
