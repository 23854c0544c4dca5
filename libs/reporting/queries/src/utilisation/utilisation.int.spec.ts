import type { ReportingQueries } from '../reporting-queries';
import { QueryArgumentError } from '../shared/arguments';
import { ReportingFixture, month, values } from '../testing/reporting-fixture';

// Real event store (PostgreSQL), real projector, real chDB: a small invented hierarchy in which a
// practice moves commissioner and region, so every roll-up has a date to get right.
let fixture: ReportingFixture;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open();
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

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

  it('refuses a parent at or below the level, naming the argument', async () => {
    const error = await queries.utilisation({ ...month('2024-06'), level: 'REGION', parent: '00A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryArgumentError);
    expect(error).toMatchObject({ argument: 'parent', message: expect.stringContaining('00A is a COMMISSIONER') });
  });
});
