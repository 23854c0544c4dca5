import { BEGINNING, OPEN_END } from '@gpds/analytics';
import { CAPABILITIES, CARBON_FOOTPRINTS, METRICS } from '@gpds/shared-reference-data';

/** The levels of the organisation hierarchy, lowest first. */
export const LEVELS = ['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION', 'NATIONAL'] as const;
export type Level = (typeof LEVELS)[number];

/** How a roll-up splits time. Without one, the whole range is one period. */
export const GRANULARITIES = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'FINANCIAL_YEAR'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The code of England, the one NATIONAL organisation. */
export const NATIONAL_CODE = 'ENG';

/** The most rows one list answers with; `first` above it is refused. */
export const MAX_PAGE_SIZE = 1_000;
export const DEFAULT_PAGE_SIZE = 100;

/**
 * A query argument that cannot be answered: names the argument, says what is wrong and what
 * would do. The GraphQL layer turns it into a BAD_USER_INPUT error with `argument` set.
 */
export class QueryArgumentError extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
    this.name = 'QueryArgumentError';
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a calendar date 'YYYY-MM-DD' (ClickHouse Date covers 1970-01-01..2149-06-06). */
export function isoDate(argument: string, value: string): string {
  const match = ISO_DATE.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : null;
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new QueryArgumentError(argument, `'${value}' is not a calendar date: write YYYY-MM-DD, e.g. 2025-12-01`);
  }
  if (value < BEGINNING || value > OPEN_END) throw new QueryArgumentError(argument, `'${value}' is outside ${BEGINNING}..${OPEN_END}`);
  return value;
}

/** An instant for knownAt, as the 'YYYY-MM-DD hh:mm:ss.sss' UTC text ClickHouse DateTime64(3) parameters take. */
export function instant(argument: string, value: string): string {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw new QueryArgumentError(argument, `'${value}' is not a date-time: write ISO 8601 with a zone, e.g. 2026-01-15T09:00:00Z`);
  }
  return clickhouseInstant(new Date(time));
}

/**
 * A question's knowledge time: `asked`, the checked knownAt (null without one: then the current
 * hierarchy answers), and `knownAt`, the instant the facts are read as known at (asked, or now).
 */
export function knowledgeTime(given: string | null | undefined): { knownAt: string; asked: string | null } {
  const asked = given ? instant('knownAt', given) : null;
  return { knownAt: asked ?? clickhouseInstant(new Date()), asked };
}

export function clickhouseInstant(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** ClickHouse's 'YYYY-MM-DD hh:mm:ss[.sss]' (UTC) as ISO 8601: 'YYYY-MM-DDThh:mm:ss.sssZ'. */
export function isoInstant(text: string): string {
  return `${text.replace(' ', 'T')}${text.includes('.') ? '' : '.000'}Z`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function capabilityCode(argument: string, value: string): string {
  if (!CAPABILITIES.has(value)) {
    throw new QueryArgumentError(
      argument,
      `'${value}' is not in the capability catalogue (v${CAPABILITIES.version}): use one of ${CAPABILITIES.codes().join(', ')}`,
    );
  }
  return value;
}

export function metricCode(argument: string, capability: string, value: string): string {
  const metric = METRICS.get(value);
  const ofCapability = METRICS.entries.filter((m) => m.capability === capability).map((m) => m.code);
  if (!metric) {
    throw new QueryArgumentError(
      argument,
      `'${value}' is not in the metric catalogue (v${METRICS.version}): for ${capability} use one of ${ofCapability.join(', ') || '(none yet)'}`,
    );
  }
  if (metric.capability !== capability) {
    throw new QueryArgumentError(
      argument,
      `'${value}' measures ${metric.capability}, not ${capability}: for ${capability} use one of ${ofCapability.join(', ') || '(none yet)'}`,
    );
  }
  return value;
}

export function footprintCode(argument: string, value: string): string {
  const codes = CARBON_FOOTPRINTS.map((f) => f.code);
  if (!codes.includes(value)) throw new QueryArgumentError(argument, `'${value}' is not a carbon footprint: use one of ${codes.join(', ')}`);
  return value;
}

export function dateRange(from: string, to: string): { from: string; to: string } {
  isoDate('from', from);
  isoDate('to', to);
  if (from > to) throw new QueryArgumentError('to', `${to} is before from (${from}): the range is from..to, both inclusive`);
  return { from, to };
}

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

/** `first` and the opaque `after` cursor of a list: the cursor holds the offset of the next row. */
export function page(first: number | null | undefined, after: string | null | undefined): Page {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new QueryArgumentError('first', `${String(first)} rows asked for: ask for 1 to ${MAX_PAGE_SIZE} at a time and page on with 'after'`);
  }
  if (!after) return { limit, offset: 0 };
  const offset = decodeCursor(after);
  if (offset === null) throw new QueryArgumentError('after', `'${after}' is not a cursor this API gave out: pass pageInfo.endCursor of the previous page`);
  return { limit, offset };
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | null {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? Number(match[1]) : null;
}

export function level(argument: string, value: string): Level {
  if (!(LEVELS as readonly string[]).includes(value)) throw new QueryArgumentError(argument, `'${value}' is not a level: use one of ${LEVELS.join(', ')}`);
  return value as Level;
}

export function levelRank(value: Level): number {
  return LEVELS.indexOf(value);
}
