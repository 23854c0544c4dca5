import {
  NONE,
  addDays,
  asSentence,
  financialYearOf,
  financialYearStart,
  financialYearsBetween,
  formatCo2e,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatFinancialYear,
  formatHours,
  formatInteger,
  formatMonth,
  formatPercent,
  formatShare,
  formatShortMonth,
  monthStart,
  parseIsoDate,
} from './format';

describe('numbers, the NHS way (en-GB)', () => {
  it('separates thousands with commas and rounds counts', () => {
    expect(formatInteger(7373760)).toBe('7,373,760');
    expect(formatInteger(999)).toBe('999');
    expect(formatInteger(1234.6)).toBe('1,235');
    expect(formatInteger(-0.2)).toBe('0');
    expect(formatInteger(-12345)).toBe('-12,345');
  });

  it('shows null, undefined and non-finite values as none, never as zero', () => {
    for (const f of [formatInteger, formatDecimal, formatShare, formatPercent, formatHours, formatCo2e]) {
      expect(f(null)).toBe(NONE);
      expect(f(undefined)).toBe(NONE);
      expect(f(Number.NaN)).toBe(NONE);
    }
  });

  it('keeps the decimals asked for and never shows minus zero', () => {
    expect(formatDecimal(62.456)).toBe('62.5');
    expect(formatDecimal(1234.5, 2)).toBe('1,234.50');
    expect(formatDecimal(-0.04)).toBe('0.0');
    expect(formatDecimal(3, 0)).toBe('3');
  });

  it('writes shares (0 to 1) and percentages (0 to 100) to one decimal place', () => {
    expect(formatShare(0.625)).toBe('62.5%');
    expect(formatShare(1)).toBe('100.0%');
    expect(formatShare(0.12345, 2)).toBe('12.35%');
    expect(formatPercent(60)).toBe('60.0%');
    expect(formatPercent(6.6667)).toBe('6.7%');
  });

  it('writes emissions in kg below 10 tonnes and in tonnes above, or in the unit forced', () => {
    expect(formatCo2e(850)).toBe('850 kgCO2e');
    expect(formatCo2e(9999.4)).toBe('9,999 kgCO2e');
    expect(formatCo2e(12_345_600)).toBe('12,345.6 tCO2e');
    expect(formatCo2e(-25_000)).toBe('-25.0 tCO2e');
    expect(formatCo2e(850, 't')).toBe('0.9 tCO2e');
    expect(formatCo2e(12_345_600, 'kg')).toBe('12,345,600 kgCO2e');
  });

  it('writes hours to one decimal place', () => {
    expect(formatHours(12.25)).toBe('12.3 h');
    expect(formatHours(0)).toBe('0.0 h');
  });
});

describe('dates and periods', () => {
  it('writes a calendar date as "1 December 2025", whatever the time zone', () => {
    expect(formatDate('2025-12-01')).toBe('1 December 2025');
    expect(formatDate('2024-02-29')).toBe('29 February 2024');
    expect(formatDate('2026-01-15T23:30:00Z')).toBe('15 January 2026');
    expect(formatDate(null)).toBe(NONE);
  });

  it('leaves text that is not a calendar date as it is', () => {
    expect(formatDate('2025-02-30')).toBe('2025-02-30');
    expect(parseIsoDate('2025-02-30')).toBeNull();
    expect(parseIsoDate('2025-2-3')).toBeNull();
    expect(parseIsoDate('2025-12-31')).toEqual({ year: 2025, month: 12, day: 31 });
  });

  it('writes months long and short', () => {
    expect(formatMonth('2025-12-01')).toBe('December 2025');
    expect(formatShortMonth('2025-09-01')).toBe('Sep 2025');
  });

  it('writes an instant in UTC, with seconds only when there are some', () => {
    expect(formatDateTime('2026-01-15T09:00:00Z')).toBe('15 January 2026, 09:00 UTC');
    expect(formatDateTime('2026-01-15T09:00:00+01:00')).toBe('15 January 2026, 08:00 UTC');
    expect(formatDateTime('2026-01-15T09:00:07.250Z')).toBe('15 January 2026, 09:00:07 UTC');
    expect(formatDateTime('not a time')).toBe('not a time');
  });

  it('names financial years "2024/25", 1 April to 31 March', () => {
    expect(formatFinancialYear(2024)).toBe('2024/25');
    expect(formatFinancialYear(1999)).toBe('1999/00');
    expect(formatFinancialYear(2009)).toBe('2009/10');
    expect(financialYearOf('2025-12-01')).toBe('2025/26');
    expect(financialYearOf('2026-03-31')).toBe('2025/26');
    expect(financialYearOf('2026-04-01')).toBe('2026/27');
    expect(financialYearStart('2019/20')).toBe(2019);
    expect(financialYearsBetween('2023/24', '2025/26')).toEqual(['2023/24', '2024/25', '2025/26']);
    expect(financialYearsBetween('2025/26', '2024/25')).toEqual([]);
  });

  it('refuses a financial year whose halves do not follow on, saying what would do', () => {
    expect(() => financialYearStart('2024/26')).toThrow(/not a financial year \(YYYY\/YY, e\.g\. 2024\/25\)/);
    expect(() => financialYearOf('2025-13-01')).toThrow(/not a calendar date/);
  });

  it('moves dates by days and months across year ends and leap days', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(monthStart('2025-12-15')).toBe('2025-12-01');
    expect(monthStart('2025-12-15', -11)).toBe('2025-01-01');
    expect(monthStart('2026-01-31', -1)).toBe('2025-12-01');
  });
});

describe("the platform's messages on the page", () => {
  it("shows the platform's messages as sentences: capital first, full stop last, identifiers left as written", () => {
    expect(
      asSentence('your scope is QU9 (NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board): ask about QU9 or an organisation under it'),
    ).toBe('Your scope is QU9 (NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board): ask about QU9 or an organisation under it.');
    expect(asSentence('The platform could not be reached: Failed to fetch')).toBe('The platform could not be reached: Failed to fetch.');
    expect(asSentence('  rate limited, try again in 2 s.  ')).toBe('Rate limited, try again in 2 s.');
    expect(asSentence('knownAt must be an instant')).toBe('knownAt must be an instant.');
    expect(asSentence('e2e refused')).toBe('e2e refused.');
    expect(asSentence('Is it?')).toBe('Is it?');
    expect(asSentence('')).toBe('');
  });
});
