import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { ScalarType } from '@bufbuild/protobuf';
import { EVENT_CATALOGUE } from '@gpds/shared-contracts';
import type { IncomingRecord, RecordError } from '@gpds/submissions';

/** The whole body is unusable (not a single record can be read): a 4xx for the request. */
export class UnreadableBodyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableBodyError';
  }
}

/** The body grew past the configured limit: records read before it still count. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes; records before the limit were processed, send the rest in another request`);
    this.name = 'BodyTooLargeError';
  }
}

export type BodyFormat = 'json' | 'ndjson' | 'csv';

export function bodyFormat(contentType: string | undefined): BodyFormat | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  if (type === 'text/csv') return 'csv';
  return null;
}

const MAX_RECORD_BYTES = 4 * 1024 * 1024;

const DECODERS: Readonly<Record<string, () => NodeJS.ReadWriteStream>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * The body as its sender wrote it: `Content-Encoding` (gzip, deflate, br, or several in turn)
 * undone as it streams, so the size limit and the readers see the decoded bytes. An encoding
 * not known here is refused rather than read as records.
 */
export function decodedBody(body: Readable, contentEncoding: string | undefined): { stream: Readable; encoding: string | null } | { unsupported: string } {
  const encodings = (contentEncoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
  const unknown = encodings.find((e) => !DECODERS[e]);
  if (unknown !== undefined) return { unsupported: unknown };
  let stream: Readable = body;
  // Applied in the order given, so undone in reverse.
  for (const encoding of [...encodings].reverse()) {
    const decoder = DECODERS[encoding]!() as unknown as Readable;
    const source = stream;
    source.pipe(decoder as unknown as NodeJS.WritableStream);
    // A client that goes away ends the decoding too, with the same error the plain body gives.
    source.once('error', (error) => decoder.destroy(error));
    source.once('aborted', () => decoder.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    decoder.once('error', () => source.unpipe(decoder as unknown as NodeJS.WritableStream));
    stream = decoder;
  }
  return { stream, encoding: encodings.length ? encodings.join(', ') : null };
}

/**
 * Reads records from a request body as it streams in: memory holds one record (and the chunk in
 * hand), never the body. A record that cannot be parsed becomes a parse error for that record
 * only. Throws UnreadableBodyError when nothing can be read, BodyTooLargeError past `maxBytes`.
 */
export async function* readRecords(body: Readable, format: BodyFormat, maxBytes: number, encoding: string | null = null): AsyncGenerator<IncomingRecord> {
  const limited = limit(body, maxBytes, encoding);
  if (format === 'ndjson') yield* readNdjson(limited);
  else if (format === 'json') yield* readJson(limited);
  else yield* readCsv(limited);
}

async function* limit(body: Readable, maxBytes: number, encoding: string | null): AsyncGenerator<Buffer> {
  let total = 0;
  // Stopping early leaves the request open, so the answer can still be written on its socket.
  const chunks = typeof body.iterator === 'function' ? body.iterator({ destroyOnReturn: false }) : body;
  try {
    for await (const chunk of chunks) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += buffer.length;
      if (total > maxBytes) {
        // Hand on the part within the limit, so the records it completes still count.
        const within = buffer.subarray(0, buffer.length - (total - maxBytes));
        if (within.length) yield within;
        throw new BodyTooLargeError(maxBytes);
      }
      yield buffer;
    }
  } catch (error) {
    // zlib's errors are the body's fault: a 400 that names the encoding, not a failure of the platform.
    if (encoding && typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('Z_')) {
      throw new UnreadableBodyError(
        'INVALID_ENCODING',
        `the body is not valid ${encoding} (${(error as Error).message}); records before the damage were processed`,
      );
    }
    throw error;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Buffer, what: string): { text: string } | { error: RecordError } {
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    return { error: { path: '', code: 'INVALID_UTF8', message: `${what} is not valid UTF-8` } };
  }
}

function parseJson(bytes: Buffer, what: string): { value: unknown } | { error: RecordError } {
  const decoded = decode(bytes, what);
  if ('error' in decoded) return decoded;
  try {
    return { value: JSON.parse(decoded.text) };
  } catch (error) {
    return { error: { path: '', code: 'MALFORMED_JSON', message: `${what} is not valid JSON: ${(error as Error).message}` } };
  }
}

async function* readNdjson(chunks: AsyncIterable<Buffer>): AsyncGenerator<IncomingRecord> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false; // inside a line already reported as too long
  let line = 0;
  let index = 0;
  const emit = function* (bytes: Buffer): Generator<IncomingRecord> {
    // A byte order mark before the first line (spreadsheets and Windows editors write one) is not part of the record.
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    if (bytes.toString('latin1').trim() === '') return;
    const parsed = parseJson(bytes, `line ${line}`);
    yield 'error' in parsed ? { index: index++, parseError: parsed.error } : { index: index++, value: parsed.value };
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      line++;
      if (skipping) skipping = false;
      else yield* emit(pending.length ? Buffer.concat([...pending, chunk.subarray(start, nl)]) : chunk.subarray(start, nl));
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length && !skipping) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_RECORD_BYTES) {
        // A line that does not end: report it once and skip to its end.
        yield { index: index++, parseError: { path: '', code: 'RECORD_TOO_LARGE', message: `line ${line + 1} is longer than ${MAX_RECORD_BYTES} bytes` } };
        pending = [];
        pendingBytes = 0;
        skipping = true;
      }
    }
  }
  if (pending.length && !skipping) {
    line++;
    yield* emit(Buffer.concat(pending));
  }
}

/** A JSON array streamed element by element (or a single object), split by bracket depth. */
async function* readJson(chunks: AsyncIterable<Buffer>): AsyncGenerator<IncomingRecord> {
  let mode: 'start' | 'array' | 'object' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element: Buffer[] = [];
  let elementStart = -1;
  let elementBytes = 0;
  let index = 0;
  const single: Buffer[] = [];
  let singleBytes = 0;

  const flush = function* (chunk: Buffer, end: number): Generator<IncomingRecord> {
    if (elementStart >= 0) element.push(chunk.subarray(elementStart, end));
    const bytes = Buffer.concat(element);
    element = [];
    elementStart = -1;
    elementBytes = 0;
    if (bytes.toString('latin1').trim() === '') return;
    const parsed = parseJson(bytes, `element ${index}`);
    yield 'error' in parsed ? { index: index++, parseError: parsed.error } : { index: index++, value: parsed.value };
  };

  for await (const chunk of chunks) {
    let i = 0;
    if (mode === 'start') {
      while (
        i < chunk.length &&
        (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09 || chunk[i] === 0xef || chunk[i] === 0xbb || chunk[i] === 0xbf)
      )
        i++;
      if (i === chunk.length) continue;
      if (chunk[i] === 0x5b) {
        mode = 'array';
        i++;
      } else if (chunk[i] === 0x7b) mode = 'object';
      else throw new UnreadableBodyError('MALFORMED_JSON', 'the body is not JSON: expected one record (an object) or an array of records');
    }
    if (mode === 'object') {
      single.push(chunk.subarray(i));
      singleBytes += chunk.length - i;
      if (singleBytes > MAX_RECORD_BYTES) throw new UnreadableBodyError('RECORD_TOO_LARGE', `a single record is larger than ${MAX_RECORD_BYTES} bytes`);
      continue;
    }
    if (mode === 'done') continue;
    if (elementStart < 0 && element.length) elementStart = 0;
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (c === 0x22) {
        inString = true;
        if (elementStart < 0) elementStart = i;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
        if (elementStart < 0) elementStart = i;
      } else if (c === 0x7d || c === 0x5d) {
        if (depth === 0 && c === 0x5d) {
          yield* flush(chunk, i);
          mode = 'done';
          break;
        }
        depth--;
      } else if (c === 0x2c && depth === 0) {
        yield* flush(chunk, i);
      } else if (elementStart < 0 && c > 0x20) elementStart = i;
    }
    if (mode === 'array' && elementStart >= 0) {
      element.push(chunk.subarray(elementStart));
      elementBytes += chunk.length - elementStart;
      elementStart = -1;
      if (elementBytes > MAX_RECORD_BYTES) throw new UnreadableBodyError('RECORD_TOO_LARGE', `element ${index} is larger than ${MAX_RECORD_BYTES} bytes`);
    }
  }
  if (mode === 'start') throw new UnreadableBodyError('EMPTY_BODY', 'the body is empty: send one record or an array of records');
  if (mode === 'object') {
    const parsed = parseJson(Buffer.concat(single), 'the body');
    if ('error' in parsed) throw new UnreadableBodyError(parsed.error.code, parsed.error.message);
    yield { index: 0, value: parsed.value };
    return;
  }
  if (mode === 'array') {
    // The array never closed: what is left is one truncated record.
    if (element.length)
      yield { index: index++, parseError: { path: '', code: 'MALFORMED_JSON', message: `element ${index} is cut off: the body ended inside the JSON array` } };
  }
}

const ENVELOPE_COLUMNS = new Set(['type', 'schemaVersion', 'source.system', 'source.recordId', 'occurredAt']);

/**
 * CSV with a header row of field paths: type, schemaVersion, source.system, source.recordId,
 * occurredAt, data.<field>. Cells are typed by the event's contract: numbers for numeric fields,
 * lists split on '|'; an empty cell leaves the field out.
 */
async function* readCsv(chunks: AsyncIterable<Buffer>): AsyncGenerator<IncomingRecord> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  async function* checked(): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        throw new UnreadableBodyError('INVALID_UTF8', `the body is not valid UTF-8 (in the bytes from ${offset})`);
      }
      offset += chunk.length;
      yield chunk;
    }
  }
  const parser = parseCsv({ bom: true, relax_column_count: true, skip_records_with_error: true, skip_empty_lines: true, info: true });
  const skipped: RecordError[] = [];
  parser.on('skip', (error: Error & { lines?: number }) =>
    skipped.push({ path: '', code: 'MALFORMED_CSV', message: `line ${error.lines ?? '?'}: ${error.message}` }),
  );
  const feed = (async () => {
    try {
      for await (const chunk of checked()) {
        if (parser.destroyed) return;
        // Wait for room, or for the reader to stop (a closed parser never drains).
        if (!parser.write(chunk)) await new Promise((r) => (parser.once('drain', r), parser.once('close', r)));
      }
      if (!parser.destroyed) parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  let header: string[] | null = null;
  let index = 0;
  try {
    for await (const row of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      while (skipped.length) yield { index: index++, parseError: skipped.shift()! };
      if (!header) {
        header = row.record.map((h) => h.trim());
        const bad = header.filter((h) => !ENVELOPE_COLUMNS.has(h) && !/^data\.[A-Za-z][A-Za-z0-9]*$/.test(h));
        if (bad.length || !header.includes('type')) {
          throw new UnreadableBodyError(
            'BAD_CSV_HEADER',
            `the header row must name field paths (type, schemaVersion, source.system, source.recordId, occurredAt, data.<field>)${
              bad.length
                ? `; not: ${bad
                    .slice(0, 10)
                    .map((h) => JSON.stringify(h.slice(0, 60)))
                    .join(', ')}${bad.length > 10 ? ` and ${bad.length - 10} more` : ''}`
                : '; type is missing'
            }`,
          );
        }
        continue;
      }
      if (row.record.length !== header.length) {
        yield {
          index: index++,
          parseError: { path: '', code: 'MALFORMED_CSV', message: `line ${row.info.lines}: ${row.record.length} cells where the header has ${header.length}` },
        };
        continue;
      }
      yield { index: index++, value: csvRecord(header, row.record) };
    }
    while (skipped.length) yield { index: index++, parseError: skipped.shift()! };
    if (!header) throw new UnreadableBodyError('EMPTY_BODY', 'the body is empty: send a header row and records');
  } finally {
    if (parser.writableEnded) await feed;
    // A reader that stops early (a failed submission, a bad header) stops the parser and does not
    // wait for the feed: the feed ends with the body, which the connector drains after answering.
    else parser.destroy();
  }
}

function csvRecord(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const source: Record<string, string> = {};
  const data: Record<string, unknown> = {};
  const type = cells[header.indexOf('type')] ?? '';
  const schema = EVENT_CATALOGUE.get(type)?.schema;
  header.forEach((path, i) => {
    const cell = cells[i] ?? '';
    if (cell === '') return;
    if (path === 'type' || path === 'occurredAt') record[path] = cell;
    else if (path === 'schemaVersion') record[path] = /^\d+$/.test(cell) ? Number(cell) : cell;
    else if (path.startsWith('source.')) source[path.slice(7)] = cell;
    else {
      const name = path.slice(5);
      const field = schema?.fields.find((f) => f.jsonName === name || f.name === name);
      if (field?.fieldKind === 'list') data[name] = cell.split('|').map((v) => v.trim());
      // A yes/no cell: true or false (any case); anything else is handed on as text, which the contract refuses with its path.
      else if (field?.fieldKind === 'scalar' && field.scalar === ScalarType.BOOL && /^(true|false)$/i.test(cell.trim()))
        data[name] = cell.trim().toLowerCase() === 'true';
      else if (field?.fieldKind === 'scalar' && field.scalar !== ScalarType.STRING && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(cell.trim()))
        data[name] = Number(cell);
      else data[name] = cell;
    }
  });
  if (Object.keys(source).length) record['source'] = source;
  record['data'] = data;
  return record;
}
