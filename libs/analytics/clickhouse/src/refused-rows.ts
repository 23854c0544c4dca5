import { TABLE_COLUMNS, type ProjectedTable } from '@gpds/analytics';
import type { AnalyticsStore } from './analytics-client';
import { TABLES } from './names';

/** Where rows go, and who is told about each one ClickHouse refuses. */
export interface IsolationTarget {
  readonly analytics: AnalyticsStore;
  readonly database: string;
  /** Told after a refused row is kept in projection_errors. */
  readonly refused: (error: Error) => void;
}

/**
 * Inserts rows; when ClickHouse refuses the data itself (not the connection), halves the rows
 * until the refused ones stand alone, writes the others, and keeps each refused row in
 * projection_errors with its event position and the reason: one bad row never holds up the
 * rest, and nothing is dropped silently (the event stays in the store; a rebuild after a fix
 * projects it). The halves' tokens derive from the range's, so a replay deduplicates alike.
 */
export async function insertOrIsolate(target: IsolationTarget, table: ProjectedTable, values: unknown[], token: string): Promise<void> {
  try {
    await insertRows(target.analytics, target.database, table, values, token);
  } catch (error) {
    if (!isDataError(error)) throw error;
    if (values.length > 1) {
      const half = Math.ceil(values.length / 2);
      await insertOrIsolate(target, table, values.slice(0, half), `${token}/a`);
      await insertOrIsolate(target, table, values.slice(half), `${token}/b`);
      return;
    }
    const row = values[0] as unknown[];
    const position = Number(row[TABLE_COLUMNS[table].indexOf('event_position')] ?? 0);
    await target.analytics.client.insert({
      table: `${target.database}.${TABLES.projectionErrors}`,
      values: [
        {
          table_name: table,
          event_position: position,
          error_code: (error as { code?: string }).code ?? '',
          error: (error as Error).message.slice(0, 2_000),
          row: JSON.stringify(row),
        },
      ],
      format: 'JSONEachRow',
    });
    target.refused(new Error(`ClickHouse refused the ${table} row of event ${position}: ${(error as Error).message}`));
  }
}

/** ClickHouse error codes that mean "this data", not "this connection" or "this server". */
const DATA_ERROR_CODES = new Set(['6', '26', '27', '32', '38', '41', '53', '69', '70', '72', '117', '130', '131', '376', '691']);

export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DATA_ERROR_CODES.has(code);
}

/** One idempotent insert: the same token twice writes once (and feeds the materialized views once). */
export async function insertRows(analytics: AnalyticsStore, database: string, table: ProjectedTable, values: readonly unknown[], token: string): Promise<void> {
  await analytics.insertCompactRows(`${database}.${table}`, TABLE_COLUMNS[table], values, {
    insert_deduplicate: 1,
    insert_deduplication_token: token,
    deduplicate_blocks_in_dependent_materialized_views: 1,
  });
}
