import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionService, openAnalyticsStore, type AnalyticsStore } from '@gpds/analytics-clickhouse';
import type { EventStore, EventToAppend } from '@gpds/event-store';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { QueryArgumentError } from './arguments';
import { ReportingQueries } from './reporting-queries';

// Real event store (PostgreSQL), real projector, real chDB: a small invented hierarchy in which a
// practice moves commissioner and region, so every roll-up has a date to get right.
let dir: string;
let analytics: AnalyticsStore;
let database: TestDatabase;
let opened: OpenedEventStore;
let store: EventStore;
let projections: ProjectionService;
let queries: ReportingQueries;

const fact = (type: string, data: Record<string, unknown>, occurredAt: string, recordId: string): EventToAppend => ({
  type,
  schemaVersion: 1,
  data,
  metadata: { occurredAt, source: { system: 'reporting-test', recordId } },
});
const T0 = '2020-01-01T00:00:00Z';
const register = (code: string, level: string) => fact('OrganisationRegistered', { code, name: `${level} ${code}`, level, effectiveFrom: '', postcode: '' }, T0, `${code}/registered`);
const parent = (child: string, parentCode: string, relationship: string, effectiveFrom = '') =>
  fact('OrganisationRelationshipChanged', { childCode: child, parentCode, relationship, effectiveFrom, effectiveTo: '' }, T0, `${child}/${relationship}/${effectiveFrom}`);
const sample = (org: string, level: string, month: string, value: number, recordId: string, metric = 'SUBMISSIONS') =>
  fact(
    'UtilisationSampleRecorded',
    { organisationCode: org, organisationLevel: level, capability: 'ONLINE_CONSULTATION', metric, periodStart: `${month}-01`, periodEnd: `${month}-28`, value, supplier: 'S' },
    `${month}-28T12:00:00Z`,
    recordId,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpds-reporting-'));
  analytics = openAnalyticsStore({ kind: 'chdb', path: dir });
  database = await postgresServer.create('reporting');
  opened = await database.open();
  store = opened.store;
  await store.appendToStreams([
    {
      streamId: 'organisation-test',
      expectedVersion: 'any',
      events: [
        ...['Y01', 'Y02'].map((c) => register(c, 'REGION')),
        ...['QA1', 'QB2'].map((c) => register(c, 'ICB')),
        ...['00A', '00B'].map((c) => register(c, 'COMMISSIONER')),
        register('U00001', 'PCN'),
        ...['P00001', 'P00002'].map((c) => register(c, 'PRACTICE')),
        parent('QA1', 'Y01', 'IN_REGION'),
        parent('QB2', 'Y02', 'IN_REGION'),
        parent('00A', 'QA1', 'PART_OF_ICB'),
        parent('00B', 'QB2', 'PART_OF_ICB'),
        parent('P00001', '00A', 'COMMISSIONED_BY'),
        parent('P00002', '00A', 'COMMISSIONED_BY'),
        parent('P00001', 'U00001', 'MEMBER_OF_PCN'),
        parent('P00002', 'U00001', 'MEMBER_OF_PCN'),
        // P00002 moves to 00B (another ICB and region) on 1 April 2023.
        parent('P00002', '00B', 'COMMISSIONED_BY', '2023-04-01'),
      ],
    },
    {
      streamId: 'utilisation-test',
      expectedVersion: 'any',
      events: [
        sample('P00001', 'PRACTICE', '2022-06', 10, 's1'),
        sample('P00002', 'PRACTICE', '2022-06', 20, 's2'),
        sample('P00002', 'PRACTICE', '2024-06', 40, 's3'),
        sample('U00001', 'PCN', '2024-06', 5, 's4'),
        sample('P00002', 'PRACTICE', '2024-06', 2_000, 's5', 'REGISTERED_PATIENTS'),
      ],
    },
  ]);
  projections = new ProjectionService({ store, analytics, maxDelayMs: 50 });
  await projections.start();
  await projections.waitUntilCaughtUp(60_000);
  queries = new ReportingQueries(analytics.client, { database: 'gpds', bi: 'bi', hierarchyCheckEveryMs: 0 });
}, 120_000);
afterAll(async () => {
  await projections?.stop();
  await opened?.close();
  await database?.dispose();
  await analytics?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const month = (m: string) => ({ capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: `${m}-01`, to: `${m}-28` });
const values = (page: { nodes: Array<{ organisation: { code: string }; value: number }> }) => page.nodes.map((n) => [n.organisation.code, n.value]);

describe('roll-ups by the hierarchy in force on the date', () => {
  it('counts a moved practice under its commissioner, ICB and region of the day', async () => {
    expect(values(await queries.utilisation({ ...month('2022-06'), level: 'COMMISSIONER' }))).toEqual([['00A', 30]]);
    // The PCN's usage goes with the PCN's commissioner of the day: a tie (one practice each), so the lower code, 00A.
    expect(values(await queries.utilisation({ ...month('2024-06'), level: 'COMMISSIONER' }))).toEqual([
      ['00A', 5],
      ['00B', 40],
    ]);
    expect(values(await queries.utilisation({ ...month('2024-06'), level: 'REGION' }))).toEqual([
      ['Y01', 5],
      ['Y02', 40],
    ]);
    // June 2022's usage, grouped by the hierarchy of 2024.
    expect(values(await queries.utilisation({ ...month('2022-06'), level: 'COMMISSIONER', asOf: '2024-06-01' }))).toEqual([
      ['00A', 10],
      ['00B', 20],
    ]);
  });

  it('keeps usage attributed above the level apart, and all of it for England', async () => {
    expect(values(await queries.utilisation({ ...month('2024-06'), level: 'PRACTICE' }))).toEqual([['P00002', 40]]);
    expect(await queries.utilisation({ ...month('2024-06'), level: 'PRACTICE' }).then((p) => p.totalCount)).toBe(1);
    expect((await queries.utilisationUnattributed({ ...month('2024-06'), level: 'PRACTICE' })).map((u) => u.value)).toEqual([5]);
    expect(values(await queries.utilisation({ ...month('2024-06'), level: 'NATIONAL' }))).toEqual([['ENG', 45]]);
  });

  it('works out rates per 1,000 registered patients of the practices with a list size', async () => {
    const [row] = (await queries.utilisation({ ...month('2024-06'), level: 'PRACTICE' }, { rates: true })).nodes;
    expect(row).toMatchObject({ registeredPatients: 2_000, ratePer1000: 20, practices: 1 });
    const [withoutRates] = (await queries.utilisation({ ...month('2024-06'), level: 'PRACTICE' }, { rates: false })).nodes;
    expect(withoutRates).toMatchObject({ registeredPatients: null, ratePer1000: null, value: 40 });
  });

  it('sees a hierarchy change as soon as it is projected', async () => {
    const before = (await queries.hierarchy.get()).table;
    await store.appendToStream('organisation-test', [parent('P00002', '00A', 'COMMISSIONED_BY', '2024-01-01')], { expectedVersion: 'any' });
    await projections.waitUntilCaughtUp(30_000);
    expect(values(await queries.utilisation({ ...month('2024-06'), level: 'COMMISSIONER' }))).toEqual([['00A', 45]]);
    expect((await queries.hierarchy.get()).table).not.toBe(before);
  });

  it('refuses a parent at or below the level, naming the argument', async () => {
    const error = await queries.utilisation({ ...month('2024-06'), level: 'REGION', parent: '00A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryArgumentError);
    expect(error).toMatchObject({ argument: 'parent', message: expect.stringContaining('00A is a COMMISSIONER') });
  });

  it('answers from the last hierarchy at once while a newer one builds behind it', async () => {
    const lazy = new ReportingQueries(analytics.client, { database: 'gpds', bi: 'bi', hierarchyCheckEveryMs: 100 });
    const first = await lazy.hierarchy.get();
    await store.appendToStream('organisation-test', [parent('P00002', '00B', 'COMMISSIONED_BY', '2024-02-01')], { expectedVersion: 'any' });
    await projections.waitUntilCaughtUp(30_000);
    expect((await lazy.hierarchy.get()).table).toBe(first.table);
    let table = first.table;
    for (const deadline = Date.now() + 10_000; table === first.table && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      table = (await lazy.hierarchy.get()).table;
    }
    expect(table).not.toBe(first.table);
    expect(values(await lazy.utilisation({ ...month('2024-06'), level: 'COMMISSIONER' }))).toEqual([
      ['00A', 5],
      ['00B', 40],
    ]);
  });
});
