import { QueryArgumentError } from '../shared/arguments';
import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, fact } from '../testing/reporting-fixture';

let fixture: ReportingFixture;
let queries: ReportingQueries;

const metric = (org: string, month: string, footprint: string, category: string, kgCo2e: number, recordId: string) =>
  fact(
    'CarbonMetricRecorded',
    {
      footprint,
      category,
      periodStart: `${month}-01`,
      periodEnd: `${month}-28`,
      organisationCode: org,
      organisationLevel: 'PRACTICE',
      kgCo2e,
      method: 'SPEND',
    },
    `${month}-28T12:00:00Z`,
    recordId,
  );

beforeAll(async () => {
  fixture = await ReportingFixture.open([
    {
      streamId: 'carbon-test',
      expectedVersion: 'any',
      events: [
        metric('P00001', '2024-06', 'NHS_CARBON_FOOTPRINT', 'ELECTRICITY', 12.5, 'c1'),
        metric('P00002', '2024-06', 'NHS_CARBON_FOOTPRINT', 'ELECTRICITY', 7.5, 'c2'),
        metric('P00002', '2024-06', 'NHS_CARBON_FOOTPRINT', 'GAS', 3, 'c3'),
        metric('P00001', '2024-07', 'NHS_CARBON_FOOTPRINT_PLUS', 'ELECTRICITY', 2.25, 'c4'),
      ],
    },
  ]);
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

const rows = (page: {
  nodes: Array<{ organisation: { code: string }; period: { start: string; end: string }; category: string; value: number; metrics: number }>;
}) => page.nodes.map((n) => [n.organisation.code, n.period.start, n.period.end, n.category, n.value, n.metrics]);

describe('carbon by the hierarchy in force on the date', () => {
  it('sums kgCO2e per organisation, period and category', async () => {
    expect(rows(await queries.carbon({ level: 'REGION', from: '2024-06-01', to: '2024-07-31', granularity: 'MONTH', asOf: '2024-06-01' }))).toEqual([
      ['Y01', '2024-06-01', '2024-06-30', 'ELECTRICITY', 12.5, 1],
      ['Y01', '2024-07-01', '2024-07-31', 'ELECTRICITY', 2.25, 1],
      ['Y02', '2024-06-01', '2024-06-30', 'ELECTRICITY', 7.5, 1],
      ['Y02', '2024-06-01', '2024-06-30', 'GAS', 3, 1],
    ]);
    expect(rows(await queries.carbon({ level: 'NATIONAL', from: '2024-06-15', to: '2024-07-31' }))).toEqual([
      ['ENG', '2024-06-15', '2024-07-31', 'ELECTRICITY', 22.25, 3],
      ['ENG', '2024-06-15', '2024-07-31', 'GAS', 3, 1],
    ]);
  });

  it('keeps to one footprint and one parent, and pages', async () => {
    expect(rows(await queries.carbon({ level: 'COMMISSIONER', from: '2024-06-01', to: '2024-07-31', footprint: 'NHS_CARBON_FOOTPRINT_PLUS' }))).toEqual([
      ['00A', '2024-06-01', '2024-07-31', 'ELECTRICITY', 2.25, 1],
    ]);
    const page = await queries.carbon({ level: 'PRACTICE', parent: 'U00001', from: '2024-06-01', to: '2024-06-30', first: 2 });
    expect(rows(page)).toEqual([
      ['P00001', '2024-06-01', '2024-06-30', 'ELECTRICITY', 12.5, 1],
      ['P00002', '2024-06-01', '2024-06-30', 'ELECTRICITY', 7.5, 1],
    ]);
    expect(page).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const next = await queries.carbon({ level: 'PRACTICE', parent: 'U00001', from: '2024-06-01', to: '2024-06-30', first: 2, after: page.pageInfo.endCursor });
    expect(rows(next)).toEqual([['P00002', '2024-06-01', '2024-06-30', 'GAS', 3, 1]]);
  });

  it('refuses a footprint it does not know, naming the argument', async () => {
    const error = await queries.carbon({ level: 'REGION', from: '2024-06-01', to: '2024-06-30', footprint: 'SCOPE_9' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryArgumentError);
    expect(error).toMatchObject({ argument: 'footprint' });
  });
});
