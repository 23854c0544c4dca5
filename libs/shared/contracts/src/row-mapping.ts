import type { EventData, EventType } from './event-catalogue';
import { instantProblem } from './instant';

/**
 * How an event becomes a row of an analytics table, declared as data: the table's columns in
 * order and, for each column, where its value comes from. Written once per event type, next to
 * the fact kind's decider; compiled once into a row function. Because each column names the
 * field it reads, a test can tell which contract fields a mapping ignores: a field added to the
 * protobuf contract fails that test until its mapping places it or says why it is not projected.
 */

export type Cell = string | number | null | readonly string[];
export type Row = readonly Cell[];

/** Every fact table ends with these: when it happened, when the platform learnt it, where it came from. */
export const PROVENANCE_COLUMNS = ['occurred_at', 'recorded_at', 'event_position', 'event_id', 'source_system', 'source_record'] as const;

/** A projected table: its name and the columns a mapping fills (provenance follows them). */
export interface TableShape<Name extends string = string, Column extends string = string> {
  readonly name: Name;
  readonly columns: readonly Column[];
  /** The columns as ClickHouse ingests them, provenance included. */
  readonly allColumns: readonly string[];
}

export function defineTable<const Name extends string, const Column extends string>(name: Name, columns: readonly Column[]): TableShape<Name, Column> {
  return { name, columns, allColumns: [...columns, ...PROVENANCE_COLUMNS] };
}

/** Open-ended dates: "since records begin" and "until further notice". */
export const BEGINNING = '1970-01-01';
export const OPEN_END = '2149-06-06';

type Field<T extends EventType> = keyof EventData<T> & string;

/** Where a column's value comes from, for the fields of event type T. */
export type Source<T extends EventType> = SourceOf<Field<T>>;

type SourceOf<F extends string> =
  /** A text field, '' when absent. */
  | { readonly text: F }
  /** A date field, NULL when empty. */
  | { readonly date: F }
  /** A date field, `otherwise` when empty. */
  | { readonly date: F; readonly otherwise: string }
  /**
   * An instant: an ISO 8601 date-time with its zone, as ClickHouse's 'YYYY-MM-DD hh:mm:ss.sss' in
   * UTC (a DateTime64(3, 'UTC') column); NULL when empty. A text that is not one (no zone, not a
   * real time) is handed on as a text ClickHouse refuses, never dropped. `required`: empty is
   * refused too, for a column that is not Nullable (ClickHouse would read NULL as 1970-01-01).
   */
  | { readonly instant: F; readonly required?: true }
  /** A count (UInt64): a whole number >= 0, else handed on as a text ClickHouse refuses (never a silent 0). */
  | { readonly count: F }
  /** A finite number, else handed on as a text ClickHouse refuses. */
  | { readonly number: F }
  /**
   * A whole number from min to max, else handed on as a text ClickHouse refuses: for a small
   * integer column (UInt8), into which ClickHouse would wrap a larger value silently (300 -> 44).
   */
  | { readonly integer: F; readonly min: number; readonly max: number }
  /** A list of codes. */
  | { readonly list: F }
  /** One field of each element of a list of messages, as a list ('' replaced by `otherwise` where given: dates). */
  | { readonly each: F; readonly field: string; readonly otherwise?: string }
  /** A yes/no field, as 1 or 0. */
  | { readonly flag: F }
  /** The day the fact happened (occurredAt's date). */
  | { readonly occurredOn: true }
  /** The same value for every event of the type (NULL included). */
  | { readonly constant: string | number | null };

export interface RowMappingSpec<T extends EventType, Name extends string, Column extends string> {
  readonly type: T;
  readonly table: TableShape<Name, Column>;
  readonly columns: { readonly [C in Column]: Source<T> };
  /** Contract fields the table does not hold, each with the reason. */
  readonly notProjected?: { readonly [F in Field<T>]?: string };
}

export interface RowMapping<T extends EventType = EventType, Name extends string = string> {
  readonly type: T;
  readonly table: TableShape<Name>;
  /** The data fields its columns read. */
  readonly fieldsRead: ReadonlySet<string>;
  readonly notProjected: Readonly<Record<string, string>>;
  /** Each column's source, in column order (for docs and tests). */
  readonly sources: ReadonlyArray<readonly [column: string, source: Source<T>]>;
  /**
   * The row's cells before provenance, from an event's stored data (which its contract decoded
   * before it was appended: the fields are typed where the mapping names them, in its spec).
   */
  row(data: unknown, occurredAt: string): Cell[];
}

/** Compiles a mapping: one closure per column, so projecting an event is a loop, not a lookup. */
export function rowMapping<T extends EventType, const Name extends string, Column extends string>(spec: RowMappingSpec<T, Name, Column>): RowMapping<T, Name> {
  const sources = spec.table.columns.map((column) => [column, spec.columns[column]] as const);
  const cells = sources.map(([, source]) => cellOf(source));
  const fieldsRead = new Set(sources.flatMap(([, s]) => fieldOf(s)));
  return {
    type: spec.type,
    table: spec.table,
    fieldsRead,
    notProjected: { ...(spec.notProjected ?? {}) } as Record<string, string>,
    sources,
    row(data, occurredAt) {
      const record = (data ?? {}) as Readonly<Record<string, unknown>>;
      return cells.map((cell) => cell(record, occurredAt));
    },
  };
}

function fieldOf(source: SourceOf<string>): string[] {
  if ('text' in source) return [source.text];
  if ('date' in source) return [source.date];
  if ('count' in source) return [source.count];
  if ('instant' in source) return [source.instant];
  if ('number' in source) return [source.number];
  if ('integer' in source) return [source.integer];
  if ('list' in source) return [source.list];
  if ('each' in source) return [source.each];
  if ('flag' in source) return [source.flag];
  return [];
}

type CellOf = (data: Readonly<Record<string, unknown>>, occurredAt: string) => Cell;

function cellOf(source: SourceOf<string>): CellOf {
  if ('text' in source) return (d) => text(d[source.text]);
  if ('date' in source) {
    const otherwise = 'otherwise' in source ? source.otherwise : null;
    return (d) => {
      const value = d[source.date];
      return typeof value === 'string' && value !== '' ? value : otherwise;
    };
  }
  if ('instant' in source) {
    const { instant: field, required } = source;
    return (d) => instant(d[field], required === true);
  }
  if ('count' in source) return (d) => count(d[source.count]);
  if ('number' in source) return (d) => num(d[source.number]);
  if ('integer' in source) {
    const { integer: field, min, max } = source;
    return (d) => integer(d[field], min, max);
  }
  if ('list' in source) return (d) => (Array.isArray(d[source.list]) ? (d[source.list] as unknown[]).map(String) : []);
  if ('each' in source) {
    const { each, field } = source;
    const otherwise = source.otherwise;
    return (d) =>
      Array.isArray(d[each])
        ? (d[each] as unknown[]).map((element) => {
            const value = text((element as Record<string, unknown> | null)?.[field]);
            return value === '' && otherwise !== undefined ? otherwise : value;
          })
        : [];
  }
  if ('flag' in source) return (d) => (d[source.flag] === true ? 1 : 0);
  if ('occurredOn' in source) return (_, occurredAt) => occurredAt.slice(0, 10);
  const value = source.constant;
  return () => value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/**
 * A value ClickHouse cannot store is handed on as a text it refuses, so the row lands in
 * projection_errors with its event: never a silent 0 or a wrapped count in a national total.
 */
function num(value: unknown): number | string {
  return typeof value === 'number' && Number.isFinite(value) ? value : `not a number: ${String(value)}`;
}

/** A count (a UInt64 column): a whole number >= 0 within JavaScript's exact integers, else refused as above. */
function count(value: unknown): number | string {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : `not a whole count: ${String(value)}`;
}

/** A whole number from min to max, else refused as above. */
function integer(value: unknown, min: number, max: number): number | string {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
    ? value
    : `not a whole number from ${min} to ${max}: ${String(value)}`;
}

/**
 * An instant field, NULL when empty (refused when required). Only a real date-time with its zone
 * is converted: one without a zone would be read in the projector's own time zone (another row
 * on another machine), and JavaScript reads 30 February as 1 March. Anything else is refused as
 * above, so the row lands in projection_errors with its event.
 */
function instant(value: unknown, required: boolean): string | null {
  if (value === undefined || value === null || value === '') return required ? 'not a date-time: (empty)' : null;
  if (typeof value === 'string' && instantProblem(value) === null) {
    const converted = clickHouseDateTime(value);
    if (converted !== undefined) return converted;
  }
  return `not a date-time: ${String(value)}`;
}

/**
 * ISO 8601 with any offset -> 'YYYY-MM-DD hh:mm:ss.sss' in UTC, which every ClickHouse parses:
 * the provenance columns (occurred_at, recorded_at) of every row, and instant fields.
 */
export function dateTime(iso: string): string {
  const converted = clickHouseDateTime(iso);
  if (converted === undefined) throw new RangeError(`'${iso}' is not an ISO 8601 date-time`);
  return converted;
}

function clickHouseDateTime(iso: string): string | undefined {
  // The shapes the platform writes (UTC with seconds, milliseconds or the event store's
  // microseconds, cut to milliseconds) by slicing: this runs at least twice per projected event.
  if (
    (iso.length === 24 || iso.length === 27) &&
    iso.charCodeAt(iso.length - 1) === 90 /* Z */ &&
    iso.charCodeAt(10) === 84 /* T */ &&
    iso.charCodeAt(19) === 46 /* . */
  ) {
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  }
  if (iso.length === 20 && iso.charCodeAt(19) === 90 && iso.charCodeAt(10) === 84) return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.000`;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return undefined;
  return t.toISOString().replace('T', ' ').replace('Z', '');
}
