import type { HierarchyEvidence, ObservedOrganisation } from './evidence/evidence-plan';
import { isIsoDate, nextDay } from './organisation-events';

/** One practice's line of a national practice mapping file, in either format. */
export interface SnapshotPractice {
  readonly code: string;
  readonly name: string;
  readonly postcode: string;
  /** Null for a practice in no PCN (the files' code 'U', "Unallocated"). */
  readonly pcn: { readonly code: string; readonly name: string } | null;
  readonly commissioner: { readonly code: string; readonly name: string };
  readonly icb: { readonly code: string; readonly name: string };
  readonly region: { readonly code: string; readonly name: string };
}

/** The whole hierarchy as one mapping file states it on its extract date. */
export interface HierarchySnapshot {
  readonly date: string;
  readonly format: 'ccg-stp' | 'sub-icb-icb';
  readonly practices: readonly SnapshotPractice[];
}

export class SnapshotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFormatError';
  }
}

const FORMATS = {
  // January 2022 and before: CCGs and STPs.
  'ccg-stp': { commissioner: ['CCG_CODE', 'CCG_NAME'], icb: ['STP_CODE', 'STP_NAME'] },
  // From July 2022: sub-ICB locations and ICBs.
  'sub-icb-icb': { commissioner: ['SUB_ICB_LOCATION_CODE', 'SUB_ICB_LOCATION_NAME'], icb: ['ICB_CODE', 'ICB_NAME'] },
} as const;
const COMMON = ['EXTRACT_DATE', 'PRACTICE_CODE', 'PRACTICE_NAME', 'PRACTICE_POSTCODE', 'PCN_CODE', 'PCN_NAME', 'COMM_REGION_CODE', 'COMM_REGION_NAME'];
/** How the files mark a practice that belongs to no PCN. */
const NO_PCN = new Set(['U', 'UNALLOCATED']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export interface SnapshotProblem {
  readonly line: number;
  readonly message: string;
}

/**
 * Reads the rows of a "Patients Registered at a GP Practice" mapping file (header row first,
 * as parsed CSV records) into a snapshot. Recognises both formats by their headers; rows that
 * cannot be used are reported, not silently dropped.
 */
export function readMappingSnapshot(
  header: readonly string[],
  rows: Iterable<readonly string[]>,
): { snapshot: HierarchySnapshot; problems: SnapshotProblem[] } {
  const columns = new Map(
    header.map((h, i) => [
      h
        .trim()
        .replace(/^\uFEFF/, '')
        .toUpperCase(),
      i,
    ]),
  );
  const format = columns.has('SUB_ICB_LOCATION_CODE') ? 'sub-icb-icb' : columns.has('CCG_CODE') ? 'ccg-stp' : null;
  if (!format) {
    throw new SnapshotFormatError('Not a practice mapping file: the header has neither CCG_CODE (2022 format) nor SUB_ICB_LOCATION_CODE (2025 format)');
  }
  const spec = FORMATS[format];
  const required = [...COMMON, ...spec.commissioner, ...spec.icb];
  const missing = required.filter((c) => !columns.has(c));
  if (missing.length) throw new SnapshotFormatError(`The mapping file's header lacks ${missing.join(', ')}`);
  const at = (row: readonly string[], name: string): string => (row[columns.get(name)!] ?? '').trim();

  const practices: SnapshotPractice[] = [];
  const problems: SnapshotProblem[] = [];
  const seen = new Set<string>();
  let date: string | null = null;
  let line = 1;
  for (const row of rows) {
    line++;
    const code = at(row, 'PRACTICE_CODE');
    const rowDate = parseExtractDate(at(row, 'EXTRACT_DATE'));
    if (!rowDate) {
      problems.push({ line, message: `EXTRACT_DATE '${at(row, 'EXTRACT_DATE')}' is not a date like 01Jan2022` });
      continue;
    }
    if (date && rowDate !== date) {
      problems.push({ line, message: `EXTRACT_DATE ${rowDate} differs from the file's ${date}` });
      continue;
    }
    date = rowDate;
    const practice: SnapshotPractice = {
      code,
      name: at(row, 'PRACTICE_NAME'),
      postcode: at(row, 'PRACTICE_POSTCODE'),
      pcn: NO_PCN.has(at(row, 'PCN_CODE').toUpperCase()) ? null : { code: at(row, 'PCN_CODE'), name: at(row, 'PCN_NAME') },
      commissioner: { code: at(row, spec.commissioner[0]), name: at(row, spec.commissioner[1]) },
      icb: { code: at(row, spec.icb[0]), name: at(row, spec.icb[1]) },
      region: { code: at(row, 'COMM_REGION_CODE'), name: at(row, 'COMM_REGION_NAME') },
    };
    const empty = [
      ...(['code', 'name'] as const).filter((field) => !practice[field]),
      ...(at(row, 'PCN_CODE') === '' ? ['pcn code'] : []),
      ...(['commissioner', 'icb', 'region'] as const).filter((level) => !practice[level].code).map((level) => `${level} code`),
    ];
    if (empty.length) {
      problems.push({ line, message: `practice ${code || '(no code)'}: empty ${empty.join(', ')}` });
      continue;
    }
    if (seen.has(code)) {
      problems.push({ line, message: `practice ${code} appears twice` });
      continue;
    }
    seen.add(code);
    practices.push(practice);
  }
  if (!date) throw new SnapshotFormatError('The mapping file has no usable rows');
  return { snapshot: { date, format, practices }, problems };
}

/** '01Jan2022' -> '2022-01-01'. */
export function parseExtractDate(value: string): string | null {
  const m = /^(\d{2})([A-Za-z]{3})(\d{4})$/.exec(value.trim());
  if (!m) return isIsoDate(value.trim()) ? value.trim() : null;
  const month = MONTHS.indexOf(m[2]!.toUpperCase());
  if (month < 0) return null;
  const iso = `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]}`;
  return isIsoDate(iso) ? iso : null;
}

/** The source name of a mapping file's evidence. */
export function mappingFileSource(date: string): string {
  return `gp-reg-pat-prac-map ${date}`;
}

/**
 * A mapping file as hierarchy evidence: complete (an organisation it does not name was not open
 * on its date), covering its extract date, naming every practice with its PCN, commissioner and
 * ICB, every commissioner's ICB and every ICB's region.
 */
export function snapshotEvidence(snapshot: HierarchySnapshot): HierarchyEvidence {
  const organisations = new Map<string, ObservedOrganisation>();
  for (const p of snapshot.practices) {
    organisations.set(p.region.code, { code: p.region.code, level: 'REGION', name: p.region.name, postcode: '', parents: {} });
    organisations.set(p.icb.code, { code: p.icb.code, level: 'ICB', name: p.icb.name, postcode: '', parents: { IN_REGION: p.region.code } });
    organisations.set(p.commissioner.code, {
      code: p.commissioner.code,
      level: 'COMMISSIONER',
      name: p.commissioner.name,
      postcode: '',
      parents: { PART_OF_ICB: p.icb.code },
    });
    if (p.pcn) organisations.set(p.pcn.code, { code: p.pcn.code, level: 'PCN', name: p.pcn.name, postcode: '', parents: {} });
  }
  for (const p of snapshot.practices) {
    organisations.set(p.code, {
      code: p.code,
      level: 'PRACTICE',
      name: p.name,
      postcode: p.postcode,
      parents: { MEMBER_OF_PCN: p.pcn?.code ?? '', COMMISSIONED_BY: p.commissioner.code, IN_ICB: p.icb.code },
    });
  }
  return {
    source: mappingFileSource(snapshot.date),
    evidence: 'MAPPING_FILE',
    from: snapshot.date,
    to: nextDay(snapshot.date),
    complete: true,
    organisations: [...organisations.values()],
  };
}
