import { requireInstant } from './context';

describe('requireInstant', () => {
  it('says where, and refuses a time before the earliest fact date', () => {
    expect(() => requireInstant('2022-02-30T10:00:00Z', 'data.detectedAt')).toThrow(expect.objectContaining({ code: 'INVALID_DATE', path: 'data.detectedAt' }));
    expect(() => requireInstant('', 'data.detectedAt')).toThrow(expect.objectContaining({ code: 'MISSING_FIELD', path: 'data.detectedAt' }));
    expect(() => requireInstant('1989-12-31T23:59:59Z', 'data.detectedAt')).toThrow(expect.objectContaining({ code: 'DATE_OUT_OF_RANGE' }));
    expect(() => requireInstant('1990-01-01T00:00:00Z', 'data.detectedAt')).not.toThrow();
  });
});
