import { duration, explain, longDate, type Evaluated } from './explain';
import { COMPLIANCE_RULES, type Outcome, type RuleId } from './rules';

const rule = (id: RuleId) => COMPLIANCE_RULES.rules.find((r) => r.id === id)!;
const at: { asOf: string; knownAt: string | null } = { asOf: '2024-06-01', knownAt: null };
const say = (id: RuleId, outcome: Outcome, values: Record<string, string> = {}, context = at) => explain(rule(id), { outcome, values } as Evaluated, context);

describe('explanations an analyst can read', () => {
  it('says what is unknown, as known when', () => {
    expect(say('DPO_DESIGNATED', 'UNKNOWN')).toBe('no Data Protection Officer designation on or before 2024-06-01 is known: the rule cannot be judged');
    expect(say('CAS_REGISTERED', 'UNKNOWN', {}, { asOf: '2024-06-01', knownAt: '2024-06-02T09:00:00Z' })).toBe(
      'no CAS registration recorded on or before 2024-06-01 is known (as known at 2024-06-02T09:00:00Z): the rule cannot be judged',
    );
    for (const r of COMPLIANCE_RULES.rules) expect(say(r.id, 'UNKNOWN')).toMatch(/^no .* on or before 2024-06-01 is known: the rule cannot be judged/);
  });

  it('words the BCP deadline with its date, and the first review compared with it', () => {
    const first = { reviews: '2', first_on: '2022-08-03', first_by: '16C', first_outcome: 'APPROVED' };
    expect(say('BCP_REVIEWED_BY_2022_07_31', 'NON_COMPLIANT', first)).toBe('BCP first reviewed 2022-08-03 by 16C (APPROVED): after the 31 July 2022 deadline');
    expect(say('BCP_REVIEWED_BY_2022_07_31', 'COMPLIANT', { ...first, first_on: '2022-07-31' })).toBe(
      'BCP first reviewed 2022-07-31 by 16C (APPROVED): on or before the 31 July 2022 deadline',
    );
    expect(say('BCP_REVIEWED_BY_2022_07_31', 'UNKNOWN', {}, { asOf: '2022-07-01', knownAt: null })).toMatch(/; the deadline is 31 July 2022$/);
  });

  it('words the 12-month reviews with the first day that still counts', () => {
    const latest = { reviews: '3', latest_on: '2023-06-01', latest_by: '16C', latest_outcome: 'CHANGES_REQUIRED', since: '2023-06-01' };
    expect(say('BCP_REVIEWED_LAST_12_MONTHS', 'COMPLIANT', latest)).toBe(
      'BCP last reviewed 2023-06-01 by 16C (CHANGES_REQUIRED): within 12 months of 2024-06-01 (on or after 2023-06-01)',
    );
    expect(say('IT_REVIEW_LAST_12_MONTHS', 'NON_COMPLIANT', { latest_on: '2023-05-31', latest_by: '16C', since: '2023-06-01' })).toBe(
      'IT review last held 2023-05-31 with 16C: more than 12 months before 2024-06-01 (before 2023-06-01)',
    );
  });

  it('words agreements: in force, not yet started, ended, terminated', () => {
    const agreement = { agreements: '1', agreement_id: 'AG1', commissioner: '16C', term_start: '2021-04-01', last_day: '2024-03-31', terminated: '0' };
    expect(say('AGREEMENT_IN_FORCE', 'COMPLIANT', { ...agreement, last_day: '2027-03-31' })).toBe(
      'agreement AG1 with 16C is in force from 2021-04-01 to 2027-03-31',
    );
    expect(say('AGREEMENT_IN_FORCE', 'NON_COMPLIANT', agreement)).toBe('no agreement in force on 2024-06-01: agreement AG1 with 16C ended on 2024-03-31');
    expect(say('AGREEMENT_IN_FORCE', 'NON_COMPLIANT', { ...agreement, terminated: '1', agreements: '2' })).toBe(
      'no agreement in force on 2024-06-01: agreement AG1 with 16C was terminated, its last day 2024-03-31 (none of the 2 agreements signed by then covers it)',
    );
    expect(say('AGREEMENT_IN_FORCE', 'NON_COMPLIANT', { ...agreement, term_start: '2024-07-01' })).toBe(
      'no agreement in force on 2024-06-01: agreement AG1 with 16C starts on 2024-07-01',
    );
  });

  it('words servers before and after the 31 August 2022 deadline', () => {
    const server = { servers: '2', in_place: '1', offending: '2', server: 'SRV-1', recorded_on: '2021-05-01', decommissioned_on: '' };
    expect(say('NO_LOCAL_CLINICAL_SERVER', 'NON_COMPLIANT', server)).toBe(
      'local clinical server SRV-1 (recorded 2021-05-01) is still in place on 2024-06-01, after the 31 August 2022 deadline (and 1 other server)',
    );
    expect(say('NO_LOCAL_CLINICAL_SERVER', 'NON_COMPLIANT', { ...server, offending: '1', decommissioned_on: '2022-09-01' })).toBe(
      'local clinical server SRV-1 (recorded 2021-05-01, decommissioned 2022-09-01) was in place after the 31 August 2022 deadline',
    );
    expect(say('NO_LOCAL_CLINICAL_SERVER', 'COMPLIANT', { ...server, offending: '0' }, { asOf: '2022-05-01', knownAt: null })).toBe(
      'local clinical server SRV-1 (recorded 2021-05-01) is in place on 2022-05-01; local clinical servers are to be replaced by 31 August 2022',
    );
  });

  it('words DSPT, DPO, CAS, remote access, capabilities and software', () => {
    expect(say('DSPT_STANDARDS_MET', 'NON_COMPLIANT', { financial_year: '2023/24', published_on: '2024-06-30', status: 'APPROACHING_STANDARDS' })).toBe(
      'DSPT 2023/24 published 2024-06-30: APPROACHING_STANDARDS, not STANDARDS_MET or STANDARDS_EXCEEDED',
    );
    expect(say('DPO_DESIGNATED', 'COMPLIANT', { designated_on: '2021-05-25', provision: 'COMMISSIONER_PROVIDED' })).toBe(
      'Data Protection Officer designated 2021-05-25 (COMMISSIONER_PROVIDED)',
    );
    expect(say('CAS_REGISTERED', 'NON_COMPLIANT', { email: '1', mobile: '0', recorded_on: '2022-03-01' })).toBe(
      'registered for CAS email alerts only (recorded 2022-03-01): no mobile phone text alerts',
    );
    expect(say('CAS_REGISTERED', 'NON_COMPLIANT', { email: '0', mobile: '0', recorded_on: '2022-03-01' })).toBe(
      'not registered for CAS alerts (recorded 2022-03-01)',
    );
    expect(say('REMOTE_ACCESS_60_PERCENT', 'COMPLIANT', { solution: 'VDI', capacity_percent: '60', assessed_on: '2024-02-01' })).toBe(
      'remote access (VDI) assessed 2024-02-01 at 60% of normal capacity: at least 60%',
    );
    expect(say('PATIENT_FACING_ALL_EIGHT', 'NON_COMPLIANT', { deployed: 'RECORD_VIEW', missing: 'RECORD_UPDATE,VIDEO_CONSULTATION' })).toBe(
      '2 of the 8 patient-facing capabilities not deployed on 2024-06-01: RECORD_UPDATE, VIDEO_CONSULTATION',
    );
    expect(
      say('NO_UNSUPPORTED_SOFTWARE', 'NON_COMPLIANT', {
        findings: '2',
        open: '2',
        asset: 'WS-12',
        product: 'Windows 7',
        detected_on: '2021-03-01',
        end_of_support: '2020-01-14',
      }),
    ).toBe('Windows 7 on WS-12, unsupported after 2020-01-14 and found 2021-03-01, is not remediated by 2024-06-01 (and 1 other finding)');
  });

  it('words breaches with the time they took to reach the ICO', () => {
    const breach = { breaches: '3', reportable: '2', late: '1', breach_id: 'B-7', detected_at: '2024-03-01 10:00:00.000', reported_at: '', seconds: '309600' };
    expect(say('BREACHES_REPORTED_WITHIN_72H', 'NON_COMPLIANT', breach)).toBe(
      'breach B-7 detected 2024-03-01 10:00 UTC had not reached the ICO by the end of 2024-06-01, 86h after detection: more than 72 hours',
    );
    expect(say('BREACHES_REPORTED_WITHIN_72H', 'COMPLIANT', { ...breach, late: '0' })).toBe(
      'all 2 reportable breaches reached the ICO within 72 hours of detection (of 3 breaches)',
    );
    expect(say('BREACHES_REPORTED_WITHIN_72H', 'COMPLIANT', { ...breach, breaches: '1', reportable: '0', late: '0' })).toBe(
      '1 data breach recorded, none reportable to the ICO',
    );
  });

  it('formats dates and durations', () => {
    expect(longDate('2022-07-31')).toBe('31 July 2022');
    expect([duration(72 * 3600), duration(71 * 3600 + 59 * 60), duration(72 * 3600 + 60), duration(72 * 3600 + 30)]).toEqual([
      '72h',
      '71h59m',
      '72h01m',
      '72h00m30s',
    ]);
  });
});
