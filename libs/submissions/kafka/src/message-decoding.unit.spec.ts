import { fromJson, toBinary } from '@bufbuild/protobuf';
import { TypedSubmissionRecordSchema, decodeEventData } from '@gpds/shared-contracts';
import { decodeSubmissionMessage, headerText } from './message-decoding';

const canonical = {
  type: 'BusinessContinuityPlanReviewed',
  schemaVersion: 1,
  source: { system: 'nhs-tees-valley-gpit', recordId: 'bcp-2022-00417' },
  occurredAt: '2022-07-12T10:00:00.000Z',
  data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER', 'LOSS_OF_RECORD_ACCESS'] },
};
const protobuf = (json: Record<string, unknown>): Buffer =>
  Buffer.from(toBinary(TypedSubmissionRecordSchema, fromJson(TypedSubmissionRecordSchema, json as never)));
const typed = {
  schemaVersion: 1,
  source: { system: 'nhs-tees-valley-gpit', recordId: 'bcp-2022-00417' },
  occurredAt: '2022-07-12T10:00:00Z',
  businessContinuityPlanReviewed: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER', 'LOSS_OF_RECORD_ACCESS'] },
};
const PROTO = { 'content-type': Buffer.from('application/x-protobuf') };

describe('decoding a Kafka message into a submission record', () => {
  it('reads a JSON message (no content type, or application/json) as the record it holds', () => {
    expect(decodeSubmissionMessage({ value: Buffer.from(JSON.stringify(canonical)) })).toEqual({ ok: true, value: canonical });
    expect(decodeSubmissionMessage({ value: Buffer.from(JSON.stringify(canonical)), headers: { 'Content-Type': 'application/json; charset=utf-8' } })).toEqual({
      ok: true,
      value: canonical,
    });
  });

  it('reads a protobuf TypedSubmissionRecord as the same canonical record as its JSON form', () => {
    const decoded = decodeSubmissionMessage({ value: protobuf(typed), headers: PROTO });
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const value = decoded.value as typeof canonical;
    expect({ ...value, data: undefined }).toEqual({ ...canonical, data: undefined });
    // The data passes the very contract check the command path runs, to the same fact as the JSON form's.
    const fromProto = decodeEventData(value.type, 1, value.data);
    const fromJsonForm = decodeEventData(canonical.type, 1, canonical.data);
    expect(fromProto.ok).toBe(true);
    expect(fromProto).toEqual(fromJsonForm);
  });

  it('accepts the content type with the message named, and refuses another message name', () => {
    expect(
      decodeSubmissionMessage({ value: protobuf(typed), headers: { 'content-type': 'application/x-protobuf; proto=gpds.submission.v1.TypedSubmissionRecord' } })
        .ok,
    ).toBe(true);
    expect(
      decodeSubmissionMessage({ value: protobuf(typed), headers: { 'content-type': 'application/x-protobuf; proto=gpds.submission.v1.SubmissionRecord' } }),
    ).toMatchObject({
      ok: false,
      errors: [{ code: 'UNSUPPORTED_CONTENT_TYPE' }],
    });
  });

  it('leaves out what a binary record does not give, so the checks name it missing', () => {
    const decoded = decodeSubmissionMessage({ value: protobuf({ source: { system: 's', recordId: 'r' } }), headers: PROTO });
    expect(decoded).toEqual({ ok: true, value: { source: { system: 's', recordId: 'r' } } });
    // Enum zero and empty text in the data stay visible to the contract's required-field check.
    const blank = decodeSubmissionMessage({ value: protobuf({ ...typed, businessContinuityPlanReviewed: { practiceCode: 'A81001' } }), headers: PROTO });
    if (!blank.ok) throw new Error('expected a record');
    const data = (blank.value as { data: unknown }).data;
    const checked = decodeEventData('BusinessContinuityPlanReviewed', 1, data);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.errors.map((e) => e.path)).toEqual(['data.reviewedBy', 'data.outcome']);
  });

  it.each([
    ['a tombstone (no value)', { value: null }, 'EMPTY_MESSAGE'],
    ['an empty value', { value: Buffer.alloc(0) }, 'EMPTY_MESSAGE'],
    ['bytes that are not UTF-8', { value: Buffer.from([0xff, 0xfe, 0x7b]) }, 'INVALID_UTF8'],
    ['text that is not JSON', { value: Buffer.from('{"type": ') }, 'MALFORMED_JSON'],
    ['garbage declared protobuf (cut off)', { value: Buffer.from([0x12, 0x05, 0x01]), headers: PROTO }, 'MALFORMED_PROTOBUF'],
    ['garbage declared protobuf (no such wire type)', { value: Buffer.from([0x0f, 0x01]), headers: PROTO }, 'MALFORMED_PROTOBUF'],
    ['an unknown content type', { value: Buffer.from('<record/>'), headers: { 'content-type': 'application/xml' } }, 'UNSUPPORTED_CONTENT_TYPE'],
    ['a value over the size limit', { value: Buffer.alloc(1024 * 1024 + 1, 0x20) }, 'RECORD_TOO_LARGE'],
  ])('answers a poison message (%s) with its reason, never by throwing', (_label, message, code) => {
    const decoded = decodeSubmissionMessage(message);
    expect(decoded).toMatchObject({ ok: false, errors: [{ path: '', code }] });
    if (!decoded.ok) expect(decoded.errors[0]!.message.length).toBeGreaterThan(20);
  });

  it('reads headers as text whatever their case and form', () => {
    expect(headerText({ Producer: Buffer.from('tees') }, 'producer')).toBe('tees');
    expect(headerText({ producer: ['a', 'b'] }, 'producer')).toBe('a');
    expect(headerText(undefined, 'producer')).toBeUndefined();
    expect(headerText({ other: 'x' }, 'producer')).toBeUndefined();
  });
});
