import {
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  isCommandError,
  type CurrentStreamState,
  type KurrentDBClient,
  type ReadRevision,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { StoredRecord } from './event-codec';

/*
 * Small wrappers over the client's reads and errors, shared by the store, its checkpoints and
 * its leases. Reads ask for the leader, so a write is readable by the next read (a follower may
 * lag behind it).
 */

/** The records of a stream, or none when it does not exist. */
export async function readRecords(
  client: KurrentDBClient,
  streamName: string,
  options: { readonly direction?: 'forwards' | 'backwards'; readonly fromRevision?: ReadRevision; readonly maxCount?: number } = {},
): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  try {
    const read = client.readStream(streamName, {
      direction: options.direction === 'backwards' ? BACKWARDS : FORWARDS,
      ...(options.fromRevision !== undefined ? { fromRevision: options.fromRevision } : {}),
      ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      requiresLeader: true,
    });
    for await (const resolved of read) {
      const record = recordOf(resolved);
      if (record) records.push(record);
    }
  } catch (error) {
    if (isCommandError(error as Error) && (error as { type: ErrorType }).type === ErrorType.STREAM_NOT_FOUND) return [];
    throw error;
  }
  return records;
}

/** The last record of a stream, or null when it does not exist. */
export async function readLast(client: KurrentDBClient, streamName: string): Promise<StoredRecord | null> {
  const [last] = await readRecords(client, streamName, { direction: 'backwards', fromRevision: END, maxCount: 1 });
  return last ?? null;
}

/** The event of a resolved event (a link's target when resolved, else the record itself). */
export function recordOf(resolved: ResolvedEvent | { readonly event?: unknown }): StoredRecord | null {
  return (resolved.event as StoredRecord | undefined) ?? null;
}

/** What a rejected expected state tells: the stream and, when the server said, its actual state. */
export interface VersionConflict {
  readonly streamName: string | undefined;
  readonly actual: CurrentStreamState | undefined;
}

/**
 * The client reports a stream that was not at the expected state as WrongExpectedVersionError
 * (single-stream appends, and the multi-stream append's revision conflict: one stream) or as
 * AppendConsistencyViolationError (appendRecords' checks: every stream that failed). Both become
 * a list of conflicts; null for any other error.
 */
export function versionConflictsOf(error: unknown): VersionConflict[] | null {
  if (!(error instanceof Error) || !isCommandError(error)) return null;
  if (error.type === ErrorType.WRONG_EXPECTED_VERSION) return [{ streamName: error.streamName, actual: error.actualState }];
  if (error.type === ErrorType.APPEND_CONSISTENCY_VIOLATION) return error.violations.map((v) => ({ streamName: v.streamName, actual: v.actualState }));
  return null;
}

/** Whether the client refused a call the server's version does not support. */
export function isUnsupported(error: unknown): error is Error & { readonly feature: string; readonly minimumVersion: string } {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.UNSUPPORTED;
}
