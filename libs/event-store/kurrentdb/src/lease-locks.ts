import { randomUUID } from 'node:crypto';
import { NO_STREAM, jsonEvent, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { StoreLock } from '@gpds/event-store';
import { readLast, versionConflictsOf } from './kurrent-io';
import { LOCK_PREFIX } from './mapping';

/*
 * KurrentDB has no session locks, so tryLock is a lease: the stream `_gpds-locks-<name>` whose
 * last record says who holds the lock and until when. Taking it appends a record expecting the
 * revision just read, so of two takers one wins; the holder renews it every third of its time to
 * live; release appends a released record; a holder that dies (a crash, a lost network) lets the
 * lease run out, and then anyone may take it. Expiry is judged by each process's own clock:
 * the clocks must agree to well within the time to live (NTP). docs/event-store.md, "KurrentDB".
 */

export const LEASE_EVENT_TYPE = 'gpds-lease';
/** Default time to live: a crashed holder's lock is free again at most this long after its last renewal. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface LeaseRecord {
  readonly holder: string;
  /** ISO 8601, by the holder's clock. */
  readonly expiresAt: string;
  readonly released: boolean;
}

/** A lease record as written, or an error naming the stream when the record is something else. */
export function parseLease(data: unknown, streamName: string): LeaseRecord {
  const d = data as Partial<Record<keyof LeaseRecord, unknown>> | null;
  if (typeof d?.holder !== 'string' || typeof d.expiresAt !== 'string' || Number.isNaN(Date.parse(d.expiresAt)) || typeof d.released !== 'boolean') {
    throw new Error(`The last record of '${streamName}' is not a lease ({ holder, expiresAt, released }): remove the stream's last record to free the lock`);
  }
  return { holder: d.holder, expiresAt: d.expiresAt, released: d.released };
}

/** Whether a lease keeps others out at `nowMs`: taken, not released and not yet expired. */
export function leaseIsHeld(record: LeaseRecord | null, nowMs: number): boolean {
  return record !== null && !record.released && Date.parse(record.expiresAt) > nowMs;
}

export function leaseRecord(holder: string, nowMs: number, ttlMs: number, released = false): LeaseRecord {
  return { holder, expiresAt: new Date(nowMs + ttlMs).toISOString(), released };
}

export interface LeaseOptions {
  /** Time to live of a lease, renewed every third of it (default 30 s; at least 300 ms). */
  readonly ttlMs?: number;
  /** Told when a held lease was taken by another process: this one did not renew it in time (paused, or cut off from the server). */
  readonly onLost?: (name: string, error: unknown) => void;
}

/** The leases one store holds, so closing the store releases them. */
export class LeaseLocks {
  private readonly held = new Set<Lease>();
  private readonly ttlMs: number;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly options: LeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    if (!Number.isSafeInteger(this.ttlMs) || this.ttlMs < 300)
      throw new RangeError(`Lease time to live ${String(options.ttlMs)} ms is too short: use 300 ms or more`);
  }

  static streamOf(name: string): string {
    return `${LOCK_PREFIX}${name}`;
  }

  async tryLock(name: string): Promise<StoreLock | null> {
    const stream = LeaseLocks.streamOf(name);
    const last = await readLast(this.client, stream);
    if (last && leaseIsHeld(parseLease(last.data, stream), Date.now())) return null;
    const holder = randomUUID();
    let revision: bigint;
    try {
      const result = await this.client.appendToStream(stream, jsonEvent({ type: LEASE_EVENT_TYPE, data: { ...leaseRecord(holder, Date.now(), this.ttlMs) } }), {
        streamState: last ? BigInt(last.revision) : NO_STREAM,
      });
      revision = result.nextExpectedRevision;
    } catch (error) {
      if (versionConflictsOf(error)) return null; // another process took it between our read and our write
      throw error;
    }
    // The lease stream needs its last records only.
    if (!last) await this.client.setStreamMetadata(stream, { maxCount: 16 }).catch(() => undefined);
    const lease = new Lease(this.client, name, stream, holder, revision, this.ttlMs, (error) => {
      this.held.delete(lease);
      this.options.onLost?.(name, error);
    });
    this.held.add(lease);
    return {
      release: async () => {
        this.held.delete(lease);
        await lease.release();
      },
    };
  }

  /** Releases every lease still held (closing the store). */
  async releaseAll(): Promise<void> {
    const leases = [...this.held];
    this.held.clear();
    await Promise.all(leases.map((l) => l.release().catch(() => undefined)));
  }
}

class Lease {
  private readonly timer: NodeJS.Timeout;
  /** Renewals and the release run one after another, each expecting the revision the last one wrote. */
  private chain: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly name: string,
    private readonly stream: string,
    private readonly holder: string,
    private revision: bigint,
    private readonly ttlMs: number,
    private readonly lost: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.enqueue(() => this.write(false)), Math.floor(ttlMs / 3));
    this.timer.unref();
  }

  release(): Promise<void> {
    clearInterval(this.timer);
    return this.enqueue(async () => {
      if (this.ended) return;
      await this.write(true); // lost or unreachable: it runs out on its own
      this.ended = true;
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step, step);
    return this.chain;
  }

  /** Writes the lease again (renewed, or released); never throws: a renewal the server missed is tried at the next tick. */
  private async write(released: boolean): Promise<void> {
    if (this.ended) return;
    try {
      const result = await this.client.appendToStream(
        this.stream,
        jsonEvent({ type: LEASE_EVENT_TYPE, data: { ...leaseRecord(this.holder, Date.now(), this.ttlMs, released) } }),
        { streamState: this.revision },
      );
      this.revision = result.nextExpectedRevision;
    } catch (error) {
      if (!versionConflictsOf(error)) return; // unreachable for now: the next renewal tries again while the lease lasts
      // Someone else wrote the lease: ours ran out before it was renewed. Stop, and tell the owner.
      this.ended = true;
      clearInterval(this.timer);
      if (!released) {
        this.lost(new Error(`The lease on lock '${this.name}' was taken by another process: this one did not renew it within ${this.ttlMs} ms`));
      }
    }
  }
}
