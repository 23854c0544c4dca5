import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maturityIndexVersion } from '@gpds/shared-reference-data';
import { QueryArgumentError } from '../shared/arguments';
import type { ReportingQueries } from '../reporting-queries';
import { ReportingFixture, practiceOf00A, fact, parent, sample } from '../testing/reporting-fixture';
import { monthEnds } from './maturity-queries';

// P00001 (00A, QA1, Y01 throughout), P00002 (00A until 2023-04-01, then 00B in QB2, Y02) from the
// fixture, and P00030, P00031 under 00A. P00001 and P00030 hold facts of several rules and enhanced
// capabilities; P00002 and P00031 none (no input known: no index). List sizes: P00001 1,000,
// P00002 2,000 (the fixture's), P00030 3,000.
const bcp = (code: string, on: string) =>
  fact(
    'BusinessContinuityPlanReviewed',
    { practiceCode: code, reviewedBy: '00A', outcome: 'APPROVED', covers: ['CYBER'] },
    `${on}T09:00:00Z`,
    `${code}/bcp/${on}`,
  );
const dspt = (code: string, financialYear: string, status: string, on: string) =>
  fact('DsptAssessmentPublished', { practiceCode: code, financialYear, status }, `${on}T12:00:00Z`, `${code}/dspt/${financialYear}`);
const deployed = (code: string, capability: string, on: string) =>
  fact(
    'CapabilityDeployed',
    { practiceCode: code, capability, solution: `${capability} solution`, supplier: 'Supplier Ltd', route: 'DCS_CATALOGUE' },
    `${on}T09:00:00Z`,
    `${code}/${capability}/deployed`,
  );
const withdrawn = (code: string, capability: string, on: string) =>
  fact('CapabilityWithdrawn', { practiceCode: code, capability, reason: 'contract ended' }, `${on}T09:00:00Z`, `${code}/${capability}/withdrawn`);

let fixture: ReportingFixture;
let queries: ReportingQueries;

beforeAll(async () => {
  fixture = await ReportingFixture.open([
    {
      streamId: 'organisation-maturity',
      expectedVersion: 'any',
      events: [
        ...['P00030', 'P00031'].flatMap(practiceOf00A),
        // P00032 opens on 1 January 2025.
        fact(
          'OrganisationRegistered',
          { code: 'P00032', name: 'PRACTICE P00032', level: 'PRACTICE', effectiveFrom: '2025-01-01', postcode: '' },
          '2020-01-01T00:00:00Z',
          'P00032/registered',
        ),
        parent('P00032', '00A', 'COMMISSIONED_BY', '2025-01-01'),
      ],
    },
    {
      streamId: 'practice-P00001',
      expectedVersion: 'any',
      events: [
        bcp('P00001', '2024-01-10'),
        dspt('P00001', '2023/24', 'STANDARDS_MET', '2024-05-01'),
        fact('RemoteAccessCapacityAssessed', { practiceCode: 'P00001', solution: 'VDI', capacityPercent: 80 }, '2024-02-01T09:00:00Z', 'P00001/remote'),
        fact('ItReviewCompleted', { practiceCode: 'P00001', reviewedBy: '00A' }, '2024-02-01T09:00:00Z', 'P00001/it'),
        deployed('P00001', 'ADVANCED_TELEPHONY', '2023-05-01'),
        deployed('P00001', 'TEXT_MESSAGING', '2023-06-01'),
        withdrawn('P00001', 'TEXT_MESSAGING', '2024-02-01'),
      ],
    },
    {
      streamId: 'practice-P00030',
      expectedVersion: 'any',
      events: [
        bcp('P00030', '2021-01-10'),
        dspt('P00030', '2023/24', 'STANDARDS_NOT_MET', '2024-05-01'),
        deployed('P00030', 'ONLINE_TRIAGE_WORKFLOW', '2022-01-01'),
      ],
    },
    {
      streamId: 'measurements-maturity',
      expectedVersion: 'any',
      events: [
        sample('P00001', 'PRACTICE', '2024-06', 1_000, 'm1', 'REGISTERED_PATIENTS'),
        sample('P00030', 'PRACTICE', '2024-06', 3_000, 'm2', 'REGISTERED_PATIENTS'),
        sample('P00030', 'PRACTICE', '2022-06', 2_500, 'm3', 'REGISTERED_PATIENTS'),
      ],
    },
  ]);
  queries = fixture.queries;
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

const AS_OF = '2024-06-30';

/** Each input's value for a practice, by input id (null: unknown). */
async function inputs(code: string, version: number, asOf = AS_OF, knownAt?: string) {
  const answer = await queries.practiceMaturity(code, { asOf, version, knownAt });
  return { answer, values: Object.fromEntries(answer.inputs.map((i) => [i.id, i.value])) };
}

describe('a practice index, computed by hand', () => {
  it('v1: P00001 knows 8 inputs and meets 5 of them: 62.5', async () => {
    const { answer, values } = await inputs('P00001', 1);
    expect(values).toEqual({
      AGREEMENT_IN_FORCE: null,
      BCP_REVIEWED_BY_2022_07_31: 0, // first reviewed 2024-01-10, after the deadline
      BCP_REVIEWED_LAST_12_MONTHS: 1,
      NO_LOCAL_CLINICAL_SERVER: null,
      DSPT_STANDARDS_MET: 1,
      DPO_DESIGNATED: null,
      CAS_REGISTERED: null,
      REMOTE_ACCESS_60_PERCENT: 1,
      PATIENT_FACING_ALL_EIGHT: null, // none of the eight is recorded
      IT_REVIEW_LAST_12_MONTHS: 1,
      BREACHES_REPORTED_WITHIN_72H: null,
      NO_UNSUPPORTED_SOFTWARE: null,
      ADVANCED_TELEPHONY: 1,
      ONLINE_TRIAGE_WORKFLOW: 0, // other capabilities recorded, this one never
      TEXT_MESSAGING: 0, // withdrawn 2024-02-01
    });
    // Known: 8 of 15 (weight 1 each); met: BCP 12 months, DSPT, remote access, IT review, telephony = 5.
    expect(answer).toMatchObject({ indexVersion: 1, evaluated: true, inputsKnown: 8, index: 62.5 });
    expect(answer.coverage).toBeCloseTo(8 / 15, 10);
    const telephony = answer.inputs.find((i) => i.id === 'ADVANCED_TELEPHONY')!;
    expect(telephony.explanation).toBe('Deployed on 2024-06-30: since 2023-05-01 (ADVANCED_TELEPHONY solution, Supplier Ltd).');
    expect(telephony.facts).toEqual([expect.objectContaining({ eventType: 'CapabilityDeployed', sourceRecord: 'P00001/ADVANCED_TELEPHONY/deployed' })]);
    expect(answer.inputs.find((i) => i.id === 'TEXT_MESSAGING')!.explanation).toBe('Not deployed on 2024-06-30: withdrawn on 2024-02-01.');
    expect(answer.inputs.find((i) => i.id === 'DSPT_STANDARDS_MET')!.explanation).toMatch(/2023\/24/);
  });

  it('v2 weighs the same inputs: DSPT 3, BCP 12 months 2, remote access 2, capabilities 2 each, no 2022 deadline', async () => {
    const { answer, values } = await inputs('P00001', 2);
    expect(Object.keys(values)).not.toContain('BCP_REVIEWED_BY_2022_07_31');
    // Known: BCP 12m (2), DSPT (3), remote access (2), IT review (1), three capabilities (2 + 2 + 2) = 14 of 27;
    // met: 2 + 3 + 2 + 1 + 2 (telephony) = 10.
    expect(answer.index).toBeCloseTo((100 * 10) / 14, 10);
    expect(answer.coverage).toBeCloseTo(14 / 27, 10);
    expect(maturityIndexVersion(2)!.minimumCoverage).toBe(0.5);
    // P00030 in v2: BCP 12m (2), DSPT (3), capabilities (6) = 11 of 27 known: less than half, so no index (v1 has one).
    expect((await inputs('P00030', 2)).answer).toMatchObject({ index: null, inputsKnown: 5 });
    expect((await inputs('P00030', 1)).answer.index).toBeCloseTo((100 * 2) / 6, 10);
  });

  it('a practice with nothing known has no index, and one not open is not evaluated', async () => {
    const { answer } = await inputs('P00031', 1);
    expect(answer).toMatchObject({ evaluated: true, index: null, coverage: 0, inputsKnown: 0 });
    expect(answer.inputs.find((i) => i.id === 'ADVANCED_TELEPHONY')!.explanation).toMatch(/^Unknown: no capability of the practice is recorded/);
    expect(await queries.practiceMaturity('P00032', { asOf: '2024-12-31', version: 1 })).toMatchObject({ evaluated: false, index: null, inputs: [] });
  });
});

describe('roll-ups', () => {
  it('the plain mean and the patient-weighted mean differ where list sizes do', async () => {
    const p1 = (await inputs('P00001', 1)).answer.index!;
    const p30 = (await inputs('P00030', 1)).answer.index!;
    // P00030 in v1: BY_2022 1 (reviewed 2021), BCP 12m 0, DSPT 0, telephony 0, triage 1, text 0: 2 of 6.
    expect(p30).toBeCloseTo((100 * 2) / 6, 10);
    const page = await queries.maturity({ level: 'COMMISSIONER', asOf: AS_OF, version: 1 });
    expect(page).toMatchObject({ indexVersion: 1, rulesVersion: 1, asOf: AS_OF, knownAt: null, totalCount: 2 });
    const a = page.nodes.find((n) => n.organisation.code === '00A')!;
    // 00A on 2024-06-30: P00001, P00030, P00031 (P00002 moved to 00B).
    expect(a).toMatchObject({ practices: 3, practicesWithIndex: 2, practicesWeighted: 2, registeredPatients: 4_000 });
    expect(a.mean).toBeCloseTo((p1 + p30) / 2, 10);
    expect(a.weightedMean).toBeCloseTo((p1 * 1_000 + p30 * 3_000) / 4_000, 10);
    expect(a.weightedMean).not.toBeCloseTo(a.mean!, 3);
    // Quartiles as Excel's QUARTILE.INC over [p30, p1].
    expect(a.min).toBeCloseTo(p30, 10);
    expect(a.max).toBeCloseTo(p1, 10);
    expect(a.median).toBeCloseTo((p1 + p30) / 2, 10);
    expect(a.lowerQuartile).toBeCloseTo(p30 + 0.25 * (p1 - p30), 10);
    expect(a.upperQuartile).toBeCloseTo(p30 + 0.75 * (p1 - p30), 10);
    expect(a.meanCoverage).toBeCloseTo((8 / 15 + 6 / 15 + 0) / 3, 10);
    // 00B: P00002 only, nothing known.
    expect(page.nodes.find((n) => n.organisation.code === '00B')).toMatchObject({
      practices: 1,
      practicesWithIndex: 0,
      mean: null,
      weightedMean: null,
      min: null,
      median: null,
    });
  });

  it('weighs each practice by its list size nearest the date, before or after it', async () => {
    const patients = async (asOf: string) =>
      (await queries.maturity({ level: 'PRACTICE', parent: '00A', asOf, version: 1 })).nodes.find((n) => n.organisation.code === 'P00030')!.registeredPatients;
    // P00030's list sizes: 2,500 (June 2022) and 3,000 (June 2024).
    expect(await patients('2022-12-31')).toBe(2_500);
    expect(await patients('2023-12-31')).toBe(3_000); // June 2024 is nearer than June 2022
    expect(await patients('2022-01-31')).toBe(2_500); // before any: the first
  });

  it('counts a practice that moved under the ICB of the date', async () => {
    const counts = async (asOf: string) =>
      Object.fromEntries((await queries.maturity({ level: 'ICB', asOf, version: 1 })).nodes.map((n) => [n.organisation.code, n.practices]));
    expect(await counts('2023-03-31')).toEqual({ QA1: 4 });
    expect(await counts('2023-04-30')).toEqual({ QA1: 3, QB2: 1 });
  });

  it('England equals the mean of every practice index', async () => {
    const codes = ['P00001', 'P00002', 'P00030', 'P00031'];
    const indexes = (await Promise.all(codes.map(async (c) => (await inputs(c, 2)).answer.index))).filter((i): i is number => i !== null);
    const [england] = (await queries.maturity({ level: 'NATIONAL', asOf: AS_OF })).nodes;
    expect(england).toMatchObject({ practices: 4, practicesWithIndex: indexes.length });
    expect(england!.mean).toBeCloseTo(indexes.reduce((s, i) => s + i, 0) / indexes.length, 10);
  });

  it('moves month by month, each month under its own hierarchy', async () => {
    const trend = await queries.maturityTrend({ level: 'ICB', from: '2023-03-15', to: '2023-05-20', version: 1 });
    expect(trend.nodes.map((n) => [n.organisation.code, n.period.start, n.period.end, n.asOf, n.practices])).toEqual([
      ['QA1', '2023-03-15', '2023-03-31', '2023-03-31', 4],
      ['QA1', '2023-04-01', '2023-04-30', '2023-04-30', 3],
      ['QA1', '2023-05-01', '2023-05-20', '2023-05-20', 3],
      ['QB2', '2023-04-01', '2023-04-30', '2023-04-30', 1],
      ['QB2', '2023-05-01', '2023-05-20', '2023-05-20', 1],
    ]);
    // Telephony went live at P00001 on 2023-05-01, its first known input: from May it has an index.
    const qa1 = trend.nodes.filter((n) => n.organisation.code === 'QA1');
    expect(qa1.map((n) => n.practicesWithIndex)).toEqual([1, 1, 2]);
    const month = await queries.maturity({ level: 'ICB', asOf: '2023-05-20', version: 1 });
    expect(qa1[2]!.mean).toBeCloseTo(month.nodes.find((n) => n.organisation.code === 'QA1')!.mean!, 10);
  });
});

describe('knowledge time and arguments', () => {
  it('leaves out a fact recorded after knownAt', async () => {
    const before = new Date(Date.now() + 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fixture.store.appendToStreams([
      { streamId: 'practice-P00031', expectedVersion: 'any', events: [deployed('P00031', 'ADVANCED_TELEPHONY', '2024-03-01')] },
    ]);
    await fixture.projections.waitUntilCaughtUp(60_000);
    expect((await inputs('P00031', 1)).answer).toMatchObject({ index: (100 * 1) / 3, inputsKnown: 3 });
    expect((await inputs('P00031', 1, AS_OF, before)).answer).toMatchObject({ index: null, inputsKnown: 0, knownAt: before });
    const then = await queries.maturity({ level: 'PRACTICE', parent: '00A', asOf: AS_OF, knownAt: before, version: 1 });
    expect(then.nodes.find((n) => n.organisation.code === 'P00031')).toMatchObject({ practicesWithIndex: 0 });
    const now = await queries.maturity({ level: 'PRACTICE', parent: '00A', asOf: AS_OF, version: 1 });
    expect(now.nodes.find((n) => n.organisation.code === 'P00031')).toMatchObject({ practicesWithIndex: 1, mean: (100 * 1) / 3 });
  });

  it('builds the indexes again when a list size arrives, and not for other utilisation samples', async () => {
    const built = async () =>
      (
        await (
          await fixture.analytics.client.query({
            query: `SELECT name FROM system.tables WHERE startsWith(name, 'maturity_') ORDER BY name`,
            format: 'JSONEachRow',
          })
        ).json<{ name: string }>()
      ).map((t) => t.name);
    const p31 = async () =>
      (await queries.maturity({ level: 'PRACTICE', parent: '00A', asOf: AS_OF, version: 1 })).nodes.find((n) => n.organisation.code === 'P00031')!;
    const append = async (...events: ReturnType<typeof sample>[]) => {
      await fixture.store.appendToStreams([{ streamId: 'measurements-maturity-later', expectedVersion: 'any', events }]);
      await fixture.projections.waitUntilCaughtUp(60_000);
    };
    expect((await p31()).registeredPatients).toBe(0);
    const before = await built();
    // Activity figures (and a PCN's list size) are not what the index reads: the same indexes answer.
    await append(sample('P00031', 'PRACTICE', '2024-06', 55, 'later-a'), sample('U00001', 'PCN', '2024-06', 9_000, 'later-b', 'REGISTERED_PATIENTS'));
    expect((await p31()).registeredPatients).toBe(0);
    expect(await built()).toEqual(before);
    // A practice's list size is: the indexes are built again, and weigh it.
    await append(sample('P00031', 'PRACTICE', '2024-06', 1_500, 'later-c', 'REGISTERED_PATIENTS'));
    expect(await p31()).toMatchObject({ registeredPatients: 1_500, practicesWeighted: 1 });
    expect((await built()).filter((name) => !before.includes(name))).toHaveLength(1);
  });

  it('refuses an unknown version, a reversed range and too long a trend, saying what to do', async () => {
    await expect(queries.maturity({ level: 'ICB', version: 9 })).rejects.toThrow(/version: 9 is not a version of the maturity index: use 1 or 2/);
    await expect(queries.maturityTrend({ level: 'ICB', from: '2024-01-01', to: '2023-01-01' })).rejects.toBeInstanceOf(QueryArgumentError);
    await expect(queries.maturityTrend({ level: 'ICB', from: '2010-01-01', to: '2024-01-01' })).rejects.toThrow(/at most 120 months/);
  });

  it('splits a range into month ends', () => {
    expect(monthEnds('2024-01-31', '2024-03-01')).toEqual([
      { asOf: '2024-01-31', period: { start: '2024-01-31', end: '2024-01-31' } },
      { asOf: '2024-02-29', period: { start: '2024-02-01', end: '2024-02-29' } },
      { asOf: '2024-03-01', period: { start: '2024-03-01', end: '2024-03-01' } },
    ]);
  });
});

describe('in BI tools', () => {
  it('the bi views give the API answers, and the SQL example of docs/measures.md runs as written', async () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'docs', 'measures.md'), 'utf8');
    const [example] = [...doc.matchAll(/```sql\n(-- maturity[\s\S]*?)```/g)].map((m) => m[1]!);
    expect(example).toBeDefined();
    const rows = await (await fixture.analytics.client.query({ query: example!, format: 'JSONEachRow' })).json<Record<string, unknown>>();
    for (const version of [1, 2]) {
      const api = await queries.maturity({ level: 'ICB', asOf: AS_OF, version });
      expect(rows.filter((r) => r['index_version'] === version).map((r) => [r['organisation_code'], Number(r['practices']), r['mean']])).toEqual(
        api.nodes.map((n) => [n.organisation.code, n.practices, n.mean === null ? null : Math.round(n.mean * 10) / 10]),
      );
    }
    const [practice] = await (
      await fixture.analytics.client.query({
        query: `SELECT maturity_index, coverage, input_ids, input_values FROM bi.maturity_index_at(as_of = '2024-06-30', known_at = now64(3))
                WHERE practice_code = 'P00001' AND index_version = 1`,
        format: 'JSONEachRow',
      })
    ).json<{ maturity_index: number; coverage: number; input_ids: string[]; input_values: Array<number | null> }>();
    const api = await queries.practiceMaturity('P00001', { asOf: AS_OF, version: 1 });
    expect(practice!.maturity_index).toBe(api.index);
    expect(practice!.input_ids).toEqual(api.inputs.map((i) => i.id));
    expect(practice!.input_values).toEqual(api.inputs.map((i) => i.value));
    const definitions = await (
      await fixture.analytics.client.query({
        query: `SELECT index_version, count() AS inputs, sum(weight) AS weight FROM bi.maturity_index_definitions GROUP BY index_version ORDER BY index_version`,
        format: 'JSONEachRow',
      })
    ).json<Record<string, number>>();
    expect(definitions).toEqual([
      { index_version: 1, inputs: 15, weight: 15 },
      { index_version: 2, inputs: 14, weight: 27 },
    ]);
  });
});
