import {
  EventIdConflictError,
  WrongExpectedVersionError,
  streamCategory,
  type AppendResult,
  type AppendedEventStatus,
  type ExpectedVersion,
} from '@gpds/event-store';
import type { PreparedAppend, PreparedEvent } from './prepare-events';
import type { SqlQueryable } from '../sql/sql-database';

export const APPEND_CHANNEL = 'event_store_appended';

/**
 * One append of prepared events to one or more streams, inside the caller's transaction: ids
 * already stored answer duplicate (or conflict on other content), versions are claimed as each
 * stream's writer expected, and every fresh event goes in with one INSERT, which notifies
 * subscribers on APPEND_CHANNEL. docs/event-store.md gives the rules.
 */
export async function appendInTransaction(
  tx: SqlQueryable,
  appends: readonly PreparedAppend[],
  lookFirst: boolean,
): Promise<{ results: AppendResult[]; metStored: boolean }> {
  const stored = lookFirst
    ? await tx.query<{ event_id: string; content_hash: string; stream_id: string; global_position: string | number }>(
        `SELECT event_id::text AS event_id, content_hash, stream_id, global_position
           FROM event_store.events WHERE event_id = ANY($1::uuid[])`,
        [appends.flatMap((a) => a.unique.map((e) => e.eventId))],
      )
    : [];
  const storedById = new Map(stored.map((row) => [row.event_id, row]));
  const claimedIds = new Map<string, { hash: string; streamId: string }>();
  const plans = appends.map((append) => {
    const fresh: PreparedEvent[] = [];
    for (const event of append.unique) {
      const row = storedById.get(event.eventId);
      const claimed = claimedIds.get(event.eventId);
      if (row && row.content_hash !== event.hash) {
        throw new EventIdConflictError(event.eventId, row.stream_id, Number(row.global_position), append.streamId);
      }
      if (claimed && claimed.hash !== event.hash) {
        throw new EventIdConflictError(
          event.eventId,
          claimed.streamId,
          null,
          append.streamId,
          `is also given for stream '${claimed.streamId}' in the same append`,
        );
      }
      if (!row) fresh.push(event);
      claimedIds.set(event.eventId, { hash: event.hash, streamId: append.streamId });
    }
    const freshIds = new Set(fresh.map((e) => e.eventId));
    const firstSeen = new Set<string>();
    const perEvent = append.statuses.map((eventId) => {
      const status: AppendedEventStatus = freshIds.has(eventId) && !firstSeen.has(eventId) ? 'appended' : 'duplicate';
      firstSeen.add(eventId);
      return { eventId, status };
    });
    return { append, fresh, perEvent, version: 0 };
  });

  // Versions: streams expecting 'any' in one statement, the others one by one (each checked).
  const writing = plans.filter((p) => p.fresh.length > 0);
  const anyVersion = writing.filter((p) => p.append.expectedVersion === 'any');
  if (anyVersion.length > 0) {
    const rows = await tx.query<{ stream_id: string; version: string | number }>(
      `INSERT INTO event_store.streams (stream_id, category, version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (stream_id) DO UPDATE SET version = event_store.streams.version + EXCLUDED.version, updated_at = now()
       RETURNING stream_id, version`,
      [anyVersion.map((p) => p.append.streamId), anyVersion.map((p) => streamCategory(p.append.streamId)), anyVersion.map((p) => p.fresh.length)],
    );
    const versions = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
    for (const p of anyVersion) p.version = versions.get(p.append.streamId)!;
  }
  for (const p of writing) {
    if (p.append.expectedVersion !== 'any') p.version = await claimVersions(tx, p.append.streamId, p.fresh.length, p.append.expectedVersion);
  }

  const lastPositions = new Map<string, number>();
  if (writing.length > 0) {
    // One JSON document carries every event: PostgreSQL parses it once, and the already
    // serialised data and metadata are spliced in as they are (no array-literal escaping).
    let ord = 0;
    const rows = writing
      .flatMap((p) => {
        const streamId = JSON.stringify(p.append.streamId);
        const category = JSON.stringify(streamCategory(p.append.streamId));
        const first = p.version - p.fresh.length;
        return p.fresh.map(
          (e, i) =>
            `{"ord":${ord++},"event_id":"${e.eventId}","stream_id":${streamId},"category":${category},"stream_version":${first + i + 1},"event_type":"${e.type}",` +
            `"schema_version":${e.schemaVersion},"data":${e.data},"metadata":${e.metadata},"occurred_at":"${e.occurredAt}","content_hash":"${e.hash}"}`,
        );
      })
      .join(',');
    const inserted = await tx.query<{ stream_id: string; last_position: string | number }>(
      `WITH ins AS (
         INSERT INTO event_store.events
           (event_id, stream_id, stream_version, category, event_type, schema_version, data, metadata, occurred_at, content_hash)
         SELECT r.event_id, r.stream_id, r.stream_version, r.category, r.event_type, r.schema_version, r.data, r.metadata, r.occurred_at, r.content_hash
           FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, stream_id text, category text, stream_version bigint,
                                                    event_type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz, content_hash text, ord bigint)
          ORDER BY r.ord
         RETURNING stream_id, global_position),
       per_stream AS (SELECT stream_id, max(global_position) AS last_position FROM ins GROUP BY stream_id)
       SELECT stream_id, last_position, pg_notify('${APPEND_CHANNEL}', (SELECT max(last_position) FROM per_stream)::text)
         FROM per_stream`,
      [`[${rows}]`],
    );
    for (const row of inserted) lastPositions.set(row.stream_id, Number(row.last_position));
  }

  const results: AppendResult[] = [];
  for (const p of plans) {
    if (p.fresh.length === 0) {
      // An identical resubmission: nothing to write, whatever the stream's version is now.
      results.push({
        status: 'duplicate',
        streamId: p.append.streamId,
        nextExpectedVersion: await versionIn(tx, p.append.streamId),
        lastGlobalPosition: null,
        events: p.perEvent,
      });
    } else {
      results.push({
        status: 'appended',
        streamId: p.append.streamId,
        nextExpectedVersion: p.version,
        lastGlobalPosition: lastPositions.get(p.append.streamId) ?? null,
        events: p.perEvent,
      });
    }
  }
  return { results, metStored: stored.length > 0 };
}

/** Moves the stream's version on by `count` if it is what the writer expected; returns the new version. */
async function claimVersions(tx: SqlQueryable, streamId: string, count: number, expected: ExpectedVersion): Promise<number> {
  let rows: Array<{ version: string | number }>;
  if (expected === 'any') {
    rows = await tx.query(
      `INSERT INTO event_store.streams (stream_id, category, version) VALUES ($1, $2, $3)
       ON CONFLICT (stream_id) DO UPDATE SET version = event_store.streams.version + $3, updated_at = now()
       RETURNING version`,
      [streamId, streamCategory(streamId), count],
    );
  } else if (expected === 'no_stream' || expected === 0) {
    rows = await tx.query(
      `INSERT INTO event_store.streams (stream_id, category, version) VALUES ($1, $2, $3)
       ON CONFLICT (stream_id) DO NOTHING RETURNING version`,
      [streamId, streamCategory(streamId), count],
    );
  } else if (expected === 'stream_exists') {
    rows = await tx.query(`UPDATE event_store.streams SET version = version + $2, updated_at = now() WHERE stream_id = $1 RETURNING version`, [
      streamId,
      count,
    ]);
  } else {
    rows = await tx.query(
      `UPDATE event_store.streams SET version = version + $3, updated_at = now()
        WHERE stream_id = $1 AND version = $2 RETURNING version`,
      [streamId, expected, count],
    );
  }
  const row = rows[0];
  if (!row) throw new WrongExpectedVersionError(streamId, expected, await versionIn(tx, streamId));
  return Number(row.version);
}

export async function versionIn(q: SqlQueryable, streamId: string): Promise<number> {
  const rows = await q.query<{ version: string | number }>('SELECT version FROM event_store.streams WHERE stream_id = $1', [streamId]);
  return rows[0] ? Number(rows[0].version) : 0;
}
