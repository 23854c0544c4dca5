import { canonicalJson, contentHash, eventIdForOwner, eventIdFromSource, streamCategory } from './identity';
import type { EventToAppend } from './types';

const event = (overrides: Partial<EventToAppend> = {}): EventToAppend => ({
  type: 'BusinessContinuityPlanReviewed',
  schemaVersion: 1,
  data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED' },
  metadata: { occurredAt: '2022-07-12T10:00:00Z', source: { system: 'nhs-tees-valley-gpit', recordId: 'bcp-2022-00417' } },
  ...overrides,
});

describe('eventIdFromSource', () => {
  it('is a version 5 UUID that depends only on the source record', () => {
    const id = eventIdFromSource({ system: 'nhs-tees-valley-gpit', recordId: 'bcp-2022-00417' });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdFromSource({ recordId: 'bcp-2022-00417', system: 'nhs-tees-valley-gpit' })).toBe(id);
    expect(eventIdFromSource({ system: 'nhs-tees-valley-gpit', recordId: 'bcp-2022-00418' })).not.toBe(id);
  });

  it('never lets the separator make two sources collide', () => {
    expect(eventIdFromSource({ system: 'a:b', recordId: 'c' })).not.toBe(eventIdFromSource({ system: 'a', recordId: 'b:c' }));
  });

  it('is pinned: a stored id must never change meaning', () => {
    expect(eventIdFromSource({ system: 'x', recordId: 'y' })).toBe('326c6092-686e-5475-8848-3a15ae9465b7');
    // Values computed by the uuid package's v5 before the store derived ids itself.
    expect(eventIdFromSource({ system: 'nhs-tees-valley-gpit', recordId: 'bcp-2022-00417' })).toBe('f440bb31-220f-5272-9ffb-cffdd54e416e');
    expect(eventIdFromSource({ system: 'sys é/ü', recordId: 'r:1 😀 \u2028' })).toBe('158d4999-c643-58a6-9100-5d5f0dd38cb4');
    expect(eventIdFromSource({ system: 'a'.repeat(200), recordId: 'b'.repeat(500) })).toBe('5c67b380-1486-527f-a523-39b27b193a74');
  });
});

describe('eventIdForOwner', () => {
  const source = { system: 'nhs-tees-valley-gpit', recordId: 'bcp-2022-00417' };

  it('puts each owner-s records in a namespace of its own, apart from the ownerless ids', () => {
    expect(eventIdForOwner('16C', source)).not.toBe(eventIdForOwner('15M', source));
    expect(eventIdForOwner('16C', source)).not.toBe(eventIdFromSource(source));
    // The separators are encoded, so an owner cannot pose as part of a system, nor a system as an owner.
    expect(eventIdForOwner('16C', { system: 'x', recordId: 'y' })).not.toBe(eventIdFromSource({ system: '16C:x', recordId: 'y' }));
    expect(eventIdForOwner('16C:x', { system: 'y', recordId: 'z' })).not.toBe(eventIdForOwner('16C', { system: 'x:y', recordId: 'z' }));
  });

  it('is pinned', () => {
    expect(eventIdForOwner('16C', source)).toBe('a7f989c9-364f-51f5-bd6b-595cca96ab73');
    expect(eventIdForOwner('ENG', { system: 'x', recordId: 'y' })).toBe('170e5f57-1659-500e-a6f5-fa681196c9e8');
  });
});

describe('contentHash', () => {
  it('is pinned: a stored hash must keep telling duplicates from conflicts', () => {
    const e = event({ data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', note: 'é 😀' } });
    expect(contentHash('practice-A81001', e)).toBe('o7HGr3zKzPi0vkxngzJB5tGLRf1evuvg1jJNjjlRBO0');
  });

  it('leaves the owner out: a legacy record resent with its owner named is the same content', () => {
    const plain = event();
    const owned = event({ metadata: { ...plain.metadata, source: { ...plain.metadata.source, owner: '16C' } } });
    expect(contentHash('practice-A81001', owned)).toBe(contentHash('practice-A81001', plain));
  });

  it('ignores key order, actor and correlation', () => {
    const a = event();
    const b = event({
      data: { outcome: 'APPROVED', reviewedBy: '16C', practiceCode: 'A81001' },
      metadata: { ...a.metadata, actor: { type: 'api-key', id: 'k1' }, correlationId: 'c-2', causationId: 'c-1' },
    });
    expect(contentHash('practice-A81001', b)).toBe(contentHash('practice-A81001', a));
  });

  it('changes with the data, the type, the schema version, occurredAt or the stream', () => {
    const base = contentHash('practice-A81001', event());
    expect(contentHash('practice-A81001', event({ data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'CHANGES_REQUIRED' } }))).not.toBe(base);
    expect(contentHash('practice-A81001', event({ type: 'ItReviewCompleted' }))).not.toBe(base);
    expect(contentHash('practice-A81001', event({ schemaVersion: 2 }))).not.toBe(base);
    expect(contentHash('practice-A81001', event({ metadata: { ...event().metadata, occurredAt: '2022-07-13T10:00:00Z' } }))).not.toBe(base);
    expect(contentHash('practice-A81002', event())).not.toBe(base);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('streamCategory', () => {
  it('is the part before the first dash', () => {
    expect(streamCategory('practice-A81001')).toBe('practice');
    expect(streamCategory('utilisation-A81001-2025-12')).toBe('utilisation');
    expect(streamCategory('nodash')).toBe('nodash');
  });
});
