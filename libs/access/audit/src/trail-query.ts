/** What an audit entry records: a GraphQL operation, a submission batch, or a change to a key. */
export const AUDIT_KINDS = ['graphql', 'submission', 'key'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** Page size when none is asked for, and the most one page may hold. */
export const DEFAULT_TRAIL_PAGE = 100;
export const MAX_TRAIL_PAGE = 1000;
/** The longest period one trail query may cover: a year, leap day included. */
export const MAX_TRAIL_DAYS = 366;

const DAY_MS = 86_400_000;
/** A date, or a date and time with its zone (`Z` or `±hh:mm`): never a local time that depends on the server. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/** An argument of `trail()` that cannot be answered: `argument` names which, for the API's error. */
export class AuditQueryError extends Error {
  constructor(
    readonly argument: 'from' | 'to' | 'principal' | 'kind' | 'first' | 'after',
    message: string,
  ) {
    super(message);
    this.name = 'AuditQueryError';
  }
}

export interface AuditTrailArgs {
  /** Inclusive: an ISO date (`2025-01-01`, midnight UTC) or date-time with zone, or a Date. */
  readonly from: string | Date;
  /** Exclusive, as `from`; at most 366 days after it. */
  readonly to: string | Date;
  /** A principal id such as `key:abc` or `oidc:<sub>`; all principals when absent. */
  readonly principal?: string | null;
  readonly kind?: string | null;
  /** Default 100, at most 1000. */
  readonly first?: number | null;
  /** The `endCursor` of the previous page. */
  readonly after?: string | null;
}

/** The trail's arguments, checked. */
export interface AuditTrailQuery {
  readonly from: Date;
  readonly to: Date;
  readonly principal: string | null;
  readonly kind: AuditKind | null;
  readonly first: number;
  /** Entries after this sequence number (a decimal string), or from the start. */
  readonly afterSeq: string | null;
}

/** Checks `trail()`'s arguments, or throws an AuditQueryError naming the first one that is wrong and how to put it right. */
export function parseTrailArgs(args: AuditTrailArgs): AuditTrailQuery {
  const from = instant('from', args.from);
  const to = instant('to', args.to);
  if (from.getTime() >= to.getTime()) {
    throw new AuditQueryError('to', `to (${to.toISOString()}) must be later than from (${from.toISOString()}): the period is from inclusive, to exclusive`);
  }
  if (to.getTime() - from.getTime() > MAX_TRAIL_DAYS * DAY_MS) {
    throw new AuditQueryError(
      'to',
      `the period from ${from.toISOString()} to ${to.toISOString()} is longer than ${MAX_TRAIL_DAYS} days: ask for a year or less at a time`,
    );
  }
  return {
    from,
    to,
    principal: principal(args.principal),
    kind: kind(args.kind),
    first: first(args.first),
    afterSeq: args.after == null ? null : decodeCursor(args.after),
  };
}

/** The opaque cursor of an entry: base64 of its sequence number. */
export function encodeCursor(seq: string): string {
  return Buffer.from(seq, 'utf8').toString('base64');
}

/** The sequence number a cursor stands for, or an AuditQueryError for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string): string {
  const seq = typeof cursor === 'string' ? Buffer.from(cursor, 'base64').toString('utf8') : '';
  if (!/^[1-9]\d{0,17}$/.test(seq) || encodeCursor(seq) !== cursor) {
    throw new AuditQueryError(
      'after',
      `after ${JSON.stringify(cursor)} is not a cursor of the audit trail: pass the endCursor of the previous page, or leave it out`,
    );
  }
  return seq;
}

function instant(argument: 'from' | 'to', value: string | Date): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new AuditQueryError(argument, `${argument} is not a valid date`);
    return value;
  }
  const match = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  const parsed = match && isCalendarValid(match) ? new Date(value) : null;
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw new AuditQueryError(
      argument,
      `${argument} ${JSON.stringify(value)} is not a date: give an ISO date such as 2025-01-31 (midnight UTC) or a date-time with its zone such as 2025-01-31T09:30:00Z`,
    );
  }
  return parsed;
}

/** Rejects what Date would roll over (31 February, 25:00) instead of refusing. */
function isCalendarValid(match: RegExpExecArray): boolean {
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  if (month === undefined || month < 1 || month > 12 || day === undefined || year === undefined) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
}

function principal(value: string | null | undefined): string | null {
  if (value == null) return null;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AuditQueryError('principal', 'principal must be a principal id such as key:<keyId> or oidc:<subject>, or left out for every principal');
  }
  return value;
}

function kind(value: string | null | undefined): AuditKind | null {
  if (value == null) return null;
  if (!(AUDIT_KINDS as readonly string[]).includes(value)) {
    throw new AuditQueryError('kind', `kind must be one of ${AUDIT_KINDS.join(', ')}, not ${JSON.stringify(value)}`);
  }
  return value as AuditKind;
}

function first(value: number | null | undefined): number {
  if (value == null) return DEFAULT_TRAIL_PAGE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TRAIL_PAGE) {
    throw new AuditQueryError('first', `first must be a whole number from 1 to ${MAX_TRAIL_PAGE}, not ${value}: page through longer trails with after`);
  }
  return value;
}
