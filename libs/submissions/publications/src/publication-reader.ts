import { basename } from 'node:path';
import readXlsxFile from 'read-excel-file/node';

/**
 * Reads the practice-level table of a national publication in its published xlsx form, in any
 * month's edition: the header row is found by its column names with footnote markers stripped
 * ("Submissions [7]" is "Submissions"), months may be dates or Excel serial numbers, and rows
 * that cannot be read are kept with the reason.
 */
export type PublicationKind = 'online-consultation' | 'cloud-telephony';

export interface MetricColumn {
  readonly metric: string;
  readonly header: string;
  /** A column some editions may lack; a row needs at least one of the other metrics to count. */
  readonly optional?: boolean;
}

interface PublicationSpec {
  readonly kind: PublicationKind;
  readonly sheetPrefix: string;
  readonly capability: string;
  readonly metrics: readonly MetricColumn[];
  readonly practiceColumn: readonly string[];
  readonly supplierColumn: string | null;
}

const SPECS: readonly PublicationSpec[] = [
  {
    kind: 'online-consultation',
    sheetPrefix: 'Table 2',
    capability: 'ONLINE_CONSULTATION',
    practiceColumn: ['GP Code', 'Practice Code', 'GP Practice Code'],
    supplierColumn: 'Supplier',
    metrics: [
      { metric: 'SUBMISSIONS', header: 'Submissions' },
      { metric: 'CLINICAL_SUBMISSIONS', header: 'Clinical Submissions' },
      { metric: 'ADMINISTRATIVE_SUBMISSIONS', header: 'Administrative Submissions' },
      { metric: 'OTHER_SUBMISSIONS', header: 'Other/Unknown Type Submissions' },
      // The list size the rates per 1,000 registered patients divide by (metrics catalogue v2).
      { metric: 'REGISTERED_PATIENTS', header: 'Registered Patient Count', optional: true },
    ],
  },
  {
    kind: 'cloud-telephony',
    sheetPrefix: 'Table 3',
    capability: 'ADVANCED_TELEPHONY',
    practiceColumn: ['GP Practice (ODS_CODE)', 'GP Practice', 'GP Code'],
    supplierColumn: null,
    metrics: [
      { metric: 'INBOUND_CALLS', header: 'Count of Inbound calls' },
      { metric: 'CALLS_ANSWERED', header: 'Answered' },
      { metric: 'CALLS_ENDED_IN_IVR', header: 'Ended during the IVR Stage' },
      { metric: 'CALLBACKS_REQUESTED', header: 'Call back requested' },
      { metric: 'CALLS_MISSED', header: 'Missed' },
      { metric: 'CALLBACKS_MADE', header: 'Call back made' },
    ],
  },
];

export interface PublicationRow {
  /** Spreadsheet row number (1-based), for messages. */
  readonly line: number;
  readonly month: string;
  readonly practice: string;
  readonly pcn: string;
  readonly subIcb: string;
  readonly icb: string;
  readonly region: string;
  readonly supplier: string;
  /** The names the row gives its practice, PCN, sub-ICB location, ICB and region ('' where it has none). */
  readonly names: { readonly practice: string; readonly pcn: string; readonly subIcb: string; readonly icb: string; readonly region: string };
  readonly values: ReadonlyMap<string, number>;
}

export interface Publication {
  readonly file: string;
  readonly kind: PublicationKind;
  readonly capability: string;
  /** First day of the month the publication covers ('YYYY-MM-01'). */
  readonly month: string;
  readonly rows: PublicationRow[];
  readonly unreadable: Array<{ line: number; reason: string }>;
  /** Rows read with a correction, and which (a practice row whose month cell holds other text takes the publication's month). */
  readonly readNotes: Array<{ line: number; note: string }>;
}

export class PublicationFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublicationFormatError';
  }
}

const PRACTICE_CODE = /^[A-Z]\d{5}$/;

/** "Submissions [7]" -> "submissions"; line breaks and double spaces folded. */
export function normaliseHeader(value: unknown): string {
  return String(value ?? '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** A header as columns are matched: normalised, then only its letters and digits ("Sub-ICB Location Code" is "Sub ICB Location Code"). */
export function headerKey(value: unknown): string {
  return normaliseHeader(value).replace(/[^a-z0-9]/g, '');
}

/** A month cell: a Date, an Excel serial number (days since 1899-12-30) or text; 'YYYY-MM-01'. */
export function monthOf(value: unknown): string | null {
  let date: Date | null = null;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number' && value > 20_000 && value < 80_000) date = new Date(Date.UTC(1899, 11, 30) + value * 86_400_000);
  else if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) date = new Date(value);
  if (!date || Number.isNaN(date.getTime())) return null;
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export async function readPublication(path: string): Promise<Publication> {
  const file = basename(path);
  let sheets: Array<{ sheet: string; data: unknown[][] }>;
  try {
    sheets = (await readXlsxFile(path)) as unknown as Array<{ sheet: string; data: unknown[][] }>;
  } catch (error) {
    throw new PublicationFormatError(`${file}: cannot be read as an xlsx workbook (${(error as Error).message})`);
  }
  for (const spec of SPECS) {
    const sheet = sheets.find((s) => s.sheet.trim().startsWith(spec.sheetPrefix));
    if (!sheet) continue;
    const headerIndex = sheet.data.findIndex((row) => {
      const names = row.map(headerKey);
      return spec.practiceColumn.some((p) => names.includes(headerKey(p))) && names.includes(headerKey(spec.metrics[0]!.header));
    });
    if (headerIndex < 0) continue;
    return readTable(file, spec, sheet.data, headerIndex);
  }
  throw new PublicationFormatError(
    `${file}: not a known publication: expected "Submissions via Online Consultation Systems" (Table 2, with GP Code and Submissions columns) or "Cloud Based Telephony" (Table 3, with GP Practice and Count of Inbound calls columns)`,
  );
}

function readTable(file: string, spec: PublicationSpec, data: unknown[][], headerIndex: number): Publication {
  const header = data[headerIndex]!.map(headerKey);
  const column = (...names: string[]): number => {
    for (const name of names) {
      const i = header.indexOf(headerKey(name));
      if (i >= 0) return i;
    }
    throw new PublicationFormatError(`${file}: the header row of ${spec.sheetPrefix} has no '${names[0]}' column`);
  };
  // Names are for the hierarchy evidence; an edition without them still imports.
  const optionalColumn = (...names: string[]): number => names.map((n) => header.indexOf(headerKey(n))).find((i) => i >= 0) ?? -1;
  const cols = {
    month: column('Month'),
    practice: column(...spec.practiceColumn),
    // Earlier editions name the levels as they were then (CCG and STP before July 2022).
    pcn: column('PCN Code'),
    subIcb: column('Sub ICB Code', 'Sub ICB Location Code', 'SICBL Code', 'CCG Code'),
    icb: column('ICB Code', 'STP Code'),
    region: column('Region Code', 'NHS England Region Code', 'Commissioning Region Code'),
    supplier: spec.supplierColumn ? column(spec.supplierColumn) : -1,
    names: {
      practice: optionalColumn('GP Name'),
      pcn: optionalColumn('PCN Name'),
      subIcb: optionalColumn('Sub ICB Name', 'Sub ICB Location Name', 'SICBL Name', 'CCG Name'),
      icb: optionalColumn('ICB Name', 'STP Name'),
      region: optionalColumn('Region Name', 'NHS England Region Name', 'Commissioning Region Name'),
    },
    metrics: spec.metrics
      .filter((m) => !m.optional || header.includes(headerKey(m.header)))
      .map((m) => ({ metric: m.metric, index: column(m.header), optional: m.optional === true })),
  };
  const rows: PublicationRow[] = [];
  const unreadable: Array<{ line: number; reason: string }> = [];
  const readNotes: Array<{ line: number; note: string }> = [];
  // Practice rows with counts whose month cell holds something else (the October 2025 telephony
  // file has its copyright line in one): they belong to the publication's month, known at the end.
  const undated: Array<{ row: PublicationRow; cell: string }> = [];
  const months = new Map<string, number>();
  data.slice(headerIndex + 1).forEach((row, i) => {
    const line = headerIndex + 2 + i;
    const practice = typeof row[cols.practice] === 'string' ? (row[cols.practice] as string).trim() : '';
    const hasNumbers = cols.metrics.some((m) => !m.optional && typeof row[m.index] === 'number');
    if (!practice) {
      // Sub-headers, blank lines, the "Total" row and the copyright line carry no practice.
      return;
    }
    const month = monthOf(row[cols.month]);
    if (!month && !hasNumbers) return; // a note under the table
    if (!month && !PRACTICE_CODE.test(practice)) {
      unreadable.push({ line, reason: `practice ${practice}: the month '${String(row[cols.month])}' is not a date` });
      return;
    }
    if (!hasNumbers) {
      // Notes under the table carry text where the practice would be; a practice row without counts is reported.
      if (/^([A-Z]\d{5}|Unassigned)$/i.test(practice)) unreadable.push({ line, reason: `practice ${practice}: no counts in the row` });
      return;
    }
    const values = new Map<string, number>();
    for (const m of cols.metrics) if (typeof row[m.index] === 'number') values.set(m.metric, row[m.index] as number);
    const text = (index: number): string => (index >= 0 && row[index] !== null && row[index] !== undefined ? String(row[index]).trim() : '');
    if (month) months.set(month, (months.get(month) ?? 0) + 1);
    const read: PublicationRow = {
      line,
      month: month ?? '',
      practice,
      pcn: text(cols.pcn),
      subIcb: text(cols.subIcb),
      icb: text(cols.icb),
      region: text(cols.region),
      supplier: text(cols.supplier),
      names: {
        practice: text(cols.names.practice),
        pcn: text(cols.names.pcn),
        subIcb: text(cols.names.subIcb),
        icb: text(cols.names.icb),
        region: text(cols.names.region),
      },
      values,
    };
    if (month) rows.push(read);
    else undated.push({ row: read, cell: String(row[cols.month]) });
  });
  const month = [...months].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!month) throw new PublicationFormatError(`${file}: ${spec.sheetPrefix} has no practice rows`);
  for (const { row, cell } of undated) {
    rows.push({ ...row, month });
    readNotes.push({
      line: row.line,
      note: `practice ${row.practice}: the month cell reads '${cell}', not a date: taken as the publication's month ${month.slice(0, 7)}`,
    });
  }
  rows.sort((a, b) => a.line - b.line);
  return { file, kind: spec.kind, capability: spec.capability, month, rows, unreadable, readNotes };
}
