import { InvalidAppendError } from './errors';
import { assertValidEvent, assertValidExpectedVersion, assertValidStreamId } from './validation';
import type { EventToAppend } from './types';

const valid: EventToAppend = {
  type: 'CapabilityDeployed',
  schemaVersion: 1,
  data: { practiceCode: 'A81001', capability: 'ONLINE_CONSULTATION' },
  metadata: { occurredAt: '2024-04-01T00:00:00Z', source: { system: 's', recordId: 'r' } },
};

describe('append validation', () => {
  it('accepts a well-formed event, stream id and expected versions', () => {
    expect(() => assertValidEvent(valid, 0)).not.toThrow();
    expect(() => assertValidStreamId('practice-A81001')).not.toThrow();
    for (const v of ['any', 'no_stream', 'stream_exists', 0, 7] as const) expect(() => assertValidExpectedVersion(v)).not.toThrow();
  });

  it.each([
    ['a stream id without category', () => assertValidStreamId('A81001'), /Stream id 'A81001' is not valid/],
    ['a stream id with a space', () => assertValidStreamId('practice-A 1'), /is not valid/],
    ['a fractional version', () => assertValidExpectedVersion(1.5), /Expected version 1.5/],
    ['an unknown version keyword', () => assertValidExpectedVersion('latest' as never), /Expected version latest/],
    ['a snake_case type', () => assertValidEvent({ ...valid, type: 'capability_deployed' }, 3), /event 3: type 'capability_deployed'/],
    ['a missing schema version', () => assertValidEvent({ ...valid, schemaVersion: undefined as never }, 0), /schemaVersion undefined/],
    ['array data', () => assertValidEvent({ ...valid, data: [] }, 0), /data must be a JSON object/],
    ['a bad occurredAt', () => assertValidEvent({ ...valid, metadata: { ...valid.metadata, occurredAt: 'yesterday' } }, 0), /occurredAt must be an ISO 8601/],
    [
      'an empty source record id',
      () => assertValidEvent({ ...valid, metadata: { ...valid.metadata, source: { system: 's', recordId: '' } } }, 0),
      /metadata.source needs/,
    ],
    ['an upper-case event id', () => assertValidEvent({ ...valid, eventId: 'ABCDEF00-0000-5000-8000-000000000000' }, 0), /eventId .* is not a lower-case UUID/],
  ])('rejects %s with a specific reason', (_label, run, message) => {
    expect(run).toThrow(InvalidAppendError);
    expect(run).toThrow(message);
  });
});
