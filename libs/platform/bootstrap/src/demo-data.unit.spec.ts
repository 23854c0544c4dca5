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
import { CARBON_CATEGORIES, HIERARCHY_CHANGE_DATES } from '@gpds/shared-reference-data';
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
    // The Operating Model's facts from April 2021; carbon from FY2019/20, the Net Zero baseline year.
    expect(all.filter((f) => f.type !== 'CarbonMetricRecorded').every((f) => f.occurredAt >= '2021-04-01')).toBe(true);
    expect(all.filter((f) => f.type === 'CarbonMetricRecorded').every((f) => (data(f)['periodStart'] as string) >= '2019-04-01')).toBe(true);
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

  describe('the carbon metrics, for Net Zero', () => {
    const metrics = all.filter((f) => f.type === 'CarbonMetricRecorded').map(data);
    const icbOf = (commissioner: string): string | null => directory.parentOn(commissioner, 'PART_OF_ICB', '2025-10-01');
    /** The financial year a metric is of, by the year it starts in (2019 for FY2019/20). */
    const yearOf = (m: Record<string, unknown>): number => {
      const start = m['periodStart'] as string;
      return Number(start.slice(0, 4)) - (start.slice(5) < '04-01' ? 1 : 0);
    };

    it('cover every category of the catalogue in both footprints: quarters to FY2023/24, months from FY2024/25, TRAVEL_AVOIDED negative', () => {
      expect(new Set(metrics.map((m) => m['category']))).toEqual(new Set(CARBON_CATEGORIES.codes()));
      expect(new Set(metrics.map((m) => m['footprint']))).toEqual(new Set(['NHS_CARBON_FOOTPRINT', 'NHS_CARBON_FOOTPRINT_PLUS']));
      expect(metrics.every((m) => CARBON_CATEGORIES.get(m['category'] as string)!.footprint === m['footprint'])).toBe(true);
      expect(metrics.every((m) => (m['category'] === 'TRAVEL_AVOIDED' ? (m['kgCo2e'] as number) < 0 : (m['kgCo2e'] as number) > 0))).toBe(true);
      const months = (m: Record<string, unknown>): number => {
        const [start, end] = [m['periodStart'] as string, m['periodEnd'] as string];
        return (Number(end.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(end.slice(5, 7)) - Number(start.slice(5, 7)) + 1;
      };
      const lastDayOfMonth = (m: Record<string, unknown>): boolean => {
        const end = m['periodEnd'] as string;
        return new Date(Date.UTC(Number(end.slice(0, 4)), Number(end.slice(5, 7)), 0)).toISOString().slice(0, 10) === end;
      };
      expect(metrics.every((m) => (m['periodStart'] as string).endsWith('-01') && lastDayOfMonth(m))).toBe(true);
      const cadence = (m: Record<string, unknown>): string =>
        `${['DEVICES', 'PAPER', 'DATA_CENTRE'].includes(m['category'] as string) ? 'yearly' : 'other'} ${yearOf(m) < 2024 ? 'early' : 'late'} ${months(m)}`;
      expect(new Set(metrics.map(cadence))).toEqual(new Set(['yearly early 12', 'yearly late 12', 'other early 3', 'other late 1']));
      expect(metrics.filter((m) => months(m) === 3).every((m) => ['04', '07', '10', '01'].includes((m['periodStart'] as string).slice(5, 7)))).toBe(true);
      expect(Math.min(...metrics.map(yearOf))).toBe(2019);
      expect(Math.max(...metrics.map(yearOf))).toBe(2025);
    });

    it('give every ICB a FY2019/20 baseline but one, whose commissioners send nothing before FY2021/22', () => {
      const { withoutBaseline } = demo.carbon;
      expect(withoutBaseline).not.toBeNull();
      const firstYear = new Map<string, number>();
      for (const m of metrics) {
        const icb = icbOf(m['organisationCode'] as string)!;
        firstYear.set(icb, Math.min(firstYear.get(icb) ?? 9999, yearOf(m)));
      }
      expect(firstYear.get(withoutBaseline!)).toBe(2021);
      expect([...firstYear].filter(([icb, year]) => icb !== withoutBaseline && year !== 2019)).toEqual([]);
      expect(new Set([...demo.carbon.onTrack, ...demo.carbon.offTrack, withoutBaseline])).toEqual(new Set(firstYear.keys()));
    });

    it('fall faster than the required Net Zero path in the ICBs on track, slower in those off track, from FY2021/22 to FY2025/26', () => {
      // The REQUIRED path (DOMAIN.md, the Net Zero trajectory): linear from 100% of FY2019/20 to 20% in FY2031/32
      // (NHS Carbon Footprint) or FY2038/39 (Footprint Plus); Plus counted alone and with the Carbon Footprint.
      const paths = [
        { name: 'NHS_CARBON_FOOTPRINT', footprints: ['NHS_CARBON_FOOTPRINT'], by: 2031 },
        { name: 'NHS_CARBON_FOOTPRINT_PLUS', footprints: ['NHS_CARBON_FOOTPRINT_PLUS'], by: 2038 },
        { name: 'both', footprints: ['NHS_CARBON_FOOTPRINT', 'NHS_CARBON_FOOTPRINT_PLUS'], by: 2038 },
      ];
      const { onTrack, offTrack } = demo.carbon;
      expect(onTrack.length).toBeGreaterThanOrEqual(2);
      expect(offTrack.length).toBeGreaterThanOrEqual(2);
      const wrong: string[] = [];
      for (const path of paths) {
        const total = new Map<string, number>();
        for (const m of metrics.filter((x) => path.footprints.includes(x['footprint'] as string))) {
          const key = `${icbOf(m['organisationCode'] as string)} ${yearOf(m)}`;
          total.set(key, (total.get(key) ?? 0) + (m['kgCo2e'] as number));
        }
        for (const icb of [...onTrack, ...offTrack]) {
          const baseline = total.get(`${icb} 2019`)!;
          for (let year = 2021; year <= 2025; year++) {
            const share = total.get(`${icb} ${year}`)! / baseline;
            const allowed = 1 - (0.8 * (year - 2019)) / (path.by - 2019);
            if (onTrack.includes(icb) ? share > allowed : share <= allowed)
              wrong.push(`${path.name} ${icb} ${year}: ${share.toFixed(3)} of the baseline, allowed ${allowed.toFixed(3)}`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });
  });

  describe('the inputs of the digital maturity index', () => {
    const years = [2021, 2022, 2023, 2024, 2025, 2026];
    const byPractice = new Map<string, DemoFact[]>();
    for (const f of all) if (directory.organisation(f.stream)?.level === 'PRACTICE') byPractice.set(f.stream, [...(byPractice.get(f.stream) ?? []), f]);
    /** Of the practices open on `asOf` (in a region, when one is given), the share for which `holds` (null: not counted). */
    const share = (asOf: string, holds: (facts: DemoFact[]) => boolean | null, region?: string): number => {
      let yes = 0;
      let counted = 0;
      for (const p of directory.all('PRACTICE')) {
        if (!directory.isOpenOn(p.code, asOf) || (region && directory.lineageOn(p.code, asOf).region !== region)) continue;
        const outcome = holds((byPractice.get(p.code) ?? []).filter((f) => day(f) <= asOf));
        if (outcome === null) continue;
        counted++;
        if (outcome) yes++;
      }
      return yes / counted;
    };
    const deployed = (capability: string) => (facts: DemoFact[]) =>
      facts.filter((f) => data(f)['capability'] === capability).at(-1)?.type === 'CapabilityDeployed';
    const reviewedWithin12Months = (type: string, asOf: string) => (facts: DemoFact[]) => {
      const latest = facts.filter((f) => f.type === type).at(-1);
      return latest === undefined ? null : day(latest) >= `${Number(asOf.slice(0, 4)) - 1}${asOf.slice(4)}`;
    };
    /** Up year on year (give or take the few capabilities withdrawn in 2026), and by more than a tenth in all. */
    const rises = (series: number[]): boolean => series.every((v, i) => i === 0 || v >= series[i - 1]! - 0.02) && series.at(-1)! > series[0]! + 0.1;

    it('rise from 2021 to 2026: the three enhanced capabilities spread, DSPT statuses improve, IT reviews become more regular', () => {
      for (const capability of ['ADVANCED_TELEPHONY', 'ONLINE_TRIAGE_WORKFLOW', 'TEXT_MESSAGING']) {
        const series = years.map((y) => share(`${y}-10-01`, deployed(capability)));
        expect({ capability, rises: rises(series) }).toEqual({ capability, rises: true });
      }
      const dsptMet = years.map((y) =>
        share(`${y}-10-01`, (facts) => {
          const latest = facts
            .filter((f) => f.type === 'DsptAssessmentPublished')
            .sort((a, b) => ((data(a)['financialYear'] as string) < (data(b)['financialYear'] as string) ? -1 : 1))
            .at(-1);
          return latest === undefined ? null : ['STANDARDS_MET', 'STANDARDS_EXCEEDED'].includes(data(latest)['status'] as string);
        }),
      );
      expect(dsptMet.every((v, i) => i === 0 || v > dsptMet[i - 1]!)).toBe(true);
      const itReviews = years.slice(1).map((y) => share(`${y}-10-01`, (facts) => reviewedWithin12Months('ItReviewCompleted', `${y}-10-01`)(facts) === true));
      expect(rises(itReviews)).toBe(true);
      // After the one-off 2022 round lapses, yearly BCP reviews come from more commissioners each year.
      const bcp = years.slice(2).map((y) => share(`${y}-10-01`, reviewedWithin12Months('BusinessContinuityPlanReviewed', `${y}-10-01`)));
      expect(rises(bcp)).toBe(true);
    });

    it('remediate unsupported software more often and sooner over the years', () => {
      const fixed = new Map(all.filter((f) => f.type === 'UnsupportedSoftwareRemediated').map((f) => [data(f)['asset'], day(f)]));
      const found = all.filter((f) => f.type === 'UnsupportedSoftwareDetected' && day(f) <= '2025-09-30');
      const withinAYear = (from: string, to: string): number => {
        const of = found.filter((f) => day(f) >= from && day(f) <= to);
        return of.filter((f) => (fixed.get(data(f)['asset']) ?? '9999') <= `${Number(day(f).slice(0, 4)) + 1}${day(f).slice(4)}`).length / of.length;
      };
      expect(withinAYear('2023-01-01', '2025-09-30')).toBeGreaterThan(withinAYear('2021-04-01', '2022-12-31') + 0.1);
    });

    it('differ by region: enhanced capabilities spread sooner where regions lean ahead', () => {
      const regions = [...new Set(directory.all('PRACTICE').map((p) => directory.lineageOn(p.code, '2024-10-01').region ?? ''))].filter((r) => r !== '');
      for (const capability of ['ONLINE_TRIAGE_WORKFLOW', 'TEXT_MESSAGING']) {
        const shares = regions.map((r) => share(capability === 'TEXT_MESSAGING' ? '2022-10-01' : '2024-10-01', deployed(capability), r));
        expect(Math.max(...shares) - Math.min(...shares)).toBeGreaterThan(0.15);
      }
    });
  });

  it('has incidents of every kind: cyber incidents high and low, open and resolved, reported soon and late; late breach reports; record access lost with and without the BCP', () => {
    const of = (type: string): DemoFact[] => all.filter((f) => f.type === type);
    const incidents = of('CyberIncidentReported').map(data);
    const resolved = new Set(of('CyberIncidentResolved').map((f) => data(f)['incidentId']));
    expect(new Set(incidents.map((i) => i['organisationLevel']))).toEqual(new Set(['PRACTICE', 'COMMISSIONER']));
    expect(new Set(incidents.map((i) => i['highSeverity']))).toEqual(new Set([true, false]));
    expect(incidents.some((i) => !resolved.has(i['incidentId']))).toBe(true);
    expect(incidents.some((i) => resolved.has(i['incidentId']))).toBe(true);
    const hoursToReport = of('CyberIncidentReported').map((f) => (Date.parse(f.occurredAt) - Date.parse(data(f)['detectedAt'] as string)) / 3_600_000);
    expect(hoursToReport.some((h) => h < 6)).toBe(true);
    expect(hoursToReport.some((h) => h > 24)).toBe(true);

    // Breaches: reportable ones reported late in one record, and ones whose report came in a later record.
    const records = new Map<string, Array<Record<string, unknown>>>();
    for (const b of of('DataBreachReported').map(data)) records.set(b['breachId'] as string, [...(records.get(b['breachId'] as string) ?? []), b]);
    const late = (b: Record<string, unknown>): boolean => Date.parse(b['reportedToIcoAt'] as string) - Date.parse(b['detectedAt'] as string) > 72 * 3_600_000;
    expect([...records.values()].some((r) => r.length === 1 && r[0]!['reportableToIco'] === true && r[0]!['reportedToIcoAt'] !== '' && late(r[0]!))).toBe(true);
    expect([...records.values()].some((r) => r.length === 2 && r[0]!['reportedToIcoAt'] === '' && r[1]!['reportedToIcoAt'] !== '')).toBe(true);
    expect([...records.values()].some((r) => r.every((b) => b['reportableToIco'] === false))).toBe(true);

    // Losses of record access, with and without the BCP activated; some where the latest BCP review was over 12 months old.
    const reviews = of('BusinessContinuityPlanReviewed');
    const losses = of('RecordAccessLost').map((f) => {
      const latest = reviews.filter((r) => r.stream === f.stream && day(r) <= day(f)).at(-1);
      const yearBefore = `${Number(day(f).slice(0, 4)) - 1}${day(f).slice(4)}`;
      return { bcpActivated: data(f)['bcpActivated'], staleBcp: latest !== undefined && day(latest) < yearBefore };
    });
    expect(new Set(losses.map((l) => l.bcpActivated))).toEqual(new Set([true, false]));
    expect(losses.some((l) => l.staleBcp)).toBe(true);
    expect(losses.some((l) => !l.staleBcp)).toBe(true);
  });
});
