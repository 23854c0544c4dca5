import { eventIdFromSource } from '@gpds/event-store';
import { EVENT_CATALOGUE, decodeEventData } from '@gpds/shared-contracts';
import type { CheckedRecord, RecordError } from './submission-types';

const ENVELOPE_FIELDS = new Set(['type', 'schemaVersion', 'source', 'occurredAt', 'data']);
/** Longest text accepted in any field: generous for names and notes, far below a runaway upload. */
export const MAX_STRING_LENGTH = 10_000;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks one record against the canonical submission (proto3 JSON of gpds.submission.v1) and
 * its event's contract. Collects every envelope error at once, so a sender fixes them in one go.
 */
export function checkRecord(index: number, value: unknown): { ok: true; record: CheckedRecord } | { ok: false; errors: RecordError[] } {
  const errors: RecordError[] = [];
  const fail = (path: string, code: string, message: string): void => void errors.push({ path, code, message });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [{ path: '', code: 'NOT_AN_OBJECT', message: 'a record must be a JSON object with type, schemaVersion, source, occurredAt and data' }] };
  }
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!ENVELOPE_FIELDS.has(key)) fail(key, 'UNKNOWN_FIELD', `'${key}' is not a field of a submission record: use type, schemaVersion, source, occurredAt, data`);

  if (typeof r['type'] !== 'string' || r['type'] === '') fail('type', r['type'] === undefined ? 'MISSING_FIELD' : 'WRONG_TYPE', 'type is required: the event type, e.g. "CapabilityDeployed"');
  const version = r['schemaVersion'] ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail('schemaVersion', 'WRONG_TYPE', `schemaVersion must be a whole number >= 1, not ${JSON.stringify(version)}`);

  const source = r['source'];
  if (source === undefined) fail('source', 'MISSING_FIELD', 'source is required: {"system": "...", "recordId": "..."}');
  else if (source === null || typeof source !== 'object' || Array.isArray(source)) fail('source', 'WRONG_TYPE', 'source must be an object {"system": "...", "recordId": "..."}');
  else {
    const s = source as Record<string, unknown>;
    for (const [field, max] of [['system', 200], ['recordId', 500]] as const) {
      const v = s[field];
      if (v === undefined || v === '') fail(`source.${field}`, 'MISSING_FIELD', `source.${field} is required`);
      else if (typeof v !== 'string') fail(`source.${field}`, 'WRONG_TYPE', `source.${field} must be a string, not ${typeName(v)}`);
      else if (v.length > max) fail(`source.${field}`, 'TOO_LONG', `source.${field} is ${v.length} characters: at most ${max}`);
    }
    for (const key of Object.keys(s)) if (key !== 'system' && key !== 'recordId') fail(`source.${key}`, 'UNKNOWN_FIELD', `'source.${key}' is not a field: use system and recordId`);
  }

  const occurredAt = r['occurredAt'];
  if (occurredAt === undefined) fail('occurredAt', 'MISSING_FIELD', 'occurredAt is required: when the fact happened, e.g. "2022-07-12T10:00:00Z"');
  else if (typeof occurredAt !== 'string' || !ISO_DATE_TIME.test(occurredAt) || Number.isNaN(Date.parse(occurredAt))) {
    fail('occurredAt', 'INVALID_DATE', `occurredAt must be an ISO 8601 date-time with a time zone, e.g. "2022-07-12T10:00:00Z", not ${JSON.stringify(occurredAt).slice(0, 60)}`);
  }

  const data = r['data'];
  if (data === undefined) fail('data', 'MISSING_FIELD', "data is required: the event's fields");
  else if (data === null || typeof data !== 'object' || Array.isArray(data)) fail('data', 'WRONG_TYPE', `data must be a JSON object, not ${typeName(data)}`);
  else findLongStrings(data, 'data', fail);

  if (errors.length) return { ok: false, errors };
  const type = r['type'] as string;
  const decoded = decodeEventData(type, version as number, data);
  if (!decoded.ok) return { ok: false, errors: [decoded.error] };
  const s = source as { system: string; recordId: string };
  return {
    ok: true,
    record: {
      index,
      type,
      schemaVersion: version as number,
      source: { system: s.system, recordId: s.recordId },
      occurredAt: new Date(occurredAt as string).toISOString(),
      data: decoded.data as Record<string, unknown>,
      kind: EVENT_CATALOGUE.get(type)!.kind,
      eventId: eventIdFromSource(s),
    },
  };
}

function findLongStrings(value: unknown, path: string, fail: (path: string, code: string, message: string) => void): void {
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_LENGTH) fail(path, 'TOO_LONG', `${path} is ${value.length} characters: at most ${MAX_STRING_LENGTH}`);
  } else if (Array.isArray(value)) value.forEach((v, i) => findLongStrings(v, `${path}[${i}]`, fail));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) findLongStrings(v, `${path}.${k}`, fail);
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}
