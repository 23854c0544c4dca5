import type { AnalyticsStore, ProjectionService } from '@gpds/analytics-clickhouse';
import type { EventStore } from '@gpds/event-store';
import { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, T0, fact, month, parent, values } from '../testing/reporting-fixture';
import { instant } from './arguments';

// The hierarchy cache under the roll-ups: a change to the organisations is seen once projected,
// a newer hierarchy builds behind the one answering, and a question as known at a time gets the
// hierarchy as known then (testing/reporting-fixture.ts has the set-up).
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

describe('the hierarchy as known at a time', () => {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  const inScope = (page: { nodes: Array<{ organisation: { code: string }; inScope: number }> }) => page.nodes.map((n) => [n.organisation.code, n.inScope]);

  it('keeps an ICB figure asked as known before a practice moved ICB, and follows the move without knownAt', async () => {
    // After the tests above, P00002 is under 00B (ICB QB2) in June 2024; the PCN's 5 go with 00A (QA1).
    const june = { ...month('2024-06'), level: 'ICB' };
    expect(values(await queries.utilisation(june))).toEqual([
      ['QA1', 5],
      ['QB2', 40],
    ]);
    const current = await queries.hierarchy.get();
    await pause();
    const before = new Date().toISOString();
    await pause();
    // Nothing recorded since: the current version is the one as known then.
    expect((await queries.hierarchy.get(instant('knownAt', before))).table).toBe(current.table);

    // A resolved timeline: P00002 stays under 00B but a source places it in ICB QA1.
    const timeline = fact(
      'OrganisationTimelineResolved',
      {
        code: 'P00002',
        level: 'PRACTICE',
        name: 'PRACTICE P00002',
        postcode: '',
        openedOn: '',
        closedOn: '',
        parents: [
          { relationship: 'MEMBER_OF_PCN', parentCode: 'U00001', effectiveFrom: '', effectiveTo: '' },
          { relationship: 'COMMISSIONED_BY', parentCode: '00B', effectiveFrom: '', effectiveTo: '' },
          { relationship: 'IN_ICB', parentCode: 'QA1', effectiveFrom: '', effectiveTo: '' },
        ],
        learnedFrom: '',
        observations: 1,
      },
      T0,
      'P00002/timeline',
    );
    await store.appendToStream('organisation-test', [timeline], { expectedVersion: 'any' });
    await projections.waitUntilCaughtUp(30_000);

    // As known before it: unchanged, and from the version that answered then.
    expect(values(await queries.utilisation({ ...june, knownAt: before }))).toEqual([
      ['QA1', 5],
      ['QB2', 40],
    ]);
    expect(inScope(await queries.agreementCoverage({ level: 'ICB', asOf: '2024-06-01', knownAt: before }))).toEqual([
      ['QA1', 1],
      ['QB2', 1],
    ]);
    expect((await queries.hierarchy.get(instant('knownAt', before))).table).toBe(current.table);
    // Without knownAt (and as known after it): the move.
    expect(values(await queries.utilisation(june))).toEqual([['QA1', 45]]);
    expect(inScope(await queries.agreementCoverage({ level: 'ICB', asOf: '2024-06-01' }))).toEqual([['QA1', 2]]);
    const latest = await queries.hierarchy.get();
    expect(latest.table).not.toBe(current.table);
    await pause();
    const after = new Date().toISOString();
    expect(values(await queries.utilisation({ ...june, knownAt: after }))).toEqual([['QA1', 45]]);
    expect((await queries.hierarchy.get(instant('knownAt', after))).table).toBe(latest.table);
    // The version as known before is still there for the next question about then.
    expect((await queries.hierarchy.get(instant('knownAt', before))).table).toBe(current.table);

    // Another API process, which does not keep it, drops it: it is built again when next asked for.
    const [database, name] = current.table.split('.') as [string, string];
    const tables = await (
      await analytics.client.query({
        query: `SELECT name FROM system.tables WHERE database = {database:String} AND startsWith(name, {name:String})`,
        query_params: { database, name },
        format: 'JSONEachRow',
      })
    ).json<{ name: string }>();
    expect(tables.length).toBeGreaterThan(1); // the period table and its Join tables
    for (const t of tables) await analytics.client.command({ query: `DROP TABLE ${database}.${t.name}` });
    expect(values(await queries.utilisation({ ...june, knownAt: before }))).toEqual([
      ['QA1', 5],
      ['QB2', 40],
    ]);
    expect((await queries.hierarchy.get(instant('knownAt', before))).table).toBe(current.table);
  });
});
