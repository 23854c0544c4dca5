import { nextSort, sortRows } from './table';

interface Row {
  readonly name: string;
  readonly value: number | null;
}

const rows: Row[] = [
  { name: 'South West', value: 3 },
  { name: 'London', value: null },
  { name: 'north east', value: 10 },
  { name: 'Midlands', value: 3 },
  { name: 'East of England', value: -2 },
];

describe('sorting the tables beside the charts', () => {
  it('sorts numbers as numbers, either way, keeping equal rows in their order', () => {
    expect(sortRows(rows, (r) => r.value, 'ascending').map((r) => r.name)).toEqual(['East of England', 'South West', 'Midlands', 'north east', 'London']);
    expect(sortRows(rows, (r) => r.value, 'descending').map((r) => r.name)).toEqual(['north east', 'South West', 'Midlands', 'East of England', 'London']);
  });

  it('puts empty values last whichever way', () => {
    expect(sortRows(rows, (r) => r.value, 'descending').at(-1)!.name).toBe('London');
    expect(sortRows(rows, (r) => r.value, 'ascending').at(-1)!.name).toBe('London');
  });

  it('sorts text in en-GB order, ignoring case, with numbers inside text in numeric order', () => {
    expect(sortRows(rows, (r) => r.name, 'ascending').map((r) => r.name)).toEqual(['East of England', 'London', 'Midlands', 'north east', 'South West']);
    const codes = [{ c: 'U10' }, { c: 'U9' }, { c: 'U100' }];
    expect(sortRows(codes, (r) => r.c, 'ascending').map((r) => r.c)).toEqual(['U9', 'U10', 'U100']);
  });

  it('leaves the rows it was given as they were', () => {
    const copy = [...rows];
    sortRows(rows, (r) => r.value, 'ascending');
    expect(rows).toEqual(copy);
  });

  it('turns a column the other way on a second click, and starts a new column its own way', () => {
    expect(nextSort(null, 'value', 'descending')).toEqual({ key: 'value', direction: 'descending' });
    expect(nextSort({ key: 'value', direction: 'descending' }, 'value', 'descending')).toEqual({ key: 'value', direction: 'ascending' });
    expect(nextSort({ key: 'value', direction: 'ascending' }, 'name', 'ascending')).toEqual({ key: 'name', direction: 'ascending' });
  });
});
