import type { EventStore, EventToAppend } from '@gpds/event-store';

/** An event as a connector would append it. */
export function fact(type: string, data: Record<string, unknown>, occurredAt: string, recordId: string): EventToAppend {
  return { type, schemaVersion: 1, data, metadata: { occurredAt, source: { system: 'analytics-test', recordId } } };
}

export async function append(store: EventStore, streamId: string, ...events: EventToAppend[]): Promise<void> {
  await store.appendToStream(streamId, events, { expectedVersion: 'any' });
}

const T0 = '2020-01-01T00:00:00Z';

/**
 * A small hierarchy with the cases that matter (codes shaped like ODS codes, invented):
 * two regions, an ICB and a commissioner in each; PCN U00001 with practices P00001, P00002;
 * P00002 moves from commissioner 00A (region Y00001) to 00B (region Y00002) on 2023-04-01;
 * P00003 closes on 2024-01-01.
 */
export async function appendHierarchy(store: EventStore): Promise<void> {
  const reg = (code: string, name: string, level: string, postcode = '') =>
    append(store, `organisation-${code}`, fact('OrganisationRegistered', { code, name, level, effectiveFrom: '', postcode }, T0, `${code}/registered`));
  const rel = (child: string, parent: string, relationship: string, effectiveFrom = '', occurredAt = T0) =>
    append(
      store,
      `organisation-${child}`,
      fact(
        'OrganisationRelationshipChanged',
        { childCode: child, parentCode: parent, relationship, effectiveFrom, effectiveTo: '' },
        occurredAt,
        `${child}/${relationship}/${effectiveFrom}`,
      ),
    );
  await reg('Y00001', 'NORTH TEST REGION', 'REGION');
  await reg('Y00002', 'SOUTH TEST REGION', 'REGION');
  await reg('QA1', 'ICB ONE', 'ICB');
  await reg('QB2', 'ICB TWO', 'ICB');
  await reg('00A', 'SUB-ICB A', 'COMMISSIONER');
  await reg('00B', 'SUB-ICB B', 'COMMISSIONER');
  await reg('U00001', 'TEST PCN', 'PCN');
  for (const p of ['P00001', 'P00002', 'P00003']) await reg(p, `PRACTICE ${p}`, 'PRACTICE', 'LS1 1AA');
  await rel('QA1', 'Y00001', 'IN_REGION');
  await rel('QB2', 'Y00002', 'IN_REGION');
  await rel('00A', 'QA1', 'PART_OF_ICB');
  await rel('00B', 'QB2', 'PART_OF_ICB');
  for (const p of ['P00001', 'P00002', 'P00003']) await rel(p, '00A', 'COMMISSIONED_BY');
  await rel('P00001', 'U00001', 'MEMBER_OF_PCN');
  await rel('P00002', 'U00001', 'MEMBER_OF_PCN');
  await rel('P00002', '00B', 'COMMISSIONED_BY', '2023-04-01', '2023-04-01T00:00:00Z');
  await append(
    store,
    'organisation-P00003',
    fact('OrganisationClosed', { code: 'P00003', closedOn: '2024-01-01', successorCode: 'P00001' }, '2024-01-01T00:00:00Z', 'P00003/closed'),
  );
  await append(
    store,
    'organisation-P00001',
    fact('OrganisationRenamed', { code: 'P00001', name: 'RENAMED PRACTICE', effectiveFrom: '2024-06-01' }, '2024-06-01T00:00:00Z', 'P00001/renamed'),
  );
}

export function sample(
  org: string,
  level: string,
  month: string,
  value: number,
  recordId: string,
  metric = 'SUBMISSIONS',
  capability = 'ONLINE_CONSULTATION',
): EventToAppend {
  const start = `${month}-01`;
  const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  return fact(
    'UtilisationSampleRecorded',
    { organisationCode: org, organisationLevel: level, capability, metric, periodStart: start, periodEnd: end, value, supplier: 'TEST SUPPLIER' },
    `${end}T23:59:59Z`,
    recordId,
  );
}

export async function appendSample(
  store: EventStore,
  org: string,
  level: string,
  month: string,
  value: number,
  recordId: string,
  metric?: string,
): Promise<void> {
  await append(store, `utilisation-${org}-ONLINE_CONSULTATION-${month}`, sample(org, level, month, value, recordId, metric));
}
