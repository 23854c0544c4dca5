import { AuditQueryError, decodeCursor, encodeCursor, parseTrailArgs } from './trail-query';

function refusal(fn: () => unknown): { argument: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuditQueryError) return { argument: error.argument, message: error.message };
    throw error;
  }
  throw new Error('expected an AuditQueryError');
}

describe('parseTrailArgs', () => {
  it('takes ISO dates (midnight UTC), date-times with a zone and Dates, with defaults for the rest', () => {
    expect(parseTrailArgs({ from: '2025-01-01', to: '2025-01-02T09:30:00+01:00' })).toEqual({
      from: new Date('2025-01-01T00:00:00Z'),
      to: new Date('2025-01-02T08:30:00Z'),
      principal: null,
      kind: null,
      first: 100,
      afterSeq: null,
    });
    const parsed = parseTrailArgs({
      from: new Date('2025-01-01T00:00:00Z'),
      to: '2025-12-31T23:59:59.999Z',
      principal: 'key:abc',
      kind: 'key',
      first: 1000,
      after: encodeCursor('42'),
    });
    expect([parsed.principal, parsed.kind, parsed.first, parsed.afterSeq]).toEqual(['key:abc', 'key', 1000, '42']);
  });

  it('names the argument that is wrong and says what to give instead', () => {
    expect(refusal(() => parseTrailArgs({ from: 'yesterday', to: '2025-01-01' }))).toEqual({
      argument: 'from',
      message: expect.stringMatching(/ISO date such as 2025-01-31/),
    });
    expect(refusal(() => parseTrailArgs({ from: '2025-01-01', to: '2025-02-30' })).argument).toBe('to');
    expect(refusal(() => parseTrailArgs({ from: '2025-01-01T10:00:00', to: '2025-01-02' })).argument).toBe('from');
    expect(refusal(() => parseTrailArgs({ from: new Date(NaN), to: '2025-01-02' })).argument).toBe('from');
    expect(refusal(() => parseTrailArgs({ from: '2025-01-02', to: '2025-01-02' }))).toEqual({
      argument: 'to',
      message: expect.stringMatching(/must be later than from/),
    });
    expect(refusal(() => parseTrailArgs({ from: '2024-01-01', to: '2025-01-02' }))).toEqual({
      argument: 'to',
      message: expect.stringMatching(/longer than 366 days/),
    });
    expect(parseTrailArgs({ from: '2024-01-01', to: '2025-01-01' }).to).toEqual(new Date('2025-01-01T00:00:00Z'));
    expect(refusal(() => parseTrailArgs({ from: '2025-01-01', to: '2025-01-02', first: 1001 })).argument).toBe('first');
    expect(refusal(() => parseTrailArgs({ from: '2025-01-01', to: '2025-01-02', first: 0 })).argument).toBe('first');
    expect(refusal(() => parseTrailArgs({ from: '2025-01-01', to: '2025-01-02', kind: 'login' })).argument).toBe('kind');
    expect(refusal(() => parseTrailArgs({ from: '2025-01-01', to: '2025-01-02', principal: ' ' })).argument).toBe('principal');
  });
});

describe('cursors', () => {
  it('are base64 of the sequence number, and anything else is refused', () => {
    expect(encodeCursor('123')).toBe(Buffer.from('123').toString('base64'));
    expect(decodeCursor(encodeCursor('123'))).toBe('123');
    for (const bad of ['', 'not a cursor', encodeCursor('0'), encodeCursor('-1'), encodeCursor('12 OR 1=1'), `${encodeCursor('123')}x`]) {
      expect(refusal(() => decodeCursor(bad)).argument).toBe('after');
    }
  });
});
