import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sharedDataDir } from '@gpds/shared-runtime';

/** Practice -> its commissioner (CCG or sub-ICB location), as a real ODS mapping file of ../shared/data/ods has it. */
export function practiceCommissioners(file: string): Map<string, string> {
  const rows = parse(readFileSync(join(sharedDataDir() ?? '/missing', 'ods', file)), { columns: true }) as Array<Record<string, string>>;
  return new Map(rows.map((r) => [r['PRACTICE_CODE']!, r['CCG_CODE'] ?? r['SUB_ICB_LOCATION_CODE']!]));
}

/**
 * Canonical submission records of one sending system, each with a record id of its own
 * (`<prefix>-1`, `<prefix>-2`, ...): what the e2e suites send to POST /v1/submissions.
 */
export function recordMaker(system: string, prefix = 'r'): (type: string, occurredAt: string, data: Record<string, unknown>) => Record<string, unknown> {
  let seq = 0;
  return (type, occurredAt, data) => ({ type, schemaVersion: 1, source: { system, recordId: `${prefix}-${++seq}` }, occurredAt, data });
}
