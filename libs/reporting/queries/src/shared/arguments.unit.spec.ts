import { QueryArgumentError, capabilityCode, dateRange, encodeCursor, instant, isoDate, metricCode, page } from './arguments';

function refusal(run: () => unknown): QueryArgumentError {
  try {
    run();
  } catch (error) {
    if (error instanceof QueryArgumentError) return error;
    throw error;
  }
  throw new Error('expected a QueryArgumentError');
}

describe('query arguments', () => {
  it('takes real calendar dates only, naming the argument', () => {
    expect(isoDate('from', '2024-02-29')).toBe('2024-02-29');
    expect(refusal(() => isoDate('from', '2025-02-29'))).toMatchObject({ argument: 'from', message: expect.stringContaining('not a calendar date') });
    expect(refusal(() => isoDate('asOf', '01/12/2025')).argument).toBe('asOf');
    expect(refusal(() => dateRange('2025-12-31', '2025-12-01'))).toMatchObject({ argument: 'to', message: expect.stringContaining('before from') });
  });

  it('reads knownAt instants with a zone into ClickHouse DateTime64 text', () => {
    expect(instant('knownAt', '2026-01-15T09:00:00+01:00')).toBe('2026-01-15 08:00:00.000');
    expect(refusal(() => instant('knownAt', 'yesterday')).argument).toBe('knownAt');
  });

  it('checks capabilities and metrics against the catalogues, saying what would do', () => {
    expect(capabilityCode('capability', 'ONLINE_CONSULTATION')).toBe('ONLINE_CONSULTATION');
    expect(refusal(() => capabilityCode('capability', 'TELEPATHY')).message).toMatch(/use one of .*VIDEO_CONSULTATION/);
    expect(refusal(() => metricCode('metric', 'ONLINE_CONSULTATION', 'INBOUND_CALLS')).message).toMatch(/measures ADVANCED_TELEPHONY.*SUBMISSIONS/);
    // List sizes come with the online consultation publication (metrics catalogue v2).
    expect(metricCode('metric', 'ONLINE_CONSULTATION', 'REGISTERED_PATIENTS')).toBe('REGISTERED_PATIENTS');
  });

  it('pages with first (1..1000) and opaque cursors', () => {
    expect(page(undefined, undefined)).toEqual({ limit: 100, offset: 0 });
    expect(page(10, encodeCursor(30))).toEqual({ limit: 10, offset: 30 });
    expect(refusal(() => page(1_001, null)).argument).toBe('first');
    expect(refusal(() => page(0, null)).argument).toBe('first');
    expect(refusal(() => page(10, 'bogus')).argument).toBe('after');
  });
});
