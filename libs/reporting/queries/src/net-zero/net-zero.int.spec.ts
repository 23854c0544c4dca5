import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryArgumentError } from '../shared/arguments';
import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, fact } from '../testing/reporting-fixture';
import type { NetZeroArgs, NetZeroRow } from './net-zero-queries';

// Carbon facts of the fixture's practices P00001 (00A, QA1, Y01 throughout) and P00002 (00A
// until 2023-04-01, then 00B in QB2, Y02), and of the commissioner 00B itself, which has no
// baseline. Every allowance below is worked out by hand from the trajectory (v1). Footprint Plus
// is the Carbon Footprint and the wider scope: its rows count the facts of both footprints.
const CF = 'NHS_CARBON_FOOTPRINT';
const PLUS = 'NHS_CARBON_FOOTPRINT_PLUS';
let seq = 0;
const metric = (org: string, month: string, footprint: string, category: string, kgCo2e: number, level = 'PRACTICE') =>
  fact(
    'CarbonMetricRecorded',
    { footprint, category, periodStart: `${month}-01`, periodEnd: `${month}-28`, organisationCode: org, organisationLevel: level, kgCo2e, method: 'SPEND' },
    // Facts for years to come are sent "now" (the trajectory's points lie ahead).
    `${month < '2026-11' ? month : '2026-11'}-28T12:00:00Z`,
    `net-zero-${++seq}`,
  );

let fixture: ReportingFixture;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open([
    {
      streamId: 'net-zero-test',
      expectedVersion: 'any',
      events: [
        // The baseline year 2019/20 (1 April 2019 to 31 March 2020): P00001 1,000 kg, P00002 500 kg.
        metric('P00001', '2019-06', CF, 'ELECTRICITY', 600),
        metric('P00001', '2020-01', CF, 'GAS', 400),
        metric('P00002', '2019-04', CF, 'ELECTRICITY', 500),
        // March 2019 is 2018/19, before the baseline year; April 2020 is 2020/21.
        metric('P00002', '2019-03', CF, 'ELECTRICITY', 999),
        metric('P00001', '2020-04', CF, 'ELECTRICITY', 800),
        // 2025/26: P00001 600 kg, P00002 350 kg, 00B's own 300 kg.
        metric('P00001', '2025-05', CF, 'ELECTRICITY', 500),
        metric('P00001', '2026-03', CF, 'GAS', 100),
        metric('P00002', '2025-04', CF, 'ELECTRICITY', 350),
        metric('00B', '2025-06', CF, 'GAS', 300, 'COMMISSIONER'),
        metric('P00001', '2026-05', CF, 'ELECTRICITY', 300),
        // 2027/28: the ambitious path's -80% point.
        metric('P00001', '2027-07', CF, 'ELECTRICITY', 400),
        // Footprint Plus's own categories: P00001 has some in the baseline year, P00002 none (but its
        // Carbon Footprint facts of 2019/20 give it a Plus baseline).
        metric('P00001', '2019-07', PLUS, 'PATIENT_TRAVEL', 2000),
        metric('P00001', '2025-07', PLUS, 'PATIENT_TRAVEL', 1500),
        metric('P00002', '2025-08', PLUS, 'DEVICES', 200),
      ],
    },
  ]);
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

const netZero = (args: Partial<NetZeroArgs> & { level: string }) => queries.netZero({ from: '2018/19', to: '2027/28', ...args });
const find = (rows: readonly NetZeroRow[], code: string, footprint: string, financialYear: string) =>
  rows.find((r) => r.organisation.code === code && r.footprint === footprint && r.financialYear === financialYear);
/** A row's figures, to 6 decimal places (allowances are shares of a baseline). */
const figures = (row: NetZeroRow | undefined) => {
  const round = (n: number | null | undefined) => (n === null || n === undefined ? n : Number(n.toFixed(6)));
  return (
    row && {
      status: row.status,
      actual: round(row.actual),
      baseline: round(row.baseline),
      comparableActual: round(row.comparableActual),
      requiredPercent: round(row.requiredPercent),
      ambitiousPercent: round(row.ambitiousPercent),
      allowance: round(row.allowance),
      ambitiousAllowance: round(row.ambitiousAllowance),
      gap: round(row.gap),
      gapPercent: round(row.gapPercent),
      onTrack: row.onTrack,
      unitsWithBaseline: row.unitsWithBaseline,
      unitsWithoutBaseline: row.unitsWithoutBaseline,
      actualWithoutBaseline: round(row.actualWithoutBaseline),
    }
  );
};
const r6 = (n: number) => Number(n.toFixed(6));

describe('Net Zero against the trajectory', () => {
  it('allows the whole baseline in the baseline year and the trajectory between its points, per practice', async () => {
    const page = await netZero({ level: 'PRACTICE', footprint: CF });
    expect(page).toMatchObject({ trajectoryVersion: 1, baselineYear: '2019/20', knownAt: null });
    expect(page.nodes.map((r) => [r.organisation.code, r.footprint, r.financialYear])).toEqual([
      ['P00001', CF, '2019/20'],
      ['P00001', CF, '2020/21'],
      ['P00001', CF, '2025/26'],
      ['P00001', CF, '2026/27'],
      ['P00001', CF, '2027/28'],
      ['P00002', CF, '2018/19'],
      ['P00002', CF, '2019/20'],
      ['P00002', CF, '2025/26'],
    ]);
    expect(figures(find(page.nodes, 'P00001', CF, '2019/20'))).toEqual({
      status: 'ON_TRACK',
      actual: 1000,
      baseline: 1000,
      comparableActual: 1000,
      requiredPercent: 100,
      ambitiousPercent: 100,
      allowance: 1000,
      ambitiousAllowance: 1000,
      gap: 0,
      gapPercent: 0,
      onTrack: true,
      unitsWithBaseline: 1,
      unitsWithoutBaseline: 0,
      actualWithoutBaseline: 0,
    });
    expect(find(page.nodes, 'P00001', CF, '2019/20')!.byCategory).toEqual([
      { category: 'ELECTRICITY', kgCo2e: 600 },
      { category: 'GAS', kgCo2e: 400 },
    ]);
    // 2025/26, between the points: 6 of the 12 years to 20% (required: 60%), 6 of the 8 (ambitious: 40%).
    // 600 kg against 60% of 1,000 kg is exactly on the allowance: on track.
    expect(figures(find(page.nodes, 'P00001', CF, '2025/26'))).toMatchObject({
      status: 'ON_TRACK',
      actual: 600,
      requiredPercent: 60,
      ambitiousPercent: 40,
      allowance: 600,
      ambitiousAllowance: 400,
      gap: 0,
      onTrack: true,
    });
    // 350 kg against 60% of 500 kg: 50 kg (16.7%) above.
    expect(figures(find(page.nodes, 'P00002', CF, '2025/26'))).toMatchObject({
      status: 'OFF_TRACK',
      actual: 350,
      baseline: 500,
      allowance: 300,
      gap: 50,
      gapPercent: r6((50 / 300) * 100),
      onTrack: false,
    });
    // 2027/28, the ambitious path's point (20%); required: 8 of the 12 years to 20%.
    const required = 100 - (80 * 8) / 12;
    expect(figures(find(page.nodes, 'P00001', CF, '2027/28'))).toMatchObject({
      status: 'ON_TRACK',
      actual: 400,
      requiredPercent: r6(required),
      ambitiousPercent: 20,
      allowance: r6(required * 10),
      ambitiousAllowance: 200,
      gap: r6(400 - required * 10),
      gapPercent: r6(((400 - required * 10) / (required * 10)) * 100),
    });
    // Before the baseline year the trajectory allows nothing yet: no allowance, not zero.
    expect(figures(find(page.nodes, 'P00002', CF, '2018/19'))).toEqual({
      status: 'NO_ALLOWANCE',
      actual: 999,
      baseline: 500,
      comparableActual: 999,
      requiredPercent: null,
      ambitiousPercent: null,
      allowance: null,
      ambitiousAllowance: null,
      gap: null,
      gapPercent: null,
      onTrack: null,
      unitsWithBaseline: 1,
      unitsWithoutBaseline: 0,
      actualWithoutBaseline: 0,
    });
  });

  it('reports an organisation with no baseline as such: null baseline, allowance and gap, never zero', async () => {
    // On 1 June 2022 P00002 was in Y01: Y02 holds only 00B's own facts, which have no baseline.
    const regions = (await netZero({ level: 'REGION', footprint: CF, from: '2025/26', to: '2025/26', asOf: '2022-06-01' })).nodes;
    expect(figures(find(regions, 'Y02', CF, '2025/26'))).toEqual({
      status: 'NO_BASELINE',
      actual: 300,
      baseline: null,
      comparableActual: null,
      requiredPercent: 60,
      ambitiousPercent: 40,
      allowance: null,
      ambitiousAllowance: null,
      gap: null,
      gapPercent: null,
      onTrack: null,
      unitsWithBaseline: 0,
      unitsWithoutBaseline: 1,
      actualWithoutBaseline: 300,
    });
    expect(figures(find(regions, 'Y01', CF, '2025/26'))).toMatchObject({ status: 'OFF_TRACK', actual: 950, baseline: 1500, allowance: 900, gap: 50 });
  });

  it('counts the Carbon Footprint in Footprint Plus: actuals, baselines and categories of both footprints', async () => {
    // Footprint Plus in 2025/26 from 2019/20: 6 of the 19 years to 20% in 2038/39.
    const required = 100 - (80 * 6) / 19;
    const plus = async (knownAt?: string) => (await netZero({ level: 'PRACTICE', footprint: PLUS, from: '2025/26', to: '2025/26', knownAt })).nodes;
    const page = await plus();
    expect(page.map((r) => [r.organisation.code, r.footprint, r.financialYear, r.status])).toEqual([
      ['P00001', PLUS, '2025/26', 'ON_TRACK'],
      ['P00002', PLUS, '2025/26', 'OFF_TRACK'],
    ]);
    // P00001: 1,500 kg of patient travel + 600 kg of the Carbon Footprint, against a baseline of
    // 2,000 + 1,000 kg; the Plus categories alone (1,500 against 74.7% of 2,000) would be off track.
    expect(figures(page[0])).toEqual({
      status: 'ON_TRACK',
      actual: 2100,
      baseline: 3000,
      comparableActual: 2100,
      requiredPercent: r6(required),
      ambitiousPercent: r6(100 - (80 * 6) / 16),
      allowance: r6(required * 30),
      ambitiousAllowance: r6((100 - (80 * 6) / 16) * 30),
      gap: r6(2100 - required * 30),
      gapPercent: r6(((2100 - required * 30) / (required * 30)) * 100),
      onTrack: true,
      unitsWithBaseline: 1,
      unitsWithoutBaseline: 0,
      actualWithoutBaseline: 0,
    });
    expect(page[0]!.byCategory).toEqual([
      { category: 'ELECTRICITY', kgCo2e: 500 },
      { category: 'GAS', kgCo2e: 100 },
      { category: 'PATIENT_TRAVEL', kgCo2e: 1500 },
    ]);
    // P00002 has no Plus category in 2019/20, but its 500 kg of electricity then are its Plus
    // baseline: 350 + 200 kg against 74.7% of 500 kg.
    expect(figures(page[1])).toMatchObject({
      status: 'OFF_TRACK',
      actual: 550,
      baseline: 500,
      comparableActual: 550,
      allowance: r6(required * 5),
      gap: r6(550 - required * 5),
      unitsWithBaseline: 1,
      unitsWithoutBaseline: 0,
    });
    expect(page[1]!.byCategory).toEqual([
      { category: 'ELECTRICITY', kgCo2e: 350 },
      { category: 'DEVICES', kgCo2e: 200 },
    ]);
    // The facts recorded by a time (carbon_metrics) count the same way as the monthly roll-up.
    expect(await plus(new Date().toISOString())).toEqual(page);
    // The Carbon Footprint counts its own categories only.
    const cf = (await netZero({ level: 'PRACTICE', footprint: CF, from: '2025/26', to: '2025/26' })).nodes[0]!;
    expect([cf.organisation.code, cf.actual, cf.baseline, cf.byCategory.map((c) => c.category)]).toEqual(['P00001', 600, 1000, ['ELECTRICITY', 'GAS']]);
  });

  it('keeps to one footprint when asked, Footprint Plus reading the Carbon Footprint facts too', async () => {
    // A year with Carbon Footprint facts only (2020/21: P00001's 800 kg) has a Plus row.
    const plus = (await netZero({ level: 'REGION', footprint: PLUS, from: '2020/21', to: '2020/21', knownAt: new Date().toISOString() })).nodes;
    expect(plus.map((r) => [r.organisation.code, r.footprint, r.financialYear, r.actual, r.baseline, r.byCategory])).toEqual([
      ['Y01', PLUS, '2020/21', 800, 3000, [{ category: 'ELECTRICITY', kgCo2e: 800 }]],
    ]);
    // Without a footprint, both: Plus is the Carbon Footprint's 1,250 kg and Plus's own 1,700 kg (both ways of reading).
    for (const knownAt of [undefined, new Date().toISOString()]) {
      const both = await netZero({ level: 'NATIONAL', from: '2025/26', to: '2025/26', knownAt });
      expect(both.nodes.map((r) => [r.organisation.code, r.footprint, r.actual, r.baseline, r.unitsWithBaseline, r.unitsWithoutBaseline])).toEqual([
        ['ENG', CF, 1250, 1500, 2, 1],
        ['ENG', PLUS, 2950, 3500, 2, 1],
      ]);
    }
  });

  it('measures from another baseline year when asked', async () => {
    const page = await netZero({ level: 'PRACTICE', footprint: CF, baselineYear: '2020/21', from: '2019/20', to: '2025/26' });
    expect(page.baselineYear).toBe('2020/21');
    // From 2020/21: 5 of the 11 years to 20% in 2031/32; P00001's baseline is its 800 kg of 2020/21.
    const required = 100 - (80 * 5) / 11;
    expect(figures(find(page.nodes, 'P00001', CF, '2025/26'))).toMatchObject({
      status: 'OFF_TRACK',
      baseline: 800,
      requiredPercent: r6(required),
      allowance: r6(required * 8),
      gap: r6(600 - required * 8),
    });
    expect(figures(find(page.nodes, 'P00001', CF, '2020/21'))).toMatchObject({ status: 'ON_TRACK', requiredPercent: 100, allowance: 800, gap: 0 });
    expect(find(page.nodes, 'P00001', CF, '2019/20')!.status).toBe('NO_ALLOWANCE');
    // P00002 has no fact in 2020/21.
    expect(figures(find(page.nodes, 'P00002', CF, '2025/26'))).toMatchObject({ status: 'NO_BASELINE', baseline: null, allowance: null, actual: 350 });
  });

  it('rolls up by summing the children: actuals and baselines add up, then compare', async () => {
    const args = { footprint: CF, from: '2025/26', to: '2025/26' };
    const [england] = (await netZero({ level: 'NATIONAL', ...args })).nodes;
    const regions = (await netZero({ level: 'REGION', ...args })).nodes;
    const commissioners = (await netZero({ level: 'COMMISSIONER', ...args })).nodes;
    // P00002 and 00B's own facts are under 00B (Y02) today; P00001 under 00A (Y01).
    expect(regions.map((r) => [r.organisation.code, r.status, r.actual, r.baseline, r.unitsWithBaseline, r.unitsWithoutBaseline])).toEqual([
      ['Y01', 'ON_TRACK', 600, 1000, 1, 0],
      ['Y02', 'OFF_TRACK', 650, 500, 1, 1],
    ]);
    expect(figures(england)).toMatchObject({
      status: 'OFF_TRACK',
      actual: 1250,
      baseline: 1500,
      comparableActual: 950,
      allowance: 900,
      gap: 50,
      gapPercent: r6((50 / 900) * 100),
      unitsWithBaseline: 2,
      unitsWithoutBaseline: 1,
      actualWithoutBaseline: 300,
    });
    for (const children of [regions, commissioners]) {
      const sum = (field: 'actual' | 'baseline' | 'comparableActual' | 'actualWithoutBaseline' | 'unitsWithBaseline' | 'unitsWithoutBaseline') =>
        children.reduce((total, r) => total + (r[field] ?? 0), 0);
      for (const field of ['actual', 'baseline', 'comparableActual', 'actualWithoutBaseline', 'unitsWithBaseline', 'unitsWithoutBaseline'] as const) {
        expect({ field, sum: sum(field) }).toEqual({ field, sum: england![field] });
      }
    }
    // Not an average of the regions' shares: (0% + 10%) / 2 would say 5%.
    expect(r6(england!.gapPercent!)).toBe(r6((50 / 900) * 100));
  });

  it('counts the practice that moved under its region of asOf, baseline and all', async () => {
    const y = async (asOf: string) =>
      (await netZero({ level: 'REGION', footprint: CF, from: '2019/20', to: '2019/20', asOf })).nodes.map((r) => [r.organisation.code, r.actual, r.baseline]);
    expect(await y('2022-06-01')).toEqual([['Y01', 1500, 1500]]);
    expect(await y('2023-04-01')).toEqual([
      ['Y01', 1000, 1000],
      ['Y02', 500, 500],
    ]);
  });

  it('pages through the rows in order of organisation, footprint and year', async () => {
    const first = await netZero({ level: 'PRACTICE', first: 3 });
    // 8 Carbon Footprint rows; a Plus row for every practice and year with a fact of either footprint: 8.
    expect(first.totalCount).toBe(16);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await netZero({ level: 'PRACTICE', first: 100, after: first.pageInfo.endCursor });
    expect([...first.nodes, ...rest.nodes].map((r) => `${r.organisation.code} ${r.footprint} ${r.financialYear}`)).toEqual(
      (await netZero({ level: 'PRACTICE' })).nodes.map((r) => `${r.organisation.code} ${r.footprint} ${r.financialYear}`),
    );
    expect(rest.nodes.at(-1)).toMatchObject({ organisation: { code: 'P00002' }, footprint: PLUS, financialYear: '2025/26' });
  });

  it('refuses arguments it cannot answer, naming the argument and what would do', async () => {
    const refused = async (args: Partial<NetZeroArgs>) => netZero({ level: 'REGION', ...args }).catch((error: unknown) => error);
    const cases: Array<[Partial<NetZeroArgs>, string, RegExp]> = [
      [{ from: '2024-25' }, 'from', /'2024-25' is not a financial year: write YYYY\/YY, e.g. 2024\/25/],
      [{ to: '2024/26' }, 'to', /'2024\/26' is not a financial year/],
      [{ from: '2025/26', to: '2024/25' }, 'to', /2024\/25 is before from \(2025\/26\)/],
      [{ from: '1990/91', to: '2030/31' }, 'to', /spans 41 financial years: ask for at most 30/],
      [{ footprint: 'SCOPE_9' }, 'footprint', /'SCOPE_9' is not a carbon footprint: use one of NHS_CARBON_FOOTPRINT, NHS_CARBON_FOOTPRINT_PLUS/],
      [{ baselineYear: '2019' }, 'baselineYear', /'2019' is not a financial year/],
      [{ baselineYear: '2027/28' }, 'baselineYear', /2027\/28 is not before 2027\/28, where the NHS_CARBON_FOOTPRINT trajectory's -80% window begins/],
      [{ knownAt: 'yesterday' }, 'knownAt', /not a date-time/],
    ];
    for (const [args, argument, message] of cases) {
      const error = await refused(args);
      expect(error).toBeInstanceOf(QueryArgumentError);
      expect(error).toMatchObject({ argument, message: expect.stringMatching(message) });
    }
    // A later baseline year is fine for Footprint Plus alone (its window begins in 2035/36): 2027/28's
    // only fact, P00001's 400 kg of electricity, is its own baseline.
    const later = await netZero({ level: 'NATIONAL', footprint: PLUS, baselineYear: '2027/28', from: '2027/28', to: '2027/28' });
    expect(later.nodes.map((r) => [r.footprint, r.status, r.actual, r.baseline, r.requiredPercent])).toEqual([[PLUS, 'ON_TRACK', 400, 400, 100]]);
  });

  it('gives BI tools the same rows through bi.net_zero_at, at every level', async () => {
    const knownAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const asOf = new Date().toISOString().slice(0, 10);
    for (const baselineYear of ['2019/20', '2020/21']) {
      const view = await (
        await fixture.analytics.client.query({
          query: `SELECT * FROM bi.net_zero_at(baseline_year = {baselineYear:String}, as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)})
                  ORDER BY level, organisation_code, footprint, financial_year`,
          query_params: { baselineYear, asOf, knownAt },
          format: 'JSONEachRow',
        })
      ).json<Record<string, unknown>>();
      const fromView = view.map((v) => [
        v['level'],
        v['organisation_code'],
        v['footprint'],
        v['financial_year'],
        v['status'],
        Number(v['actual_kg_co2e']),
        v['baseline_kg_co2e'] === null ? null : Number(v['baseline_kg_co2e']),
        v['allowance_kg_co2e'] === null ? null : r6(Number(v['allowance_kg_co2e'])),
        v['gap_percent'] === null ? null : r6(Number(v['gap_percent'])),
        v['ambitious_percent'] === null ? null : r6(Number(v['ambitious_percent'])),
        Number(v['units_without_baseline']),
        v['kg_co2e_by_category'],
      ]);
      const fromApi: unknown[][] = [];
      for (const level of ['COMMISSIONER', 'ICB', 'NATIONAL', 'PCN', 'PRACTICE', 'REGION']) {
        for (const r of (await netZero({ level, baselineYear, from: '2010/11', to: '2039/40' })).nodes) {
          fromApi.push([
            level,
            r.organisation.code,
            r.footprint,
            r.financialYear,
            r.status,
            r.actual,
            r.baseline,
            r.allowance === null ? null : r6(r.allowance),
            r.gapPercent === null ? null : r6(r.gapPercent),
            r.ambitiousPercent === null ? null : r6(r.ambitiousPercent),
            r.unitsWithoutBaseline,
            Object.fromEntries(r.byCategory.map((c) => [c.category, c.kgCo2e])),
          ]);
        }
      }
      expect(fromView.length).toBeGreaterThan(40);
      expect(fromView).toEqual(fromApi);
    }
    const refused = await fixture.analytics.client
      .query({ query: `SELECT * FROM bi.net_zero_at(baseline_year = '2019', as_of = today(), known_at = now64(3))`, format: 'JSONEachRow' })
      .then(
        (r) => r.json(),
        (error: unknown) => error,
      );
    expect(String(refused)).toMatch(/baseline_year is not a financial year: write YYYY\/YY/);
    const points = await (
      await fixture.analytics.client.query({ query: `SELECT * FROM bi.net_zero_trajectory ORDER BY footprint, path, financial_year`, format: 'JSONEachRow' })
    ).json<Record<string, unknown>>();
    expect(points.map((p) => [p['footprint'], p['path'], p['financial_year'], p['percent_of_baseline'], p['trajectory_version']])).toEqual([
      [CF, 'AMBITIOUS', '2027/28', 20, 1],
      [CF, 'AMBITIOUS', '2039/40', 0, 1],
      [CF, 'REQUIRED', '2031/32', 20, 1],
      [CF, 'REQUIRED', '2039/40', 0, 1],
      [PLUS, 'AMBITIOUS', '2035/36', 20, 1],
      [PLUS, 'AMBITIOUS', '2044/45', 0, 1],
      [PLUS, 'REQUIRED', '2038/39', 20, 1],
      [PLUS, 'REQUIRED', '2044/45', 0, 1],
    ]);
  });

  it('runs the SQL examples of the Net Zero section of docs/measures.md as written', async () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'docs', 'measures.md'), 'utf8');
    const examples = [...doc.matchAll(/```sql\n(-- net zero[\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const answers = await Promise.all(
      examples.map(async (query) => (await fixture.analytics.client.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>()),
    );
    // Each region's Carbon Footprint in 2025/26 from 2019/20, today.
    expect(answers[0]).toEqual([
      expect.objectContaining({ organisation_code: 'Y01', status: 'ON_TRACK', actual_kg_co2e: 600, baseline_kg_co2e: 1000, allowance_kg_co2e: 600 }),
      expect.objectContaining({ organisation_code: 'Y02', status: 'OFF_TRACK', actual_kg_co2e: 650, baseline_kg_co2e: 500, allowance_kg_co2e: 300 }),
    ]);
    expect(answers[1]).toHaveLength(8);
    // And the example of docs/analytics.md.
    const analytics = readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'docs', 'analytics.md'), 'utf8');
    const [byIcb, ...others] = [...analytics.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((q) => q.includes('bi.net_zero_at'));
    expect(others).toEqual([]);
    const rows = await (await fixture.analytics.client.query({ query: byIcb!, format: 'JSONEachRow' })).json<Record<string, unknown>>();
    // Footprint Plus counts the Carbon Footprint's facts: every year with a fact of either footprint.
    expect(rows.map((r) => [r['organisation_code'], r['financial_year'], r['status'], r['actual']])).toEqual([
      ['QA1', '2019/20', 'ON_TRACK', 3000],
      ['QA1', '2020/21', 'ON_TRACK', 800],
      ['QA1', '2025/26', 'ON_TRACK', 2100],
      ['QA1', '2026/27', 'ON_TRACK', 300],
      ['QA1', '2027/28', 'ON_TRACK', 400],
      ['QB2', '2018/19', 'NO_ALLOWANCE', 999],
      ['QB2', '2019/20', 'ON_TRACK', 500],
      // P00002's 550 kg against 74.7% of its 500 kg; 00B's own 300 kg have no baseline.
      ['QB2', '2025/26', 'OFF_TRACK', 850],
    ]);
  });

  it('answers with the facts known at knownAt: a later-recorded fact changes the answer now, not the earlier one', async () => {
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fixture.store.appendToStream('net-zero-test', [metric('P00001', '2026-06', CF, 'ELECTRICITY', 300)], { expectedVersion: 'any' });
    await fixture.projections.waitUntilCaughtUp(30_000);
    const year = async (knownAt?: string) =>
      figures((await netZero({ level: 'REGION', parent: 'ENG', footprint: CF, from: '2026/27', to: '2026/27', knownAt })).nodes[0]);
    // 2026/27: 7 of the 12 years to 20%, so 53.3% of P00001's 1,000 kg.
    const allowance = r6((100 - (80 * 7) / 12) * 10);
    expect(await year(before)).toMatchObject({ status: 'ON_TRACK', actual: 300, allowance, gap: r6(300 - allowance) });
    expect(await year()).toMatchObject({ status: 'OFF_TRACK', actual: 600, allowance, gap: r6(600 - allowance) });
    expect(await year(new Date().toISOString())).toMatchObject({ status: 'OFF_TRACK', actual: 600 });
    const page = await netZero({ level: 'NATIONAL', from: '2026/27', to: '2026/27', knownAt: before });
    expect(page.knownAt).toBe(before);
  });
});
