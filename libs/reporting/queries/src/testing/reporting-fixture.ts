import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionService, openAnalyticsStore, type AnalyticsStore } from '@gpds/analytics-clickhouse';
import type { EventStore, EventToAppend, StreamAppend } from '@gpds/event-store';
import type { OpenedEventStore } from '@gpds/event-store-postgres';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { ReportingQueries } from '../reporting-queries';

/**
 * The set-up every read model's integration test shares: a real event store (PostgreSQL), the
 * real projector, real chDB, and a small invented hierarchy in which a practice moves
 * commissioner and region, so every roll-up has a date to get right.
 */

export const fact = (type: string, data: Record<string, unknown>, occurredAt: string, recordId: string): EventToAppend => ({
  type,
  schemaVersion: 1,
  data,
  metadata: { occurredAt, source: { system: 'reporting-test', recordId } },
});
export const T0 = '2020-01-01T00:00:00Z';
export const register = (code: string, level: string) =>
  fact('OrganisationRegistered', { code, name: `${level} ${code}`, level, effectiveFrom: '', postcode: '' }, T0, `${code}/registered`);
export const parent = (child: string, parentCode: string, relationship: string, effectiveFrom = '') =>
  fact(
    'OrganisationRelationshipChanged',
    { childCode: child, parentCode, relationship, effectiveFrom, effectiveTo: '' },
    T0,
    `${child}/${relationship}/${effectiveFrom}`,
  );
export const sample = (org: string, level: string, month: string, value: number, recordId: string, metric = 'SUBMISSIONS') =>
  fact(
    'UtilisationSampleRecorded',
    {
      organisationCode: org,
      organisationLevel: level,
      capability: 'ONLINE_CONSULTATION',
      metric,
      periodStart: `${month}-01`,
      periodEnd: `${month}-28`,
      value,
      supplier: 'S',
    },
    `${month}-28T12:00:00Z`,
    recordId,
  );

/** Another practice under 00A (QA1, Y01) in PCN U00001, open throughout: the events that place it. */
export const practiceOf00A = (code: string): EventToAppend[] => [
  register(code, 'PRACTICE'),
  parent(code, '00A', 'COMMISSIONED_BY'),
  parent(code, 'U00001', 'MEMBER_OF_PCN'),
];

/** Regions Y01, Y02; ICBs QA1, QB2; commissioners 00A, 00B; PCN U00001 with P00001 and P00002, which moves to 00B on 1 April 2023. */
export const HIERARCHY: readonly EventToAppend[] = [
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
];

export const UTILISATION: readonly EventToAppend[] = [
  sample('P00001', 'PRACTICE', '2022-06', 10, 's1'),
  sample('P00002', 'PRACTICE', '2022-06', 20, 's2'),
  sample('P00002', 'PRACTICE', '2024-06', 40, 's3'),
  sample('U00001', 'PCN', '2024-06', 5, 's4'),
  sample('P00002', 'PRACTICE', '2024-06', 2_000, 's5', 'REGISTERED_PATIENTS'),
];

/** The utilisation roll-up arguments for one month. */
export const month = (m: string) => ({ capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', from: `${m}-01`, to: `${m}-28` });
/** A page's organisations and values, for comparing. */
export const values = (page: { nodes: Array<{ organisation: { code: string }; value: number }> }) => page.nodes.map((n) => [n.organisation.code, n.value]);

interface Parts {
  dir?: string;
  analytics?: AnalyticsStore;
  database?: TestDatabase;
  opened?: OpenedEventStore;
  projections?: ProjectionService;
}

async function dispose(parts: Parts): Promise<void> {
  await parts.projections?.stop();
  await parts.opened?.close();
  await parts.database?.dispose();
  await parts.analytics?.close();
  if (parts.dir) rmSync(parts.dir, { recursive: true, force: true });
}

export class ReportingFixture {
  private constructor(
    private readonly parts: Parts,
    readonly analytics: AnalyticsStore,
    readonly store: EventStore,
    readonly projections: ProjectionService,
    readonly queries: ReportingQueries,
  ) {}

  /** The hierarchy and utilisation samples, then `streams` (each read model's own facts), projected. */
  static async open(streams: readonly StreamAppend[] = []): Promise<ReportingFixture> {
    const parts: Parts = {};
    try {
      parts.dir = mkdtempSync(join(tmpdir(), 'gpds-reporting-'));
      const analytics = (parts.analytics = openAnalyticsStore({ kind: 'chdb', path: parts.dir }));
      parts.database = await postgresServer.create('reporting');
      parts.opened = await parts.database.open();
      const store = parts.opened.store;
      await store.appendToStreams([
        { streamId: 'organisation-test', expectedVersion: 'any', events: [...HIERARCHY] },
        { streamId: 'utilisation-test', expectedVersion: 'any', events: [...UTILISATION] },
        ...streams,
      ]);
      const projections = (parts.projections = new ProjectionService({ store, analytics, maxDelayMs: 50 }));
      await projections.start();
      await projections.waitUntilCaughtUp(60_000);
      const queries = new ReportingQueries(analytics.client, { database: 'gpds', bi: 'bi', hierarchyCheckEveryMs: 0 });
      return new ReportingFixture(parts, analytics, store, projections, queries);
    } catch (error) {
      await dispose(parts);
      throw error;
    }
  }

  async close(): Promise<void> {
    await dispose(this.parts);
  }
}
