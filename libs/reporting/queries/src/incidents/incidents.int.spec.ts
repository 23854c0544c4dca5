import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventToAppend } from '@gpds/event-store';
import { QueryArgumentError } from '../shared/arguments';
import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, fact, parent, register } from '../testing/reporting-fixture';
import type { IncidentRow } from './incidents-queries';

// The fixture's hierarchy: P00001 under 00A (QA1, Y01) throughout; P00002 under 00A until
// 2023-04-01, then 00B (QB2, Y02); and here P00003 under 00B (QB2, Y02). The range asked about
// is financial year 2024/25, as of its last day (the default) unless said.
const FY = { from: '2024-04-01', to: '2025-03-31' };

const reported = (org: string, level: string, id: string, severity: number, high: boolean, detectedAt: string, reportedAt: string) =>
  fact(
    'CyberIncidentReported',
    { incidentId: id, organisationCode: org, organisationLevel: level, severity, highSeverity: high, detectedAt, reportedTo: 'NHS England CSOC' },
    reportedAt,
    `${org}/${id}/reported`,
  );
const resolved = (org: string, level: string, id: string, at: string) =>
  fact('CyberIncidentResolved', { incidentId: id, organisationCode: org, organisationLevel: level }, at, `${org}/${id}/resolved`);
const breach = (code: string, id: string, recordedAt: string, detectedAt: string, reportedToIcoAt: string, reportableToIco = true) =>
  fact('DataBreachReported', { breachId: id, practiceCode: code, detectedAt, reportableToIco, reportedToIcoAt }, recordedAt, `${code}/${id}/${recordedAt}`);
const lost = (code: string, at: string, cause: string, bcpActivated: boolean) =>
  fact('RecordAccessLost', { practiceCode: code, cause, bcpActivated }, at, `${code}/lost/${at}`);
const restored = (code: string, at: string, bcpActivated: boolean) =>
  fact('RecordAccessRestored', { practiceCode: code, bcpActivated }, at, `${code}/restored/${at}`);
const bcp = (code: string, on: string) =>
  fact(
    'BusinessContinuityPlanReviewed',
    { practiceCode: code, reviewedBy: '00A', outcome: 'APPROVED', covers: ['CYBER'] },
    `${on}T09:00:00Z`,
    `${code}/bcp/${on}`,
  );

const P00001: EventToAppend[] = [
  // Cyber: 2 h to report, resolved; 6 h to report, resolved after 31 March 2025 (so open then).
  reported('P00001', 'PRACTICE', 'INC-1', 1, true, '2024-05-01T08:00:00Z', '2024-05-01T10:00:00Z'),
  resolved('P00001', 'PRACTICE', 'INC-1', '2024-05-03T10:00:00Z'),
  reported('P00001', 'PRACTICE', 'INC-2', 2, true, '2024-06-10T00:00:00Z', '2024-06-10T06:00:00Z'),
  resolved('P00001', 'PRACTICE', 'INC-2', '2025-04-15T10:00:00Z'),
  // Breaches: the ICO reached 72 h exactly after detection (within), and 72 h + 1 ms (late).
  breach('P00001', 'B-1', '2024-08-05T09:00:00Z', '2024-08-01T10:00:00Z', '2024-08-04T10:00:00.000Z'),
  breach('P00001', 'B-2', '2024-08-05T09:00:00Z', '2024-08-01T10:00:00Z', '2024-08-04T10:00:00.001Z'),
  // Recorded before its report (which a later record adds, in beforeAll).
  breach('P00001', 'B-3', '2024-11-01T12:00:00Z', '2024-11-01T09:00:00Z', ''),
  // Record access: 6 h, BCP activated by the restoration's final word, the BCP reviewed exactly 12 months before.
  bcp('P00001', '2023-05-10'),
  lost('P00001', '2024-05-10T08:00:00Z', 'NETWORK_FAILURE', false),
  restored('P00001', '2024-05-10T14:00:00Z', true),
  // Lost 4 h before the end of the range, restored after it; the review of 2025-04-01 is after the loss began.
  lost('P00001', '2025-03-31T20:00:00Z', 'POWER_FAILURE', true),
  restored('P00001', '2025-04-01T02:00:00Z', false),
  bcp('P00001', '2025-04-01'),
];
const P00002: EventToAppend[] = [
  reported('P00002', 'PRACTICE', 'INC-3', 3, false, '2024-07-01T00:00:00Z', '2024-07-02T00:00:00Z'),
  reported('P00002', 'PRACTICE', 'INC-4', 4, false, '2024-09-01T00:00:00Z', '2024-09-01T01:00:00Z'),
  resolved('P00002', 'PRACTICE', 'INC-4', '2024-09-02T00:00:00Z'),
  // Under 00A (Y01) until 1 April 2023.
  breach('P00002', 'B-OLD', '2022-10-01T18:00:00Z', '2022-10-01T08:00:00Z', '2022-10-01T18:00:00Z'),
  breach('P00002', 'B-4', '2024-12-02T09:00:00Z', '2024-12-01T09:00:00Z', '', false),
  // Not reported; its 72 hours run out on 2 April 2025.
  breach('P00002', 'B-5', '2025-03-30T13:00:00Z', '2025-03-30T12:00:00Z', ''),
  bcp('P00002', '2023-06-30'),
  lost('P00002', '2024-07-01T09:00:00Z', 'CYBER_ATTACK', true),
  restored('P00002', '2024-07-02T09:00:00Z', true),
];
const P00003: EventToAppend[] = [
  // Detected in the range, reported after it.
  reported('P00003', 'PRACTICE', 'INC-6', 3, false, '2025-03-31T22:00:00Z', '2025-04-01T02:00:00Z'),
  bcp('P00003', '2024-06-01'),
  // Restored the moment it was lost.
  lost('P00003', '2024-09-01T10:00:00Z', 'OTHER_CAUSE', false),
  restored('P00003', '2024-09-01T10:00:00Z', false),
];
// The commissioner 00B's own systems.
const COMMISSIONER: EventToAppend[] = [reported('00B', 'COMMISSIONER', 'INC-C1', 2, true, '2024-10-01T00:00:00Z', '2024-10-01T10:00:00Z')];

let fixture: ReportingFixture;
let queries: ReportingQueries;
/** A knowledge time before B-3's report was recorded. */
let beforeReport: string;

beforeAll(async () => {
  fixture = await ReportingFixture.open([
    {
      streamId: 'organisation-incidents',
      expectedVersion: 'any',
      events: [register('P00003', 'PRACTICE'), parent('P00003', '00B', 'COMMISSIONED_BY')],
    },
    { streamId: 'practice-P00001', expectedVersion: 'any', events: P00001 },
    { streamId: 'practice-P00002', expectedVersion: 'any', events: P00002 },
    { streamId: 'practice-P00003', expectedVersion: 'any', events: P00003 },
    { streamId: 'commissioner-00B', expectedVersion: 'any', events: COMMISSIONER },
  ]);
  queries = fixture.queries;
  beforeReport = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  // A later record of B-3 adds its report, 48 h after detection.
  await fixture.store.appendToStream('practice-P00001', [breach('P00001', 'B-3', '2024-11-03T12:00:00Z', '2024-11-01T09:00:00Z', '2024-11-03T09:00:00Z')], {
    expectedVersion: 'any',
  });
  await fixture.projections.waitUntilCaughtUp(30_000);
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

const byCode = (rows: readonly IncidentRow[]) => new Map(rows.map((r) => [r.organisation.code, r]));
const severities = (row: IncidentRow) => row.cyber.bySeverity.map((s) => s.incidents);

describe('cyber incidents', () => {
  it('counts by severity, high severity and high severity open on asOf, with the median and p90 hours from detection to report', async () => {
    const regions = byCode((await queries.incidents({ level: 'REGION', ...FY })).nodes);
    const y01 = regions.get('Y01')!;
    const y02 = regions.get('Y02')!;
    expect(y01.cyber).toMatchObject({ reported: 2, highSeverity: 2, highSeverityOpen: 1, open: 1, medianHoursToReport: 4 });
    expect(severities(y01)).toEqual([1, 1, 0, 0]);
    // 2 h and 6 h: the 90th percentile lies nine tenths of the way from one to the other.
    expect(y01.cyber.p90HoursToReport).toBeCloseTo(5.6, 9);
    // P00002's two (24 h, 1 h) and the commissioner 00B's own (10 h); P00003's INC-6 was reported after asOf.
    expect(y02.cyber).toMatchObject({ reported: 3, highSeverity: 1, highSeverityOpen: 1, open: 2, medianHoursToReport: 10 });
    expect(severities(y02)).toEqual([0, 1, 1, 1]);
    expect(y02.cyber.p90HoursToReport).toBeCloseTo(21.2, 9);
    const [england] = (await queries.incidents({ level: 'NATIONAL', ...FY })).nodes;
    expect(england!.cyber).toMatchObject({ reported: 5, medianHoursToReport: 6 });
    expect(england!.cyber.p90HoursToReport).toBeCloseTo(18.4, 9);
  });

  it('judges open on asOf: resolved after asOf is still open then; reported after asOf is not counted yet', async () => {
    const y01 = async (asOf: string) => byCode((await queries.incidents({ level: 'REGION', ...FY, asOf })).nodes).get('Y01')!.cyber;
    expect(await y01('2025-03-31')).toMatchObject({ highSeverityOpen: 1, open: 1 });
    expect(await y01('2025-04-14')).toMatchObject({ highSeverityOpen: 1, open: 1 });
    expect(await y01('2025-04-15')).toMatchObject({ highSeverityOpen: 0, open: 0 });
    const p00003 = async (asOf: string) => byCode((await queries.incidents({ level: 'PRACTICE', parent: 'QB2', ...FY, asOf })).nodes).get('P00003')?.cyber;
    expect((await p00003('2025-03-31'))?.reported ?? 0).toBe(0);
    expect(await p00003('2025-04-01')).toMatchObject({ reported: 1, medianHoursToReport: 4, open: 1 });
  });

  it("counts a commissioner's own incidents with the commissioner and above it, under no practice or PCN", async () => {
    const commissioners = byCode((await queries.incidents({ level: 'COMMISSIONER', parent: 'Y02', ...FY })).nodes);
    expect(commissioners.get('00B')!.cyber).toMatchObject({ reported: 3, highSeverity: 1 });
    const practices = (await queries.incidents({ level: 'PRACTICE', parent: '00B', ...FY })).nodes;
    expect(practices.reduce((sum, r) => sum + r.cyber.reported, 0)).toBe(2);
    expect(practices.reduce((sum, r) => sum + r.cyber.highSeverity, 0)).toBe(0);
    const pcns = (await queries.incidents({ level: 'PCN', ...FY })).nodes;
    expect(pcns.map((r) => [r.organisation.code, r.cyber.reported])).toEqual([['U00001', 4]]);
  });
});

describe('data breaches', () => {
  it('counts a report 72 h exactly after detection as within, 72 h + 1 ms as late, and a report added by a later record', async () => {
    const practice = async (code: string, args: { asOf?: string; knownAt?: string } = {}) =>
      byCode((await queries.incidents({ level: 'PRACTICE', ...FY, ...args })).nodes).get(code)!.breaches;
    expect(await practice('P00001')).toEqual({
      detected: 3,
      reportable: 3,
      reportedWithin72Hours: 2,
      shareWithin72Hours: 2 / 3,
      reportedLate: 1,
      notReported: 0,
      overdue: 0,
    });
    // Known before the later record of B-3: not reported, and its 72 hours long gone by asOf.
    expect(await practice('P00001', { knownAt: beforeReport })).toMatchObject({ reportedWithin72Hours: 1, reportedLate: 1, notReported: 1, overdue: 1 });
    // As of the day B-3 was first recorded: not yet reported, not yet overdue (B-1 and B-2 are there too).
    expect(await practice('P00001', { asOf: '2024-11-01' })).toMatchObject({ detected: 3, notReported: 1, overdue: 0 });
  });

  it('counts a breach that is not reportable, and one not reported, overdue once its 72 hours have passed by the end of asOf', async () => {
    const p00002 = async (asOf: string) => byCode((await queries.incidents({ level: 'PRACTICE', ...FY, asOf })).nodes).get('P00002')!.breaches;
    expect(await p00002('2025-03-31')).toEqual({
      detected: 2,
      reportable: 1,
      reportedWithin72Hours: 0,
      shareWithin72Hours: 0,
      reportedLate: 0,
      notReported: 1,
      overdue: 0,
    });
    expect(await p00002('2025-04-01')).toMatchObject({ notReported: 1, overdue: 0 });
    expect(await p00002('2025-04-02')).toMatchObject({ notReported: 1, overdue: 1 });
    const [none] = (await queries.incidents({ level: 'PRACTICE', parent: 'QB2', from: '2024-12-01', to: '2024-12-31' })).nodes;
    expect(none!.breaches).toMatchObject({ detected: 1, reportable: 0, shareWithin72Hours: null });
  });

  it('agrees with the compliance rule BREACHES_REPORTED_WITHIN_72H: its late breaches are reported late + overdue', async () => {
    for (const [code, asOf] of [
      ['P00001', '2025-03-31'],
      ['P00002', '2025-04-01'],
      ['P00002', '2025-04-02'],
    ] as const) {
      const rule = (await queries.practiceCompliance(code, { asOf, rules: ['BREACHES_REPORTED_WITHIN_72H'] })).outcomes[0]!;
      // B-OLD (2022) is reported in time: the range since it changes nothing of the rule's late count.
      const all = byCode((await queries.incidents({ level: 'PRACTICE', from: '2022-04-01', to: '2025-03-31', asOf })).nodes).get(code)!.breaches;
      expect({ code, asOf, late: all.reportedLate + all.overdue, reportable: all.reportable }).toEqual({
        code,
        asOf,
        late: Number(rule.values['late']),
        reportable: Number(rule.values['reportable']),
      });
    }
  });
});

describe('losses of access to patient records', () => {
  it('counts losses, hours (an ongoing one to the end of asOf), BCP activated and reviewed in the 12 months before', async () => {
    const regions = byCode((await queries.incidents({ level: 'REGION', ...FY })).nodes);
    expect(regions.get('Y01')!.recordAccess).toEqual({
      losses: 2,
      practicesAffected: 1,
      totalHours: 10,
      medianHours: 5,
      ongoing: 1,
      bcpActivated: 2,
      bcpReviewed: 1,
    });
    expect(regions.get('Y02')!.recordAccess).toEqual({
      losses: 2,
      practicesAffected: 2,
      totalHours: 24,
      medianHours: 12,
      ongoing: 0,
      bcpActivated: 1,
      bcpReviewed: 1,
    });
    // A month later the loss of 31 March is over: 6 h, and the restoration's final word is that the BCP was not activated.
    const later = byCode((await queries.incidents({ level: 'REGION', ...FY, asOf: '2025-04-30' })).nodes).get('Y01')!.recordAccess;
    expect(later).toMatchObject({ totalHours: 12, medianHours: 6, ongoing: 0, bcpActivated: 1 });
  });

  it('lists the losses under a parent, each with its organisation at the level, a page at a time', async () => {
    const page = await queries.recordAccessLosses({ parent: 'Y01', ...FY });
    expect(page.nodes).toEqual([
      {
        practice: { code: 'P00001', name: 'PRACTICE P00001', level: 'PRACTICE' },
        organisation: { code: 'P00001', name: 'PRACTICE P00001', level: 'PRACTICE' },
        lostAt: '2024-05-10T08:00:00.000Z',
        restoredAt: '2024-05-10T14:00:00.000Z',
        hours: 6,
        ongoing: false,
        cause: 'NETWORK_FAILURE',
        bcpActivated: true,
        bcpReviewed: true,
        bcpReviewedOn: '2023-05-10',
        eventIds: [expect.any(String), expect.any(String)],
      },
      {
        practice: { code: 'P00001', name: 'PRACTICE P00001', level: 'PRACTICE' },
        organisation: { code: 'P00001', name: 'PRACTICE P00001', level: 'PRACTICE' },
        lostAt: '2025-03-31T20:00:00.000Z',
        restoredAt: null,
        hours: 4,
        ongoing: true,
        cause: 'POWER_FAILURE',
        bcpActivated: true,
        bcpReviewed: false,
        bcpReviewedOn: '2023-05-10',
        eventIds: [expect.any(String)],
      },
    ]);
    expect(page).toMatchObject({ totalCount: 2, rulesVersion: 1, asOf: '2025-03-31', knownAt: null });
    const first = await queries.recordAccessLosses({ level: 'ICB', parent: 'Y02', ...FY, first: 1 });
    expect(first.nodes.map((n) => [n.practice.code, n.organisation.code, n.hours, n.bcpReviewed, n.bcpReviewedOn])).toEqual([
      ['P00002', 'QB2', 24, false, '2023-06-30'],
    ]);
    expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const next = await queries.recordAccessLosses({ level: 'ICB', parent: 'Y02', ...FY, first: 1, after: first.pageInfo.endCursor });
    // Restored the moment it was lost: a loss of no time, not an ongoing one.
    expect(next.nodes.map((n) => [n.practice.code, n.hours, n.ongoing, n.bcpReviewed])).toEqual([['P00003', 0, false, true]]);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });
});

describe('incident roll-ups', () => {
  const counts = (row: IncidentRow) => ({
    cyber: [row.cyber.reported, ...severities(row), row.cyber.highSeverity, row.cyber.highSeverityOpen, row.cyber.open],
    breaches: [
      row.breaches.detected,
      row.breaches.reportable,
      row.breaches.reportedWithin72Hours,
      row.breaches.reportedLate,
      row.breaches.notReported,
      row.breaches.overdue,
    ],
    recordAccess: [
      row.recordAccess.losses,
      row.recordAccess.practicesAffected,
      row.recordAccess.totalHours,
      row.recordAccess.ongoing,
      row.recordAccess.bcpActivated,
      row.recordAccess.bcpReviewed,
    ],
  });
  const sum = (rows: readonly IncidentRow[]) => {
    const all = rows.map(counts);
    const add = (key: 'cyber' | 'breaches' | 'recordAccess') =>
      all.reduce(
        (total, c) => total.map((v, i) => v + c[key][i]!),
        all[0]![key].map(() => 0),
      );
    return { cyber: add('cyber'), breaches: add('breaches'), recordAccess: add('recordAccess') };
  };

  it('gives every parent the sum of its children, at every level', async () => {
    const at = async (level: string, parent?: string) => (await queries.incidents({ level, parent, ...FY })).nodes;
    const [england] = await at('NATIONAL');
    expect(counts(england!)).toEqual(sum(await at('REGION')));
    expect(counts(england!)).toEqual(sum(await at('ICB')));
    expect(counts(england!)).toEqual(sum(await at('COMMISSIONER')));
    for (const region of await at('REGION')) {
      const code = region.organisation.code;
      expect({ code, counts: counts(region) }).toEqual({ code, counts: sum(await at('ICB', code)) });
      expect({ code, counts: counts(region) }).toEqual({ code, counts: sum(await at('COMMISSIONER', code)) });
    }
    // Below the commissioner, its own incidents have no practice: the practices add up to the rest.
    const y02 = (await at('REGION')).find((r) => r.organisation.code === 'Y02');
    const practices = sum(await at('PRACTICE', 'Y02'));
    expect(practices.breaches).toEqual(counts(y02!).breaches);
    expect(practices.recordAccess).toEqual(counts(y02!).recordAccess);
    expect(practices.cyber[0]).toBe(counts(y02!).cyber[0]! - 1);
  });

  it('splits the range into periods that add up to it', async () => {
    const quarters = (await queries.incidents({ level: 'NATIONAL', ...FY, granularity: 'QUARTER' })).nodes;
    expect(quarters.map((r) => [r.period.start, r.period.end, r.cyber.reported, r.breaches.detected, r.recordAccess.losses])).toEqual([
      ['2024-04-01', '2024-06-30', 2, 0, 1],
      ['2024-07-01', '2024-09-30', 2, 2, 2],
      ['2024-10-01', '2024-12-31', 1, 2, 0],
      ['2025-01-01', '2025-03-31', 0, 1, 1],
    ]);
    const [whole] = (await queries.incidents({ level: 'NATIONAL', ...FY })).nodes;
    expect(whole!.period).toEqual({ start: FY.from, end: FY.to });
    // Practices affected are distinct practices: a practice with losses in two quarters is one in the year.
    const withoutPractices = (c: ReturnType<typeof counts>) => ({ ...c, recordAccess: c.recordAccess.filter((_, i) => i !== 1) });
    expect(withoutPractices(sum(quarters))).toEqual(withoutPractices(counts(whole!)));
    expect(whole!.recordAccess.practicesAffected).toBe(3);
  });

  it('counts the practice that moved under the region of asOf', async () => {
    const regions = async (asOf: string) =>
      (await queries.incidents({ level: 'REGION', from: '2022-04-01', to: '2023-03-31', asOf })).nodes.map((r) => [r.organisation.code, r.breaches.detected]);
    expect(await regions('2023-03-31')).toEqual([['Y01', 1]]);
    expect(await regions('2023-04-01')).toEqual([['Y02', 1]]);
  });

  it('refuses arguments it cannot answer, naming the argument and what would do', async () => {
    const refused = async (args: Parameters<ReportingQueries['incidents']>[0]) => queries.incidents(args).catch((e: unknown) => e);
    const cases: Array<[Parameters<ReportingQueries['incidents']>[0], string, RegExp]> = [
      [{ level: 'REGION', from: '2025-04-01', to: '2025-03-31' }, 'to', /before from/],
      [{ level: 'REGION', from: '2025-02-30', to: '2025-03-31' }, 'from', /not a calendar date/],
      [{ level: 'WARD', ...FY }, 'level', /not a level: use one of PRACTICE/],
      [{ level: 'ICB', parent: 'P00001', ...FY }, 'parent', /P00001 is a PRACTICE: a roll-up by ICB needs a parent above it/],
      [{ level: 'ICB', parent: 'NOPE', ...FY }, 'parent', /no organisation has the code/],
      [{ level: 'REGION', ...FY, knownAt: 'yesterday' }, 'knownAt', /not a date-time/],
      [{ level: 'REGION', ...FY, asOf: '2024-03-31' }, 'asOf', /before from \(2024-04-01\).*asOf on or after from/],
      [{ level: 'REGION', ...FY, first: 0 }, 'first', /ask for 1 to 1000/],
      [{ level: 'REGION', ...FY, granularity: 'YEAR' as 'MONTH' }, 'granularity', /not a granularity: use one of DAY, WEEK, MONTH, QUARTER, FINANCIAL_YEAR/],
    ];
    for (const [args, argument, message] of cases) {
      const error = await refused(args);
      expect(error).toBeInstanceOf(QueryArgumentError);
      expect({ argument: (error as QueryArgumentError).argument, message: (error as QueryArgumentError).message }).toEqual({
        argument,
        message: expect.stringMatching(message),
      });
    }
    await expect(queries.recordAccessLosses({ level: 'ICB', parent: 'QA1', ...FY })).rejects.toMatchObject({ argument: 'parent' });
  });
});

describe('the bi views of incidents', () => {
  const rows = async <T>(query: string) => (await fixture.analytics.client.query({ query, format: 'JSONEachRow' })).json<T>();
  const now = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

  it('say per incident, breach and loss what the API counts, with the hierarchy of as_of', async () => {
    const knownAt = now();
    const at = `as_of = '${FY.to}', known_at = '${knownAt}'`;
    const cyber = await rows<{ region_code: string; reported: string; high_open: string; median: number }>(
      `SELECT region_code, count() AS reported, countIf(high_severity = 1 AND open = 1) AS high_open, quantileExactInclusive(0.5)(hours_to_report) AS median
       FROM bi.cyber_incidents_at(${at}) WHERE detected_on BETWEEN '${FY.from}' AND '${FY.to}' GROUP BY region_code ORDER BY region_code`,
    );
    const breaches = await rows<{ region_code: string; detected: string; within: string; late: string; not_reported: string; overdue: string }>(
      `SELECT region_code, count() AS detected, sum(within_72_hours) AS within, sum(reported_late) AS late, sum(not_reported) AS not_reported, sum(overdue) AS overdue
       FROM bi.data_breaches_at(${at}) WHERE detected_on BETWEEN '${FY.from}' AND '${FY.to}' GROUP BY region_code ORDER BY region_code`,
    );
    const losses = await rows<{ region_code: string; losses: string; hours: number; ongoing: string; activated: string; reviewed: string }>(
      `SELECT region_code, count() AS losses, sum(hours) AS hours, sum(ongoing) AS ongoing, sum(bcp_activated) AS activated, sum(bcp_reviewed) AS reviewed
       FROM bi.record_access_losses_at(${at}) WHERE lost_on BETWEEN '${FY.from}' AND '${FY.to}' GROUP BY region_code ORDER BY region_code`,
    );
    const api = (await queries.incidents({ level: 'REGION', ...FY, knownAt: new Date().toISOString() })).nodes;
    expect(cyber.map((r) => [r.region_code, Number(r.reported), Number(r.high_open), r.median])).toEqual(
      api.map((r) => [r.organisation.code, r.cyber.reported, r.cyber.highSeverityOpen, r.cyber.medianHoursToReport]),
    );
    expect(breaches.map((r) => [r.region_code, Number(r.detected), Number(r.within), Number(r.late), Number(r.not_reported), Number(r.overdue)])).toEqual(
      api.map((r) => [
        r.organisation.code,
        r.breaches.detected,
        r.breaches.reportedWithin72Hours,
        r.breaches.reportedLate,
        r.breaches.notReported,
        r.breaches.overdue,
      ]),
    );
    expect(losses.map((r) => [r.region_code, Number(r.losses), r.hours, Number(r.ongoing), Number(r.activated), Number(r.reviewed)])).toEqual(
      api.map((r) => [
        r.organisation.code,
        r.recordAccess.losses,
        r.recordAccess.totalHours,
        r.recordAccess.ongoing,
        r.recordAccess.bcpActivated,
        r.recordAccess.bcpReviewed,
      ]),
    );
    // The commissioner's own incident carries its own code as commissioner, and its ICB and region.
    expect(
      await rows(
        `SELECT organisation_level, practice_code, pcn_code, commissioner_code, icb_code, region_code FROM bi.cyber_incidents_at(${at}) WHERE incident_id = 'INC-C1'`,
      ),
    ).toEqual([{ organisation_level: 'COMMISSIONER', practice_code: '', pcn_code: '', commissioner_code: '00B', icb_code: 'QB2', region_code: 'Y02' }]);
    // One row per loss, as the API lists them, with the events it came from.
    const listed = (await queries.recordAccessLosses({ level: 'NATIONAL', ...FY })).nodes;
    const viewed = await rows<{ practice_code: string; lost_event_id: string; restored_event_id: string | null; bcp_reviewed_on: string | null }>(
      `SELECT practice_code, lost_event_id, restored_event_id, bcp_reviewed_on FROM bi.record_access_losses_at(${at})
       WHERE lost_on BETWEEN '${FY.from}' AND '${FY.to}' ORDER BY lost_at, practice_code`,
    );
    expect(viewed.map((r) => [r.practice_code, [r.lost_event_id, ...(r.restored_event_id ? [r.restored_event_id] : [])], r.bcp_reviewed_on])).toEqual(
      listed.map((n) => [n.practice.code, n.eventIds, n.bcpReviewedOn]),
    );
  });

  it('answer as known at known_at: before the later record of B-3 it is not reported', async () => {
    const b3 = async (knownAt: string) =>
      rows<{ reported_to_ico_at: string | null; within_72_hours: number; overdue: number; records: number }>(
        `SELECT reported_to_ico_at, within_72_hours, overdue, records FROM bi.data_breaches_at(as_of = '${FY.to}', known_at = '${knownAt}') WHERE breach_id = 'B-3'`,
      );
    expect(await b3(beforeReport.replace('T', ' ').replace('Z', ''))).toEqual([{ reported_to_ico_at: null, within_72_hours: 0, overdue: 1, records: 1 }]);
    expect(await b3(now())).toEqual([{ reported_to_ico_at: '2024-11-03 09:00:00.000', within_72_hours: 1, overdue: 0, records: 2 }]);
  });

  it('runs the incidents SQL examples of docs/measures.md and docs/analytics.md as written', async () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'docs', 'measures.md'), 'utf8');
    const examples = [...doc.matchAll(/```sql\n(-- incidents[:\n][\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const answers = await Promise.all(examples.map((query) => rows<Record<string, unknown>>(query)));
    // Reportable breaches of 2024/25 per region, and the share within 72 hours.
    expect(answers[0]).toEqual([
      { region_code: 'Y01', reportable: 3, within_72h: 2, share: 2 / 3 },
      { region_code: 'Y02', reportable: 1, within_72h: 0, share: 0 },
    ]);
    // Losses of access still ongoing at the end of 2024/25, with the practice's ICB.
    expect(answers[1]).toEqual([expect.objectContaining({ practice_code: 'P00001', icb_code: 'QA1', cause: 'POWER_FAILURE', hours: 4 })]);
    // And the example of docs/analytics.md: high-severity incidents open on 31 March 2025 per ICB.
    const analytics = readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'docs', 'analytics.md'), 'utf8');
    const [openByIcb, ...others] = [...analytics.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((q) => q.includes('bi.cyber_incidents_at'));
    expect(others).toEqual([]);
    expect(await rows(openByIcb!)).toEqual([
      { icb_code: 'QA1', open_high_severity: 1, oldest_days: 295 },
      { icb_code: 'QB2', open_high_severity: 1, oldest_days: 182 },
    ]);
  });
});
