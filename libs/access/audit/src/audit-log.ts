import type { Principal } from '@gpds/access';
import { sqlState, type SqlQueryable } from '@gpds/event-store-postgres';
import { hashQuery, redact, redactText, storable } from './redact';
import { AUDIT_KINDS, type AuditKind, type AuditTrailArgs, encodeCursor, parseTrailArgs } from './trail-query';

/** What the caller knows about one audited action. */
export interface AuditEntryInput {
  readonly kind: AuditKind;
  /** Who: a Principal, or just its id (`key:<keyId>`, `oidc:<sub>`) when nothing more is known. */
  readonly principal: Principal | { readonly id: string };
  /** The GraphQL operation name (or its root fields); 'submit'; 'create', 'rotate' or 'revoke'. */
  readonly operation: string | null;
  /** SHA-256 hex of the query text (see hashQuery); anything else given here is hashed, so no query text is kept. */
  readonly queryHash?: string | null;
  /** Redacted and bounded before it is kept (see redact). */
  readonly arguments?: unknown;
  /** The organisations the action touched. */
  readonly organisations?: readonly string[] | null;
  readonly durationMs?: number | null;
  /** 'ok', or the error code the caller got. */
  readonly outcome: string;
  /** Redacted and bounded as arguments are. */
  readonly details?: unknown;
  /** When it happened; default: when record() was called. */
  readonly at?: Date;
}

/** An entry as it is stored, before it has its sequence number. */
export interface PendingAuditEntry {
  /** ISO 8601, UTC. */
  readonly at: string;
  readonly kind: AuditKind;
  readonly principal: string;
  readonly principalKind: string | null;
  /** A person's name, when their token carries it. */
  readonly principalName: string | null;
  readonly organisation: string | null;
  readonly role: string | null;
  readonly scope: string | null;
  readonly operation: string | null;
  readonly queryHash: string | null;
  readonly arguments: unknown;
  readonly organisations: readonly string[] | null;
  readonly durationMs: number | null;
  readonly outcome: string;
  readonly details: unknown;
}

/** A stored entry. */
export interface AuditEntry extends PendingAuditEntry {
  /** Its place in the trail (a bigint, as a decimal string). */
  readonly seq: string;
}

export interface AuditTrailPage {
  readonly nodes: AuditEntry[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  /** Entries in the period (and principal, kind) on every page. */
  readonly totalCount: number;
}

/** How the log has fared since it was made: for health checks, metrics and tests. */
export interface AuditLogStats {
  /** Entries waiting to be written (not counting a write in flight). */
  readonly buffered: number;
  /** INSERT statements that committed. */
  readonly inserts: number;
  /** INSERT statements that failed (their entries were kept for the next flush unless refused for their data). */
  readonly failedInserts: number;
  readonly written: number;
  /** Entries given up unwritten: the oldest past the buffer's limit, or recorded after close (each reported). */
  readonly dropped: number;
  /** Entries refused as invalid, by record() or by the database (each reported). */
  readonly rejected: number;
}

export interface AuditLogOptions {
  /** How often buffered entries are written (default 200 ms). */
  readonly flushEveryMs?: number;
  /** Entries that, once waiting, are written at once without waiting for the timer (default 500). */
  readonly maxBuffered?: number;
  /** Told of every failure the log cannot report to a caller (default: a process warning). */
  readonly onError?: (error: unknown) => void;
}

/** Why the log could not keep an entry, or a background write failed, as onError is told. */
export class AuditLogError extends Error {
  constructor(
    readonly reason: 'overflow' | 'invalid-entry' | 'refused-by-database' | 'closed',
    message: string,
    /** The entries concerned, already redacted (empty when the input could not be made into one). */
    readonly entries: readonly PendingAuditEntry[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuditLogError';
  }
}

/** Past this many times maxBuffered waiting (the database down for a while), the oldest entries are given up and reported. */
export const AUDIT_OVERFLOW_FACTOR = 10;
const MAX_OPERATION_LENGTH = 1024;
const MAX_TEXT_LENGTH = 256;
const MAX_ORGANISATION_LENGTH = 64;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * One INSERT per flush, however many entries: the whole batch is one jsonb parameter, so there is
 * no bind-parameter limit to split at; WITH ORDINALITY keeps the sequence in recording order.
 */
const INSERT_ENTRIES = `
INSERT INTO audit.entries (at, kind, principal, principal_kind, principal_name, organisation, role, scope, operation, query_hash, arguments, organisations, duration_ms, outcome, details)
SELECT r.at, r.kind, r.principal, r."principalKind", r."principalName", r.organisation, r.role, r.scope, r.operation, r."queryHash", r.arguments, r.organisations, r."durationMs", r.outcome, r.details
  FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
         at timestamptz, kind text, principal text, "principalKind" text, "principalName" text, organisation text, role text, scope text,
         operation text, "queryHash" text, arguments jsonb, organisations text[], "durationMs" double precision, outcome text, details jsonb
       )) WITH ORDINALITY AS r(at, kind, principal, "principalKind", "principalName", organisation, role, scope, operation, "queryHash", arguments, organisations, "durationMs", outcome, details, ord)
 ORDER BY r.ord`;

/** Ordering by the table's seq needs it qualified (e.seq): the output column `seq` is text, which sorts 10 before 9. */
const ENTRY_COLUMNS = `seq::text AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, kind, principal,
  principal_kind AS "principalKind", principal_name AS "principalName", organisation, role, scope, operation, query_hash AS "queryHash",
  arguments, organisations, duration_ms AS "durationMs", outcome, details`;

/**
 * The audit trail (issue 14): every GraphQL operation, submission batch and key change, written
 * append-only to `audit.entries` as the application role (see AUDIT_MIGRATIONS).
 *
 * record() is for request paths: it never waits for the database and never throws. Entries are
 * buffered and written in one INSERT per flush, every flushEveryMs or at once when maxBuffered
 * are waiting. A failed write keeps its entries for the next flush; only past
 * AUDIT_OVERFLOW_FACTOR x maxBuffered are the oldest given up, and then reported through onError
 * and counted, never silently lost.
 */
export class AuditLog {
  private readonly flushEveryMs: number;
  private readonly maxBuffered: number;
  private readonly onError: (error: unknown) => void;
  private readonly timer: NodeJS.Timeout;
  private buffer: PendingAuditEntry[] = [];
  private writing: Promise<void> | null = null;
  /** The last write failed: writes wait for the timer instead of following every record(). */
  private failing = false;
  private closed = false;
  private counts = { inserts: 0, failedInserts: 0, written: 0, dropped: 0, rejected: 0 };

  constructor(
    private readonly db: SqlQueryable,
    options: AuditLogOptions = {},
  ) {
    this.flushEveryMs = options.flushEveryMs ?? 200;
    this.maxBuffered = options.maxBuffered ?? 500;
    this.onError = options.onError ?? warn;
    if (!(this.flushEveryMs > 0) || !Number.isFinite(this.flushEveryMs))
      throw new RangeError(`flushEveryMs must be a positive number of milliseconds, not ${this.flushEveryMs}`);
    if (!Number.isInteger(this.maxBuffered) || this.maxBuffered < 1)
      throw new RangeError(`maxBuffered must be a positive whole number, not ${this.maxBuffered}`);
    this.timer = setInterval(() => this.onTick(), this.flushEveryMs);
    // The trail must not keep a finished process alive; close() writes what is left.
    this.timer.unref();
  }

  /** Buffers one entry (redacted now, so no secret is held even in memory for long). Never throws, never waits. */
  record(entry: AuditEntryInput): void {
    try {
      const pending = pendingEntry(entry, new Date());
      if (this.closed) {
        this.counts.dropped += 1;
        this.report(new AuditLogError('closed', 'An audit entry was recorded after the audit log was closed: it was not written', [pending]));
        return;
      }
      this.buffer.push(pending);
      this.shedOverflow();
      if (this.buffer.length >= this.maxBuffered && !this.writing && !this.failing) this.flushInBackground();
    } catch (error) {
      this.counts.rejected += 1;
      this.report(
        error instanceof AuditLogError
          ? error
          : new AuditLogError('invalid-entry', `An audit entry could not be recorded: ${describe(error)}`, [], { cause: error }),
      );
    }
  }

  /**
   * Writes every entry recorded before the call (after any write already in flight). Rejects when
   * the write fails; the entries then stay buffered for the next flush.
   */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const write = this.write(batch).finally(() => {
      this.writing = null;
    });
    this.writing = write;
    await write;
  }

  /** Stops the timer and writes what is left; rejects when that last write fails. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  get stats(): AuditLogStats {
    return { buffered: this.buffer.length, ...this.counts };
  }

  /**
   * One page of the trail, in recording order (seq ascending), of entries with from <= at < to,
   * optionally of one principal and one kind. Entries this process recorded are written first, so
   * an admin sees their own earlier requests. Throws AuditQueryError for arguments it cannot answer.
   */
  async trail(args: AuditTrailArgs): Promise<AuditTrailPage> {
    const query = parseTrailArgs(args);
    await this.flush().catch((error: unknown) => this.report(error));
    const params: unknown[] = [query.from.toISOString(), query.to.toISOString()];
    const filters = ['at >= $1::timestamptz', 'at < $2::timestamptz'];
    if (query.principal !== null) filters.push(`principal = $${params.push(query.principal)}`);
    if (query.kind !== null) filters.push(`kind = $${params.push(query.kind)}`);
    const [count] = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM audit.entries WHERE ${filters.join(' AND ')}`, params);
    const pageParams = [...params];
    const pageFilters = [...filters];
    if (query.afterSeq !== null) pageFilters.push(`seq > $${pageParams.push(query.afterSeq)}::bigint`);
    const limit = `$${pageParams.push(query.first + 1)}`;
    const rows = await this.db.query<AuditEntry>(
      `SELECT ${ENTRY_COLUMNS} FROM audit.entries e WHERE ${pageFilters.join(' AND ')} ORDER BY e.seq LIMIT ${limit}`,
      pageParams,
    );
    const nodes = rows.slice(0, query.first).map((row) => ({ ...row, durationMs: row.durationMs === null ? null : Number(row.durationMs) }));
    const last = nodes.at(-1);
    return { nodes, pageInfo: { hasNextPage: rows.length > query.first, endCursor: last ? encodeCursor(last.seq) : null }, totalCount: Number(count?.n ?? 0) };
  }

  private onTick(): void {
    if (this.buffer.length > 0 && !this.writing) this.flushInBackground();
  }

  /** A flush nobody awaits: its failure goes to onError; a backlog still over maxBuffered is written straight after. */
  private flushInBackground(): void {
    this.flush().then(
      () => {
        if (this.buffer.length >= this.maxBuffered && !this.writing) this.flushInBackground();
      },
      (error: unknown) => this.report(error),
    );
  }

  private async write(batch: PendingAuditEntry[]): Promise<void> {
    try {
      await this.insert(batch);
      this.failing = false;
    } catch (error) {
      if (!isDataError(error)) return this.keepForRetry(batch, error);
      // Refused for what some entry holds: retrying the batch would fail for ever and block the trail.
      if (batch.length === 1) return this.setAside(batch[0] as PendingAuditEntry, error);
      await this.writeOneByOne(batch);
    }
  }

  /** After a batch was refused for its data: each entry alone, so only the entries the database refuses are set aside. */
  private async writeOneByOne(batch: PendingAuditEntry[]): Promise<void> {
    for (const [index, entry] of batch.entries()) {
      try {
        await this.insert([entry]);
      } catch (error) {
        if (!isDataError(error)) return this.keepForRetry(batch.slice(index), error);
        this.setAside(entry, error);
      }
    }
    this.failing = false;
  }

  private async insert(entries: readonly PendingAuditEntry[]): Promise<void> {
    try {
      await this.db.query(INSERT_ENTRIES, [JSON.stringify(entries)]);
    } catch (error) {
      this.counts.failedInserts += 1;
      throw error;
    }
    this.counts.inserts += 1;
    this.counts.written += entries.length;
  }

  private keepForRetry(entries: PendingAuditEntry[], error: unknown): never {
    this.failing = true;
    this.buffer = entries.concat(this.buffer);
    this.shedOverflow();
    throw error;
  }

  private setAside(entry: PendingAuditEntry, error: unknown): void {
    this.counts.rejected += 1;
    this.report(
      new AuditLogError('refused-by-database', `The database refused an audit entry (${describe(error)}); it was set aside`, [entry], { cause: error }),
    );
  }

  /** Gives up the oldest entries past the limit, reporting them: memory stays bounded while the database is away. */
  private shedOverflow(): void {
    const limit = this.maxBuffered * AUDIT_OVERFLOW_FACTOR;
    if (this.buffer.length <= limit) return;
    const dropped = this.buffer.splice(0, this.buffer.length - limit);
    this.counts.dropped += dropped.length;
    this.report(
      new AuditLogError(
        'overflow',
        `${dropped.length} audit entries were given up unwritten: more than ${limit} were waiting for the database; find why writes to audit.entries fail`,
        dropped,
      ),
    );
  }

  /** onError, which must not turn record() into a call that throws. */
  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // A failing error handler has nowhere left to report to.
    }
  }
}

/** The stored form of an input: checked, redacted, bounded and safe for text and jsonb. */
function pendingEntry(input: AuditEntryInput, now: Date): PendingAuditEntry {
  if (!(AUDIT_KINDS as readonly string[]).includes(input.kind))
    throw new Error(`kind must be one of ${AUDIT_KINDS.join(', ')}, not ${JSON.stringify(input.kind)}`);
  const principal: Partial<Principal> = input.principal ?? {};
  if (typeof principal.id !== 'string' || principal.id === '') throw new Error('principal must have an id such as key:<keyId> or oidc:<sub>');
  if (typeof input.outcome !== 'string' || input.outcome === '') throw new Error("outcome must be 'ok' or an error code");
  return {
    at: instant(input.at) ?? now.toISOString(),
    kind: input.kind,
    principal: storable(principal.id),
    principalKind: text(principal.kind),
    principalName: text(principal.name),
    organisation: text(principal.organisation),
    role: text(principal.role),
    scope: text(principal.scope),
    operation: text(input.operation, MAX_OPERATION_LENGTH),
    queryHash: queryHashOf(input.queryHash),
    arguments: input.arguments === undefined ? null : redact(input.arguments),
    organisations: Array.isArray(input.organisations) ? input.organisations.map((code) => text(code, MAX_ORGANISATION_LENGTH) ?? '') : null,
    durationMs: typeof input.durationMs === 'number' && Number.isFinite(input.durationMs) ? input.durationMs : null,
    outcome: text(input.outcome) ?? input.outcome,
    details: input.details === undefined ? null : redact(input.details),
  };
}

/** A text column's value: secrets redacted, bounded, storable. */
function text(value: unknown, maxLength = MAX_TEXT_LENGTH): string | null {
  if (value === null || value === undefined) return null;
  return storable(redactText(String(value)).slice(0, maxLength));
}

function queryHashOf(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return SHA256_HEX.test(value) ? value.toLowerCase() : hashQuery(value);
}

/** A time PostgreSQL's timestamptz holds (years 1 to 9999), or null for the time of recording. */
function instant(value: Date | undefined): string | null {
  if (!(value instanceof Date)) return null;
  const year = value.getUTCFullYear();
  return Number.isNaN(year) || year < 1 || year > 9999 ? null : value.toISOString();
}

/**
 * Data exceptions (class 22) and integrity violations (23): the entries themselves are refused,
 * so the same batch would fail again. Anything else (a connection, a grant) may pass on retry.
 */
function isDataError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)));
}
