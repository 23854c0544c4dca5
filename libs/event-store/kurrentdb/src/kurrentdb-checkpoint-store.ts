import { ANY, jsonEvent, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { Checkpoint, CheckpointStore } from '@gpds/event-store';
import { readLast } from './kurrent-io';
import { CHECKPOINT_PREFIX } from './mapping';

/** Lower case with dashes: never a platform event type (PascalCase). */
export const CHECKPOINT_EVENT_TYPE = 'gpds-checkpoint';

/** The checkpoint a checkpoint record holds, or an error naming the stream when it holds something else. */
export function checkpointFromRecord(data: unknown, streamName: string): Checkpoint {
  const d = data as { transactionId?: unknown; globalPosition?: unknown } | null;
  const transactionId = d?.transactionId;
  const globalPosition = d?.globalPosition;
  if (
    typeof transactionId !== 'number' ||
    typeof globalPosition !== 'number' ||
    !Number.isSafeInteger(transactionId) ||
    !Number.isSafeInteger(globalPosition) ||
    transactionId < 0 ||
    globalPosition < 0
  ) {
    throw new Error(
      `The last record of '${streamName}' is not a checkpoint ({ transactionId, globalPosition }): remove it or start the subscriber from a position`,
    );
  }
  return { transactionId, globalPosition };
}

/**
 * Per-subscriber checkpoints in KurrentDB: one stream per subscriber,
 * `_gpds-checkpoints-<subscriberId>`, whose last record is the checkpoint. The stream keeps one
 * record (`$maxCount` 1 in its metadata, set at the first save in each process), so it does not
 * grow: older records are scavenged.
 */
export class KurrentDbCheckpointStore implements CheckpointStore {
  private readonly bounded = new Set<string>();

  constructor(private readonly client: KurrentDBClient) {}

  static streamOf(subscriberId: string): string {
    return `${CHECKPOINT_PREFIX}${subscriberId}`;
  }

  async load(subscriberId: string): Promise<Checkpoint | null> {
    const stream = KurrentDbCheckpointStore.streamOf(subscriberId);
    const last = await readLast(this.client, stream);
    return last ? checkpointFromRecord(last.data, stream) : null;
  }

  async save(subscriberId: string, checkpoint: Checkpoint): Promise<void> {
    const stream = KurrentDbCheckpointStore.streamOf(subscriberId);
    await this.client.appendToStream(
      stream,
      jsonEvent({ type: CHECKPOINT_EVENT_TYPE, data: { transactionId: checkpoint.transactionId, globalPosition: checkpoint.globalPosition } }),
      { streamState: ANY },
    );
    if (!this.bounded.has(stream)) {
      await this.client.setStreamMetadata(stream, { maxCount: 1 });
      this.bounded.add(stream);
    }
  }
}
