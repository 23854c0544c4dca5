import { PrincipalRateLimits, RateLimited, rateLimitsFromEnv, type RateLimitClock } from './rate-limits';

describe('per-principal rate limits', () => {
  it('spends each principal its own budget, refuses past it with a wait, and spends nothing refused', async () => {
    const limits = new PrincipalRateLimits({ graphqlCostPerMinute: 100, submissionRecordsPerMinute: 10, concurrentOperations: 2, shedDelayMs: 0 });
    await limits.spendGraphqlCost('key:a', 60);
    await limits.spendGraphqlCost('key:a', 40);
    const refused = await limits.spendGraphqlCost('key:a', 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimited);
    expect(refused).toMatchObject({ kind: 'graphql-cost', code: 'RATE_LIMITED' });
    expect((refused as RateLimited).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((refused as RateLimited).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((refused as Error).message).toMatch(/used 100 of your 100 GraphQL cost a minute/);
    // Another principal is untouched; the submission budget is separate.
    await limits.spendGraphqlCost('key:b', 100);
    await limits.spendSubmissionRecords('key:a', 10);
    await expect(limits.spendSubmissionRecords('key:a', 1)).rejects.toMatchObject({ kind: 'submission-records' });
    // A refused request spends nothing: b's budget, refused 1 over, still refuses only what is over.
    const c = new PrincipalRateLimits({ graphqlCostPerMinute: 100, submissionRecordsPerMinute: 10, concurrentOperations: 2, shedDelayMs: 0 });
    await c.spendGraphqlCost('key:c', 90);
    await expect(c.spendGraphqlCost('key:c', 20)).rejects.toBeInstanceOf(RateLimited);
    await c.spendGraphqlCost('key:c', 10);
  });

  it('refuses at once a request bigger than a whole minute, naming it', async () => {
    const limits = new PrincipalRateLimits({ graphqlCostPerMinute: 100, submissionRecordsPerMinute: 10, concurrentOperations: 2, shedDelayMs: 0 });
    await expect(limits.spendSubmissionRecords('key:a', 11)).rejects.toThrow(
      /needs 11 submission records, more than the 10 one principal may use a minute: split it/,
    );
  });

  it('sheds operations past the concurrent limit, and counts each end once', () => {
    const limits = new PrincipalRateLimits({ graphqlCostPerMinute: 100, submissionRecordsPerMinute: 10, concurrentOperations: 2, shedDelayMs: 0 });
    const first = limits.begin('key:a');
    const second = limits.begin('key:a');
    expect(() => limits.begin('key:a')).toThrow(RateLimited);
    limits.begin('key:b')();
    first();
    first();
    const third = limits.begin('key:a');
    expect(() => limits.begin('key:a')).toThrow(/2 GraphQL operations running/);
    second();
    third();
  });

  it('holds a request from a principal out of budget before refusing it, so an impatient client cannot spin', async () => {
    const clock = new FakeClock();
    const limits = new PrincipalRateLimits({ graphqlCostPerMinute: 100, submissionRecordsPerMinute: 10, concurrentOperations: 2, shedDelayMs: 300 }, clock);
    await limits.assertGraphqlBudgetLeft('key:a');
    await limits.spendGraphqlCost('key:a', 90);
    // Budget left: not held. Asking past it is refused, and from then on every request until the window ends.
    await limits.assertGraphqlBudgetLeft('key:a');
    expect(clock.slept).toEqual([]);
    await expect(limits.spendGraphqlCost('key:a', 20)).rejects.toBeInstanceOf(RateLimited);
    await expect(limits.assertGraphqlBudgetLeft('key:a')).rejects.toMatchObject({
      kind: 'graphql-cost',
      message: expect.stringMatching(/used your 100 GraphQL cost a minute/),
    });
    expect(clock.slept).toEqual([300]);
    // Others are not held.
    await limits.assertGraphqlBudgetLeft('key:b');
    expect(clock.slept).toEqual([300]);
    // Near the window's end the hold is only what is left of it; once it has ended, nothing is held or refused.
    clock.at += 59_900;
    await expect(limits.assertGraphqlBudgetLeft('key:a')).rejects.toBeInstanceOf(RateLimited);
    expect(clock.slept).toEqual([300, 100]);
    clock.at += 200;
    await limits.assertGraphqlBudgetLeft('key:a');
    expect(clock.slept).toEqual([300, 100]);
  });

  it("records a principal's load shedding in the audit trail once a minute at most", () => {
    const clock = new FakeClock();
    const limits = new PrincipalRateLimits(undefined, clock);
    expect(limits.shouldRecordShed('key:a')).toBe(true);
    expect(limits.shouldRecordShed('key:a')).toBe(false);
    expect(limits.shouldRecordShed('key:b')).toBe(true);
    clock.at += 59_999;
    expect(limits.shouldRecordShed('key:a')).toBe(false);
    clock.at += 1;
    expect(limits.shouldRecordShed('key:a')).toBe(true);
  });

  it('reads its settings from the environment, refusing nonsense', () => {
    expect(rateLimitsFromEnv({ RATE_LIMIT_GRAPHQL_COST_PER_MINUTE: '5000' })).toMatchObject({ graphqlCostPerMinute: 5000, concurrentOperations: 4 });
    expect(() => rateLimitsFromEnv({ RATE_LIMIT_CONCURRENT_OPERATIONS: '0' })).toThrow(
      /RATE_LIMIT_CONCURRENT_OPERATIONS must be a positive whole number, not "0"/,
    );
    expect(() => rateLimitsFromEnv({ RATE_LIMIT_SUBMISSION_RECORDS_PER_MINUTE: 'lots' })).toThrow(/positive whole number/);
    expect(rateLimitsFromEnv({ RATE_LIMIT_SHED_DELAY_MS: '0' }).shedDelayMs).toBe(0);
    expect(() => rateLimitsFromEnv({ RATE_LIMIT_SHED_DELAY_MS: '-1' })).toThrow(/non-negative whole number/);
  });
});

/** Time that moves only when a test moves it; sleeping records the hold and returns at once. */
class FakeClock implements RateLimitClock {
  at = Date.parse('2026-12-03T09:00:00Z');
  readonly slept: number[] = [];
  now(): number {
    return this.at;
  }
  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return Promise.resolve();
  }
}
