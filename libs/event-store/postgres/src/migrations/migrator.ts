import { createHash } from 'node:crypto';
import type { SqlDatabase } from '../sql/sql-database';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationReport {
  readonly applied: readonly number[];
  readonly current: number;
}

/** Serialises migrators across processes sharing one database (any constant works). */
const MIGRATION_LOCK = 7_304_211_905;

/**
 * Applies the migrations not yet applied, in version order, each in its own transaction with
 * its row in `<schema>.schema_migrations` (default schema `event_store`). Safe to run on every start, from several
 * processes at once: an advisory lock serialises them and applied versions are skipped.
 * An applied migration whose text has since changed is an error: history is never rewritten.
 */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[], options: { schema?: string } = {}): Promise<MigrationReport> {
  const schema = options.schema ?? 'event_store';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Schema name '${schema}' must be a lower-case identifier`);
  const table = `${schema}.schema_migrations`;
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  await db.exec(`
    CREATE SCHEMA IF NOT EXISTS ${schema};
    CREATE TABLE IF NOT EXISTS ${table} (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );`);
  const applied: number[] = [];
  for (const migration of sorted) {
    const checksum = createHash('sha256').update(migration.sql).digest('hex');
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const rows = await tx.query<{ checksum: string }>(`SELECT checksum FROM ${table} WHERE version = $1`, [migration.version]);
      const existing = rows[0];
      if (existing) {
        if (existing.checksum !== checksum) {
          throw new Error(
            `Migration ${migration.version} ('${migration.name}') was changed after it was applied; add a new migration instead of editing a released one`,
          );
        }
        return false;
      }
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query(`INSERT INTO ${table} (version, name, checksum) VALUES ($1, $2, $3)`, [migration.version, migration.name, checksum]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return { applied, current: sorted.at(-1)?.version ?? 0 };
}

/**
 * Splits a migration into statements at top-level semicolons, keeping quoted strings,
 * dollar-quoted bodies (DO blocks, functions) and comments whole, so each runs as one statement in the transaction.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let dollarTag: string | null = null;
  let inString = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (dollarTag) {
      if (sql.startsWith(dollarTag, i)) {
        current += dollarTag;
        i += dollarTag.length - 1;
        dollarTag = null;
      } else current += ch;
      continue;
    }
    if (inString) {
      current += ch;
      if (ch === "'") inString = false; // a doubled '' re-enters on the next character
      continue;
    }
    if (ch === "'") {
      inString = true;
      current += ch;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      current += '\n';
      continue;
    }
    if (ch === '$') {
      const match = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (match) {
        dollarTag = match[0];
        current += dollarTag;
        i += dollarTag.length - 1;
        continue;
      }
    }
    if (ch === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
