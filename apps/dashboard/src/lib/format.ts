/**
 * Numbers, dates and periods as NHS England publishes them (en-GB): thousands separators,
 * percentages to one decimal place, financial years as "2024/25", dates as "1 December 2025".
 * Every function is pure and time-zone free (dates are calendar dates, read as UTC), so a
 * figure reads the same in every browser, in the table, in the chart and in the CSV download.
 */

/** What a table cell shows for a value the API answered with null ("none", never zero). */
export const NONE = '–';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

const integerFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const decimalFormats = new Map<number, Intl.NumberFormat>();

function decimalFormat(digits: number): Intl.NumberFormat {
  let format = decimalFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    decimalFormats.set(digits, format);
  }
  return format;
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A count: 7373760 -> "7,373,760". */
export function formatInteger(value: number | null | undefined): string {
  return isNumber(value) ? integerFormat.format(Math.round(value) === 0 ? 0 : value) : NONE;
}

/** A measurement with fixed decimals: (62.456, 1) -> "62.5"; (1234.5, 1) -> "1,234.5". */
export function formatDecimal(value: number | null | undefined, digits = 1): string {
  if (!isNumber(value)) return NONE;
  const text = decimalFormat(digits).format(value);
  // "-0.0" says there is something below zero that rounds away: show it as zero.
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** A share from 0 to 1 as a percentage: 0.625 -> "62.5%". */
export function formatShare(share: number | null | undefined, digits = 1): string {
  return isNumber(share) ? `${formatDecimal(share * 100, digits)}%` : NONE;
}

/** A value already in percent (0-100): 60 -> "60.0%". */
export function formatPercent(percent: number | null | undefined, digits = 1): string {
  return isNumber(percent) ? `${formatDecimal(percent, digits)}%` : NONE;
}

/** Splits YYYY-MM-DD (or the date part of an ISO date-time) into numbers, or null when it is not a calendar date. */
export function parseIsoDate(text: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** A calendar date: "2025-12-01" -> "1 December 2025". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const date = parseIsoDate(iso);
  if (!date) return iso;
  return `${date.day} ${MONTHS[date.month - 1]} ${date.year}`;
}

/** A month: "2025-12-01" -> "December 2025". */
export function formatMonth(iso: string): string {
  const date = parseIsoDate(iso);
  return date ? `${MONTHS[date.month - 1]} ${date.year}` : iso;
}

/** A short month for chart axes: "2025-12-01" -> "Dec 2025". */
export function formatShortMonth(iso: string): string {
  const date = parseIsoDate(iso);
  return date ? `${MONTHS[date.month - 1]?.slice(0, 3)} ${date.year}` : iso;
}

/** An instant, in UTC (the API's knowledge times are instants): "2026-01-15T09:00:00Z" -> "15 January 2026, 09:00 UTC". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  const hh = String(instant.getUTCHours()).padStart(2, '0');
  const mm = String(instant.getUTCMinutes()).padStart(2, '0');
  const ss = instant.getUTCSeconds();
  const time = ss ? `${hh}:${mm}:${String(ss).padStart(2, '0')}` : `${hh}:${mm}`;
  return `${instant.getUTCDate()} ${MONTHS[instant.getUTCMonth()]} ${instant.getUTCFullYear()}, ${time} UTC`;
}

/** England's financial year starting in April of `startYear`: 2024 -> "2024/25". */
export function formatFinancialYear(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/** The financial year (1 April to 31 March) holding a date: "2025-12-01" -> "2025/26", "2026-03-31" -> "2025/26". */
export function financialYearOf(iso: string): string {
  const date = parseIsoDate(iso);
  if (!date) throw new Error(`'${iso}' is not a calendar date (YYYY-MM-DD)`);
  return formatFinancialYear(date.month >= 4 ? date.year : date.year - 1);
}

/** The first calendar year of a financial year: "2024/25" -> 2024. */
export function financialYearStart(financialYear: string): number {
  const m = /^(\d{4})\/(\d{2})$/.exec(financialYear);
  if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) throw new Error(`'${financialYear}' is not a financial year (YYYY/YY, e.g. 2024/25)`);
  return Number(m[1]);
}

/** Every financial year from `from` to `to`, both included: ("2023/24", "2025/26") -> ["2023/24", "2024/25", "2025/26"]. */
export function financialYearsBetween(from: string, to: string): string[] {
  const years: string[] = [];
  for (let y = financialYearStart(from); y <= financialYearStart(to); y++) years.push(formatFinancialYear(y));
  return years;
}

/**
 * Emissions, kgCO2e as the API answers them, in the unit that reads best: under 10 tonnes in kg
 * ("850 kgCO2e"), above in tonnes to one decimal place ("12,345.6 tCO2e"). Analysts compare
 * rows, so one panel should use one unit: `unit` forces it.
 */
export function formatCo2e(kg: number | null | undefined, unit: 'auto' | 'kg' | 't' = 'auto'): string {
  if (!isNumber(kg)) return NONE;
  const tonnes = unit === 't' || (unit === 'auto' && Math.abs(kg) >= 10_000);
  return tonnes ? `${formatDecimal(kg / 1000, 1)} tCO2e` : `${formatInteger(kg)} kgCO2e`;
}

/** Hours, to one decimal place: 12.25 -> "12.3 h". */
export function formatHours(hours: number | null | undefined): string {
  return isNumber(hours) ? `${formatDecimal(hours, 1)} h` : NONE;
}

/** A date `days` after (or before, when negative) a calendar date: ("2025-12-01", -1) -> "2025-11-30". */
export function addDays(iso: string, days: number): string {
  const date = parseIsoDate(iso);
  if (!date) throw new Error(`'${iso}' is not a calendar date (YYYY-MM-DD)`);
  return new Date(Date.UTC(date.year, date.month - 1, date.day + days)).toISOString().slice(0, 10);
}

/** The first day of the month `months` before (negative) or after the month of a date: ("2025-12-15", -11) -> "2025-01-01". */
export function monthStart(iso: string, months = 0): string {
  const date = parseIsoDate(iso);
  if (!date) throw new Error(`'${iso}' is not a calendar date (YYYY-MM-DD)`);
  return new Date(Date.UTC(date.year, date.month - 1 + months, 1)).toISOString().slice(0, 10);
}

/** Today's calendar date in UTC, as the API reads dates: "2026-12-03". */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * A message from the platform as a sentence on the page: the platform writes its refusals to be
 * read after a code ("OUT_OF_SCOPE: your scope is QU9 ..."), so they start lower-case and have no
 * full stop. The first word is capitalised only when it is a plain lower-case word: an identifier
 * ("knownAt must be ...") or a code is left as written.
 */
export function asSentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capitalised = /^[a-z]+\b/.test(text) && !/^[a-z]+[A-Z0-9_]/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  return /[.!?:]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
