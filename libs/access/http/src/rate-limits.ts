import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Per-principal limits (docs/security.md): each principal's own budget, so one client cannot take the API's capacity. */
export interface RateLimitSettings {
  /** The GraphQL cost (the @complexity sum the cost limit works out) one principal may spend a minute. */
  readonly graphqlCostPerMinute: number;
  /** The submission records one principal may send a minute. */
  readonly submissionRecordsPerMinute: number;
  /** GraphQL operations one principal may have running at once; more are shed at once (429). */
  readonly concurrentOperations: number;
  /**
   * How long a request from a principal out of its cost budget waits before its 429 (at most its
   * Retry-After): a client that ignores Retry-After and retries at once is slowed to one request
   * per connection per this long, instead of costing the process a refusal as fast as it can send.
   */
  readonly shedDelayMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  graphqlCostPerMinute: 1_000_000,
  submissionRecordsPerMinute: 600_000,
  concurrentOperations: 4,
  shedDelayMs: 1_000,
};

export type RateLimitKind = 'graphql-cost' | 'submission-records' | 'concurrent-operations';

/** Past a limit: answered as 429 with Retry-After, and in GraphQL with code RATE_LIMITED. */
export class RateLimited extends Error {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly kind: RateLimitKind,
    /** Whole seconds until the request could succeed (at least 1). */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'RateLimited';
  }
}

/**
 * The limits from the environment: RATE_LIMIT_GRAPHQL_COST_PER_MINUTE,
 * RATE_LIMIT_SUBMISSION_RECORDS_PER_MINUTE, RATE_LIMIT_CONCURRENT_OPERATIONS (positive whole
 * numbers), RATE_LIMIT_SHED_DELAY_MS (0 or more); unset: the defaults.
 */
export function rateLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): RateLimitSettings {
  const read = (name: string, fallback: number, least = 1): number => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < least) {
      throw new Error(`${name} must be a ${least > 0 ? 'positive' : 'non-negative'} whole number, not ${JSON.stringify(value)}`);
    }
    return n;
  };
  return {
    graphqlCostPerMinute: read('RATE_LIMIT_GRAPHQL_COST_PER_MINUTE', DEFAULT_RATE_LIMITS.graphqlCostPerMinute),
    submissionRecordsPerMinute: read('RATE_LIMIT_SUBMISSION_RECORDS_PER_MINUTE', DEFAULT_RATE_LIMITS.submissionRecordsPerMinute),
    concurrentOperations: read('RATE_LIMIT_CONCURRENT_OPERATIONS', DEFAULT_RATE_LIMITS.concurrentOperations),
    shedDelayMs: read('RATE_LIMIT_SHED_DELAY_MS', DEFAULT_RATE_LIMITS.shedDelayMs, 0),
  };
}

/** Time as the limits see it: injected in tests, so holds are checked without waiting on the wall clock. */
export interface RateLimitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: RateLimitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** How often one principal's load shedding is recorded in the audit trail: once a minute at most. */
const SHED_RECORD_INTERVAL_MS = 60_000;

/**
 * Each principal's budgets, kept in this process's memory (rate-limiter-flexible's fixed
 * one-minute windows): with several API processes behind a load balancer a principal gets each
 * process's budget (ADR 0027). Spending refuses, without spending, what would go past the budget.
 */
export class PrincipalRateLimits {
  private readonly cost: RateLimiterMemory;
  private readonly records: RateLimiterMemory;
  private readonly running = new Map<string, number>();
  /** Principals refused for their cost budget, until when: every request of theirs is refused before parsing until then. */
  private readonly exhausted = new Map<string, number>();
  /** When each principal's load shedding was last recorded in the audit trail. */
  private readonly shedRecorded = new Map<string, number>();

  constructor(
    readonly settings: RateLimitSettings = DEFAULT_RATE_LIMITS,
    private readonly clock: RateLimitClock = SYSTEM_CLOCK,
  ) {
    this.cost = new RateLimiterMemory({ keyPrefix: 'graphql-cost', points: settings.graphqlCostPerMinute, duration: 60 });
    this.records = new RateLimiterMemory({ keyPrefix: 'submission-records', points: settings.submissionRecordsPerMinute, duration: 60 });
  }

  /** Spends `cost` of the principal's GraphQL budget, or throws RateLimited. */
  async spendGraphqlCost(principal: string, cost: number): Promise<void> {
    try {
      await this.spend(this.cost, 'graphql-cost', principal, cost, this.settings.graphqlCostPerMinute, 'GraphQL cost');
    } catch (refused) {
      // Out of budget: until the minute's window ends, this principal's requests are refused before they are parsed.
      if (refused instanceof RateLimited) this.exhausted.set(principal, this.clock.now() + refused.retryAfterSeconds * 1000);
      if (this.exhausted.size > 10_000) this.forgetPast();
      throw refused;
    }
  }

  /**
   * Whether a refusal of this principal should go into the audit trail now: the first in a minute
   * does, later ones in the minute are only counted (on /metrics), so a flood cannot flood the trail too.
   */
  shouldRecordShed(principal: string): boolean {
    const now = this.clock.now();
    const last = this.shedRecorded.get(principal);
    if (last !== undefined && now - last < SHED_RECORD_INTERVAL_MS) return false;
    if (this.shedRecorded.size > 10_000) {
      for (const [id, at] of this.shedRecorded) if (now - at >= SHED_RECORD_INTERVAL_MS) this.shedRecorded.delete(id);
    }
    this.shedRecorded.set(principal, now);
    return true;
  }

  private forgetPast(): void {
    const now = this.clock.now();
    for (const [principal, until] of this.exhausted) if (until <= now) this.exhausted.delete(principal);
  }

  /**
   * Throws RateLimited when the principal was refused for its GraphQL budget in this minute's
   * window (a cheap check made before a query is parsed), after holding the request for
   * shedDelayMs (at most until the window ends).
   */
  async assertGraphqlBudgetLeft(principal: string): Promise<void> {
    const until = this.exhausted.get(principal);
    if (until === undefined) return;
    const left = until - this.clock.now();
    if (left <= 0) {
      this.exhausted.delete(principal);
      return;
    }
    const hold = Math.min(this.settings.shedDelayMs, left);
    if (hold > 0) await this.clock.sleep(hold);
    const wait = Math.max(1, Math.ceil((left - hold) / 1000));
    throw new RateLimited('graphql-cost', wait, `you have used your ${this.settings.graphqlCostPerMinute} GraphQL cost a minute: try again in ${wait} s`);
  }

  /** Spends `records` of the principal's submission budget, or throws RateLimited. */
  spendSubmissionRecords(principal: string, records: number): Promise<void> {
    return this.spend(this.records, 'submission-records', principal, records, this.settings.submissionRecordsPerMinute, 'submission records');
  }

  /** Starts one of the principal's operations: answers the function that ends it, or throws RateLimited when it has too many running. */
  begin(principal: string): () => void {
    const now = this.running.get(principal) ?? 0;
    if (now >= this.settings.concurrentOperations) {
      throw new RateLimited(
        'concurrent-operations',
        1,
        `you already have ${now} GraphQL operations running, the most one principal may have at once (RATE_LIMIT_CONCURRENT_OPERATIONS): wait for them to answer, then ask again`,
      );
    }
    this.running.set(principal, now + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.running.get(principal) ?? 1) - 1;
      if (left > 0) this.running.set(principal, left);
      else this.running.delete(principal);
    };
  }

  private async spend(limiter: RateLimiterMemory, kind: RateLimitKind, principal: string, points: number, perMinute: number, what: string): Promise<void> {
    if (points <= 0) return;
    const waitSeconds = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    if (points > perMinute) {
      throw new RateLimited(
        kind,
        60,
        `this request needs ${points} ${what}, more than the ${perMinute} one principal may use a minute: split it into smaller requests`,
      );
    }
    const state = await limiter.get(principal);
    if (state && state.consumedPoints + points > perMinute) {
      throw new RateLimited(
        kind,
        waitSeconds(state),
        `you have used ${state.consumedPoints} of your ${perMinute} ${what} a minute and this request needs ${points}: try again in ${waitSeconds(state)} s`,
      );
    }
    try {
      await limiter.consume(principal, points);
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      // Spent by a request that raced this one: give these points back, and say when to come back.
      await limiter.reward(principal, points);
      throw new RateLimited(kind, waitSeconds(refused), `you have used your ${perMinute} ${what} a minute: try again in ${waitSeconds(refused)} s`);
    }
  }
}
