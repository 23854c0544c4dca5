import { Rejection, dateOf } from './rejection';

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
  /** The capability a metric measures, or undefined for an unknown metric. */
  capabilityOfMetric(metric: string): string | undefined;
}

const DEFAULT_SKEW_MS = 5 * 60 * 1000;

/** No fact dated in the future, beyond the clock-skew allowance. */
export function assertNotInFuture(occurredAt: string, context: DecisionContext, path = 'occurredAt'): void {
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
    throw new Rejection('INVALID_DATE', path, `${path} '${String(occurredAt)}' is not an ISO 8601 date-time`);
  }
  const limit = context.now.getTime() + (context.clockSkewMs ?? DEFAULT_SKEW_MS);
  if (Date.parse(occurredAt) > limit) {
    throw new Rejection('FACT_IN_FUTURE', path, `${path} ${occurredAt} is in the future (it is now ${context.now.toISOString()}): facts are recorded once they have happened`);
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

export { dateOf };
