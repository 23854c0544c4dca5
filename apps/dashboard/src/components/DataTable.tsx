/**
 * A table beside a chart: the chart's figures in rows, sortable by any column (a button in each
 * header, aria-sort saying the order), with a "Download CSV" of exactly the rows shown, in the
 * order shown, each cell as the table shows it (codes included), for Excel.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { csvFileName, toCsv } from '../lib/csv';
import { formatInteger } from '../lib/format';
import { nextSort, sortRows, type SortDirection, type SortValue } from '../lib/table';

export interface Column<Row> {
  readonly key: string;
  readonly header: string;
  /** What the cell shows (and the CSV holds). */
  readonly text: (row: Row) => string;
  /** What the column sorts by; default the text. */
  readonly sort?: (row: Row) => SortValue;
  /** The cell's content when it is more than text (a link); it must read as `text`. */
  readonly render?: (row: Row) => ReactNode;
  /** Right-aligned figures, sorted largest first on the first click. */
  readonly numeric?: boolean;
}

export interface DataTableProps<Row> {
  readonly caption: string;
  readonly columns: readonly Column<Row>[];
  readonly rows: readonly Row[];
  readonly rowKey: (row: Row) => string;
  /** The parts of the CSV file's name, e.g. ["compliance", "QWE", "2025-12-01"]. */
  readonly fileName: readonly string[];
  readonly initialSort?: { readonly key: string; readonly direction: SortDirection };
  /** Said instead of an empty table. */
  readonly empty?: string;
}

/** Saves text as a file through the browser (a Blob, nothing sent anywhere). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DataTable<Row>({ caption, columns, rows, rowKey, fileName, initialSort, empty }: DataTableProps<Row>): ReactNode {
  const [sort, setSort] = useState<{ key: string; direction: SortDirection } | null>(initialSort ?? null);
  const shown = useMemo(() => {
    const column = columns.find((c) => c.key === sort?.key);
    if (!column || !sort) return rows;
    return sortRows(rows, column.sort ?? column.text, sort.direction);
  }, [rows, columns, sort]);

  if (rows.length === 0) return <p className="gpds-empty">{empty ?? 'Nothing to show.'}</p>;

  const download = (): void => {
    const csv = toCsv(
      columns.map((c) => c.header),
      shown.map((row) => columns.map((c) => c.text(row))),
    );
    downloadText(csv, csvFileName(...fileName), 'text/csv;charset=utf-8');
  };

  return (
    <div className="gpds-table">
      <div className="gpds-table__scroll" tabIndex={0} role="region" aria-label={`${caption} (scrolls sideways)`}>
        <table className="nhsuk-table gpds-table__table">
          <caption className="nhsuk-table__caption gpds-table__caption">{caption}</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              {columns.map((column) => {
                const active = sort?.key === column.key;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    className={`nhsuk-table__header${column.numeric ? ' nhsuk-table__header--numeric' : ''}`}
                    aria-sort={active ? sort.direction : 'none'}
                  >
                    <button
                      type="button"
                      className="gpds-sort"
                      onClick={() => setSort(nextSort(sort, column.key, column.numeric ? 'descending' : 'ascending'))}
                    >
                      {column.header}
                      <span className="gpds-sort__icon" aria-hidden="true">
                        {active ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {shown.map((row) => (
              <tr key={rowKey(row)} className="nhsuk-table__row">
                {columns.map((column, i) => {
                  const content = column.render ? column.render(row) : column.text(row);
                  const className = `nhsuk-table__cell${column.numeric ? ' nhsuk-table__cell--numeric' : ''}`;
                  return i === 0 ? (
                    <th key={column.key} scope="row" className={className}>
                      {content}
                    </th>
                  ) : (
                    <td key={column.key} className={className}>
                      {content}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small gpds-download" onClick={download}>
        Download CSV<span className="nhsuk-u-visually-hidden"> of {caption}</span> ({formatInteger(shown.length)} {shown.length === 1 ? 'row' : 'rows'})
      </button>
    </div>
  );
}
