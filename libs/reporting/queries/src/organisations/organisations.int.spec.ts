import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture } from '../testing/reporting-fixture';

let fixture: ReportingFixture;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open();
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

const codes = (page: { nodes: Array<{ code: string }> }) => page.nodes.map((n) => n.code);

describe('organisations', () => {
  it('looks an organisation up by code, England included', async () => {
    expect(await queries.organisation('P00001')).toEqual({
      code: 'P00001',
      name: 'PRACTICE P00001',
      level: 'PRACTICE',
      openedOn: null,
      closedOn: null,
      successorCode: null,
      postcode: null,
    });
    expect(await queries.organisation('ENG')).toMatchObject({ code: 'ENG', name: 'England', level: 'NATIONAL' });
    expect(await queries.organisation('NOPE')).toBeNull();
  });

  it('searches by name or code, at a level, a page at a time', async () => {
    const practices = await queries.searchOrganisations({ search: 'practice', first: 1 });
    expect(codes(practices)).toEqual(['P00001']);
    expect(practices).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    expect(codes(await queries.searchOrganisations({ search: 'practice', first: 1, after: practices.pageInfo.endCursor }))).toEqual(['P00002']);
    expect(codes(await queries.searchOrganisations({ search: 'qa1' }))).toEqual(['QA1']);
    expect(codes(await queries.searchOrganisations({ level: 'COMMISSIONER' }))).toEqual(['00A', '00B']);
    expect((await queries.searchOrganisations({})).totalCount).toBe(9);
    await expect(queries.searchOrganisations({ search: 'x'.repeat(201) })).rejects.toMatchObject({ argument: 'search' });
  });

  it('walks up and down the hierarchy of the date', async () => {
    expect(codes({ nodes: await queries.ancestors('P00002', '2022-06-01') })).toEqual(['U00001', '00A', 'QA1', 'Y01', 'ENG']);
    expect(codes({ nodes: await queries.ancestors('P00002', '2024-06-01') })).toEqual(['U00001', '00B', 'QB2', 'Y02', 'ENG']);
    expect(await queries.ancestors('NOPE', '2024-06-01')).toEqual([]);
    expect(codes(await queries.children('ENG', { asOf: '2024-06-01' }))).toEqual(['Y01', 'Y02']);
    expect(codes(await queries.children('00A', { asOf: '2024-06-01' }))).toEqual(['U00001']);
    const members = await queries.children('U00001', { asOf: '2024-06-01', first: 1 });
    expect(codes(members)).toEqual(['P00001']);
    expect(members).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    expect(await queries.children('P00001', {})).toEqual({ nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } });
  });
});
