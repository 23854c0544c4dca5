import type { EventToAppend, RecordedEvent } from '@gpds/event-store';
import type { SqlDatabase } from '@gpds/event-store-postgres';

let sequence = 0;
/** This run's token: a server that cannot be emptied (KurrentDB) keeps earlier runs' streams, whose names repeat pids. */
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

/** A unique stream category per test, so tests sharing one database (or one server, across runs) never see each other's events. */
export function uniqueCategory(prefix: string): string {
  return `${prefix}_${RUN}_${process.pid}_${++sequence}`;
}

/** A utilisation-sample-shaped event of about 500 bytes, from a source record of its own. */
export function sampleEvent(
  recordId: string,
  overrides: Partial<{ value: number; type: string; schemaVersion: number; data: Record<string, unknown>; system: string }> = {},
): EventToAppend {
  return {
    type: overrides.type ?? 'UtilisationSampleRecorded',
    schemaVersion: overrides.schemaVersion ?? 1,
    data: overrides.data ?? {
      organisationCode: 'A81001',
      organisationLevel: 'PRACTICE',
      capability: 'ONLINE_CONSULTATION',
      metric: 'SUBMISSIONS',
      periodStart: '2025-12-01',
      periodEnd: '2025-12-31',
      value: overrides.value ?? 42,
      supplier: 'Example Online Consultation Supplier Ltd',
      note: 'x'.repeat(180),
    },
    metadata: {
      occurredAt: '2025-12-31T23:59:59Z',
      source: { system: overrides.system ?? 'contract-tests', recordId },
      actor: { type: 'test', id: 'contract-suite' },
      correlationId: `corr-${recordId}`,
    },
  };
}

export function positions(events: readonly RecordedEvent[]): number[] {
  return events.map((e) => e.globalPosition);
}

/** Resolves when `predicate` holds, polling every 20 ms; fails after `timeoutMs` naming `what`. */
export async function eventually(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A gate a test opens by hand: `wait()` blocks until `open()`. */
export class Gate {
  private release!: () => void;
  private arrived!: () => void;
  readonly opened = new Promise<void>((r) => (this.release = r));
  readonly reached = new Promise<void>((r) => (this.arrived = r));
  async wait(): Promise<void> {
    this.arrived();
    await this.opened;
  }
  open(): void {
    this.release();
  }
}

/**
 * The same database, but each transaction waits at `gate` after its statements and before
 * COMMIT: a writer that has taken its positions and not yet committed. Real SQL throughout.
 */
export function holdingCommitAt(db: SqlDatabase, gate: Gate): SqlDatabase {
  return {
    engine: db.engine,
    query: (text, params) => db.query(text, params),
    exec: (sql) => db.exec(sql),
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: async () => undefined,
    transaction: (fn) =>
      db.transaction(async (tx) => {
        const result = await fn(tx);
        await gate.wait();
        return result;
      }),
  } as SqlDatabase;
}
