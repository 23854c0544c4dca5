// @ts-check
/**
 * Embedded PostgreSQL (PGlite) on a thread of its own: the body of the worker that
 * PGliteThreadDatabase (pglite-thread-database.ts) starts. PGlite is WebAssembly and runs on the
 * thread that calls it; here that is this worker, so the platform's main thread (HTTP, GraphQL,
 * the projector) keeps running while the database works.
 *
 * Plain JavaScript on purpose: a worker loads its file as Node finds it, with no TypeScript hook,
 * in the platform, the CLI, the benchmarks and under Jest alike.
 *
 * Protocol (one message each way per request, `id` chosen by the caller):
 *   in:  { id, op: 'query', sql, params, tx? } | { id, op: 'exec', sql } | { id, op: 'begin' }
 *        | { id, op: 'commit' | 'rollback', tx } | { id, op: 'listen' | 'unlisten', channel }
 *        | { id, op: 'memory' } | { id, op: 'close' }
 *   out: { id, ok: true, value } | { id, ok: false, error } | { notify: channel, payload }
 * A transaction holds PGlite's own lock: other statements wait until it commits or rolls back,
 * as they do when PGlite runs in the caller's thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const port = parentPort;
if (port === null) throw new Error('pglite-worker.mjs runs as a worker thread (see PGliteThreadDatabase)');

/** @type {{ dataDir?: string }} */
const options = workerData ?? {};

/** The fields of a PostgreSQL error the store reads (SQLSTATE, constraint, ...), copied across. */
const ERROR_FIELDS = ['code', 'constraint', 'detail', 'hint', 'schema', 'table', 'column', 'severity', 'where', 'position'];

/** @param {unknown} error */
function describeError(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  /** @type {Record<string, unknown>} */
  const copy = { message: error.message, name: error.name };
  for (const field of ERROR_FIELDS) {
    const value = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (error))[field];
    if (value !== undefined && value !== null) copy[field] = typeof value === 'object' ? String(value) : value;
  }
  return copy;
}

/** @param {number} id @param {unknown} value */
const answer = (id, value) => port.postMessage({ id, ok: true, value });
/** @param {number} id @param {unknown} error */
const fail = (id, error) => port.postMessage({ id, ok: false, error: describeError(error) });

const ROLLBACK = Symbol('rollback');

/**
 * An open transaction: its statements arrive as messages and run in order on PGlite's transaction.
 * @typedef {{ queue: any[], wake: (() => void) | null }} OpenTransaction
 */
/** @type {Map<number, OpenTransaction>} */
const transactions = new Map();
let lastTransaction = 0;

/** @type {Map<string, () => Promise<void>>} */
const listening = new Map();

/** @param {OpenTransaction} open */
async function nextMessage(open) {
  while (open.queue.length === 0) await new Promise((resolve) => (open.wake = /** @type {() => void} */ (resolve)));
  open.wake = null;
  return open.queue.shift();
}

/** @param {PGlite} db @param {number} id */
function begin(db, id) {
  const tx = ++lastTransaction;
  /** @type {OpenTransaction} */
  const open = { queue: [], wake: null };
  transactions.set(tx, open);
  /** The message that ended the transaction: its answer waits for PGlite's COMMIT or ROLLBACK. */
  let ending = /** @type {any} */ (null);
  db.transaction(async (t) => {
    answer(id, tx);
    for (;;) {
      const message = await nextMessage(open);
      if (message.op === 'commit') {
        ending = message;
        return;
      }
      if (message.op === 'rollback') {
        ending = message;
        throw ROLLBACK;
      }
      try {
        answer(message.id, (await t.query(message.sql, message.params)).rows);
      } catch (error) {
        fail(message.id, error);
      }
    }
  }).then(
    () => {
      transactions.delete(tx);
      answer(ending.id, null);
    },
    (error) => {
      transactions.delete(tx);
      if (ending === null) fail(id, error);
      else if (error === ROLLBACK) answer(ending.id, null);
      else fail(ending.id, error);
    },
  );
}

/**
 * What this thread holds, in bytes: PGlite's WebAssembly memory (PostgreSQL's shared buffers, its
 * caches and work memory; WebAssembly memory grows to its high-water mark and is never given back)
 * and this thread's JavaScript heap and the memory outside both (PGlite's in-memory files, buffers of
 * rows on their way). The three add up.
 * @param {PGlite} db
 */
function memory(db) {
  const usage = process.memoryUsage();
  const wasm = /** @type {{ mod?: { wasmMemory?: { buffer: ArrayBuffer } } }} */ (/** @type {unknown} */ (db)).mod?.wasmMemory?.buffer.byteLength ?? 0;
  // V8 counts the WebAssembly memory in `external`: the rest of it is what is outside both.
  return { wasm, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: Math.max(0, usage.external - wasm) };
}

async function main() {
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  await db.exec(`SET TimeZone = 'UTC'`);
  port.on('message', async (/** @type {any} */ message) => {
    const { id, op } = message;
    if (message.tx !== undefined) {
      const open = transactions.get(message.tx);
      if (open === undefined) return fail(id, new Error(`Transaction ${message.tx} is not open (it has committed or rolled back)`));
      open.queue.push(message);
      open.wake?.();
      return;
    }
    try {
      switch (op) {
        case 'query':
          return answer(id, (await db.query(message.sql, message.params)).rows);
        case 'exec':
          await db.exec(message.sql);
          return answer(id, null);
        case 'begin':
          return begin(db, id);
        case 'listen': {
          if (!listening.has(message.channel)) {
            const channel = message.channel;
            listening.set(channel, await db.listen(channel, (payload) => port.postMessage({ notify: channel, payload })));
          }
          return answer(id, null);
        }
        case 'unlisten': {
          const unlisten = listening.get(message.channel);
          listening.delete(message.channel);
          await unlisten?.();
          return answer(id, null);
        }
        case 'memory':
          return answer(id, memory(db));
        case 'close':
          if (!db.closed) await db.close();
          answer(id, null);
          return port.close();
        default:
          return fail(id, new Error(`Unknown operation '${op}'`));
      }
    } catch (error) {
      return fail(id, error);
    }
  });
  port.postMessage({ ready: true });
}

main().catch((error) => port.postMessage({ ready: false, error: describeError(error) }));
