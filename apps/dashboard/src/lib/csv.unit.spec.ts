import { UTF8_BOM, csvFileName, csvLine, neutraliseFormula, quoteField, toCsv } from './csv';

describe('CSV for Excel', () => {
  it('starts with a UTF-8 byte order mark and ends every line with CRLF', () => {
    const csv = toCsv(['Organisation', 'Code'], [['NHS England – London', 'Y56']]);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.slice(1)).toBe('Organisation,Code\r\nNHS England – London,Y56\r\n');
  });

  it('quotes a field holding a comma, a quote or a line break, doubling quotes (RFC 4180)', () => {
    expect(quoteField('plain')).toBe('plain');
    expect(quoteField('1,234')).toBe('"1,234"');
    expect(quoteField('the "Densham" surgery')).toBe('"the ""Densham"" surgery"');
    expect(quoteField('two\nlines')).toBe('"two\nlines"');
    expect(quoteField('cr\r')).toBe('"cr\r"');
  });

  it('puts an apostrophe before a cell that a spreadsheet would run as a formula', () => {
    expect(neutraliseFormula('=HYPERLINK("http://evil","x")')).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(neutraliseFormula('+44 20')).toBe(`'+44 20`);
    expect(neutraliseFormula('-cmd|calc')).toBe(`'-cmd|calc`);
    expect(neutraliseFormula('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(neutraliseFormula('\tTAB')).toBe(`'\tTAB`);
    expect(neutraliseFormula('Densham Surgery')).toBe('Densham Surgery');
  });

  it('leaves negative numbers as numbers: they cannot be formulas', () => {
    expect(neutraliseFormula('-1,234.5')).toBe('-1,234.5');
    expect(neutraliseFormula('-12.5%')).toBe('-12.5%');
    expect(neutraliseFormula('-3')).toBe('-3');
    expect(neutraliseFormula('-1,23')).toBe(`'-1,23`);
    expect(neutraliseFormula('-1+1')).toBe(`'-1+1`);
  });

  it('guards, then quotes: a formula with a comma is both', () => {
    expect(csvLine(['=1,2', 'ok'])).toBe(`"'=1,2",ok`);
  });

  it('refuses a row of the wrong width rather than shifting columns', () => {
    expect(() => toCsv(['a', 'b'], [['1']])).toThrow('CSV row 1 has 1 cells but the header has 2');
  });

  it('names files with safe characters only', () => {
    expect(csvFileName('Compliance', 'QWE', '2025-12-01')).toBe('compliance-qwe-2025-12-01.csv');
    expect(csvFileName('Net Zero: ../etc', '')).toBe('net-zero-etc.csv');
    expect(csvFileName('')).toBe('table.csv');
  });
});
