import { CatchUpSubscription } from './catch-up-subscription';
import type { CheckpointStore, Subscription, SubscriptionOptions, SubscriptionSource } from './ports';

/**
 * What every store keeps for its catch-up subscriptions, whatever tells it of appends (PostgreSQL
 * NOTIFY, a KurrentDB live subscription): the subscriptions it started, to stop them when it
 * closes, and the subscribers waiting for the next append, woken together when one is heard.
 */
export class Subscriptions {
  private readonly running = new Set<Subscription>();
  private readonly waiting = new Set<() => void>();

  /** Starts a catch-up subscription reading from `source`, kept until it ends. */
  start(source: SubscriptionSource, checkpoints: CheckpointStore, options: SubscriptionOptions): Subscription {
    const subscription = new CatchUpSubscription(source, checkpoints, options);
    this.running.add(subscription);
    void subscription.done.finally(() => this.running.delete(subscription)).catch(() => undefined);
    return subscription;
  }

  /** Resolves at the next `wakeAll`, after `timeoutMs` (subscribers poll as well), or when `signal` aborts. */
  waitForWake(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiting.add(done);
    });
  }

  /** An append was heard: every waiting subscriber reads again. */
  wakeAll(): void {
    for (const wake of [...this.waiting]) wake();
  }

  /** Stops every subscription, then wakes whatever still waits. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((s) => s.stop()));
    this.wakeAll();
  }
}
