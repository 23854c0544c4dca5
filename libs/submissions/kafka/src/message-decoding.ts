import { fromBinary, toJson } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { IHeaders } from 'kafkajs';
import type { RecordError } from '@gpds/submissions';
import { EVENT_CATALOGUE, TypedSubmissionRecordSchema, type TypedSubmissionRecord } from '@gpds/shared-contracts';

/** The content type of a binary record: a gpds.submission.v1.TypedSubmissionRecord. */
export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';
const PROTOBUF_MESSAGE = 'gpds.submission.v1.TypedSubmissionRecord';
/** Largest message value read: far above any fact (whose data is at most 64 KiB), far below a runaway producer. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** What the connector reads of a Kafka message (kafkajs's KafkaMessage has these fields). */
export interface ReadMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
  readonly offset: string;
}

/** A message as a record for the command path, or why no record could be read from it. */
export type DecodedMessage = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: readonly RecordError[] };

/** A header's text (Kafka header names are case-sensitive; producers differ, so the match here is not), or undefined. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const raw = key === undefined ? undefined : headers[key];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : first;
}

const fail = (code: string, message: string): DecodedMessage => ({ ok: false, errors: [{ path: '', code, message }] });

/**
 * Reads one message as one canonical submission record: JSON (the canonical form, as over HTTP) by
 * default, or binary protobuf (TypedSubmissionRecord) when the `content-type` header says
 * application/x-protobuf; both become the same record value, checked later by the one command
 * path. Never throws: bytes that are no record are a rejection with the reason (a poison message
 * goes to the dead-letter topic, it never stops the consumer).
 */
export function decodeSubmissionMessage(message: Pick<ReadMessage, 'value' | 'headers'>): DecodedMessage {
  const bytes = message.value;
  if (bytes === null || bytes.length === 0) return fail('EMPTY_MESSAGE', 'the message has no value: each message is one submission record (JSON or protobuf)');
  if (bytes.length > MAX_MESSAGE_BYTES)
    return fail('RECORD_TOO_LARGE', `the message is ${bytes.length} bytes: a record is at most ${MAX_MESSAGE_BYTES} (one fact per message)`);
  const contentType = headerText(message.headers, 'content-type')?.trim() ?? '';
  const [mediaType = '', ...parameters] = contentType.split(';').map((p) => p.trim());
  const media = mediaType.toLowerCase();
  if (media === PROTOBUF_CONTENT_TYPE) {
    const proto = parameters.map((p) => /^proto=(.+)$/i.exec(p)?.[1]?.trim()).find((p) => p !== undefined);
    if (proto !== undefined && proto !== PROTOBUF_MESSAGE)
      return fail('UNSUPPORTED_CONTENT_TYPE', `binary records are ${PROTOBUF_MESSAGE} messages, not ${proto}: send that message or JSON`);
    return decodeProtobuf(bytes);
  }
  if (media !== '' && media !== 'application/json')
    return fail('UNSUPPORTED_CONTENT_TYPE', `content-type '${contentType}' is not supported: send application/json (the default) or ${PROTOBUF_CONTENT_TYPE}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('INVALID_UTF8', 'the message is not valid UTF-8 JSON: send a JSON record, or protobuf with content-type application/x-protobuf');
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return fail('MALFORMED_JSON', `the message is not valid JSON: ${(error as Error).message}`);
  }
}

function decodeProtobuf(bytes: Uint8Array): DecodedMessage {
  let record: TypedSubmissionRecord;
  try {
    record = fromBinary(TypedSubmissionRecordSchema, bytes);
  } catch (error) {
    return fail('MALFORMED_PROTOBUF', `the message is not a ${PROTOBUF_MESSAGE}: ${(error as Error).message}`);
  }
  return { ok: true, value: canonicalOf(record) };
}

/**
 * A binary record as the canonical record (the JSON form the command path checks): the oneof case
 * names the event type; fields proto3 leaves unset are left out, so the checks name them missing.
 * Every field of the data is given (binary cannot tell a zero from an absent number; empty text
 * and enum zero values are still reported as missing by the contract's required fields).
 */
export function canonicalOf(record: TypedSubmissionRecord): Record<string, unknown> {
  const canonical: Record<string, unknown> = {};
  const data = record.data;
  if (data.case !== undefined) {
    const type = data.case.charAt(0).toUpperCase() + data.case.slice(1);
    canonical['type'] = type;
    const entry = EVENT_CATALOGUE.get(type);
    // The oneof's cases are the catalogue's submittable types (a contracts test holds them to it).
    if (entry) canonical['data'] = toJson(entry.schema, data.value, { alwaysEmitImplicit: true });
  }
  if (record.schemaVersion !== 0) canonical['schemaVersion'] = record.schemaVersion;
  if (record.source) canonical['source'] = { system: record.source.system, recordId: record.source.recordId };
  if (record.occurredAt) {
    const at = timestampDate(record.occurredAt);
    canonical['occurredAt'] = Number.isNaN(at.getTime()) ? String(record.occurredAt.seconds) : at.toISOString();
  }
  return canonical;
}
