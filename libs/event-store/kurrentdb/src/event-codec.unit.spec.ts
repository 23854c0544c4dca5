import {
  EventIdConflictError,
  InvalidAppendError,
  UpcasterRegistry,
  canonicalJson,
  contentHash,
  eventIdFromSource,
  type EventToAppend,
} from '@gpds/event-store';
import { PROPERTY, decodeRecorded, encodeProperties, prepareEvents, toEventData, type StoredRecord } from './event-codec';

function event(recordId: string, overrides: Partial<EventToAppend> = {}): EventToAppend {
  return {
    type: 'CapabilityDeployed',
    schemaVersion: 2,
    data: { practiceCode: 'A81001', capability: 'ONLINE_CONSULTATION', supplier: 'Example Ltd', sites: [1, 2] },
    metadata: {
      occurredAt: '2025-12-31T23:59:59Z',
      source: { system: 'nhs-tees-valley-gpit', recordId, owner: '16C' },
      actor: { type: 'api-key', id: 'key-7' },
      correlationId: 'req-91b2',
      causationId: 'cmd-17',
    },
    ...overrides,
  };
}

/** A record as the client reads back what toEventData wrote, with what the server adds. */
function stored(streamId: string, revision: bigint, written: ReturnType<typeof toEventData>, position = { commit: 5_000n, prepare: 4_900n }): StoredRecord {
  return {
    id: written.id,
    streamId,
    revision,
    type: written.type,
    isJson: true,
    data: JSON.parse(JSON.stringify(written.data)),
    // The server's JSON view of the properties of a multi-stream append adds its schema keys.
    metadata: { ...(written.metadata as Record<string, string>), '$schema.name': written.type, '$schema.format': 'Json' },
    created: new Date('2026-01-02T03:04:05.678Z'),
    position,
  };
}

describe('prepareEvents', () => {
  it('derives the id from the source and hashes the content as the port defines it', () => {
    const input = event('rec-1');
    const { unique, statuses } = prepareEvents('practice-A81001', [input]);
    const id = eventIdFromSource(input.metadata.source);
    expect(statuses).toEqual([id]);
    expect(unique).toHaveLength(1);
    expect(unique[0]).toMatchObject({ eventId: id, type: 'CapabilityDeployed', schemaVersion: 2, hash: contentHash('practice-A81001', input) });
    // What is stored is the canonical JSON the hash covers.
    expect(canonicalJson(unique[0]!.data)).toBe(canonicalJson(input.data));
  });

  it('keeps a repeated identical event once and refuses one id with two contents', () => {
    const { unique, statuses } = prepareEvents('practice-A81001', [event('a'), event('b'), event('a')]);
    expect(unique.map((e) => e.eventId)).toEqual([
      eventIdFromSource({ system: 'nhs-tees-valley-gpit', recordId: 'a' }),
      eventIdFromSource({ system: 'nhs-tees-valley-gpit', recordId: 'b' }),
    ]);
    expect(statuses).toHaveLength(3);
    expect(() => prepareEvents('practice-A81001', [event('a'), event('a', { data: { practiceCode: 'A81002' } })])).toThrow(EventIdConflictError);
    expect(() => prepareEvents('practice-A81001', [event('a'), event('a', { data: { practiceCode: 'A81002' } })])).toThrow(
      /appears twice in one append with different content \(events 0 and 1\)/,
    );
  });

  it.each([
    ['NUL', { text: 'a\u0000b' }, /NUL character/],
    ['a lone surrogate', { text: 'a\ud800b' }, /unpaired UTF-16 surrogate/],
    ['1 MiB of data', { text: 'x'.repeat(1_048_576) }, /bytes of JSON, at most 1048576/],
  ])("refuses %s with the PostgreSQL store's message", (_label, data, message) => {
    const error = (() => {
      try {
        prepareEvents('practice-A81001', [event('x', { data })]);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidAppendError);
    expect((error as Error).message).toMatch(message);
  });

  it('keeps a backslash before u0000 as the text it is', () => {
    expect(() => prepareEvents('practice-A81001', [event('x', { data: { text: '\\u0000 and \\ud800' } })])).not.toThrow();
  });
});

describe('metadata as KurrentDB properties', () => {
  it('writes every field as a string, leaving out what is absent', () => {
    expect(encodeProperties(event('rec-1'))).toEqual({
      [PROPERTY.schemaVersion]: '2',
      [PROPERTY.occurredAt]: '2025-12-31T23:59:59Z',
      [PROPERTY.sourceSystem]: 'nhs-tees-valley-gpit',
      [PROPERTY.sourceRecordId]: 'rec-1',
      [PROPERTY.sourceOwner]: '16C',
      [PROPERTY.actorType]: 'api-key',
      [PROPERTY.actorId]: 'key-7',
      [PROPERTY.correlationId]: 'req-91b2',
      [PROPERTY.causationId]: 'cmd-17',
    });
    const bare = encodeProperties({ schemaVersion: 1, metadata: { occurredAt: '2025-01-01T00:00:00Z', source: { system: 's', recordId: 'r' } } });
    expect(bare).toEqual({ schemaVersion: '1', occurredAt: '2025-01-01T00:00:00Z', 'source.system': 's', 'source.recordId': 'r' });
    // The multi-stream append takes string values only, and no key in the reserved `$` namespace.
    for (const [key, value] of Object.entries(encodeProperties(event('rec-1')))) {
      expect(typeof value).toBe('string');
      expect(key.startsWith('$')).toBe(false);
    }
  });

  it("writes the event with the platform's id as the record id and JSON data", () => {
    const [prepared] = prepareEvents('practice-A81001', [event('rec-1')]).unique;
    const data = toEventData(prepared!);
    expect(data).toMatchObject({ id: prepared!.eventId, contentType: 'application/json', type: 'CapabilityDeployed', data: prepared!.data });
    expect(data.metadata).toEqual(prepared!.properties);
  });
});

describe('decodeRecorded', () => {
  it('reads back every field as the PostgreSQL store returns it: positions, version, schema versions, data and metadata', () => {
    const input = event('rec-1');
    const [prepared] = prepareEvents('practice-A81001', [input]).unique;
    const recorded = decodeRecorded(stored('practice-A81001', 6n, toEventData(prepared!)), new UpcasterRegistry());
    expect(recorded).toEqual({
      eventId: prepared!.eventId,
      globalPosition: 4_900,
      transactionId: 5_000,
      streamId: 'practice-A81001',
      streamVersion: 7,
      type: 'CapabilityDeployed',
      schemaVersion: 2,
      storedSchemaVersion: 2,
      data: input.data,
      metadata: {
        occurredAt: '2025-12-31T23:59:59Z',
        source: { system: 'nhs-tees-valley-gpit', recordId: 'rec-1', owner: '16C' },
        actor: { type: 'api-key', id: 'key-7' },
        correlationId: 'req-91b2',
        causationId: 'cmd-17',
        recordedAt: '2026-01-02T03:04:05.678Z',
      },
    });
  });

  it('leaves out the optional metadata that was not written (no undefined keys)', () => {
    const bare: EventToAppend = {
      type: 'CapabilityDeployed',
      schemaVersion: 1,
      data: { a: 1 },
      metadata: { occurredAt: '2025-01-01T00:00:00Z', source: { system: 's', recordId: 'r' } },
    };
    const [prepared] = prepareEvents('practice-A81001', [bare]).unique;
    const { metadata } = decodeRecorded(stored('practice-A81001', 0n, toEventData(prepared!)), new UpcasterRegistry());
    expect(metadata).toEqual({ occurredAt: '2025-01-01T00:00:00Z', source: { system: 's', recordId: 'r' }, recordedAt: '2026-01-02T03:04:05.678Z' });
    expect(Object.keys(metadata)).toEqual(['occurredAt', 'source', 'recordedAt']);
  });

  it('upcasts to the current schema and keeps the stored version beside it', () => {
    const [prepared] = prepareEvents('practice-A81001', [event('rec-1', { type: 'ItReviewCompleted', schemaVersion: 1, data: { reviewer: '16C' } })]).unique;
    const upcasters = new UpcasterRegistry().register('ItReviewCompleted', 1, ({ reviewer, ...rest }) => ({ ...rest, reviewedBy: reviewer }));
    const recorded = decodeRecorded(stored('practice-A81001', 0n, toEventData(prepared!)), upcasters);
    expect(recorded).toMatchObject({ schemaVersion: 2, storedSchemaVersion: 1, data: { reviewedBy: '16C' } });
  });

  it('refuses records the platform did not write, naming them, rather than inventing values', () => {
    const [prepared] = prepareEvents('practice-A81001', [event('rec-1')]).unique;
    const good = stored('practice-A81001', 0n, toEventData(prepared!));
    const none = new UpcasterRegistry();
    expect(() => decodeRecorded({ ...good, metadata: { occurredAt: 'x' } }, none)).toThrow(
      /event .* \(stream 'practice-A81001', revision 0\) lacks the platform's metadata/,
    );
    expect(() => decodeRecorded({ ...good, metadata: undefined }, none)).toThrow(/has no JSON object as metadata/);
    expect(() => decodeRecorded({ ...good, isJson: false, data: new Uint8Array([1]) }, none)).toThrow(/has no JSON object as data/);
    const { position: _position, ...withoutPosition } = good;
    expect(() => decodeRecorded(withoutPosition, none)).toThrow(/without its \$all position/);
  });
});
