import { compareCheckpoints } from './checkpoint';
import type { CheckpointStore, Subscription, SubscriptionOptions, SubscriptionSource } from './ports';
import { START, type Checkpoint, type ReadAllBatch } from './types';

const DEFAULT_BATCH = 500;
const DEFAULT_POLL_MS = 500;
const DEFAULT_MAX_RETRIES = 5;

interface Waiter {
  /** Reads started before the waiter registered cannot prove anything about it. */
  readonly requestedAt: number;
  /** The store's head when the waiter asked. */
  readonly target: Checkpoint;
  readonly resolve: () => void;
}

/**
 * A catch-up subscription that never skips an event: it reads in commit order, only below the
 * snapshot's xmin (so a transaction that took a lower position but commits later is still
 * delivered), hands each batch to the handler, and saves the checkpoint after the handler
 * resolves. At most one batch is prefetched while the handler works: memory stays bounded and a
 * slow handler slows the reads (back-pressure). A crash between handler and checkpoint redelivers
 * that batch once: handlers must be idempotent, or commit their checkpoint with their writes.
 */
export class CatchUpSubscription implements Subscription {
  readonly done: Promise<void>;
  private current: Checkpoint = START;
  private readonly abort = new AbortController();
  private readonly waiters: Waiter[] = [];
  private readsStarted = 0;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly checkpoints: CheckpointStore,
    private readonly options: SubscriptionOptions,
  ) {
    const batch = options.batchSize ?? DEFAULT_BATCH;
    if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) {
      throw new RangeError(`batchSize ${String(batch)} is out of range: use 1..10,000`);
    }
    this.done = this.run();
    // The owner observes failures through `done`; never let them surface as unhandled.
    this.done.catch(() => undefined);
  }

  get subscriberId(): string {
    return this.options.subscriberId;
  }

  position(): Checkpoint {
    return this.current;
  }

  async waitUntilCaughtUp(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const target = await this.source.head();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new Error(
            `Subscriber '${this.subscriberId}' did not catch up within ${timeoutMs} ms: at ${JSON.stringify(this.current)}, head ${JSON.stringify(target)}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        requestedAt: this.readsStarted,
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
      this.settleWaiters(null);
      this.done.then(
        () => waiter.resolve(),
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { options } = this;
    const limit = options.batchSize ?? DEFAULT_BATCH;
    const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.current = options.from ?? (await this.checkpoints.load(options.subscriberId)) ?? START;

    const read = (after: Checkpoint): { id: number; batch: Promise<ReadAllBatch> } => {
      const id = ++this.readsStarted;
      const batch = this.source.readAll({ after, limit, types: options.types, categories: options.categories });
      batch.catch(() => undefined); // awaited below; a prefetch abandoned on stop must not leak a rejection
      return { id, batch };
    };

    let next = read(this.current);
    let readFailures = 0;
    while (!this.abort.signal.aborted) {
      const { id, batch: pending } = next;
      let batch: ReadAllBatch;
      try {
        batch = await pending;
        readFailures = 0;
      } catch (error) {
        // The store is unreachable (a restart, a network blip): keep trying, never skip.
        readFailures++;
        this.options.onError?.(error, readFailures);
        await sleep(backoffMs(readFailures), this.abort.signal);
        next = read(this.current);
        continue;
      }
      if (batch.events.length === 0) {
        // A filtered read that found none of its events still scanned every transaction below
        // its bound: read on from there, or each wake-up scans again every event since the last
        // one it wanted (a live directory of organisation events rescanned all the utilisation
        // samples after them on every append). Saved with the next delivered batch: a restart
        // scans them once more, at most.
        if (compareCheckpoints(batch.checkpoint, this.current) > 0) this.current = batch.checkpoint;
        this.settleWaiters({ id, visibleBelow: batch.visibleBelow });
        await this.source.waitForAppend(pollMs, this.abort.signal);
        next = read(this.current);
        continue;
      }
      // Prefetch the next batch while the handler works on this one: at most two in memory.
      next = read(batch.checkpoint);
      await this.deliver(batch);
      this.current = batch.checkpoint;
      await this.saveCheckpoint(batch.checkpoint);
      this.settleWaiters(batch.events.length < limit ? { id, visibleBelow: batch.visibleBelow } : null);
    }
  }

  /** Retries until saved: the batch is handled, so giving up here would only cause a redelivery. */
  private async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.checkpoints.save(this.options.subscriberId, checkpoint);
        return;
      } catch (error) {
        this.options.onError?.(error, attempt);
        if (this.abort.signal.aborted) throw error;
        await sleep(backoffMs(attempt), this.abort.signal);
      }
    }
  }

  private async deliver(batch: ReadAllBatch): Promise<void> {
    const maxRetries = this.options.maxRetries ?? DEFAULT_MAX_RETRIES;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handler(batch.events);
        return;
      } catch (error) {
        this.options.onError?.(error, attempt);
        if (attempt > maxRetries || this.abort.signal.aborted) throw error;
        await sleep(backoffMs(attempt), this.abort.signal);
      }
    }
  }

  /**
   * A waiter is settled when the subscriber has handled the head it saw, or when a read that
   * started after it asked came back short with every transaction up to that head finished
   * (filtered subscriptions may never reach the head itself).
   */
  private settleWaiters(shortRead: { id: number; visibleBelow: number } | null): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (!waiter) continue;
      const reached = compareCheckpoints(this.current, waiter.target) >= 0;
      const provenByRead = shortRead !== null && shortRead.id > waiter.requestedAt && shortRead.visibleBelow > waiter.target.transactionId;
      if (reached || provenByRead) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

/** 100 ms, doubling, at most 5 s. */
function backoffMs(attempt: number): number {
  return Math.min(100 * 2 ** (attempt - 1), 5_000);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
