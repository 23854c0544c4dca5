import type { AnalyticsStore, ProjectionService } from '@gpds/analytics-clickhouse';
import type { EventStore } from '@gpds/event-store';
import { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, month, parent, values } from '../testing/reporting-fixture';

// The hierarchy cache under the roll-ups: a change to the organisations is seen once projected,
// and a newer hierarchy builds behind the one answering (testing/reporting-fixture.ts has the set-up).
let fixture: ReportingFixture;
let analytics: AnalyticsStore;
let store: EventStore;
let projections: ProjectionService;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open();
  ({ analytics, store, projections, queries } = fixture);
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

describe('roll-ups by the hierarchy in force on the date', () => {
  it('sees a hierarchy change as soon as it is projected', async () => {
    const before = (await queries.hierarchy.get()).table;
    await store.appendToStream('organisation-test', [parent('P00002', '00A', 'COMMISSIONED_BY', '2024-01-01')], { expectedVersion: 'any' });
    await projections.waitUntilCaughtUp(30_000);
    expect(values(await queries.utilisation({ ...month('2024-06'), level: 'COMMISSIONER' }))).toEqual([['00A', 45]]);
    expect((await queries.hierarchy.get()).table).not.toBe(before);
  });

  it('answers from the last hierarchy at once while a newer one builds behind it', async () => {
    const lazy = new ReportingQueries(analytics.client, { database: 'gpds', bi: 'bi', hierarchyCheckEveryMs: 100 });
    const first = await lazy.hierarchy.get();
    await store.appendToStream('organisation-test', [parent('P00002', '00B', 'COMMISSIONED_BY', '2024-02-01')], { expectedVersion: 'any' });
    await projections.waitUntilCaughtUp(30_000);
    expect((await lazy.hierarchy.get()).table).toBe(first.table);
    let table = first.table;
    for (const deadline = Date.now() + 10_000; table === first.table && Date.now() < deadline;) {
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
