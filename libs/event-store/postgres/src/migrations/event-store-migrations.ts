import type { Migration } from './migrator';

/**
 * The event store's schema. A migration, once released, never changes (the migrator refuses a
 * changed checksum): add a new one instead.
 *
 * Append-only by grant: the application role `gpds_app` may SELECT and INSERT events, never
 * UPDATE, DELETE or TRUNCATE them. Only the streams' version counters and the subscribers'
 * checkpoints are updatable.
 */
export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event store: streams, events, checkpoints, application role',
    sql: `
CREATE SCHEMA IF NOT EXISTS event_store;

CREATE TABLE IF NOT EXISTS event_store.streams (
  stream_id   text PRIMARY KEY,
  category    text NOT NULL,
  version     bigint NOT NULL CHECK (version >= 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS event_store.events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid NOT NULL,
  stream_id       text NOT NULL,
  stream_version  bigint NOT NULL CHECK (stream_version >= 1),
  category        text NOT NULL,
  event_type      text NOT NULL,
  schema_version  integer NOT NULL CHECK (schema_version >= 1),
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  content_hash    text NOT NULL,
  CONSTRAINT events_event_id_unique UNIQUE (event_id),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

-- Commit order, for catch-up reads: (writing transaction, position).
CREATE INDEX IF NOT EXISTS events_commit_order ON event_store.events (transaction_id, global_position);

CREATE TABLE IF NOT EXISTS event_store.subscription_checkpoints (
  subscriber_id   text PRIMARY KEY,
  transaction_id  xid8 NOT NULL,
  global_position bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gpds_app') THEN
    CREATE ROLE gpds_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database's migrator created it at the same moment
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA event_store FROM PUBLIC;
GRANT USAGE ON SCHEMA event_store TO gpds_app;
GRANT SELECT, INSERT ON event_store.events TO gpds_app;
GRANT SELECT, INSERT, UPDATE ON event_store.streams TO gpds_app;
GRANT SELECT, INSERT, UPDATE ON event_store.subscription_checkpoints TO gpds_app;
GRANT SELECT ON event_store.schema_migrations TO gpds_app;
`,
  },
  {
    version: 2,
    name: 'event store: commit-order index per category',
    sql: `
-- Category-filtered catch-up reads (projections, the live organisation directory) walk only their
-- category in commit order, instead of scanning every later event of every category.
CREATE INDEX IF NOT EXISTS events_category_commit_order ON event_store.events (category, transaction_id, global_position);
`,
  },
  {
    version: 3,
    name: 'event store: commit-order reads planned the same whatever the statistics',
    sql: `
-- A catch-up read must walk the commit-order index and stop after its batch. With statistics that
-- lag behind a bulk load (autovacuum off, or not run yet) the planner estimated a handful of rows
-- and sorted every later event for each batch instead: quadratic catch-up. A function's SET
-- clauses apply to its own queries only, so this one read is pinned to the index.
CREATE OR REPLACE FUNCTION event_store.read_all(after_tx xid8, after_pos bigint, types text[], categories text[], max_rows integer, below xid8)
RETURNS SETOF event_store.events
LANGUAGE sql STABLE
SET enable_sort = off
SET enable_bitmapscan = off
SET enable_seqscan = off
AS $fn$
  SELECT * FROM event_store.events ev
   WHERE ev.transaction_id >= after_tx
     AND (ev.transaction_id, ev.global_position) > (after_tx, after_pos)
     AND ev.transaction_id < below
     AND (types IS NULL OR ev.event_type = ANY(types))
     AND (categories IS NULL OR ev.category = ANY(categories))
   ORDER BY ev.transaction_id, ev.global_position
   LIMIT max_rows
$fn$;
`,
  },
  {
    version: 4,
    name: 'event store: commit-order reads held in memory',
    sql: `
-- A batch of read_all's rows (up to 10,000 events, a few MB) is handed back in a tuplestore, which
-- spilled to disk past the default work_mem of 4MB (EXPLAIN showed 5.5MB written and read back per
-- batch). The function's own work_mem keeps it in memory; work_mem is a threshold, not an
-- allocation, so a larger batch still spills rather than grows without bound.
ALTER FUNCTION event_store.read_all(xid8, bigint, text[], text[], integer, xid8) SET work_mem = '32MB';
`,
  },
];
