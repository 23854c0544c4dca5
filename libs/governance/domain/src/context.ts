import { instantProblem } from '@gpds/shared-contracts';
import { Rejection, dateOf, isIsoDate } from './rejection';

/** What a decision may look up; passed in, so deciders stay pure. */
export interface PracticeFacts {
  readonly code: string;
  /** 'YYYY-MM-DD', or '' when it opened before records begin. */
  readonly openedOn: string;
  /** 'YYYY-MM-DD', or '' while open. */
  readonly closedOn: string;
}

export interface DecisionContext {
  readonly now: Date;
  /** How far in the future a fact may be dated, for clocks that run fast (default 5 minutes). */
  readonly clockSkewMs?: number;
  organisation(code: string): (PracticeFacts & { readonly level: string }) | undefined;
  /** The practice's commissioner on a date, per the organisation hierarchy in force then. */
  commissionerOn(practiceCode: string, date: string): string | null;
  isKnownCapability(code: string): boolean;
  /** What a metric measures and how large its samples may be, or undefined for an unknown metric. */
  metric(code: string): MetricFacts | undefined;
  /** The footprint a carbon category belongs to, or undefined for an unknown category. */
  carbonFootprintOf(category: string): string | undefined;
  /** How large a carbon metric's kgCO2e may be (either sign), or undefined for a level without one. */
  carbonCeiling(level: string, days: number): Ceiling | undefined;
}

/** The largest value a measurement may have (reference data), and whether it must be whole. */
export interface Ceiling {
  readonly integral: boolean;
  readonly maximum: number;
  /** How the maximum was reached, e.g. "100,000 counts of SUBMISSIONS a day for a PRACTICE over 30 day(s)". */
  readonly basis: string;
}

export interface MetricFacts {
  readonly capability: string;
  ceiling(level: string, days: number): Ceiling | undefined;
}

const DEFAULT_SKEW_MS = 5 * 60 * 1000;

/**
 * The earliest date a fact may be about: 1 January 1990, the baseline year of the NHS's carbon
 * targets and before any GP IT fact the Operating Model asks for. An earlier date (0001-01-01,
 * 1900-01-01) is a typing error or a default value, never a fact.
 */
export const EARLIEST_FACT_DATE = '1990-01-01';
/** The latest date a date field may name (an agreement's last day, say): well inside every store's date range. */
export const LATEST_DATE = '2099-12-31';

/** occurredAt is a time a fact can have happened: not before EARLIEST_FACT_DATE, not in the future beyond the clock-skew allowance. */
export function assertOccurredAt(occurredAt: string, context: DecisionContext, path = 'occurredAt'): void {
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
    throw new Rejection('INVALID_DATE', path, `${path} '${String(occurredAt)}' is not an ISO 8601 date-time`);
  }
  if (dateOf(occurredAt) < EARLIEST_FACT_DATE) {
    throw new Rejection(
      'DATE_OUT_OF_RANGE',
      path,
      `${path} ${occurredAt} is before ${EARLIEST_FACT_DATE}: no fact the platform records happened then; check the year`,
    );
  }
  const limit = context.now.getTime() + (context.clockSkewMs ?? DEFAULT_SKEW_MS);
  if (Date.parse(occurredAt) > limit) {
    throw new Rejection(
      'FACT_IN_FUTURE',
      path,
      `${path} ${occurredAt} is in the future (it is now ${context.now.toISOString()}): facts are recorded once they have happened`,
    );
  }
}

/** A calendar date (YYYY-MM-DD) between EARLIEST_FACT_DATE and LATEST_DATE. */
export function requireDate(value: string, path: string): void {
  if (typeof value !== 'string' || value === '') throw new Rejection('MISSING_FIELD', path, `${path} is required: a calendar date, YYYY-MM-DD`);
  if (!isIsoDate(value)) throw new Rejection('INVALID_DATE', path, `${path} '${value}' is not a calendar date (YYYY-MM-DD)`);
  if (value < EARLIEST_FACT_DATE || value > LATEST_DATE) {
    throw new Rejection('DATE_OUT_OF_RANGE', path, `${path} ${value} is outside ${EARLIEST_FACT_DATE} to ${LATEST_DATE}: check the year`);
  }
}

/** An instant inside a fact (an incident's detectedAt): a real ISO 8601 date-time with a zone, not before EARLIEST_FACT_DATE. */
export function requireInstant(value: string, path: string): void {
  if (typeof value !== 'string' || value === '')
    throw new Rejection('MISSING_FIELD', path, `${path} is required: an ISO 8601 date-time with a time zone, e.g. 2022-07-12T10:00:00Z`);
  const problem = instantProblem(value);
  if (problem)
    throw new Rejection(
      'INVALID_DATE',
      path,
      `${path} '${value.slice(0, 60)}' ${problem}: write an ISO 8601 date-time with a time zone, e.g. 2022-07-12T10:00:00Z`,
    );
  if (dateOf(value) < EARLIEST_FACT_DATE) {
    throw new Rejection(
      'DATE_OUT_OF_RANGE',
      path,
      `${path} ${value} is before ${EARLIEST_FACT_DATE}: no fact the platform records happened then; check the year`,
    );
  }
}

/** The practice exists and was open on the fact's date. */
export function assertPracticeOpen(practiceCode: string, date: string, context: DecisionContext, path = 'data.practiceCode'): PracticeFacts {
  const practice = context.organisation(practiceCode);
  if (!practice || practice.level !== 'PRACTICE') {
    throw new Rejection('UNKNOWN_PRACTICE', path, `${path}: '${practiceCode}' is not a GP practice in the organisation reference data`);
  }
  if (practice.openedOn !== '' && date < practice.openedOn) {
    throw new Rejection('BEFORE_PRACTICE_OPENED', path, `practice ${practiceCode} had not opened on ${date} (open from ${practice.openedOn})`);
  }
  if (practice.closedOn !== '' && date >= practice.closedOn) {
    throw new Rejection('AFTER_PRACTICE_CLOSED', path, `practice ${practiceCode} had closed by ${date} (closed ${practice.closedOn})`);
  }
  return practice;
}

/**
 * The organisation a fact names as the practice's commissioner (a BCP review's reviewedBy, an IT
 * review's, a sub-contractor approval's) is the practice's commissioner on the fact's day.
 * `rule` says who records what, e.g. "a BCP review is recorded by the practice's commissioner as of the review date".
 */
export function assertCommissionerOn(practiceCode: string, on: string, named: string, path: string, rule: string, context: DecisionContext): void {
  const commissioner = context.commissionerOn(practiceCode, on);
  if (commissioner !== named) {
    throw new Rejection('NOT_THE_PRACTICE_COMMISSIONER', path, `${rule}: ${practiceCode}'s on ${on} was ${commissioner ?? 'unknown'}, not ${named}`);
  }
}

export { dateOf };
