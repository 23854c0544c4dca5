/**
 * CSV for Excel: RFC 4180 (comma-separated, CRLF line ends, a field quoted when it holds a comma,
 * a quote or a line break, quotes doubled), a UTF-8 byte order mark so Excel reads "–" and "£"
 * as they are, and a guard against spreadsheet formula injection: an organisation's name or a
 * reason text starting with = + - @ (or a tab or carriage return) would run as a formula when
 * opened, so such a cell gets a leading apostrophe. A cell that is only a number ("-1,234.5",
 * "-12.5%") cannot be a formula and is left as it is, so negative figures stay numbers in Excel.
 */

/** The byte order mark Excel needs to read a CSV file as UTF-8. */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d{1,3}(,\d{3})*(\.\d+)?%?$|^-?\d+(\.\d+)?%?$/;

/** A cell made safe to open in a spreadsheet: formula-like text gets a leading apostrophe. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/** One field as RFC 4180 writes it: quoted (quotes doubled) only when it must be. */
export function quoteField(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** One record: each cell guarded, then quoted, joined by commas. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => quoteField(neutraliseFormula(cell))).join(',');
}

/** A whole file: the byte order mark, the header, then every row, each line ending CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = header.length;
  for (const [i, row] of rows.entries()) {
    if (row.length !== width) throw new Error(`CSV row ${i + 1} has ${row.length} cells but the header has ${width}: every row must have one cell per column`);
  }
  return UTF8_BOM + [header, ...rows].map((row) => `${csvLine(row)}\r\n`).join('');
}

/** A file name of safe characters: "Compliance, QWE 2025-12-01" -> "compliance-qwe-2025-12-01.csv". */
export function csvFileName(...parts: readonly string[]): string {
  const stem = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${stem || 'table'}.csv`;
}
