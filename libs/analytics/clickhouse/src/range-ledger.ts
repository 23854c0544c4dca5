import { projectEvent, type RowsByTable } from '@gpds/analytics';
import { START, compareCheckpoints, type Checkpoint, type EventStore } from '@gpds/event-store';
import type { AnalyticsStore } from './analytics-client';
import { TABLES } from './names';

/**
 * The projector's range ledger: the `projector_state` rows that record, for each write, the
 * range (from, to] of the store's commit order it covers, first as `pending` (its rows being
 * written), then as `done`. The checkpoint lives beside the data, so dropping or swapping the
 * tables moves it with them; after a crash the last `pending` range is written again.
 */

export interface StateRow {
  seq: number;
  status: 'pending' | 'done';
  from_tx: number;
  from_pos: number;
  to_tx: number;
  to_pos: number;
}

export interface CheckpointRange {
  readonly from: Checkpoint;
  readonly to: Checkpoint;
}

/** What replaying a range cut short needs of the projector. */
export interface Recovery {
  readonly store: EventStore;
  /** Told the last recorded seq, before the range is written again. */
  resume(seq: number): void;
  /** Writes a range's rows (with the range's deduplication tokens). */
  writeRows(range: CheckpointRange, rows: RowsByTable): Promise<void>;
  /** Runs work until it succeeds or the projector stops. */
  retrying(work: () => Promise<void>): Promise<void>;
  /** Told once the range is written again. */
  replayed(report: { seq: number; events: number; rows: number; to: Checkpoint; ms: number }): void;
}

export class RangeLedger {
  constructor(
    private readonly analytics: AnalyticsStore,
    private readonly database: string,
    private readonly projectorId: string,
  ) {}

  async writeState(row: Omit<StateRow, 'status'> & { status: StateRow['status']; events: number; rows: number }): Promise<void> {
    await this.analytics.client.insert({
      table: `${this.database}.${TABLES.projectorState}`,
      values: [{ projector: this.projectorId, ...row }],
      format: 'JSONEachRow',
    });
  }

  /** The last recorded range: done -> resume after it; pending -> write it again first. */
  async recover(recovery: Recovery): Promise<Checkpoint> {
    const result = await this.analytics.client.query({
      query: `SELECT seq, status, from_tx, from_pos, to_tx, to_pos FROM ${this.database}.${TABLES.projectorState}
              WHERE projector = {projector:String} ORDER BY seq DESC, status = 'done' DESC LIMIT 1`,
      query_params: { projector: this.projectorId },
      format: 'JSONEachRow',
    });
    const [last] = await result.json<StateRow>();
    if (!last) return START;
    const seq = Number(last.seq);
    recovery.resume(seq);
    const from = { transactionId: Number(last.from_tx), globalPosition: Number(last.from_pos) };
    const to = { transactionId: Number(last.to_tx), globalPosition: Number(last.to_pos) };
    if (last.status === 'done') return to;
    const started = Date.now();
    const rows: RowsByTable = new Map();
    let events = 0;
    let rowCount = 0;
    let after = from;
    while (compareCheckpoints(after, to) < 0) {
      const batch = await recovery.store.readAll({ after, limit: 10_000 });
      for (const event of batch.events) {
        if (compareCheckpoints({ transactionId: event.transactionId, globalPosition: event.globalPosition }, to) > 0) break;
        rowCount += projectEvent(event, rows);
        events++;
      }
      if (compareCheckpoints(batch.checkpoint, after) <= 0) break;
      after = batch.checkpoint;
    }
    await recovery.retrying(async () => {
      await recovery.writeRows({ from, to }, rows);
      await this.writeState({ seq, status: 'done', ...flat({ from, to }), events, rows: rowCount });
    });
    recovery.replayed({ seq, events, rows: rowCount, to, ms: Date.now() - started });
    return to;
  }
}

export function flat(range: CheckpointRange): Pick<StateRow, 'from_tx' | 'from_pos' | 'to_tx' | 'to_pos'> {
  return { from_tx: range.from.transactionId, from_pos: range.from.globalPosition, to_tx: range.to.transactionId, to_pos: range.to.globalPosition };
}
