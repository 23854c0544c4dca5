import {
  ANY,
  EVENT_TYPE,
  NO_STREAM,
  START,
  STREAM_NAME,
  type AppendStreamState,
  type CurrentStreamState,
  type Filter,
  type Position,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
  START as START_CHECKPOINT,
  WrongExpectedVersionError,
  compareCheckpoints,
  streamCategory,
  type Checkpoint,
  type ExpectedVersion,
} from '@gpds/event-store';

/*
 * The pure translations between the port's terms and KurrentDB's, kept apart from the I/O so each
 * is unit tested: versions (a count from 1) against revisions (0-based), checkpoints against $all
 * positions, the port's filters against server-side filters, and the names of the adapter's own
 * streams. docs/event-store.md, "KurrentDB", gives the whole mapping.
 */

/**
 * Prefix of every stream the adapter keeps for itself. Platform stream ids start with a letter, so
 * no platform stream can have it, and readAll and head never return these streams. Not `$`: the
 * multi-stream append writes claims, and `$` streams are KurrentDB's own (stricter default ACLs).
 */
export const INTERNAL_PREFIX = '_gpds-';
/** One stream per stored event id, holding where the event is and its content hash (see claimStreamOf). */
export const CLAIM_PREFIX = `${INTERNAL_PREFIX}ids-`;
export const CHECKPOINT_PREFIX = `${INTERNAL_PREFIX}checkpoints-`;
export const LOCK_PREFIX = `${INTERNAL_PREFIX}locks-`;

/** The stream that claims an event id for the whole store: written in the same transaction as the event. */
export function claimStreamOf(eventId: string): string {
  return `${CLAIM_PREFIX}${eventId}`;
}

export function isClaimStream(streamName: string | undefined): boolean {
  return streamName !== undefined && streamName.startsWith(CLAIM_PREFIX);
}

/**
 * The platform's streams: ids validated as `<category>-<id>` with a category starting with a
 * letter. KurrentDB's own streams (`$...`, the metadata streams `$$...`) and the adapter's
 * (`_gpds-...`) never match.
 */
const DOMAIN_STREAM = /^[A-Za-z]/;

export function isDomainStream(streamName: string): boolean {
  return DOMAIN_STREAM.test(streamName);
}

/** A port version (events counted from 1; 0 = no stream) from a KurrentDB revision (0-based). */
export function versionOfRevision(revision: bigint): number {
  return safeNumber(revision + 1n, 'stream revision');
}

/** The port version a stream state names: 0 for no stream, revision + 1 otherwise. */
export function versionOfState(state: CurrentStreamState): number {
  if (state === NO_STREAM) return 0;
  if (state < 0n) {
    // -5: deleted, -6: tombstoned (see ConsistencyViolation.actualState). The adapter never deletes.
    throw new Error(
      `The stream was deleted or tombstoned in KurrentDB (state ${state}): the platform never deletes streams; restore it or investigate who did`,
    );
  }
  return versionOfRevision(state);
}

/** The KurrentDB revision a port version points at (version 1 is revision 0). */
export function revisionOfVersion(version: number): bigint {
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`Stream version ${version} has no revision: versions count from 1`);
  return BigInt(version - 1);
}

/**
 * What the append sends for an expected version. KurrentDB expects a revision; the port a count,
 * so version n is revision n - 1 and version 0 is "no stream". 'any' and 'stream_exists' are
 * pinned to the version just read (`current`), so the adapter knows every new event's version
 * before writing it (the id claims record it); a writer that moved the stream meanwhile makes the
 * append fail and it is planned again. Throws the port's error for 'stream_exists' on a stream
 * that does not exist.
 */
export function resolveExpected(
  streamId: string,
  expected: ExpectedVersion,
  current: number | null,
): { readonly state: Exclude<AppendStreamState, typeof ANY>; readonly startVersion: number } {
  if (typeof expected === 'number') return { state: expected === 0 ? NO_STREAM : BigInt(expected - 1), startVersion: expected };
  if (expected === 'no_stream') return { state: NO_STREAM, startVersion: 0 };
  if (current === null) throw new Error(`Expected version '${expected}' of stream '${streamId}' needs the stream's current version`);
  if (expected === 'stream_exists' && current === 0) throw new WrongExpectedVersionError(streamId, expected, 0);
  return { state: current === 0 ? NO_STREAM : BigInt(current - 1), startVersion: current };
}

/** Whether resolveExpected needs the stream's current version first. */
export function needsCurrentVersion(expected: ExpectedVersion): boolean {
  return expected === 'any' || expected === 'stream_exists';
}

/**
 * The port's checkpoint for a $all position. KurrentDB orders $all by (commit, prepare), the
 * port by (transactionId, globalPosition): commit maps to transactionId and prepare (unique per
 * event) to globalPosition, so both orders are the same. Positions are byte offsets in the
 * transaction log; a JavaScript number holds them exactly up to 9 PB.
 */
export function checkpointOf(position: Position): Checkpoint {
  return { transactionId: safeNumber(position.commit, 'commit position'), globalPosition: safeNumber(position.prepare, 'prepare position') };
}

/** The $all position a checkpoint stands for; START for the port's START. */
export function positionOf(checkpoint: Checkpoint): ReadPosition {
  if (compareCheckpoints(checkpoint, START_CHECKPOINT) === 0) return START;
  if (
    !Number.isSafeInteger(checkpoint.transactionId) ||
    !Number.isSafeInteger(checkpoint.globalPosition) ||
    checkpoint.transactionId < 0 ||
    checkpoint.globalPosition < 0
  ) {
    throw new RangeError(`Checkpoint ${JSON.stringify(checkpoint)} is not a KurrentDB position: both parts must be whole numbers >= 0`);
  }
  return { commit: BigInt(checkpoint.transactionId), prepare: BigInt(checkpoint.globalPosition) };
}

/** The later of two checkpoints. */
export function laterOf(a: Checkpoint, b: Checkpoint): Checkpoint {
  return compareCheckpoints(a, b) >= 0 ? a : b;
}

/**
 * Where a readAll batch leaves its reader, and its snapshot bound.
 * - `full`: the batch holds `limit` events: continue after the last one.
 * - otherwise the read reached the end of the log: continue after everything scanned, including
 *   the records the filter skipped and the log's end as it stood before the read (`logEnd`),
 *   so a filtered reader does not scan them again. Nothing is lost: KurrentDB makes records
 *   visible in log order, so every record at or before `logEnd` was readable when the read began.
 * `visibleBelow` is one past the commit position of everything known to be finished.
 */
export function batchProgress(input: {
  readonly after: Checkpoint;
  readonly lastEvent: Checkpoint | null;
  readonly scanned: Checkpoint;
  readonly logEnd: Checkpoint;
  readonly full: boolean;
}): { readonly checkpoint: Checkpoint; readonly visibleBelow: number } {
  const checkpoint = input.full && input.lastEvent ? input.lastEvent : [input.after, input.scanned, input.logEnd].reduce(laterOf);
  return { checkpoint, visibleBelow: laterOf(checkpoint, input.logEnd).transactionId + 1 };
}

/** The records of a page strictly after `after` (a read from a position may include the record at it). */
export function recordsAfter<T extends { readonly checkpoint: Checkpoint }>(records: readonly T[], after: Checkpoint): T[] {
  return records.filter((r) => compareCheckpoints(r.checkpoint, after) > 0);
}

export interface ReadFilter {
  /** The server-side filter: as narrow as one KurrentDB filter can be (stream names or event types, not both). */
  readonly server: Filter;
  /** The whole filter, applied to what the server returns: the platform's streams, the categories and the types. */
  accepts(streamId: string, type: string): boolean;
}

/**
 * The port's filter (types, categories) as a KurrentDB read filter. The server filters on stream
 * names or on event types, one at a time: categories go to the server as a stream-name regex when
 * given (the narrower in practice), else types as an event-type regex, else the platform's streams
 * only; what the server could not apply is applied to what it returns. An empty list matches
 * nothing, as on PostgreSQL (`= ANY('{}')`).
 */
export function readFilter(options: { readonly types?: readonly string[]; readonly categories?: readonly string[] }): ReadFilter {
  const types = options.types ? new Set(options.types) : null;
  const categories = options.categories ? new Set(options.categories) : null;
  let server: Filter = DOMAIN_FILTER;
  if (categories?.size) server = { filterOn: STREAM_NAME, regex: `^(?:${[...categories].map(escapeRegex).join('|')})-`, checkpointInterval: 1 };
  else if (types?.size) server = { filterOn: EVENT_TYPE, regex: `^(?:${[...types].map(escapeRegex).join('|')})$`, checkpointInterval: 1 };
  return {
    server,
    accepts: (streamId, type) =>
      isDomainStream(streamId) && (categories === null || categories.has(streamCategory(streamId))) && (types === null || types.has(type)),
  };
}

/** The platform's streams only: what head() and the append notifier look at. */
export const DOMAIN_FILTER: Filter = { filterOn: STREAM_NAME, regex: DOMAIN_STREAM.source, checkpointInterval: 1 };

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeNumber(value: bigint, what: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`KurrentDB ${what} ${value} is outside the range the port holds exactly (0..${Number.MAX_SAFE_INTEGER})`);
  }
  return Number(value);
}
