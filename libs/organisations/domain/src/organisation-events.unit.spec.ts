import { isIsoDate, nextDay } from './organisation-events';

/** What a calendar date is, by the JavaScript calendar (the old implementation, slow but plainly right). */
const byDateRoundTrip = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
};

describe('isIsoDate', () => {
  it('accepts exactly the calendar dates, leap years included', () => {
    let checked = 0;
    for (const year of ['1900', '1999', '2000', '2023', '2024', '2025', '2100', '2400']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const value = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          expect([value, isIsoDate(value)]).toEqual([value, byDateRoundTrip(value)]);
          checked++;
        }
      }
    }
    expect(checked).toBe(8 * 14 * 33);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2100-02-29')).toBe(false);
  });

  it('refuses other shapes', () => {
    for (const value of ['2025-1-01', '2025-01-01T00:00:00Z', ' 2025-01-01', '2025/01/01', '', '２０２５-01-01', '2025-01-0a'])
      expect(isIsoDate(value)).toBe(false);
    expect(isIsoDate(20250101 as unknown as string)).toBe(false);
  });
});

describe('nextDay', () => {
  it('crosses months, years and leap days', () => {
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
    expect(nextDay('2024-02-29')).toBe('2024-03-01');
    expect(nextDay('2025-12-31')).toBe('2026-01-01');
  });
});
