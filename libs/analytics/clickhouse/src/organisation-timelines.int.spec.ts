import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@gpds/event-store';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { openAnalyticsStore, type AnalyticsStore } from './analytics-client';
import { tableChecksums } from './checksum';
import { hierarchySql } from './hierarchy-sql';
import { ProjectionService } from './projection-service';
import { append, appendHierarchy, fact } from './testing/fixtures';

// Resolved timelines over the legacy organisation rows (testing/fixtures.ts has the legacy
// hierarchy): a code's latest timeline replaces everything known about it before, IN_ICB places a
// practice in an ICB of its own, and the same SQL answers as known at an earlier time.
let analytics: AnalyticsStore;
let dir: string;
let database: TestDatabase;
let opened: OpenedEventStore;
let store: EventStore;
let s: ProjectionService;

type Parent = readonly [relationship: string, parentCode: string, effectiveFrom?: string, effectiveTo?: string];

const timeline = (code: string, name: string, parents: readonly Parent[], more: { openedOn?: string; closedOn?: string; learnedFrom?: string } = {}) =>
  fact(
    'OrganisationTimelineResolved',
    {
      code,
      level: 'PRACTICE',
      name,
      postcode: 'LS1 1AA',
      openedOn: more.openedOn ?? '',
      closedOn: more.closedOn ?? '',
      parents: parents.map(([relationship, parentCode, effectiveFrom = '', effectiveTo = '']) => ({ relationship, parentCode, effectiveFrom, effectiveTo })),
      learnedFrom: more.learnedFrom ?? '',
      observations: 2,
    },
    '2025-11-01T00:00:00Z',
    `${code}/timeline/${name}`,
  );

async function query<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await analytics.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();
}

/** The last recorded_at projected: a knownAt before everything appended after it. */
async function lastRecorded(): Promise<string> {
  const [row] = await query<{ at: string }>(
    `SELECT toString(max(recorded_at)) AS at FROM (SELECT recorded_at FROM ${s.database}.organisation_changes
       UNION ALL SELECT recorded_at FROM ${s.database}.organisation_relationship_changes UNION ALL SELECT recorded_at FROM ${s.database}.organisation_timelines)`,
  );
  return row!.at;
}

async function appendAndProject(...events: Parameters<typeof append>[2][]): Promise<void> {
  // A moment apart from what is already recorded, so a knownAt taken before tells them apart.
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (const event of events) await append(store, `organisation-${(event.data as { code: string }).code}`, event);
  await s.waitUntilCaughtUp();
}

type HierarchyRow = { code: string; level: string; pcn_code: string; commissioner_code: string; icb_code: string; region_code: string };

const columns = 'code, level, pcn_code, commissioner_code, icb_code, region_code';
const hierarchyOn = (date: string) =>
  query<HierarchyRow>(`SELECT ${columns} FROM ${s.biDatabase}.organisation_hierarchy(on_date = {d:Date}) WHERE level IN ('PRACTICE', 'PCN') ORDER BY code`, {
    d: date,
  });
const hierarchyKnownAt = (date: string, knownAt: string) =>
  query<HierarchyRow>(
    `SELECT ${columns} FROM (${hierarchySql(s.database, { knownAt: true }).organisationHierarchy}) WHERE level IN ('PRACTICE', 'PCN') ORDER BY code`,
    { on_date: date, known_at: knownAt },
  );
const row = (code: string, level: string, pcn: string, commissioner: string, icb: string, region: string): HierarchyRow => ({
  code,
  level,
  pcn_code: pcn,
  commissioner_code: commissioner,
  icb_code: icb,
  region_code: region,
});

let legacyOnly: string;
let firstTimeline: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpds-timelines-'));
  analytics = openAnalyticsStore({ kind: 'chdb', path: dir });
  database = await postgresServer.create('timelines');
  opened = await database.open();
  store = opened.store;
  await appendHierarchy(store);
  s = new ProjectionService({ store, analytics, database: `t${process.pid}`, biDatabase: `tbi${process.pid}`, maxDelayMs: 50, pollIntervalMs: 50 });
  await s.start();
  await s.waitUntilCaughtUp();
  legacyOnly = await lastRecorded();
  // P00002 resolved: the legacy move to 00B on 1 April 2023 kept, and in ICB QA1 itself from November 2025.
  await appendAndProject(
    timeline('P00002', 'RESOLVED P00002', [
      ['MEMBER_OF_PCN', 'U00001'],
      ['COMMISSIONED_BY', '00A', '', '2023-04-01'],
      ['COMMISSIONED_BY', '00B', '2023-04-01'],
      ['IN_ICB', 'QA1', '2025-11-01'],
    ]),
  );
  firstTimeline = await lastRecorded();
  await appendAndProject(
    // Resolved again: no PCN any more, and closed on 1 June 2026. It replaces the first entirely.
    timeline(
      'P00002',
      'RESOLVED P00002 AGAIN',
      [
        ['COMMISSIONED_BY', '00A', '', '2023-04-01'],
        ['COMMISSIONED_BY', '00B', '2023-04-01'],
        ['IN_ICB', 'QA1', '2025-11-01'],
      ],
      { closedOn: '2026-06-01' },
    ),
    // Two practices only a publication shows, under 00A (ICB QA1) but placed in QB2.
    ...['P00004', 'P00005'].map((code) =>
      timeline(
        code,
        `PRACTICE ${code}`,
        [
          ['MEMBER_OF_PCN', 'U00001', '2025-11-01'],
          ['COMMISSIONED_BY', '00A', '2025-11-01'],
          ['IN_ICB', 'QB2', '2025-11-01'],
        ],
        { openedOn: '2025-11-01', learnedFrom: 'online-consultation 2025-11' },
      ),
    ),
  );
}, 120_000);
afterAll(async () => {
  await s?.stop();
  await opened?.close();
  await database?.dispose();
  await analytics?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('organisations from resolved timelines (chDB, PostgreSQL event store)', () => {
  it('takes a code with a timeline from its latest one alone, and a code without one from its legacy rows', async () => {
    const orgs = await query<{ code: string; name: string; opened_on: string; closed_on: string | null; successor_code: string }>(
      `SELECT code, name, opened_on, closed_on, successor_code FROM ${s.biDatabase}.organisations WHERE level = 'PRACTICE' ORDER BY code`,
    );
    expect(orgs).toEqual([
      { code: 'P00001', name: 'RENAMED PRACTICE', opened_on: '1970-01-01', closed_on: null, successor_code: '' },
      { code: 'P00002', name: 'RESOLVED P00002 AGAIN', opened_on: '1970-01-01', closed_on: '2026-06-01', successor_code: '' },
      { code: 'P00003', name: 'PRACTICE P00003', opened_on: '1970-01-01', closed_on: '2024-01-01', successor_code: 'P00001' },
      { code: 'P00004', name: 'PRACTICE P00004', opened_on: '2025-11-01', closed_on: null, successor_code: '' },
      { code: 'P00005', name: 'PRACTICE P00005', opened_on: '2025-11-01', closed_on: null, successor_code: '' },
    ]);
    const relationships = await query<{ relationship: string; parent_code: string; valid_from: string; valid_to: string }>(
      `SELECT relationship, parent_code, valid_from, valid_to FROM ${s.biDatabase}.organisation_relationships
       WHERE child_code = 'P00002' ORDER BY relationship, valid_from`,
    );
    // The latest timeline's parents only (its PCN membership is gone), each ended by its closure.
    expect(relationships).toEqual([
      { relationship: 'COMMISSIONED_BY', parent_code: '00A', valid_from: '1970-01-01', valid_to: '2023-04-01' },
      { relationship: 'COMMISSIONED_BY', parent_code: '00B', valid_from: '2023-04-01', valid_to: '2026-06-01' },
      { relationship: 'IN_ICB', parent_code: 'QA1', valid_from: '2025-11-01', valid_to: '2026-06-01' },
    ]);
  });

  it('places a practice in its IN_ICB parent when it has one that day, else in its commissioner’s ICB; a PCN by most members', async () => {
    expect(await hierarchyOn('2024-06-30')).toEqual([
      row('P00001', 'PRACTICE', 'U00001', '00A', 'QA1', 'Y00001'),
      row('P00002', 'PRACTICE', '', '00B', 'QB2', 'Y00002'),
      row('U00001', 'PCN', 'U00001', '00A', 'QA1', 'Y00001'),
    ]);
    expect(await hierarchyOn('2025-12-01')).toEqual([
      row('P00001', 'PRACTICE', 'U00001', '00A', 'QA1', 'Y00001'),
      row('P00002', 'PRACTICE', '', '00B', 'QA1', 'Y00001'),
      row('P00004', 'PRACTICE', 'U00001', '00A', 'QB2', 'Y00002'),
      row('P00005', 'PRACTICE', 'U00001', '00A', 'QB2', 'Y00002'),
      // All three members under 00A; two of them in QB2.
      row('U00001', 'PCN', 'U00001', '00A', 'QB2', 'Y00002'),
    ]);
    expect((await hierarchyOn('2026-07-01')).map((r) => r.code)).toEqual(['P00001', 'P00004', 'P00005', 'U00001']);
  });

  it('answers as known at a time: only the rows recorded by then, the latest timeline of those', async () => {
    // Before any timeline: the legacy hierarchy, as the bi view gave it then.
    expect(await hierarchyKnownAt('2025-12-01', legacyOnly)).toEqual([
      row('P00001', 'PRACTICE', 'U00001', '00A', 'QA1', 'Y00001'),
      row('P00002', 'PRACTICE', 'U00001', '00B', 'QB2', 'Y00002'),
      row('U00001', 'PCN', 'U00001', '00A', 'QA1', 'Y00001'),
    ]);
    // After the first timeline of P00002: still in the PCN, in QA1 by IN_ICB.
    expect(await hierarchyKnownAt('2025-12-01', firstTimeline)).toEqual([
      row('P00001', 'PRACTICE', 'U00001', '00A', 'QA1', 'Y00001'),
      row('P00002', 'PRACTICE', 'U00001', '00B', 'QA1', 'Y00001'),
      row('U00001', 'PCN', 'U00001', '00A', 'QA1', 'Y00001'),
    ]);
    // Everything known: the bi view's answer.
    expect(await hierarchyKnownAt('2025-12-01', '2149-01-01 00:00:00.000')).toEqual(await hierarchyOn('2025-12-01'));
    const dates = async (knownAt: string) =>
      (await query<{ d: string }>(hierarchySql(s.database, { knownAt: true }).changeDates, { known_at: knownAt })).map((r) => r.d);
    expect(await dates(legacyOnly)).toEqual(['1970-01-01', '2023-04-01', '2024-01-01', '2024-06-01']);
    expect(await dates(firstTimeline)).toEqual(['1970-01-01', '2023-04-01', '2024-01-01', '2024-06-01', '2025-11-01']);
    expect((await query<{ d: string }>(hierarchySql(s.database).changeDates)).map((r) => r.d)).toEqual([
      '1970-01-01',
      '2023-04-01',
      '2024-01-01',
      '2024-06-01',
      '2025-11-01',
      '2026-06-01',
    ]);
  });

  it('keeps observations and sources as stated, in bi views of their own', async () => {
    await appendAndProject(
      fact(
        'OrganisationObserved',
        {
          code: 'P00004',
          level: 'PRACTICE',
          name: 'PRACTICE P00004',
          postcode: '',
          evidence: 'PUBLICATION',
          source: 'online-consultation 2025-11',
          observedFrom: '2025-11-01',
          observedTo: '2025-12-01',
          parents: [
            { relationship: 'COMMISSIONED_BY', parentCode: '00A' },
            { relationship: 'IN_ICB', parentCode: 'QB2' },
          ],
        },
        '2025-11-01T00:00:00Z',
        'online-consultation 2025-11/P00004/observed',
      ),
    );
    await append(
      store,
      'hierarchy-sources',
      fact(
        'HierarchySourceRecorded',
        {
          source: 'online-consultation 2025-11',
          evidence: 'PUBLICATION',
          observedFrom: '2025-11-01',
          observedTo: '2025-12-01',
          complete: false,
          organisations: 1,
        },
        '2025-11-01T00:00:00Z',
        'online-consultation 2025-11',
      ),
    );
    await s.waitUntilCaughtUp();
    // The query of docs/analytics.md.
    expect(
      await query(
        `SELECT source, evidence, observed_from, observed_to, arrayZip(parent_relationships, parent_codes) AS parents, source_record
         FROM ${s.biDatabase}.organisation_observations WHERE code = 'P00004' ORDER BY observed_from, source`,
      ),
    ).toEqual([
      {
        source: 'online-consultation 2025-11',
        evidence: 'PUBLICATION',
        observed_from: '2025-11-01',
        observed_to: '2025-12-01',
        parents: [
          ['COMMISSIONED_BY', '00A'],
          ['IN_ICB', 'QB2'],
        ],
        source_record: 'online-consultation 2025-11/P00004/observed',
      },
    ]);
    expect(await query(`SELECT source, evidence, complete, toString(organisations) AS organisations FROM ${s.biDatabase}.hierarchy_sources`)).toEqual([
      { source: 'online-consultation 2025-11', evidence: 'PUBLICATION', complete: 0, organisations: '1' },
    ]);
  });

  it('rebuilds the new tables like the others: the same rows, and the same hierarchy', async () => {
    const original = await tableChecksums(analytics.client, s.database);
    expect(original['organisation_timelines']!.rows).toBe(4);
    const before = await hierarchyOn('2025-12-01');
    await s.rebuild();
    expect(await tableChecksums(analytics.client, s.database)).toEqual(original);
    expect(await hierarchyOn('2025-12-01')).toEqual(before);
  });
});
