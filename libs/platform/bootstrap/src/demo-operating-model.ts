import type { OrganisationDirectory } from '@gpds/organisations';
import { DEMO_START, addDays, chance, clamp, dayBetween, demoFact, hoursAfter, type DemoFact, type DemoPractice } from './demo-practice';

/**
 * Synthetic facts of the rest of the GP IT Operating Model (DOMAIN.md's second table), for one
 * practice: shaped so the twelve compliance rules have interesting answers (deadlines met and
 * missed, late breach reports, practices with no facts for a rule). Every rate is made up.
 */
export function operatingModelFacts(p: DemoPractice): void {
  localServers(p);
  dspt(p);
  dpo(p);
  cas(p);
  remoteAccess(p);
  itReviews(p);
  dataBreaches(p);
  unsupportedSoftware(p);
  cyberIncidents(p);
  recordAccess(p);
  subcontractors(p);
  clinicalSafety(p);
}

/** Legacy local clinical servers: a few percent in 2021; most switched off by 31 August 2022 (some on it), some late, a few never. */
function localServers(p: DemoPractice): void {
  if (!p.has('server', 0.04, 0.04)) return;
  const on = p.day('server/on', DEMO_START, '2021-12-31');
  if (!on) return;
  const server = `LCS-${p.code}-1`;
  p.add('LocalClinicalServerRecorded', `server/${p.code}/1/recorded`, on, { practiceCode: p.code, server });
  const fate = p.chance('server/fate');
  const late = clamp(0.22 - 0.3 * p.propensity, 0.05, 0.4);
  if (fate < 0.07) return; // never decommissioned
  const off =
    fate < 0.07 + late
      ? p.day('server/off-late', '2022-09-01', '2023-12-31')
      : p.chance('server/on-deadline') < 0.15 && p.isOpen('2022-08-31')
        ? '2022-08-31'
        : p.day('server/off', addDays(on, 1), '2022-08-30');
  if (off) p.add('LocalClinicalServerDecommissioned', `server/${p.code}/1/decommissioned`, `${off}T17:00:00Z`, { practiceCode: p.code, server });
}

const DSPT_YEARS = [
  { year: '2020/21', share: 0.35, from: '2021-06-01', to: '2021-09-30' },
  { year: '2021/22', share: 0.4, from: '2022-06-01', to: '2022-09-30' },
  { year: '2022/23', share: 0.45, from: '2023-06-01', to: '2023-09-30' },
  { year: '2023/24', share: 0.45, from: '2024-06-01', to: '2024-09-30' },
  { year: '2024/25', share: 0.45, from: '2025-06-01', to: '2025-09-30' },
  { year: '2025/26', share: 0.45, from: '2026-06-01', to: '2026-09-30' },
];

/**
 * DSPT statuses published after each financial year ends (for a third of the practices for
 * 2020/21, nearly half from 2022/23): mostly met, some exceeded, approaching or not met; better
 * year on year (about seven in ten meeting the standards for 2020/21, nine in ten for 2025/26)
 * and in regions that lean ahead.
 */
function dspt(p: DemoPractice): void {
  for (const [i, { year, share, from, to }] of DSPT_YEARS.entries()) {
    if (!p.has(`dspt/${year}`, share, 0.2)) continue;
    const on = p.day(`dspt/${year}/on`, from, to);
    if (!on) continue;
    const u = p.chance(`dspt/${year}/status`) - 0.2 * p.propensity - 0.055 * (i - 2);
    const status = u < 0.12 ? 'STANDARDS_EXCEEDED' : u < 0.8 ? 'STANDARDS_MET' : u < 0.92 ? 'APPROACHING_STANDARDS' : 'STANDARDS_NOT_MET';
    p.add('DsptAssessmentPublished', `dspt/${p.code}/${year.replace('/', '-')}`, on, { practiceCode: p.code, financialYear: year, status });
  }
}

/** Most practices of the commissioners that say designate a DPO once, mostly the commissioner's; the others have no fact (UNKNOWN). */
function dpo(p: DemoPractice): void {
  if (!p.sent('dpo', 0.55) || !p.has('dpo', 0.9, 0.1)) return;
  const on = p.day('dpo/on', DEMO_START, '2022-09-30');
  if (!on) return;
  const provision = p.chance('dpo/provision') < 0.8 ? 'COMMISSIONER_PROVIDED' : 'PRACTICE_APPOINTED';
  p.add('DataProtectionOfficerDesignated', `dpo/${p.code}`, on, { practiceCode: p.code, provision });
}

/** CAS alerts (from some commissioners): most registered for both; some email or mobile only, some of those later updated to both. */
function cas(p: DemoPractice): void {
  if (!p.sent('cas', 0.55) || !p.has('cas', 0.95, 0.1)) return;
  const on = p.day('cas/on', DEMO_START, '2022-12-31');
  if (!on) return;
  const u = p.chance('cas/kind') - 0.2 * p.propensity;
  const [email, mobile] = u < 0.66 ? [true, true] : u < 0.88 ? [true, false] : [false, true];
  p.add('CasRegistrationRecorded', `cas/${p.code}/${on}`, on, { practiceCode: p.code, email, mobile });
  if (email && mobile) return;
  if (!p.has('cas/update', 0.45, 0.4)) return;
  const update = p.day('cas/update-on', addDays(on, 60), addDays(on, 900));
  if (update) p.add('CasRegistrationRecorded', `cas/${p.code}/${update}`, update, { practiceCode: p.code, email: true, mobile: true });
}

/** Remote access capacity assessed in 2021 and some again in 2024 (from some commissioners), 35-100%: some below 60. */
function remoteAccess(p: DemoPractice): void {
  if (!p.sent('remote-access', 0.55)) return;
  const assessments = [
    { key: 'remote/2021', rate: 0.84, from: '2021-05-01', to: '2021-12-31', low: 48, range: 47 },
    { key: 'remote/2024', rate: 0.3, from: '2024-03-01', to: '2024-11-30', low: 56, range: 42 },
  ];
  for (const a of assessments) {
    if (!p.has(a.key, a.rate, 0.2)) continue;
    const on = p.day(`${a.key}/on`, a.from, a.to);
    if (!on) continue;
    const capacityPercent = clamp(Math.round(a.low + a.range * p.chance(`${a.key}/capacity`) + 24 * p.propensity), 35, 100);
    const solution = p.chance(`${a.key}/solution`) < 0.7 ? 'MANAGED_ENDPOINT_VPN' : 'VDI';
    p.add('RemoteAccessCapacityAssessed', `remote-access/${p.code}/${on}`, on, { practiceCode: p.code, solution, capacityPercent });
  }
}

/**
 * IT reviews with the commissioner, yearly from 2021/22: a growing share of commissioners record
 * them (15% in 2021, 65% by 2026; those that start keep on) for a growing share of their
 * practices, so reviews become more regular over the years.
 */
function itReviews(p: DemoPractice): void {
  for (let year = 2021; year <= 2026; year++) {
    if (!p.sent('it-review', 0.15 + 0.1 * (year - 2021)) || !p.has(`it-review/${year}`, 0.35 + 0.07 * (year - 2021), 0.3)) continue;
    const on = p.day(`it-review/${year}/on`, `${year}-06-01`, `${year + 1}-03-31`);
    const reviewedBy = on && p.commissionerOn(on);
    if (on && reviewedBy) p.add('ItReviewCompleted', `it-review/${p.code}/${on}`, on, { practiceCode: p.code, reviewedBy });
  }
}

/**
 * Personal data breaches at a few percent of practices, one or two each, most reportable: most
 * reported to the ICO within 72 hours, some late, some in a second record of the breach (an
 * update adding the report), a few never reported.
 */
function dataBreaches(p: DemoPractice): void {
  if (!p.has('breach', 0.04, 0.04)) return;
  const count = p.chance('breach/count') < 0.25 ? 2 : 1;
  for (let i = 1; i <= count; i++) {
    const key = `breach/${i}`;
    const day = p.day(`${key}/on`, '2021-06-01', '2026-10-31');
    if (!day) continue;
    const breachId = `DB-${p.code}-${i}`;
    const detectedAt = hoursAfter(day, 8 + 9 * p.chance(`${key}/hour`));
    const base = { breachId, practiceCode: p.code, detectedAt };
    const hours = (name: string, from: number, to: number): number => from + (to - from) * p.chance(`${key}/${name}`);
    const add = (recordId: string, occurredAt: string, data: { reportableToIco: boolean; reportedToIcoAt: string }): boolean => {
      if (!p.isOpenAt(occurredAt)) return false;
      p.add('DataBreachReported', recordId, occurredAt, { ...base, ...data });
      return true;
    };
    if (p.chance(`${key}/reportable`) >= 0.8) {
      add(`breach/${p.code}/${i}`, hoursAfter(detectedAt, hours('recorded', 4, 48)), { reportableToIco: false, reportedToIcoAt: '' });
      continue;
    }
    const u = p.chance(`${key}/timeliness`) - 0.25 * p.propensity;
    if (u < 0.84) {
      // Reported in one record: in time (up to 72 hours) or late (80 to 150 hours).
      const reportedToIcoAt = hoursAfter(detectedAt, u < 0.66 ? hours('delay', 3, 71) : hours('delay', 80, 150));
      add(`breach/${p.code}/${i}`, hoursAfter(reportedToIcoAt, hours('recorded', 1, 6)), { reportableToIco: true, reportedToIcoAt });
      continue;
    }
    // Recorded before the report; an update adds it (in time or late), or none ever does.
    if (!add(`breach/${p.code}/${i}`, hoursAfter(detectedAt, hours('recorded', 2, 20)), { reportableToIco: true, reportedToIcoAt: '' })) continue;
    if (u >= 0.97) continue;
    const reportedToIcoAt = hoursAfter(detectedAt, hours('delay', 24, 140));
    add(`breach/${p.code}/${i}/ico-report`, hoursAfter(reportedToIcoAt, hours('recorded', 1, 8)), { reportableToIco: true, reportedToIcoAt });
  }
}

/** Real products and their real last day of support. */
const UNSUPPORTED = [
  { product: 'Windows 7 Professional', endOfSupport: '2020-01-14' },
  { product: 'Windows Server 2008 R2', endOfSupport: '2020-01-14' },
  { product: 'Microsoft Office 2010', endOfSupport: '2020-10-13' },
  { product: 'Adobe Flash Player', endOfSupport: '2020-12-31' },
  { product: 'Internet Explorer 11', endOfSupport: '2022-06-15' },
  { product: 'Windows 8.1', endOfSupport: '2023-01-10' },
  { product: 'Microsoft Office 2013', endOfSupport: '2023-04-11' },
  { product: 'Windows Server 2012 R2', endOfSupport: '2023-10-10' },
  { product: 'Windows 10 22H2', endOfSupport: '2025-10-14' },
  { product: 'Microsoft Office 2016', endOfSupport: '2025-10-14' },
];

/**
 * Unsupported software on about a tenth of practices' assets, found after its end of support;
 * most remediated later, some still open. Remediation gets likelier and quicker over the years
 * (found in 2021: three in five fixed, within 400 days; found in 2025: nine in ten, within 200).
 */
function unsupportedSoftware(p: DemoPractice): void {
  if (!p.has('software', 0.1, 0.1)) return;
  const count = p.chance('software/count') < 0.3 ? 2 : 1;
  for (let i = 1; i <= count; i++) {
    const key = `software/${i}`;
    const { product, endOfSupport } = UNSUPPORTED[Math.floor(p.chance(`${key}/product`) * UNSUPPORTED.length)]!;
    const firstDay = addDays(endOfSupport, 1);
    const found = p.day(`${key}/found`, firstDay > DEMO_START ? firstDay : DEMO_START, addDays(endOfSupport, 500));
    if (!found) continue;
    const asset = `${p.code}-WS${String(i).padStart(2, '0')}`;
    p.add('UnsupportedSoftwareDetected', `software/${p.code}/${i}/detected`, found, { practiceCode: p.code, asset, product, endOfSupport });
    const years = clamp(Number(found.slice(0, 4)) - 2021, 0, 4);
    if (!p.has(`${key}/remediated`, 0.6 + 0.075 * years, 0.3)) continue;
    const fixed = p.day(`${key}/remediated-on`, addDays(found, 7), addDays(found, 400 - 50 * years));
    if (fixed) p.add('UnsupportedSoftwareRemediated', `software/${p.code}/${i}/remediated`, `${fixed}T17:00:00Z`, { practiceCode: p.code, asset, product });
  }
}

const SEVERITY = [0.05, 0.2, 0.6, 1];

/** A cyber incident at a few percent of practices, most resolved hours or days later. */
function cyberIncidents(p: DemoPractice): void {
  if (!p.has('incident', 0.025, 0.03)) return;
  const day = p.day('incident/on', DEMO_START, '2026-10-31');
  if (!day) return;
  const fact = incident(p.code, 'PRACTICE', `CI-${p.code}-1`, day, (key) => p.chance(`incident/${key}`));
  for (const f of fact) if (p.isOpenAt(f.occurredAt)) p.facts.push(f);
}

/** A report and (most often, not always: some are still open) its resolution; the organisation's stream. */
function incident(code: string, level: 'PRACTICE' | 'COMMISSIONER', incidentId: string, day: string, draw: (key: string) => number): DemoFact[] {
  const severity = SEVERITY.findIndex((s) => draw('severity') < s) + 1;
  const detectedAt = hoursAfter(day, 7 + 10 * draw('hour'));
  // Most reported within the day, some days later (found on a Friday, escalated slowly): time to report varies.
  const reportedAt = hoursAfter(detectedAt, draw('slow') < 0.15 ? 24 + 120 * draw('reported') : 0.25 + 20 * draw('reported'));
  const facts = [
    demoFact(code, 'CyberIncidentReported', `incident/${code}/${incidentId}/reported`, reportedAt, {
      incidentId,
      organisationCode: code,
      organisationLevel: level,
      severity,
      highSeverity: severity <= 2,
      detectedAt,
      reportedTo: severity <= 2 ? 'NHS England CSOC' : 'GP IT delivery partner service desk',
    }),
  ];
  if (draw('resolved') < 0.85) {
    const resolvedAt = hoursAfter(reportedAt, 4 + 236 * draw('resolved-after') ** 2);
    facts.push(
      demoFact(code, 'CyberIncidentResolved', `incident/${code}/${incidentId}/resolved`, resolvedAt, {
        incidentId,
        organisationCode: code,
        organisationLevel: level,
      }),
    );
  }
  return facts;
}

/** Cyber incidents at some commissioners' own systems (about one in eight, two at least, drawn by code), on the days they are open. */
export function commissionerIncidents(directory: OrganisationDirectory, lastDay: string): DemoFact[] {
  const out: DemoFact[] = [];
  const commissioners = directory.all('COMMISSIONER').sort((a, b) => chance(`${a.code}/incident`) - chance(`${b.code}/incident`) || (a.code < b.code ? -1 : 1));
  for (const commissioner of commissioners.slice(0, Math.max(2, Math.round(0.12 * commissioners.length)))) {
    const code = commissioner.code;
    const from = commissioner.openedOn > DEMO_START ? commissioner.openedOn : DEMO_START;
    const closedBefore = commissioner.closedOn ? addDays(commissioner.closedOn, -1) : lastDay;
    const to = closedBefore < lastDay ? closedBefore : lastDay;
    if (from > to) continue;
    const day = dayBetween(`${code}/incident/on`, from, to);
    for (const f of incident(code, 'COMMISSIONER', `CI-${code}-1`, day, (key) => chance(`${code}/incident/${key}`)))
      if (f.occurredAt.slice(0, 10) <= to) out.push(f);
  }
  return out;
}

const CAUSES = [
  'NETWORK_FAILURE',
  'NETWORK_FAILURE',
  'HOST_SYSTEM_FAILURE',
  'POWER_FAILURE',
  'CONFIGURATION_FAULT',
  'PREMISES_DISRUPTION',
  'CYBER_ATTACK',
  'OTHER_CAUSE',
];

/** Losses of access to patient records at a few percent of practices, restored hours later; the BCP activated for most long ones. */
function recordAccess(p: DemoPractice): void {
  if (!p.has('access', 0.03, 0.03)) return;
  const windows = p.chance('access/count') < 0.3 ? [DEMO_START, '2023-12-20', '2024-01-01', '2026-10-31'] : [DEMO_START, '2026-10-31'];
  for (let i = 0; i < windows.length / 2; i++) {
    const key = `access/${i + 1}`;
    const day = p.day(`${key}/on`, windows[2 * i]!, windows[2 * i + 1]!);
    if (!day) continue;
    const lostAt = hoursAfter(day, 8 + 8 * p.chance(`${key}/hour`));
    const hours = 0.5 + 30 * p.chance(`${key}/hours`) ** 2;
    const restoredAt = hoursAfter(lostAt, hours);
    if (!p.isOpenAt(restoredAt)) continue;
    const bcpActivated = p.chance(`${key}/bcp`) < (hours > 4 ? 0.8 : 0.2);
    const cause = CAUSES[Math.floor(p.chance(`${key}/cause`) * CAUSES.length)]!;
    p.add('RecordAccessLost', `record-access/${p.code}/${i + 1}/lost`, lostAt, { practiceCode: p.code, cause, bcpActivated });
    p.add('RecordAccessRestored', `record-access/${p.code}/${i + 1}/restored`, restoredAt, { practiceCode: p.code, bcpActivated });
  }
}

/** Sub-contracted providers' access to the practice's services, agreed by its commissioner of the day. */
function subcontractors(p: DemoPractice): void {
  if (!p.has('subcontractor', 0.03, 0.03)) return;
  const on = p.day('subcontractor/on', '2021-06-01', '2026-10-31');
  const approvedBy = on && p.commissionerOn(on);
  if (!on || !approvedBy) return;
  const services = ['clinical system', 'NHSmail', 'remote access'].filter((_, i) => i === 0 || p.chance(`subcontractor/service/${i}`) < 0.6);
  p.add('SubcontractorAccessApproved', `subcontractor/${p.code}/${on}`, on, {
    practiceCode: p.code,
    provider: p.chance('subcontractor/provider') < 0.5 ? 'Example Extended Access Ltd (synthetic)' : 'Example Out of Hours Service (synthetic)',
    services,
    dataProcessingAgreement: p.chance('subcontractor/dpa') < 0.9,
    approvedBy,
  });
}

const SYSTEMS = ['EMIS Web', 'SystmOne', 'Accurx', 'Docman 10', 'eConsult', 'Klinik', 'Patchs', 'AskMyGP'];

/** Clinical safety assessments (mostly DCB0160, the deploying organisation's) at a few percent of practices. */
function clinicalSafety(p: DemoPractice): void {
  if (!p.has('clinical-safety', 0.04, 0.03)) return;
  const on = p.day('clinical-safety/on', '2021-06-01', '2026-10-31');
  if (!on) return;
  const u = p.chance('clinical-safety/outcome');
  p.add('ClinicalSafetyAssessmentRecorded', `clinical-safety/${p.code}/${on}`, on, {
    practiceCode: p.code,
    system: SYSTEMS[Math.floor(p.chance('clinical-safety/system') * SYSTEMS.length)]!,
    standard: p.chance('clinical-safety/standard') < 0.9 ? 'DCB0160' : 'DCB0129',
    outcome: u < 0.75 ? 'RISK_ACCEPTABLE' : u < 0.97 ? 'RISK_ACCEPTABLE_WITH_MITIGATIONS' : 'RISK_UNACCEPTABLE',
  });
}
