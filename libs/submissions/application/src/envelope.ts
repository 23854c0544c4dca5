import { instantProblem } from '@gpds/shared-contracts';
import { EVENT_CATALOGUE, decodeEventData } from '@gpds/shared-contracts';
import type { CheckedRecord, RecordError } from './submission-types';

const ENVELOPE_FIELDS = new Set(['type', 'schemaVersion', 'source', 'occurredAt', 'data']);
/** Longest text accepted in any field: generous for names and notes, far below a runaway upload. */
export const MAX_STRING_LENGTH = 10_000;
/**
 * Deepest nesting a record may have: an envelope, its data and a list in it are three levels.
 * Checked without recursion, so no record can exhaust the stack.
 */
export const MAX_DEPTH = 8;
/** Largest `data` a record may carry once decoded (a fact is a few fields; the store's limit on a whole event is 1 MiB). */
export const MAX_DATA_BYTES = 64 * 1024;
/** A record with more problems than this is answered with the first ones. */
const MAX_ERRORS = 20;
// An unpaired UTF-16 surrogate: a JSON escape like "\ud800" makes one; no text encoding can carry it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** How a record's source becomes its event id (the submitter's namespace: see ADR 0020). */
export type RecordIdentity = (source: { readonly system: string; readonly recordId: string }) => string;

/**
 * Checks one record against the canonical submission (proto3 JSON of gpds.submission.v1) and
 * its event's contract. Collects every envelope error at once, so a sender fixes them in one go.
 */
export function checkRecord(
  index: number,
  value: unknown,
  identify: RecordIdentity,
): { ok: true; record: CheckedRecord } | { ok: false; errors: RecordError[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      errors: [{ path: '', code: 'NOT_AN_OBJECT', message: 'a record must be a JSON object with type, schemaVersion, source, occurredAt and data' }],
    };
  }
  // Shape and text first: nothing below walks a record that is too deep or holds text no store can keep.
  const textErrors = checkShapeAndText(value);
  if (textErrors.length) return { ok: false, errors: textErrors };

  const errors: RecordError[] = [];
  const fail = (path: string, code: string, message: string): void => void errors.push({ path, code, message });
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!ENVELOPE_FIELDS.has(key))
      fail(key, 'UNKNOWN_FIELD', `'${key}' is not a field of a submission record: use type, schemaVersion, source, occurredAt, data`);

  if (typeof r['type'] !== 'string' || r['type'] === '')
    fail('type', r['type'] === undefined ? 'MISSING_FIELD' : 'WRONG_TYPE', 'type is required: the event type, e.g. "CapabilityDeployed"');
  const version = r['schemaVersion'] ?? 1;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    fail('schemaVersion', 'WRONG_TYPE', `schemaVersion must be a whole number >= 1, not ${JSON.stringify(version)}`);

  const source = r['source'];
  if (source === undefined) fail('source', 'MISSING_FIELD', 'source is required: {"system": "...", "recordId": "..."}');
  else if (source === null || typeof source !== 'object' || Array.isArray(source))
    fail('source', 'WRONG_TYPE', 'source must be an object {"system": "...", "recordId": "..."}');
  else {
    const s = source as Record<string, unknown>;
    for (const [field, max] of [
      ['system', 200],
      ['recordId', 500],
    ] as const) {
      const v = s[field];
      if (v === undefined || v === '') fail(`source.${field}`, 'MISSING_FIELD', `source.${field} is required`);
      else if (typeof v !== 'string') fail(`source.${field}`, 'WRONG_TYPE', `source.${field} must be a string, not ${typeName(v)}`);
      else if (v.trim() === '')
        fail(
          `source.${field}`,
          'MISSING_FIELD',
          `source.${field} is blank: it must name the ${field === 'system' ? 'sending system' : 'record in that system'}`,
        );
      else if (v.length > max) fail(`source.${field}`, 'TOO_LONG', `source.${field} is ${v.length} characters: at most ${max}`);
    }
    for (const key of Object.keys(s))
      if (key !== 'system' && key !== 'recordId') fail(`source.${key}`, 'UNKNOWN_FIELD', `'source.${key}' is not a field: use system and recordId`);
  }

  const occurredAt = r['occurredAt'];
  if (occurredAt === undefined) fail('occurredAt', 'MISSING_FIELD', 'occurredAt is required: when the fact happened, e.g. "2022-07-12T10:00:00Z"');
  else {
    const problem = dateTimeProblem(occurredAt);
    if (problem)
      fail(
        'occurredAt',
        'INVALID_DATE',
        `occurredAt ${JSON.stringify(occurredAt).slice(0, 60)} ${problem}: write an ISO 8601 date-time with a time zone, e.g. "2022-07-12T10:00:00Z"`,
      );
  }

  const data = r['data'];
  if (data === undefined) fail('data', 'MISSING_FIELD', "data is required: the event's fields");
  else if (data === null || typeof data !== 'object' || Array.isArray(data)) fail('data', 'WRONG_TYPE', `data must be a JSON object, not ${typeName(data)}`);

  if (errors.length) return { ok: false, errors };
  const type = r['type'] as string;
  const decoded = decodeEventData(type, version as number, data);
  if (!decoded.ok) return { ok: false, errors: [...decoded.errors] };
  const size = Buffer.byteLength(JSON.stringify(decoded.data));
  if (size > MAX_DATA_BYTES) {
    return {
      ok: false,
      errors: [
        { path: 'data', code: 'TOO_LARGE', message: `data is ${size} bytes of JSON: a fact's data is at most ${MAX_DATA_BYTES} (a list holds each code once)` },
      ],
    };
  }
  const s = source as { system: string; recordId: string };
  const { ok: _ok, ...fact } = decoded;
  return {
    ok: true,
    record: {
      ...fact,
      index,
      schemaVersion: version as number,
      source: { system: s.system, recordId: s.recordId },
      occurredAt: new Date(occurredAt as string).toISOString(),
      kind: EVENT_CATALOGUE.get(type)!.kind,
      eventId: identify(s),
    },
  };
}

/**
 * Walks the record without recursion: every key and string within MAX_STRING_LENGTH, free of
 * NUL (PostgreSQL text cannot hold it) and of unpaired surrogates (no UTF-8 can), and no
 * deeper than MAX_DEPTH.
 */
function checkShapeAndText(record: object): RecordError[] {
  const errors: RecordError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: record, path: '', depth: 1 }];
  const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
  const text = (value: string, path: string, what: string): void => {
    const where = path || 'the record';
    if (value.length > MAX_STRING_LENGTH)
      errors.push({ path, code: 'TOO_LONG', message: `${where} is ${value.length} characters: at most ${MAX_STRING_LENGTH}` });
    if (value.includes('\u0000'))
      errors.push({ path, code: 'INVALID_TEXT', message: `${what} ${where} contains a NUL character (\\u0000), which cannot be stored: remove it` });
    else if (LONE_SURROGATE.test(value))
      errors.push({
        path,
        code: 'INVALID_TEXT',
        message: `${what} ${where} contains an unpaired UTF-16 surrogate (a \\ud800-\\udfff escape on its own), which is not text: send the character itself`,
      });
  };
  while (stack.length > 0 && errors.length < MAX_ERRORS) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      text(value, path, 'the text of');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DEPTH) {
      // Said once: nothing inside it is looked at.
      return [
        {
          path,
          code: 'TOO_DEEP',
          message: `${path || 'the record'} is nested more than ${MAX_DEPTH} levels deep: a record is an object of fields, with lists of codes at most`,
        },
      ];
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const at = join(path, key);
      text(key, at, 'the field name');
      stack.push({ value: (value as Record<string, unknown>)[key], path: at, depth: depth + 1 });
    }
  }
  return errors.slice(0, MAX_ERRORS);
}

/** Why a value is not a real ISO 8601 date-time with a zone, or null (the grammar is the governance domain's, for every instant). */
function dateTimeProblem(value: unknown): string | null {
  return typeof value === 'string' ? instantProblem(value) : `is ${typeName(value)}, not text`;
}

function typeName(value: unknown): string {
  return value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'object'
        ? 'an object'
        : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}
