import type { OrganisationDirectory } from '@gpds/organisations';
import { CAPABILITIES as CAPABILITY_CATALOGUE, CARBON_CATEGORIES, patientFacingCapabilities } from '@gpds/shared-reference-data';
import { commissionerIncidents, operatingModelFacts } from './demo-operating-model';
import { DEMO_START, DemoPractice, addDays, chance, clamp, demoFact, type DemoFact } from './demo-practice';

/** The commissioners' BCP review deadline (BCP_REVIEWED_BY_2022_07_31). */
export const BCP_DEADLINE = '2022-07-31';
/** Carbon metrics are for the commissioners open on this day. */
const CARBON_COMMISSIONERS_ON = '2025-10-01';

/** One commissioner's 2022 BCP reviews, sent after everything else: an asOf answer changes, the earlier knownAt answer does not. */
export interface LateReturn {
  readonly commissioner: string;
  /** Its ICB on the deadline: the parent to ask for the commissioners under. */
  readonly icb: string | null;
  /** Its practices open on the deadline (all of them its practices on 30 June 2022 too). */
  readonly practices: number;
  /** Those whose first review was on or before the deadline. */
  readonly onTime: number;
  readonly facts: readonly DemoFact[];
}

export interface SyntheticDemo {
  /** Every fact but the late return's: practice by practice (then commissioners), each by date. */
  readonly facts: readonly DemoFact[];
  readonly lateReturn: LateReturn | null;
  /** Which ICB has no carbon baseline, which are on and off track for Net Zero. */
  readonly carbon: CarbonStory;
}

/**
 * The SYNTHETIC demo facts for every practice in the directory, for the days it is open from
 * 1 April 2021 to the day before `now` (so no instant of them is after `now`): agreements, BCP
 * reviews and capability deployments with history, the rest of the Operating Model
 * (demo-operating-model.ts), commissioners' own cyber incidents, and carbon metrics per
 * commissioner from FY2019/20 (the Net Zero baseline year). Shaped for the three national
 * measures: the digital maturity index differs by region and rises from 2021 to 2026 (enhanced
 * capabilities spreading, DSPT statuses improving, BCP and IT reviews more regular, unsupported
 * software fixed sooner); carbon falls faster than the Net Zero path in some ICBs and slower in
 * others, and one ICB has no baseline (carbonStory); incidents of every kind (demo-operating-model.ts).
 * Deterministic: the same directory and day give the same records.
 */
export function syntheticDemo(directory: OrganisationDirectory, now: Date): SyntheticDemo {
  const lastDay = addDays(now.toISOString().slice(0, 10), -1);
  const lean = leanings(directory);
  const practices: DemoFact[] = [];
  for (const practice of directory.all('PRACTICE').sort((a, b) => (a.code < b.code ? -1 : 1))) {
    const from = practice.openedOn > DEMO_START ? practice.openedOn : DEMO_START;
    const closedBefore = practice.closedOn ? addDays(practice.closedOn, -1) : lastDay;
    const last = closedBefore < lastDay ? closedBefore : lastDay;
    if (from > last) continue;
    const anchor = from > '2023-01-01' ? from : last < '2023-01-01' ? last : '2023-01-01';
    const p = new DemoPractice(practice.code, from, last, lean(practice.code, anchor), directory.commissionerOn(practice.code, anchor), directory);
    agreements(p);
    bcpReviews(p);
    capabilities(p);
    operatingModelFacts(p);
    practices.push(...p.facts.sort(byDate));
  }
  const lateReturn = chooseLateReturn(directory, practices);
  const withheld = new Set(lateReturn?.facts);
  const carbonMetrics = carbon(directory, lastDay);
  const commissioners = [...commissionerIncidents(directory, lastDay), ...carbonMetrics.facts];
  commissioners.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : byDate(a, b)));
  return { facts: [...practices.filter((f) => !withheld.has(f)), ...commissioners], lateReturn, carbon: carbonMetrics.story };
}

function byDate(a: DemoFact, b: DemoFact): number {
  return a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0;
}

/**
 * Each practice's lean, -0.5 to 0.5: its region's (regions spread evenly, in an order drawn from
 * their codes) and a little of its ICB's, so national and regional answers differ visibly.
 */
function leanings(directory: OrganisationDirectory): (practice: string, day: string) => number {
  const regions = directory
    .all('REGION')
    .map((r) => r.code)
    .sort((a, b) => chance(`region/${a}`) - chance(`region/${b}`));
  const shift = new Map(regions.map((r, i) => [r, regions.length > 1 ? i / (regions.length - 1) - 0.5 : 0]));
  return (practice, day) => {
    const { region, icb } = directory.lineageOn(practice, day);
    return 0.8 * (shift.get(region ?? '') ?? 0) + 0.2 * (icb ? chance(`icb/${icb}`) - 0.5 : 0);
  };
}

/** A 2021-2024 agreement (most practices; a few gaps) and the 2024-2027 one, a few later terminated. */
function agreements(p: DemoPractice): void {
  const sign = (term: string, termStart: string, termEnd: string): string | null => {
    const commissionerCode = p.commissionerOn(termStart);
    if (!commissionerCode) return null;
    const agreementId = `demo-${p.code}-${term}`;
    p.add('CcgPracticeAgreementSigned', `agreement/${p.code}/${term}`, termStart, { agreementId, practiceCode: p.code, commissionerCode, termStart, termEnd });
    return commissionerCode;
  };
  if (p.from <= '2024-03-31' && p.has('agreement-2021', 0.92, 0.14)) sign('2021', p.from, '2024-03-31');
  const start = p.from > '2024-04-01' ? p.from : '2024-04-01';
  if (!p.isOpen(start) || !p.has('agreement', 0.94, 0.08)) return;
  const commissionerCode = sign('2024', start, '2027-03-31');
  if (!commissionerCode || p.chance('terminated') >= 0.03) return;
  const on = p.day('terminated-on', '2025-10-02', '2026-06-30');
  if (on && on > start)
    p.add('CcgPracticeAgreementTerminated', `agreement/${p.code}/2024/terminated`, on, {
      agreementId: `demo-${p.code}-2024`,
      practiceCode: p.code,
      commissionerCode,
      terminatedOn: on,
      reason: 'practice merger (synthetic)',
    });
}

/**
 * BCP reviews by the commissioner of the day: the first in 2022, mostly June and July (some on
 * 31 July itself), a share late (August to October: more at some commissioners than others),
 * some practices none; then yearly rounds from April to September, 2023 to 2026, from a growing
 * share of commissioners (those that start keep on), so reviews become more regular over the
 * years and some practices' latest review is more than 12 months old for years.
 */
function bcpReviews(p: DemoPractice): void {
  const review = (key: string, on: string | null): void => {
    const reviewedBy = on && p.commissionerOn(on);
    if (!on || !reviewedBy) return;
    p.add('BusinessContinuityPlanReviewed', `bcp/${p.code}/${on}`, on, {
      practiceCode: p.code,
      reviewedBy,
      outcome: p.chance(`${key}-outcome`) < 0.9 ? 'APPROVED' : 'CHANGES_REQUIRED',
      covers: ['LOSS_OF_RECORD_ACCESS', 'CYBER', 'REMOTE_WORKING'].filter((c) => p.chance(`${key}/${c}`) < 0.8),
    });
  };
  if (p.has('bcp-2022', 0.9, 0.16)) {
    const campaign = chance(`bcp-2022/${p.commissionerOn('2022-06-30') ?? ''}`);
    const late = clamp(0.04 + 0.45 * campaign ** 2 - 0.2 * p.propensity, 0.02, 0.6);
    const on =
      p.chance('bcp-2022/late') < late
        ? p.day('bcp-2022/on', '2022-08-01', '2022-10-31')
        : p.chance('bcp-2022/deadline') < 0.06 && p.isOpen(BCP_DEADLINE)
          ? BCP_DEADLINE
          : p.chance('bcp-2022/early') < 0.12
            ? p.day('bcp-2022/on', '2022-04-01', '2022-05-31')
            : p.day('bcp-2022/on', '2022-06-01', '2022-07-30');
    review('bcp-2022', on);
  }
  for (const [year, commissioners, practices] of [
    [2023, 0.5, 0.74],
    [2024, 0.62, 0.8],
    [2025, 0.72, 0.85],
    [2026, 0.82, 0.9],
  ] as const) {
    if (p.sent('bcp-yearly', commissioners, 0) && p.has(`bcp-${year}`, practices, 0.3))
      review(`bcp-${year}`, p.day(`bcp-${year}/on`, `${year}-04-01`, `${year}-09-30`));
  }
}

/** Share of practices with each capability deployed in the synthetic demo (made up; shaped like the national picture), and when most deployed it. */
const CAPABILITIES: Record<string, { adoption: number; from: string; to: string }> = {
  REPEAT_PRESCRIPTION_REQUEST: { adoption: 0.98, from: '2021-04-01', to: '2022-03-31' },
  APPOINTMENT_REQUEST: { adoption: 0.9, from: '2021-04-01', to: '2023-12-31' },
  RECORD_VIEW: { adoption: 0.95, from: '2021-04-01', to: '2022-12-31' },
  RECORD_UPDATE: { adoption: 0.6, from: '2021-10-01', to: '2025-09-30' },
  PATIENT_DETAILS_UPDATE: { adoption: 0.7, from: '2022-04-01', to: '2025-03-31' },
  ONLINE_CONSULTATION: { adoption: 0.97, from: '2021-04-01', to: '2022-06-30' },
  VIDEO_CONSULTATION: { adoption: 0.75, from: '2021-04-01', to: '2023-03-31' },
  SECURE_MESSAGING: { adoption: 0.85, from: '2021-10-01', to: '2024-06-30' },
  REMOTE_ACCESS: { adoption: 0.92, from: '2021-04-01', to: '2021-12-31' },
  ADVANCED_TELEPHONY: { adoption: 0.8, from: '2023-04-01', to: '2025-12-31' },
};

/**
 * The other two ENHANCED capabilities (with ADVANCED_TELEPHONY, the digital maturity index's
 * capability inputs): how many practices deploy each by the end, how much a region's lean moves
 * that, and over which years. Regions that lean ahead deploy them more and sooner, so the index
 * differs by region and rises from 2021 to 2026.
 */
const SPREADING: Record<string, { adoption: number; spread: number; from: string; to: string }> = {
  TEXT_MESSAGING: { adoption: 0.86, spread: 0.16, from: '2021-04-01', to: '2024-03-31' },
  ONLINE_TRIAGE_WORKFLOW: { adoption: 0.62, spread: 0.4, from: '2022-07-01', to: '2026-09-30' },
};

/** Deployments spread over 2021-2026 (earlier in regions that lean ahead), a few withdrawn in 2026. */
function capabilities(p: DemoPractice): void {
  const enhanced = CAPABILITY_CATALOGUE.entries.filter((c) => c.provision === 'ENHANCED').map((c) => c.code);
  for (const capability of [...patientFacingCapabilities(), 'REMOTE_ACCESS', ...enhanced]) {
    const spreading = SPREADING[capability];
    const shape = spreading ?? CAPABILITIES[capability] ?? { adoption: 0.5, from: '2021-04-01', to: '2025-12-31' };
    if (!p.has(capability, shape.adoption, spreading?.spread ?? 0.06)) continue;
    const u = p.chance(`${capability}/on`);
    // A spreading capability's day is u^(1 + lean) of the way: the median practice half-way through its
    // years where the nation is, about a third of the way in the region most ahead, seven tenths in the one most behind.
    const on = p.dayAt(spreading ? u ** (1 + p.propensity) : u * (1 - 0.6 * p.propensity), shape.from, shape.to);
    if (!on) continue;
    p.add('CapabilityDeployed', `capability/${p.code}/${capability}/deployed`, on, {
      practiceCode: p.code,
      capability,
      solution: `${capability.toLowerCase()} solution (synthetic)`,
      supplier: 'SYNTHETIC',
      route: 'GP_IT_FUTURES',
    });
    if (p.chance(`${capability}/withdrawn`) >= 0.02) continue;
    const off = p.day(`${capability}/off`, '2026-07-01', '2026-10-31');
    if (off && off > on)
      p.add('CapabilityWithdrawn', `capability/${p.code}/${capability}/withdrawn`, off, {
        practiceCode: p.code,
        capability,
        reason: 'contract ended (synthetic)',
      });
  }
}

/**
 * The late return: of the commissioners that were CCGs of a few dozen practices on the deadline
 * (the same practices on 30 June 2022), the one whose practices were most often reviewed by then
 * (ties: the lowest code); its 2022 reviews are withheld from the first phase.
 */
function chooseLateReturn(directory: OrganisationDirectory, facts: readonly DemoFact[]): LateReturn | null {
  const reviews = facts.filter((f) => f.type === 'BusinessContinuityPlanReviewed' && f.occurredAt.startsWith('2022-'));
  const first = new Map<string, string>();
  for (const f of reviews) if (!first.has(f.stream)) first.set(f.stream, f.occurredAt.slice(0, 10)); // each practice's facts are by date
  const members = new Map<string, string[]>();
  const moved = new Set<string>();
  for (const practice of directory.all('PRACTICE')) {
    if (!directory.isOpenOn(practice.code, BCP_DEADLINE)) continue;
    const commissioner = directory.commissionerOn(practice.code, BCP_DEADLINE);
    if (!commissioner) continue;
    members.set(commissioner, [...(members.get(commissioner) ?? []), practice.code]);
    if (directory.commissionerOn(practice.code, '2022-06-30') !== commissioner) moved.add(commissioner);
  }
  let best: { commissioner: string; practices: number; onTime: number } | null = null;
  for (const [commissioner, codes] of [...members].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (codes.length < 24 || codes.length > 60 || moved.has(commissioner)) continue;
    const onTime = codes.filter((code) => (first.get(code) ?? '9999') <= BCP_DEADLINE).length;
    if (!best || onTime / codes.length > best.onTime / best.practices) best = { commissioner, practices: codes.length, onTime };
  }
  if (!best) return null;
  const chosen = best.commissioner;
  return {
    ...best,
    icb: directory.parentOn(chosen, 'PART_OF_ICB', BCP_DEADLINE),
    facts: reviews.filter((f) => (f.record['data'] as { reviewedBy: string }).reviewedBy === chosen),
  };
}

/** The first day of carbon metrics: FY2019/20, the Net Zero baseline year. */
const CARBON_FROM = '2019-04-01';
/** Quarterly metrics until then (fewer events for the early years), monthly from FY2024/25. */
const CARBON_MONTHLY_FROM = '2024-04-01';
/** The last financial year of carbon metrics is 2025/26: whole years only. */
const CARBON_TO = '2026-03-31';
/** The ICB without a baseline: its commissioners send no carbon before FY2021/22. */
const CARBON_LATE_START = '2021-04-01';

/** kgCO2e a month of each category for a commissioner in FY2019/20, before its own 0.6 to 1.4 times (made up). */
const CARBON_SCALE: Record<string, number> = {
  ELECTRICITY: 90_000,
  GAS: 70_000,
  STAFF_TRAVEL: 25_000,
  PATIENT_TRAVEL: 160_000,
  TRAVEL_AVOIDED: 30_000,
  DEVICES: 15_000,
  PAPER: 4_000,
  DATA_CENTRE: 8_000,
};
/** Categories estimated once a year (embodied and bought-in emissions): one metric per financial year. */
const YEARLY_CARBON = new Set(['DEVICES', 'PAPER', 'DATA_CENTRE']);

/** What the synthetic carbon metrics show, by construction (demo-data.json names them). */
export interface CarbonStory {
  /** The ICB whose commissioners send no carbon before FY2021/22: it has no FY2019/20 baseline. */
  readonly withoutBaseline: string | null;
  /** ICBs whose footprints (each of the two) fall faster than the REQUIRED Net Zero path from FY2021/22 on, by ICB code. */
  readonly onTrack: readonly string[];
  /** ICBs whose footprints fall slower than the REQUIRED path, by ICB code. */
  readonly offTrack: readonly string[];
}

/** How fast an ICB's commissioners cut emissions: the share of the FY2019/20 level cut a year, and the yearly growth of travel avoided. */
interface CarbonPace {
  readonly footprint: number;
  readonly plus: number;
  readonly avoided: number;
}

/**
 * The carbon story: one ICB without a baseline, the others on or off track, each deterministic
 * by code. The ICBs of the commissioners open on 1 October 2025 are put in the order of a hash of
 * their codes: the first has no baseline (QNX, NHS Sussex ICB, in the demo on the real mapping
 * files), then they alternate, on track and off track.
 *
 * The REQUIRED path (libs/shared/reference-data net-zero-trajectory.v1.json) allows a linear fall
 * from 100% of FY2019/20 to 20% by FY2031/32 (6.7 points a year) for the NHS Carbon Footprint and
 * to 20% by FY2038/39 (4.2 points a year) for Footprint Plus. On track: 8 to 12 points a year
 * (the fastest beat the AMBITIOUS path's 10) and 5.5 to 7.5 (Plus), with travel avoided growing
 * 8% of its first level a year; off track: 1.5 to 4 points and 0.5 to 1.5 (Plus), travel avoided flat.
 */
function carbonStory(directory: OrganisationDirectory): { story: CarbonStory; paces: Map<string, CarbonPace> } {
  const icbs = [
    ...new Set(
      directory
        .all('COMMISSIONER')
        .filter((c) => directory.isOpenOn(c.code, CARBON_COMMISSIONERS_ON))
        .map((c) => directory.parentOn(c.code, 'PART_OF_ICB', CARBON_COMMISSIONERS_ON))
        .filter((icb): icb is string => icb !== null),
    ),
  ].sort((a, b) => chance(`carbon/icb/${a}`) - chance(`carbon/icb/${b}`) || (a < b ? -1 : 1));
  const withoutBaseline = icbs[0] ?? null;
  const paces = new Map<string, CarbonPace>();
  const onTrack: string[] = [];
  const offTrack: string[] = [];
  for (const [i, icb] of icbs.entries()) {
    const fast = i % 2 === 1;
    if (icb !== withoutBaseline) (fast ? onTrack : offTrack).push(icb);
    const u = (key: string): number => chance(`carbon/pace/${icb}/${key}`);
    paces.set(
      icb,
      fast
        ? { footprint: 0.08 + 0.04 * u('footprint'), plus: 0.055 + 0.02 * u('plus'), avoided: 0.08 }
        : { footprint: 0.015 + 0.025 * u('footprint'), plus: 0.005 + 0.01 * u('plus'), avoided: 0 },
    );
  }
  return { story: { withoutBaseline, onTrack: onTrack.sort(), offTrack: offTrack.sort() }, paces };
}

/** The carbon periods from FY2019/20 to FY2025/26: quarters until FY2023/24, months from FY2024/25. */
function carbonPeriods(): Array<{ start: string; end: string; months: number[] }> {
  const periods: Array<{ start: string; end: string; months: number[] }> = [];
  for (let m = 0; ;) {
    const start = new Date(Date.UTC(2019, 3 + m, 1)).toISOString().slice(0, 10);
    if (start > CARBON_TO) return periods;
    const length = start < CARBON_MONTHLY_FROM ? 3 : 1;
    const end = new Date(Date.UTC(2019, 3 + m + length, 0)).toISOString().slice(0, 10);
    periods.push({ start, end, months: Array.from({ length }, (_, k) => (3 + m + k) % 12) });
    m += length;
  }
}

/** Years from the first day of FY2019/20 to the middle of a period. */
function yearsIn(start: string, end: string): number {
  const middle = (Date.parse(`${start}T00:00:00Z`) + Date.parse(`${end}T00:00:00Z`) + 86_400_000) / 2;
  return (middle - Date.parse(`${CARBON_FROM}T00:00:00Z`)) / (365.25 * 86_400_000);
}

/**
 * SYNTHETIC carbon metrics per commissioner open on 1 October 2025, for every category of the
 * carbon catalogue, from FY2019/20 (the baseline year) to FY2025/26: quarterly until FY2023/24
 * and monthly from FY2024/25 (yearly for devices, paper and data centres), falling at its ICB's
 * pace (carbonStory) with a winter peak for heating and a little noise; none before FY2021/22
 * from the ICB without a baseline.
 */
function carbon(directory: OrganisationDirectory, lastDay: string): { facts: DemoFact[]; story: CarbonStory } {
  const out: DemoFact[] = [];
  const { story, paces } = carbonStory(directory);
  const categories = CARBON_CATEGORIES.codes();
  const periods = carbonPeriods();
  const years = Array.from({ length: Number(CARBON_TO.slice(0, 4)) - Number(CARBON_FROM.slice(0, 4)) }, (_, i) => {
    const from = Number(CARBON_FROM.slice(0, 4)) + i;
    return { start: `${from}-04-01`, end: `${from + 1}-03-31`, months: Array.from({ length: 12 }, (_, k) => (3 + k) % 12) };
  });
  for (const commissioner of directory.all('COMMISSIONER')) {
    if (!directory.isOpenOn(commissioner.code, CARBON_COMMISSIONERS_ON)) continue;
    const icb = directory.parentOn(commissioner.code, 'PART_OF_ICB', CARBON_COMMISSIONERS_ON);
    const pace = paces.get(icb ?? '') ?? { footprint: 0.05, plus: 0.03, avoided: 0 };
    const first = icb === story.withoutBaseline ? CARBON_LATE_START : CARBON_FROM;
    for (const category of categories) {
      const { footprint } = CARBON_CATEGORIES.get(category)!;
      const perMonth = (CARBON_SCALE[category] ?? 10_000) * (0.6 + 0.8 * chance(`${commissioner.code}/${category}`));
      for (const period of YEARLY_CARBON.has(category) ? years : periods) {
        const { start: periodStart, end: periodEnd } = period;
        if (periodStart < first || periodEnd > lastDay || periodStart < (commissioner.openedOn || '')) continue;
        if (commissioner.closedOn && periodStart >= commissioner.closedOn) continue;
        const t = yearsIn(periodStart, periodEnd);
        // Emissions fall linearly at the ICB's pace; travel avoided by remote consultation grows (on track) or stays flat.
        const level =
          category === 'TRAVEL_AVOIDED' ? 1 + pace.avoided * t : Math.max(0.05, 1 - (footprint === 'NHS_CARBON_FOOTPRINT' ? pace.footprint : pace.plus) * t);
        // A winter peak for heating and lighting (the months' average for a quarter).
        const heated = category === 'GAS' || category === 'ELECTRICITY';
        const winter = period.months.reduce((sum, month) => sum + (heated ? 1 + 0.35 * Math.cos((month / 12) * 2 * Math.PI) : 1), 0);
        const noise = 0.97 + 0.06 * chance(`carbon/${commissioner.code}/${periodStart}/${category}`);
        // Emissions avoided count against the footprint: negative, as the carbon catalogue records them.
        const kg = Math.round(perMonth * winter * level * noise) * (category === 'TRAVEL_AVOIDED' ? -1 : 1);
        out.push(
          demoFact(`carbon/${commissioner.code}`, 'CarbonMetricRecorded', `carbon/${commissioner.code}/${periodStart}/${category}`, periodEnd, {
            organisationCode: commissioner.code,
            organisationLevel: 'COMMISSIONER',
            periodStart,
            periodEnd,
            footprint,
            category,
            kgCo2e: kg,
            method: 'synthetic demo estimate',
          }),
        );
      }
    }
  }
  return { facts: out, story };
}
