import { migrate, type Migration, type SqlDatabase } from '@gpds/event-store-postgres';

/**
 * The audit trail's schema. Append-only twice over, as the event store's events are:
 * - by grant: the application role `gpds_app` may INSERT and SELECT entries (and draw their
 *   sequence numbers), never UPDATE, DELETE or TRUNCATE them;
 * - by trigger: any UPDATE, DELETE or TRUNCATE statement is refused, whoever runs it, so not even
 *   the owner (or a superuser at a psql prompt) rewrites the trail by accident. Removing the
 *   triggers takes a deliberate DROP TRIGGER by the owner.
 *
 * A released migration never changes (the migrator refuses a changed checksum): add a new one.
 */
export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit trail: append-only entries',
    sql: `
CREATE TABLE IF NOT EXISTS audit.entries (
  seq             bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  kind            text NOT NULL CHECK (kind IN ('graphql', 'submission', 'key')),
  principal       text NOT NULL,
  principal_kind  text,
  principal_name  text,
  organisation    text,
  role            text,
  scope           text,
  operation       text,
  query_hash      text,
  arguments       jsonb,
  organisations   text[],
  duration_ms     double precision,
  outcome         text NOT NULL,
  details         jsonb
);

CREATE INDEX IF NOT EXISTS entries_at ON audit.entries (at);
CREATE INDEX IF NOT EXISTS entries_principal_at ON audit.entries (principal, at);

CREATE OR REPLACE FUNCTION audit.refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit entries are never changed or removed; record a new entry that corrects or explains an earlier one.';
END
$fn$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON audit.entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_rewrite();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON audit.entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_rewrite();

REVOKE ALL ON audit.entries FROM PUBLIC;
REVOKE ALL ON SEQUENCE audit.entries_seq_seq FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO gpds_app;
GRANT SELECT, INSERT ON audit.entries TO gpds_app;
GRANT USAGE ON SEQUENCE audit.entries_seq_seq TO gpds_app;
`,
  },
];

/**
 * Creates or upgrades the audit schema. Runs as the database owner, after the event store's own
 * migrations (which create the `gpds_app` role): pass it as openEventStore's `asOwner` hook.
 */
export async function migrateAudit(owner: SqlDatabase): Promise<void> {
  await migrate(owner, AUDIT_MIGRATIONS, { schema: 'audit' });
}
