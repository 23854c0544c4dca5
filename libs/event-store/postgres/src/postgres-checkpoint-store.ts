import type { Checkpoint, CheckpointStore } from '@gpds/event-store';
import type { SqlQueryable } from './sql/sql-database';

/** Checkpoints in `event_store.subscription_checkpoints`, one row per subscriber. */
export class PostgresCheckpointStore implements CheckpointStore {
  constructor(private readonly db: SqlQueryable) {}

  async load(subscriberId: string): Promise<Checkpoint | null> {
    const rows = await this.db.query<{ transaction_id: string; global_position: string | number }>(
      `SELECT transaction_id::text AS transaction_id, global_position
         FROM event_store.subscription_checkpoints WHERE subscriber_id = $1`,
      [subscriberId],
    );
    const row = rows[0];
    return row ? { transactionId: Number(row.transaction_id), globalPosition: Number(row.global_position) } : null;
  }

  async save(subscriberId: string, checkpoint: Checkpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO event_store.subscription_checkpoints (subscriber_id, transaction_id, global_position)
       VALUES ($1, $2::text::xid8, $3)
       ON CONFLICT (subscriber_id) DO UPDATE
         SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, updated_at = now()`,
      [subscriberId, String(checkpoint.transactionId), checkpoint.globalPosition],
    );
  }
}
