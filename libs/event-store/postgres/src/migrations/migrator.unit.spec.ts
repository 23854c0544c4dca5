import { EVENT_STORE_MIGRATIONS } from './event-store-migrations';
import { splitStatements } from './migrator';

describe('splitStatements', () => {
  it('splits at top-level semicolons and keeps DO blocks, strings and comments whole', () => {
    const sql = `
      CREATE TABLE a (x text DEFAULT 'semi;colon'); -- a comment; with a semicolon
      DO $$ BEGIN PERFORM 1; PERFORM 'it''s'; END $$;
      DO $body$ BEGIN RAISE NOTICE 'x;y'; END $body$;
      SELECT 1`;
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (x text DEFAULT 'semi;colon')",
      "DO $$ BEGIN PERFORM 1; PERFORM 'it''s'; END $$",
      "DO $body$ BEGIN RAISE NOTICE 'x;y'; END $body$",
      'SELECT 1',
    ]);
  });

  it('splits the released migrations into whole statements', () => {
    const statements = splitStatements(EVENT_STORE_MIGRATIONS[0]!.sql);
    expect(statements.some((s) => s.startsWith('DO $$') && s.endsWith('$$'))).toBe(true);
    expect(statements.every((s) => !s.endsWith(';'))).toBe(true);
  });
});
