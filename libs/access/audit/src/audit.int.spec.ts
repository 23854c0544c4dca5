import { createHmac, randomBytes } from 'node:crypto';
import type { Principal } from '@gpds/access';
import { sqlState, type OpenedEventStore, type SqlDatabase } from '@gpds/event-store-postgres';
import { pglite, postgresServer, type TestDatabase, type TestDatabaseFactory } from '@gpds/event-store-testing';
import { migrateAudit } from './audit-migrations';
import { type AuditEntryInput, AuditLog, AuditLogError } from './audit-log';
import { hashQuery } from './redact';
import { AuditQueryError } from './trail-query';

const analyst: Principal = { id: 'key:A1b2C3d4E5f6G7h8', kind: 'api-key', organisation: '16C', role: 'analyst', scope: '16C' };
const person: Principal = { id: 'oidc:uid-7', kind: 'oidc', organisation: 'Y56', role: 'admin', scope: 'ENG', name: 'Dr A Example' };
const period = { from: '2000-01-01', to: '2000-12-31' };

function graphql(principal: AuditEntryInput['principal'], n: number, at = new Date(Date.UTC(2000, 5, 1, 0, 0, n))): AuditEntryInput {
  return {
    kind: 'graphql',
    principal,
    operation: 'Utilisation',
    queryHash: hashQuery(`query Utilisation { n${n} }`),
    arguments: { n, organisation: '16C' },
    organisations: ['16C'],
    durationMs: 1.5,
    outcome: 'ok',
    at,
  };
}

/** A real HS256 JWT. */
function jwt(): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ sub: 'uid-7', aud: 'gpds' })).toString('base64url');
  return `${head}.${body}.${createHmac('sha256', randomBytes(16)).update(`${head}.${body}`).digest('base64url')}`;
}

describe.each<[string, TestDatabaseFactory]>([
  ['PGlite', pglite],
  ['PostgreSQL', postgresServer],
])('the audit trail on %s', (_name, factory) => {
  let database: TestDatabase;
  let opened: OpenedEventStore;
  /** The application's connection: works as gpds_app. */
  let app: SqlDatabase;
  const errors: unknown[] = [];
  const logs: AuditLog[] = [];

  /** A log on the app's connection that never flushes by itself unless asked to. */
  function auditLog(options: { flushEveryMs?: number; maxBuffered?: number } = {}): AuditLog {
    const log = new AuditLog(app, { flushEveryMs: 3_600_000, ...options, onError: (error) => errors.push(error) });
    logs.push(log);
    return log;
  }

  /**
   * Runs SQL as the database's owner while the store is open: on the server a connection of its
   * own; PGlite has one connection, whose session is the owner's under `SET ROLE gpds_app`.
   */
  async function asOwner<Row>(sql: string): Promise<Row[]> {
    if (database.engine === 'postgres') return database.asOwner((owner) => owner.query<Row>(sql));
    await app.exec('RESET ROLE');
    try {
      return await app.query<Row>(sql);
    } finally {
      await app.exec('SET ROLE gpds_app');
    }
  }

  async function failureOf(promise: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
    try {
      await promise;
    } catch (error) {
      return { code: sqlState(error), message: error instanceof Error ? error.message : String(error) };
    }
    throw new Error('expected the statement to fail');
  }

  beforeAll(async () => {
    database = await factory.create('audit');
    opened = await database.open({ asOwner: migrateAudit });
    app = opened.store.db;
  });
  beforeEach(async () => {
    errors.length = 0;
    // Each test reads its own year; the trail itself can never be emptied.
  });
  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await opened.close();
    await database.dispose();
  });

  it('writes entries and reads them back in order, a page at a time, for one principal or all', async () => {
    const log = auditLog();
    for (let n = 0; n < 5; n++) {
      log.record(graphql(analyst, n));
      log.record({ ...graphql(person, n), kind: n === 4 ? 'key' : 'graphql', operation: n === 4 ? 'revoke' : 'Utilisation' });
    }
    await log.flush();

    const first = await log.trail({ ...period, first: 4 });
    expect(first.totalCount).toBe(10);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.nodes.map((e) => [e.principal, (e.arguments as { n: number }).n])).toEqual([
      ['key:A1b2C3d4E5f6G7h8', 0],
      ['oidc:uid-7', 0],
      ['key:A1b2C3d4E5f6G7h8', 1],
      ['oidc:uid-7', 1],
    ]);
    expect(first.nodes[1]).toEqual({
      seq: expect.stringMatching(/^\d+$/),
      at: '2000-06-01T00:00:00.000Z',
      kind: 'graphql',
      principal: 'oidc:uid-7',
      principalKind: 'oidc',
      principalName: 'Dr A Example',
      organisation: 'Y56',
      role: 'admin',
      scope: 'ENG',
      operation: 'Utilisation',
      queryHash: hashQuery('query Utilisation { n0 }'),
      arguments: { n: 0, organisation: '16C' },
      organisations: ['16C'],
      durationMs: 1.5,
      outcome: 'ok',
      details: null,
    });
    const second = await log.trail({ ...period, first: 4, after: first.pageInfo.endCursor });
    const third = await log.trail({ ...period, first: 4, after: second.pageInfo.endCursor });
    expect([second.nodes.length, second.pageInfo.hasNextPage, third.nodes.length, third.pageInfo.hasNextPage]).toEqual([4, true, 2, false]);
    const seqs = [...first.nodes, ...second.nodes, ...third.nodes].map((e) => BigInt(e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(seqs).size).toBe(10);

    const mine = await log.trail({ ...period, principal: 'key:A1b2C3d4E5f6G7h8' });
    expect([mine.totalCount, mine.nodes.map((e) => (e.arguments as { n: number }).n)]).toEqual([5, [0, 1, 2, 3, 4]]);
    const keyChanges = await log.trail({ ...period, principal: 'oidc:uid-7', kind: 'key' });
    expect(keyChanges.nodes.map((e) => e.operation)).toEqual(['revoke']);
    const june2 = await log.trail({ from: '2000-06-01T00:00:02Z', to: '2000-06-01T00:00:04Z' });
    expect(june2.nodes.map((e) => (e.arguments as { n: number }).n)).toEqual([2, 2, 3, 3]);
    const none = await log.trail({ from: '1999-01-01', to: '1999-02-01' });
    expect(none).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
    await expect(log.trail({ ...period, after: 'bogus' })).rejects.toMatchObject({ name: 'AuditQueryError', argument: 'after' });
    await expect(log.trail({ from: '2000-02-01', to: '2000-01-01' })).rejects.toBeInstanceOf(AuditQueryError);
  });

  it('is append-only: the app role may not UPDATE, DELETE or TRUNCATE entries, and even the owner is refused by the trigger', async () => {
    const log = auditLog();
    log.record(graphql(analyst, 0, new Date(Date.UTC(2001, 0, 1))));
    await log.flush();

    for (const statement of ["UPDATE audit.entries SET outcome = 'forged'", 'DELETE FROM audit.entries', 'TRUNCATE audit.entries']) {
      expect(await failureOf(app.query(statement))).toEqual({ code: '42501', message: 'permission denied for table entries' });
    }
    expect(await failureOf(app.query("SELECT setval('audit.entries_seq_seq', 1)"))).toMatchObject({ code: '42501' });
    expect(await failureOf(app.query('SELECT * FROM audit.schema_migrations'))).toMatchObject({ code: '42501' });

    expect(await failureOf(asOwner("UPDATE audit.entries SET outcome = 'forged'"))).toEqual({
      code: '42501',
      message: 'the audit trail is append-only: UPDATE on audit.entries is refused',
    });
    expect((await failureOf(asOwner('DELETE FROM audit.entries WHERE false'))).message).toMatch(/append-only: DELETE/);
    expect((await failureOf(asOwner('TRUNCATE audit.entries'))).message).toMatch(/append-only: TRUNCATE/);

    const kept = await log.trail({ from: '2001-01-01', to: '2001-01-02' });
    expect(kept.nodes.map((e) => e.outcome)).toEqual(['ok']);
  });

  it('never stores a secret: API keys, JWTs and authorization headers are redacted before the insert', async () => {
    const apiKey = `gpds_A1b2C3d4E5f6G7h8_${randomBytes(32).toString('base64url')}`;
    const token = jwt();
    const log = auditLog();
    log.record({
      kind: 'graphql',
      principal: analyst,
      operation: 'Search',
      queryHash: `query Search { search(text: "${apiKey}") }`,
      arguments: { text: apiKey, note: `Bearer ${token}`, authorization: 'Basic dXNlcjpwYXNzd29yZA==', keyId: 'A1b2C3d4E5f6G7h8' },
      organisations: [token],
      outcome: 'ok',
      details: { headers: { Cookie: 'session=abc123' }, echoed: [apiKey] },
      at: new Date(Date.UTC(2002, 0, 1)),
    });
    await log.flush();

    const rows = await asOwner<{ row: string }>("SELECT to_jsonb(e)::text AS row FROM audit.entries e WHERE at >= '2002-01-01' AND at < '2002-01-02'");
    expect(rows).toHaveLength(1);
    const stored = rows[0]?.row ?? '';
    for (const secret of [apiKey, apiKey.slice(22), token, token.split('.')[2] as string, 'dXNlcjpwYXNzd29yZA', 'session=abc123']) {
      expect(stored).not.toContain(secret);
    }
    const [entry] = (await log.trail({ from: '2002-01-01', to: '2002-01-02' })).nodes;
    expect(entry).toMatchObject({
      arguments: { text: '[redacted]', note: 'Bearer [redacted]', authorization: '[redacted]', keyId: 'A1b2C3d4E5f6G7h8' },
      organisations: ['[redacted]'],
      details: { headers: { Cookie: '[redacted]' }, echoed: ['[redacted]'] },
      queryHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('keeps entries whose write failed and writes them on a later flush: none lost, none twice', async () => {
    const log = auditLog();
    const at = (n: number) => new Date(Date.UTC(2003, 0, 1, 0, 0, n));
    log.record(graphql(analyst, 1, at(1)));
    log.record(graphql(analyst, 2, at(2)));
    await asOwner('REVOKE INSERT ON audit.entries FROM gpds_app');
    try {
      expect(await failureOf(log.flush())).toEqual({ code: '42501', message: 'permission denied for table entries' });
      log.record(graphql(analyst, 3, at(3)));
      expect(log.stats).toMatchObject({ buffered: 3, failedInserts: 1, dropped: 0 });
    } finally {
      await asOwner('GRANT INSERT ON audit.entries TO gpds_app');
    }
    await log.flush();
    expect(log.stats).toMatchObject({ buffered: 0, dropped: 0, rejected: 0 });
    const trail = await log.trail({ from: '2003-01-01', to: '2003-01-02' });
    expect(trail.nodes.map((e) => (e.arguments as { n: number }).n)).toEqual([1, 2, 3]);
    expect(errors).toEqual([]);
  });

  it('retries on its own timer while the database refuses, and gives up only the oldest past 10 x maxBuffered, reporting them', async () => {
    const log = auditLog({ flushEveryMs: 20, maxBuffered: 5 });
    const at = (n: number) => new Date(Date.UTC(2004, 0, 1, 0, 0, 0, n));
    await asOwner('REVOKE INSERT ON audit.entries FROM gpds_app');
    try {
      for (let n = 0; n < 70; n++) log.record(graphql(analyst, n, at(n)));
      await until(() => log.stats.failedInserts >= 2);
      await log.flush().catch(() => undefined);
      expect(log.stats).toMatchObject({ buffered: 50, dropped: 20 });
    } finally {
      await asOwner('GRANT INSERT ON audit.entries TO gpds_app');
    }
    await until(() => log.stats.buffered === 0 && log.stats.written === 50);
    const overflows = errors.filter((e): e is AuditLogError => e instanceof AuditLogError && e.reason === 'overflow');
    // The oldest: those waiting longest, and the first batch once its write failed and it waited again.
    const given = overflows.flatMap((e) => e.entries.map((entry) => (entry.arguments as { n: number }).n)).sort((a, b) => a - b);
    expect(given).toEqual(Array.from({ length: 20 }, (_, n) => n));
    const trail = await log.trail({ from: '2004-01-01', to: '2004-01-02', first: 1000 });
    expect(trail.nodes.map((e) => (e.arguments as { n: number }).n)).toEqual(Array.from({ length: 50 }, (_, n) => n + 20));
    // The timer's own failed writes were reported too.
    expect(errors.some((e) => sqlState(e) === '42501')).toBe(true);
  });

  it('sets aside only the entry the database refuses for its data, and writes the rest of the batch', async () => {
    const log = auditLog();
    const at = (n: number) => new Date(Date.UTC(2005, 0, 1, 0, 0, n));
    await asOwner("ALTER TABLE audit.entries ADD CONSTRAINT test_refuses_poison CHECK (operation IS DISTINCT FROM 'poison')");
    try {
      log.record(graphql(analyst, 1, at(1)));
      log.record({ ...graphql(analyst, 2, at(2)), operation: 'poison' });
      log.record(graphql(analyst, 3, at(3)));
      await log.flush();
    } finally {
      await asOwner('ALTER TABLE audit.entries DROP CONSTRAINT test_refuses_poison');
    }
    expect(log.stats).toMatchObject({ buffered: 0, written: 2, rejected: 1 });
    expect(errors).toEqual([expect.objectContaining({ reason: 'refused-by-database', entries: [expect.objectContaining({ operation: 'poison' })] })]);
    const trail = await log.trail({ from: '2005-01-01', to: '2005-01-02' });
    expect(trail.nodes.map((e) => (e.arguments as { n: number }).n)).toEqual([1, 3]);
  });

  it('writes a burst of 1,000 entries in a few INSERTs, and the timer writes what waits without a flush', async () => {
    const log = auditLog({ maxBuffered: 500 });
    const at = new Date(Date.UTC(2006, 0, 1));
    for (let n = 0; n < 1000; n++) log.record(graphql({ id: `key:burst${n % 7}` }, n, at));
    await log.flush();
    expect(log.stats.written).toBe(1000);
    expect(log.stats.inserts).toBeLessThanOrEqual(3);
    const trail = await log.trail({ from: '2006-01-01', to: '2006-01-02', first: 1000 });
    expect(trail.totalCount).toBe(1000);
    expect(trail.nodes.map((e) => (e.arguments as { n: number }).n)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    expect(trail.nodes[0]).toMatchObject({ principal: 'key:burst0', principalKind: null, role: null });

    const timed = auditLog({ flushEveryMs: 20 });
    timed.record(graphql(analyst, 1, new Date(Date.UTC(2007, 0, 1))));
    await until(() => timed.stats.written === 1);
    expect(timed.stats.inserts).toBe(1);
  });

  it('never throws from record(): an invalid entry, or one recorded after close, is reported and counted', async () => {
    const log = auditLog();
    expect(() => log.record({ ...graphql(analyst, 1), kind: 'login' as never })).not.toThrow();
    expect(() => log.record({ ...graphql(analyst, 1), principal: null as never })).not.toThrow();
    await log.close();
    expect(() => log.record(graphql(analyst, 2))).not.toThrow();
    expect(log.stats).toMatchObject({ rejected: 2, dropped: 1, written: 0 });
    expect(errors.map((e) => (e as AuditLogError).reason)).toEqual(['invalid-entry', 'invalid-entry', 'closed']);
  });
});

/** Bounded polling for what the log's timer does in the background. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
