/**
 * Sorting for the tables beside the charts: by any column, either way, stable (rows with equal
 * values keep their order), numbers as numbers, text in en-GB collation, and empty values
 * (null: "none") always last whichever way the column is sorted, so they never hide the figures.
 */

export type SortDirection = 'ascending' | 'descending';
export type SortValue = string | number | null;

const collator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

/** Compares two sort values ascending; null is not compared here (see sortRows). */
export function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** The rows sorted by `value`, a new array; nulls last either way. */
export function sortRows<Row>(rows: readonly Row[], value: (row: Row) => SortValue, direction: SortDirection): Row[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, key: value(row) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null || Number.isNaN(a.key) || Number.isNaN(b.key)) {
        const aNone = a.key === null || Number.isNaN(a.key);
        const bNone = b.key === null || Number.isNaN(b.key);
        return aNone === bNone ? a.index - b.index : aNone ? 1 : -1;
      }
      return sign * compareValues(a.key, b.key) || a.index - b.index;
    })
    .map((entry) => entry.row);
}

/** The direction a click on a column's header sorts by: the other way on the same column, else that column's first way. */
export function nextSort(
  current: { key: string; direction: SortDirection } | null,
  key: string,
  firstDirection: SortDirection,
): { key: string; direction: SortDirection } {
  if (current?.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key, direction: firstDirection };
}
