export {
  BEGINNING,
  OPEN_END,
  PROJECTED_TABLES,
  PROJECTED_TABLE_SHAPES,
  ROW_MAPPINGS,
  TABLE_COLUMNS,
  dateTime,
  projectEvent,
  type ProjectedTable,
  type Row,
  type RowsByTable,
} from './rows';
