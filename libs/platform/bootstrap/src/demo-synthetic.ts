import type { OrganisationDirectory } from '@gpds/organisations';
import { CARBON_CATEGORIES, patientFacingCapabilities } from '@gpds/shared-reference-data';
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
}

/**
 * The synthetic demo facts for every practice in the directory, for the days it is open from
 * 1 April 2021 to the day before `now` (so no instant of them is after `now`): agreements, BCP
 * reviews and capability deployments with history, the rest of the Operating Model
 * (demo-operating-model.ts), commissioners' own cyber incidents and monthly carbon metrics.
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
  const commissioners = [...commissionerIncidents(directory, lastDay), ...carbon(directory, lastDay)];
  commissioners.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : byDate(a, b)));
  return { facts: [...practices.filter((f) => !withheld.has(f)), ...commissioners], lateReturn };
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
 * some practices none; then 2023 and 2024 rounds (some commissioners) and a 2025-26 one, with gaps.
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
  // Yearly rounds in 2023 and 2024 from some commissioners only.
  if (p.sent('bcp-yearly', 0.45) && p.has('bcp-2023', 0.75, 0.3)) review('bcp-2023', p.day('bcp-2023/on', '2023-05-01', '2023-12-15'));
  if (p.sent('bcp-yearly', 0.45) && p.has('bcp-2024', 0.7, 0.3)) review('bcp-2024', p.day('bcp-2024/on', '2024-06-01', '2025-01-31'));
  if (p.has('bcp', 0.88, 0.12)) review('bcp', p.day('bcp-on', '2025-10-02', '2026-09-30'));
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

/** Deployments spread over 2021-2025 (earlier in regions that lean ahead), a few withdrawn in 2026. */
function capabilities(p: DemoPractice): void {
  for (const capability of [...patientFacingCapabilities(), 'REMOTE_ACCESS', 'ADVANCED_TELEPHONY']) {
    const shape = CAPABILITIES[capability] ?? { adoption: 0.5, from: '2021-04-01', to: '2025-12-31' };
    if (!p.has(capability, shape.adoption, 0.06)) continue;
    const on = p.dayAt(p.chance(`${capability}/on`) * (1 - 0.6 * p.propensity), shape.from, shape.to);
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

/** Monthly carbon metrics per commissioner open on 1 October 2025, for 2024/25 and 2025/26 to date. */
function carbon(directory: OrganisationDirectory, lastDay: string): DemoFact[] {
  const out: DemoFact[] = [];
  const categories = ['ELECTRICITY', 'GAS', 'STAFF_TRAVEL', 'PATIENT_TRAVEL', 'TRAVEL_AVOIDED'].filter((c) => CARBON_CATEGORIES.has(c));
  for (const commissioner of directory.all('COMMISSIONER')) {
    if (!directory.isOpenOn(commissioner.code, CARBON_COMMISSIONERS_ON)) continue;
    for (let m = 0; m < 24; m++) {
      const start = new Date(Date.UTC(2024, 3 + m, 1));
      const periodStart = start.toISOString().slice(0, 10);
      const periodEnd = new Date(Date.UTC(2024, 4 + m, 0)).toISOString().slice(0, 10);
      if (periodEnd > lastDay || periodStart < (commissioner.openedOn || '')) continue;
      for (const category of categories) {
        const scale = { ELECTRICITY: 90_000, GAS: 70_000, STAFF_TRAVEL: 25_000, PATIENT_TRAVEL: 160_000, TRAVEL_AVOIDED: 30_000 }[category] ?? 10_000;
        // A gentle downward trend, a winter peak for heating, and noise per commissioner.
        const winter = category === 'GAS' || category === 'ELECTRICITY' ? 1 + 0.35 * Math.cos((start.getUTCMonth() / 12) * 2 * Math.PI) : 1;
        // Emissions avoided count against the footprint: negative, as the carbon catalogue records them.
        const kg =
          Math.round(scale * winter * (1 - m * 0.004) * (0.6 + 0.8 * chance(`${commissioner.code}/${category}`))) * (category === 'TRAVEL_AVOIDED' ? -1 : 1);
        out.push(
          demoFact(`carbon/${commissioner.code}`, 'CarbonMetricRecorded', `carbon/${commissioner.code}/${periodStart}/${category}`, periodEnd, {
            organisationCode: commissioner.code,
            organisationLevel: 'COMMISSIONER',
            periodStart,
            periodEnd,
            footprint: CARBON_CATEGORIES.get(category)!.footprint,
            category,
            kgCo2e: kg,
            method: 'synthetic demo estimate',
          }),
        );
      }
    }
  }
  return out;
}
