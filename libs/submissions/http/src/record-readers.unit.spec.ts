import { Readable } from 'node:stream';
import type { IncomingRecord } from '@gpds/submissions';
import { gzipSync } from 'node:zlib';
import { BodyTooLargeError, UnreadableBodyError, bodyFormat, decodedBody, readRecords, type BodyFormat } from './record-readers';

async function read(format: BodyFormat, body: string | Buffer | Buffer[], maxBytes = 10_000_000): Promise<IncomingRecord[]> {
  const chunks = Array.isArray(body) ? body : [typeof body === 'string' ? Buffer.from(body) : body];
  const out: IncomingRecord[] = [];
  for await (const r of readRecords(Readable.from(chunks), format, maxBytes)) out.push(r);
  return out;
}

const rec = (id: string) => ({
  type: 'CapabilityDeployed',
  source: { system: 's', recordId: id },
  occurredAt: '2024-01-01T00:00:00Z',
  data: { practiceCode: 'A81001' },
});

describe('reading submission bodies as they stream', () => {
  it('knows the three content types', () => {
    expect(bodyFormat('application/json; charset=utf-8')).toBe('json');
    expect(bodyFormat('application/x-ndjson')).toBe('ndjson');
    expect(bodyFormat('text/csv')).toBe('csv');
    expect(bodyFormat('text/plain')).toBeNull();
  });

  it('reads NDJSON line by line across chunk boundaries; a malformed line or invalid UTF-8 is one rejected record', async () => {
    const text = `${JSON.stringify(rec('a'))}\n{"type": oops}\n\n${JSON.stringify(rec('b'))}`;
    const split = [Buffer.from(text.slice(0, 17)), Buffer.from(text.slice(17, 60)), Buffer.from(text.slice(60)), Buffer.from([0x0a, 0xff, 0xfe, 0x0a])];
    const records = await read('ndjson', split);
    expect(records.map((r) => ('value' in r ? (r.value as { source: { recordId: string } }).source.recordId : r.parseError.code))).toEqual([
      'a',
      'MALFORMED_JSON',
      'b',
      'INVALID_UTF8',
    ]);
    expect(records.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect('parseError' in records[1]! && records[1].parseError.message).toMatch(/^line 2 is not valid JSON/);
  });

  it('skips the byte order mark a spreadsheet puts before the first NDJSON line', async () => {
    const records = await read(
      'ndjson',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${JSON.stringify(rec('a'))}\r\n${JSON.stringify(rec('b'))}\r\n`)]),
    );
    expect(records.map((r) => ('value' in r ? (r.value as { source: { recordId: string } }).source.recordId : r.parseError.code))).toEqual(['a', 'b']);
  });

  it('undoes Content-Encoding as the body streams, counting the limit on decoded bytes, and names encodings it does not know', async () => {
    const text = `${JSON.stringify(rec('a'))}\n${JSON.stringify(rec('b'))}`;
    const decoded = decodedBody(Readable.from([gzipSync(text)]), 'gzip');
    if (!('stream' in decoded)) throw new Error('gzip is known');
    const out: IncomingRecord[] = [];
    for await (const r of readRecords(decoded.stream, 'ndjson', 10_000_000, decoded.encoding)) out.push(r);
    expect(out).toHaveLength(2);
    expect(decodedBody(Readable.from([]), 'identity')).toMatchObject({ encoding: null });
    expect(decodedBody(Readable.from([]), 'gzip, zstd')).toEqual({ unsupported: 'zstd' });
    const small = decodedBody(Readable.from([gzipSync(Buffer.alloc(100_000, 0x20))]), 'gzip');
    if (!('stream' in small)) throw new Error('gzip is known');
    await expect(
      (async () => {
        for await (const r of readRecords(small.stream, 'ndjson', 50_000, small.encoding)) void r;
      })(),
    ).rejects.toBeInstanceOf(BodyTooLargeError);
    const corrupt = decodedBody(Readable.from([Buffer.from('plainly not gzip')]), 'gzip');
    if (!('stream' in corrupt)) throw new Error('gzip is known');
    await expect(
      (async () => {
        for await (const r of readRecords(corrupt.stream, 'ndjson', 50_000, corrupt.encoding)) void r;
      })(),
    ).rejects.toMatchObject({ code: 'INVALID_ENCODING' });
  });

  it('reads a JSON array element by element, strings with brackets and escapes included, and a single object', async () => {
    const tricky = { ...rec('c'), data: { practiceCode: 'A81001', note: 'a ] , [ "quoted" \\ }' } };
    const text = JSON.stringify([rec('a'), tricky, rec('b')]);
    const chunks = Array.from({ length: Math.ceil(text.length / 7) }, (_, i) => Buffer.from(text.slice(i * 7, i * 7 + 7)));
    const records = await read('json', chunks);
    expect(records.map((r) => 'value' in r && r.value)).toEqual([rec('a'), tricky, rec('b')]);
    expect(await read('json', JSON.stringify(rec('x')))).toEqual([{ index: 0, value: rec('x') }]);
  });

  it('rejects one malformed element, reports a cut-off array, and refuses a body that is not JSON at all', async () => {
    const records = await read('json', `[${JSON.stringify(rec('a'))}, {"type": nope}, ${JSON.stringify(rec('b'))}`);
    expect(records.map((r) => ('value' in r ? 'ok' : r.parseError.code))).toEqual(['ok', 'MALFORMED_JSON', 'MALFORMED_JSON']);
    await expect(read('json', 'hello')).rejects.toBeInstanceOf(UnreadableBodyError);
    await expect(read('json', '{"type": ')).rejects.toMatchObject({ code: 'MALFORMED_JSON' });
    await expect(read('json', '   ')).rejects.toMatchObject({ code: 'EMPTY_BODY' });
  });

  it('reads yes/no cells of CSV as booleans (any case) and hands other text on for the contract to refuse', async () => {
    const csv = [
      'type,source.system,source.recordId,occurredAt,data.practiceCode,data.email,data.mobile',
      'CasRegistrationRecorded,s,r1,2024-01-01T00:00:00Z,A81001,true,FALSE',
      'CasRegistrationRecorded,s,r2,2024-01-01T00:00:00Z,A81001,yes,True',
    ].join('\n');
    const records = await read('csv', csv);
    expect(records.map((r) => ('value' in r ? (r.value as { data: unknown }).data : r))).toEqual([
      { practiceCode: 'A81001', email: true, mobile: false },
      { practiceCode: 'A81001', email: 'yes', mobile: true },
    ]);
  });

  it('reads CSV with field-path headers, typing cells by the contract; a bad row is one rejected record', async () => {
    const csv = [
      'type,source.system,source.recordId,occurredAt,data.organisationCode,data.organisationLevel,data.capability,data.metric,data.periodStart,data.periodEnd,data.value',
      'UtilisationSampleRecorded,s,r1,2025-12-01T00:00:00Z,A81001,PRACTICE,ONLINE_CONSULTATION,SUBMISSIONS,2025-11-01,2025-11-30,120',
      'UtilisationSampleRecorded,s,r2,2025-12-01T00:00:00Z,A81001,PRACTICE',
      'BusinessContinuityPlanReviewed,s,"r3 ""quoted""",2022-07-12T10:00:00Z,,,,,,,',
    ].join('\n');
    const records = await read('csv', csv);
    expect(records[0]).toEqual({
      index: 0,
      value: {
        type: 'UtilisationSampleRecorded',
        source: { system: 's', recordId: 'r1' },
        occurredAt: '2025-12-01T00:00:00Z',
        data: {
          organisationCode: 'A81001',
          organisationLevel: 'PRACTICE',
          capability: 'ONLINE_CONSULTATION',
          metric: 'SUBMISSIONS',
          periodStart: '2025-11-01',
          periodEnd: '2025-11-30',
          value: 120,
        },
      },
    });
    expect(records[1]).toMatchObject({ index: 1, parseError: { code: 'MALFORMED_CSV', message: 'line 3: 6 cells where the header has 11' } });
    expect(records[2]).toMatchObject({ index: 2, value: { source: { recordId: 'r3 "quoted"' }, data: {} } });
    await expect(read('csv', 'kind,colour\nx,y')).rejects.toMatchObject({ code: 'BAD_CSV_HEADER' });
    await expect(read('csv', Buffer.from([0x74, 0x79, 0x70, 0x65, 0x0a, 0xc3, 0x28]))).rejects.toMatchObject({ code: 'INVALID_UTF8' });
  });

  it('stops at the size limit, keeping the records completed before it', async () => {
    const line = `${JSON.stringify(rec('a'))}\n`;
    const records: IncomingRecord[] = [];
    const error = await (async () => {
      for await (const r of readRecords(Readable.from([Buffer.from(line.repeat(10))]), 'ndjson', line.length * 3 + 5)) records.push(r);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(records.filter((r) => 'value' in r)).toHaveLength(3);
  });
});
