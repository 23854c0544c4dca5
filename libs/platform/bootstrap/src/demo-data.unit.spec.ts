import {
  decideMeasurement,
  decidePracticeGovernance,
  evolvePracticeGovernance,
  governanceStreamId,
  initialPracticeGovernanceState,
  type PracticeGovernanceState,
} from '@gpds/governance';
import { OrganisationDirectory, nextDay, planEvidence, type HierarchyEvidence, type ObservedOrganisation } from '@gpds/organisations';
import { EVENT_CATALOGUE, decodeEventData, isOfKind, type AnyFact } from '@gpds/shared-contracts';
import { HIERARCHY_CHANGE_DATES } from '@gpds/shared-reference-data';
import { decisionContext } from '@gpds/submissions';
import { SYNTHETIC_SOURCE, type DemoFact } from './demo-practice';
import { syntheticDemo } from './demo-synthetic';

// A small hierarchy the way the mapping files state it (real codes where they matter): 16C (Tees
// Valley, North East and Yorkshire) with A81001 and forty more, B82001 among them until it closed
// on 1 October 2025; 01Y (Tameside and Glossop, North West) whose Glossop practice C81640 moved to
// 15M (Derby and Derbyshire, Midlands) on 1 July 2022; Y09999 opened in 15M after January 2022;
// and a dozen commissioners of 35 practices each in every region, so the rarer kinds appear.
const NOW = new Date('2026-12-02T15:00:00Z');
type Row = [practice: string, commissioner: string, icb: string, region: string];
const COMMISSIONERS: Array<[commissioner: string, icb: string, region: string]> = [
  ['15M', 'QJ2', 'Y60'],
  ['01Y', 'QOP', 'Y62'],
  ['00T', 'QOP', 'Y62'],
  ['00V', 'QOP', 'Y62'],
  ['07G', 'QMF', 'Y56'],
  ['93C', 'QMJ', 'Y56'],
  ['15C', 'QUY', 'Y58'],
  ['11X', 'QSL', 'Y58'],
  ['06L', 'QJG', 'Y61'],
  ['99E', 'QH8', 'Y61'],
  ['09D', 'QNX', 'Y59'],
  ['10Q', 'QU9', 'Y59'],
];

function hierarchy(): OrganisationDirectory {
  const tees: Row[] = ['A81001', 'B82001', ...Array.from({ length: 40 }, (_, i) => `A8${1002 + i}`)].map((p) => [p, '16C', 'QHM', 'Y63']);
  const others: Row[] = COMMISSIONERS.flatMap(([commissioner, icb, region], k) =>
    Array.from({ length: 35 }, (_, i): Row => [`${'BDEFGHJKLMNP'[k]}8${1000 + i}`, commissioner, icb, region]),
  );
  const january: Row[] = [...tees, ...others, ['C81640', '01Y', 'QOP', 'Y62']];
  const october: Row[] = [...tees.filter(([p]) => p !== 'B82001'), ...others, ['C81640', '15M', 'QJ2', 'Y60'], ['Y09999', '15M', 'QJ2', 'Y60']];
  const evidence = (date: string, rows: Row[]): HierarchyEvidence => {
    const higher = new Map<string, ObservedOrganisation>();
    for (const [, commissioner, icb, region] of rows) {
      higher.set(region, { code: region, level: 'REGION', name: `REGION ${region}`, postcode: '', parents: {} });
      higher.set(icb, { code: icb, level: 'ICB', name: `ICB ${icb}`, postcode: '', parents: { IN_REGION: region } });
      higher.set(commissioner, {
        code: commissioner,
        level: 'COMMISSIONER',
        name: `COMMISSIONER ${commissioner}`,
        postcode: '',
        parents: { PART_OF_ICB: icb },
      });
    }
    const practices = rows.map(([code, commissioner, icb]): ObservedOrganisation => ({
      code,
      level: 'PRACTICE',
      name: `PRACTICE ${code}`,
      postcode: '',
      parents: { MEMBER_OF_PCN: '', COMMISSIONED_BY: commissioner, IN_ICB: icb },
    }));
    return {
      source: `map ${date}`,
      evidence: 'MAPPING_FILE',
      from: date,
      to: nextDay(date),
      complete: true,
      organisations: [...higher.values(), ...practices],
    };
  };
  const directory = new OrganisationDirectory();
  for (const e of [evidence('2022-01-01', january), evidence('2025-10-01', october)])
    for (const planned of planEvidence(directory, e, HIERARCHY_CHANGE_DATES).events) directory.apply(planned.event);
  return directory;
}

const directory = hierarchy();
const demo = syntheticDemo(directory, NOW);
const all: DemoFact[] = [...demo.facts, ...(demo.lateReturn?.facts ?? [])];
const data = (f: DemoFact): Record<string, unknown> => f.record['data'] as Record<string, unknown>;
const day = (f: DemoFact): string => f.occurredAt.slice(0, 10);

describe('the synthetic demo facts', () => {
  it('has the hierarchy the spec means', () => {
    expect(directory.commissionerOn('C81640', '2022-06-30')).toBe('01Y');
    expect(directory.commissionerOn('C81640', '2022-07-01')).toBe('15M');
    expect(directory.organisation('B82001')?.closedOn).toBe('2025-10-01');
    expect(directory.organisation('Y09999')?.openedOn).not.toBe('');
  });

  it('covers every governance event type of the Operating Model, and carbon', () => {
    const types = new Set(all.map((f) => f.type));
    const governance = [...EVENT_CATALOGUE.values()].filter((entry) => entry.kind === 'governance').map((entry) => entry.type);
    expect(governance.length).toBeGreaterThanOrEqual(21);
    expect(governance.filter((type) => !types.has(type))).toEqual([]);
    expect(types.has('CarbonMetricRecorded')).toBe(true);
  });

  it('is accepted by the contracts and the deciders, in the order it is sent', () => {
    const context = decisionContext(directory, NOW);
    const states = new Map<string, PracticeGovernanceState>();
    const refused: string[] = [];
    for (const f of all) {
      const decoded = decodeEventData(f.type, 1, data(f));
      if (!decoded.ok) {
        refused.push(`${JSON.stringify(f.record['source'])}: ${JSON.stringify(decoded.errors)}`);
        continue;
      }
      const fact = { type: f.type, occurredAt: f.occurredAt, data: decoded.data } as AnyFact;
      try {
        if (isOfKind(fact, 'governance')) {
          const stream = governanceStreamId(fact);
          const state = states.get(stream) ?? initialPracticeGovernanceState;
          decidePracticeGovernance(fact, state, context);
          states.set(stream, evolvePracticeGovernance(state, fact));
        } else if (isOfKind(fact, 'measurement')) decideMeasurement(fact, context);
      } catch (error) {
        refused.push(`${JSON.stringify(f.record['source'])}: ${(error as Error).message}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('dates nothing after now, and every practice fact on a day the practice is open', () => {
    const instants = (f: DemoFact): string[] =>
      [f.occurredAt, data(f)['detectedAt'], data(f)['reportedToIcoAt'], data(f)['terminatedOn'], data(f)['periodEnd']].filter(
        (v): v is string => typeof v === 'string' && v !== '',
      );
    expect(all.filter((f) => instants(f).some((at) => Date.parse(at) > NOW.getTime())).map((f) => f.record['source'])).toEqual([]);
    expect(all.every((f) => f.occurredAt >= '2021-04-01')).toBe(true);
    const practiceFacts = all.filter((f) => directory.organisation(f.stream)?.level === 'PRACTICE');
    expect(practiceFacts.filter((f) => !directory.isOpenOn(f.stream, day(f))).map((f) => f.record['source'])).toEqual([]);
    expect(all.some((f) => f.stream === 'B82001' && day(f) >= '2025-10-01')).toBe(false);
    expect(all.some((f) => f.stream === 'Y09999')).toBe(true);
  });

  it("names the practice's commissioner on the fact's day: a CCG until 30 June 2022, then a sub-ICB location", () => {
    const named = all.flatMap((f) => {
      const d = data(f);
      const commissioner = d['reviewedBy'] ?? d['approvedBy'] ?? (f.type === 'CcgPracticeAgreementSigned' ? d['commissionerCode'] : undefined);
      const on = f.type === 'CcgPracticeAgreementSigned' ? (d['termStart'] as string) : day(f);
      return commissioner === undefined ? [] : [{ practice: d['practiceCode'] as string, on, commissioner }];
    });
    expect(named.length).toBeGreaterThan(1_000);
    expect(named.filter((n) => directory.commissionerOn(n.practice, n.on) !== n.commissioner)).toEqual([]);
    const glossop = named.filter((n) => n.practice === 'C81640');
    expect(new Set(glossop.filter((n) => n.on < '2022-07-01').map((n) => n.commissioner))).toEqual(new Set(['01Y']));
    expect(new Set(glossop.filter((n) => n.on >= '2022-07-01').map((n) => n.commissioner))).toEqual(new Set(['15M']));
  });

  it('sends each stream in one run, each by date: a chunk touches few practices', () => {
    const runs = (facts: readonly DemoFact[]): string[] => facts.map((f) => f.stream).filter((stream, i, streams) => stream !== streams[i - 1]);
    const first = runs(demo.facts);
    expect(new Set(first).size).toBe(first.length);
    for (const facts of [demo.facts, demo.lateReturn!.facts])
      expect(facts.filter((f, i) => i > 0 && facts[i - 1]!.stream === f.stream && facts[i - 1]!.occurredAt > f.occurredAt)).toEqual([]);
    expect(new Set(runs(demo.lateReturn!.facts)).size).toBe(runs(demo.lateReturn!.facts).length);
  });

  it('is synthetic, with unique record ids, and the same on every run', () => {
    const sources = all.map((f) => f.record['source'] as { system: string; recordId: string });
    expect(sources.every((s) => s.system === SYNTHETIC_SOURCE)).toBe(true);
    expect(new Set(sources.map((s) => s.recordId)).size).toBe(sources.length);
    expect(JSON.stringify(syntheticDemo(hierarchy(), NOW))).toBe(JSON.stringify(demo));
  });

  it("withholds one CCG's 2022 BCP reviews for a late return: a few dozen practices, mostly reviewed by the deadline", () => {
    const late = demo.lateReturn!;
    const practices = directory
      .all('PRACTICE')
      .filter((p) => directory.isOpenOn(p.code, '2022-07-31') && directory.commissionerOn(p.code, '2022-07-31') === late.commissioner);
    expect(late.practices).toBe(practices.length);
    expect(late.practices).toBeGreaterThanOrEqual(24);
    expect(late.practices).toBeLessThanOrEqual(60);
    // A CCG of the same practices on 30 June 2022: not 15M, which Glossop joined on 1 July.
    expect(practices.every((p) => directory.commissionerOn(p.code, '2022-06-30') === late.commissioner)).toBe(true);
    expect(late.icb).toBe(directory.parentOn(late.commissioner, 'PART_OF_ICB', '2022-07-31'));
    expect(late.onTime / late.practices).toBeGreaterThan(0.6);
    const onTime = new Set(late.facts.filter((f) => day(f) <= '2022-07-31').map((f) => f.stream));
    expect(onTime.size).toBe(late.onTime);
    const is2022Review = (f: DemoFact): boolean =>
      f.type === 'BusinessContinuityPlanReviewed' && day(f).startsWith('2022-') && data(f)['reviewedBy'] === late.commissioner;
    expect(late.facts.every(is2022Review)).toBe(true);
    expect(demo.facts.some(is2022Review)).toBe(false);
  });

  it('has the shapes the rules need: deadlines met, on the day and missed; late breach reports; regions that differ', () => {
    const of = (type: string): DemoFact[] => all.filter((f) => f.type === type);
    const bcp2022 = of('BusinessContinuityPlanReviewed').filter((f) => day(f).startsWith('2022-'));
    expect(bcp2022.some((f) => day(f) === '2022-07-31')).toBe(true);
    expect(bcp2022.some((f) => day(f) > '2022-07-31')).toBe(true);
    const off = of('LocalClinicalServerDecommissioned').map(day);
    expect(off.some((d) => d <= '2022-08-31')).toBe(true);
    expect(off.some((d) => d > '2022-08-31')).toBe(true);
    const reported = of('DataBreachReported')
      .map(data)
      .filter((d) => d['reportedToIcoAt'] !== '');
    const hours = reported.map((d) => (Date.parse(d['reportedToIcoAt'] as string) - Date.parse(d['detectedAt'] as string)) / 3_600_000);
    expect(hours.some((h) => h <= 72)).toBe(true);
    expect(hours.some((h) => h > 72)).toBe(true);
    // The same rates, different by region.
    const byRegion = (type: string): number[] => {
      const practices = new Map<string, string[]>();
      for (const p of directory.all('PRACTICE')) {
        const region = directory.lineageOn(p.code, '2023-01-01').region ?? '';
        practices.set(region, [...(practices.get(region) ?? []), p.code]);
      }
      const having = new Set(of(type).map((f) => f.stream));
      return [...practices.values()].map((codes) => codes.filter((c) => having.has(c)).length / codes.length);
    };
    for (const type of ['DataProtectionOfficerDesignated', 'RemoteAccessCapacityAssessed', 'DsptAssessmentPublished']) {
      const shares = byRegion(type);
      expect(shares).toHaveLength(7);
      expect(Math.max(...shares) - Math.min(...shares)).toBeGreaterThan(0.05);
    }
  });
});
