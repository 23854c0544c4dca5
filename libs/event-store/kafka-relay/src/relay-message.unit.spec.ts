import { fromBinary, toJson } from '@bufbuild/protobuf';
import { anyUnpack, timestampDate } from '@bufbuild/protobuf/wkt';
import type { RecordedEvent } from '@gpds/event-store';
import { EVENT_CATALOGUE, EventEnvelopeSchema } from '@gpds/shared-contracts';
import { RELAY_CONTENT_TYPE, relayLag, relayMessage } from './relay-message';

const event = (over: Partial<RecordedEvent> = {}): RecordedEvent => ({
  eventId: '6f1c2a3b-0000-4000-8000-000000000001',
  globalPosition: 9_007_199_254_740_000,
  transactionId: 812,
  streamId: 'practice-A81001',
  streamVersion: 3,
  type: 'BusinessContinuityPlanReviewed',
  schemaVersion: 1,
  storedSchemaVersion: 1,
  data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER'] },
  metadata: {
    occurredAt: '2022-07-12T10:00:00.000Z',
    recordedAt: '2026-01-02T03:04:05.678Z',
    source: { system: 'nhs-tees-valley-gpit', recordId: 'bcp-1', owner: '16C' },
    actor: { type: 'api-key', id: 'kafka:tees' },
    correlationId: 'corr-1',
  },
  ...over,
});

describe('a domain event as a Kafka message', () => {
  it('is keyed by its stream, so one stream stays on one partition, with the identifying headers', () => {
    const message = relayMessage(event());
    expect(message.key).toBe('practice-A81001');
    expect(message.headers).toEqual({
      'event-id': '6f1c2a3b-0000-4000-8000-000000000001',
      stream: 'practice-A81001',
      type: 'BusinessContinuityPlanReviewed',
      'schema-version': '1',
      'occurred-at': '2022-07-12T10:00:00.000Z',
      'recorded-at': '2026-01-02T03:04:05.678Z',
      'content-type': RELAY_CONTENT_TYPE,
    });
  });

  it('carries the protobuf envelope, its data the typed gpds.events.v1 message', () => {
    const envelope = fromBinary(EventEnvelopeSchema, relayMessage(event()).value as Buffer);
    expect(envelope).toMatchObject({
      eventId: '6f1c2a3b-0000-4000-8000-000000000001',
      streamId: 'practice-A81001',
      streamVersion: 3n,
      type: 'BusinessContinuityPlanReviewed',
      schemaVersion: 1,
      globalPosition: 9_007_199_254_740_000n,
      transactionId: 812n,
      source: { system: 'nhs-tees-valley-gpit', recordId: 'bcp-1', owner: '16C' },
      actor: { type: 'api-key', id: 'kafka:tees' },
      correlationId: 'corr-1',
      causationId: '',
    });
    expect(timestampDate(envelope.occurredAt!).toISOString()).toBe('2022-07-12T10:00:00.000Z');
    expect(timestampDate(envelope.recordedAt!).toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(envelope.payload.case).toBe('data');
    if (envelope.payload.case !== 'data') return;
    expect(envelope.payload.value.typeUrl).toBe('type.googleapis.com/gpds.events.v1.BusinessContinuityPlanReviewed');
    const schema = EVENT_CATALOGUE.get('BusinessContinuityPlanReviewed')!.schema;
    const data = anyUnpack(envelope.payload.value, schema);
    expect(data && toJson(schema, data)).toEqual(event().data);
  });

  it('carries data the catalogue has no contract for as JSON, so one odd event never stops the relay', () => {
    const envelope = fromBinary(EventEnvelopeSchema, relayMessage(event({ type: 'SomethingRetired', data: { a: 1, b: ['x'] } })).value as Buffer);
    expect(envelope.payload).toEqual({ case: 'untypedData', value: { a: 1, b: ['x'] } });
  });
});

describe("the relay's lag", () => {
  it('counts global positions behind the head', () => {
    expect(relayLag({ transactionId: 5, globalPosition: 40 }, { transactionId: 9, globalPosition: 100 })).toEqual({
      position: { transactionId: 5, globalPosition: 40 },
      head: { transactionId: 9, globalPosition: 100 },
      caughtUp: false,
      behind: 60,
    });
  });
  it('is zero at or past the head, showing the head (a checkpoint past it may be a bound, not an event)', () => {
    const head = { transactionId: 9, globalPosition: 100 };
    expect(relayLag(head, head)).toEqual({ position: head, head, caughtUp: true, behind: 0 });
    expect(relayLag({ transactionId: 12, globalPosition: 100 }, head)).toEqual({ position: head, head, caughtUp: true, behind: 0 });
  });
  it('is the whole store for a relay that has published nothing', () => {
    expect(relayLag({ transactionId: 0, globalPosition: 0 }, { transactionId: 3, globalPosition: 7 })).toMatchObject({ behind: 7, caughtUp: false });
  });
});
