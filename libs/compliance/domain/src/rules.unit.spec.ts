import { CAPABILITIES, patientFacingCapabilities } from '@gpds/shared-reference-data';
import { COMPLIANCE_RULES, RULE_IDS, allRulesOutcome, parameter, selectRules } from './rules';

describe('the compliance rule catalogue', () => {
  it('defines each of the twelve rules of DOMAIN.md once, in order, with a version', () => {
    expect(COMPLIANCE_RULES.version).toBe(1);
    expect(COMPLIANCE_RULES.rules.map((r) => r.id)).toEqual([...RULE_IDS]);
  });

  it('names the parameters DOMAIN.md gives: 31 July 2022, 31 August 2022, 72 hours, 60%, 12 months, the eight patient-facing capabilities', () => {
    const rule = (id: string) => COMPLIANCE_RULES.rules.find((r) => r.id === id)!;
    expect(parameter(rule('BCP_REVIEWED_BY_2022_07_31'), 'deadline')).toBe('2022-07-31');
    expect(parameter(rule('NO_LOCAL_CLINICAL_SERVER'), 'deadline')).toBe('2022-08-31');
    expect(parameter(rule('BREACHES_REPORTED_WITHIN_72H'), 'hours')).toBe(72);
    expect(parameter(rule('REMOTE_ACCESS_60_PERCENT'), 'minimumPercent')).toBe(60);
    expect(parameter(rule('BCP_REVIEWED_LAST_12_MONTHS'), 'months')).toBe(12);
    expect(parameter(rule('IT_REVIEW_LAST_12_MONTHS'), 'months')).toBe(12);
    // The eight are the capability catalogue's patient-facing group, no more, no fewer.
    expect([...parameter<readonly string[]>(rule('PATIENT_FACING_ALL_EIGHT'), 'capabilities')].sort()).toEqual(patientFacingCapabilities().sort());
    expect(patientFacingCapabilities()).toHaveLength(8);
    for (const code of parameter<readonly string[]>(rule('PATIENT_FACING_ALL_EIGHT'), 'capabilities')) expect(CAPABILITIES.has(code)).toBe(true);
    expect(() => parameter(rule('DPO_DESIGNATED'), 'deadline')).toThrow(/has no parameter 'deadline'/);
  });

  it('reads only event types of the catalogue, each rule at least one', () => {
    for (const rule of COMPLIANCE_RULES.rules) expect(rule.reads.length).toBeGreaterThan(0);
    expect(COMPLIANCE_RULES.rules.find((r) => r.id === 'BREACHES_REPORTED_WITHIN_72H')!.reads).toEqual(['DataBreachReported']);
  });

  it('selects the rules asked for in catalogue order, all by default, and names the unknown ones', () => {
    expect(selectRules(null)).toEqual({ rules: COMPLIANCE_RULES.rules });
    expect(selectRules(['DPO_DESIGNATED', 'AGREEMENT_IN_FORCE'])).toEqual({ rules: [COMPLIANCE_RULES.rules[0], COMPLIANCE_RULES.rules[5]] });
    expect(selectRules(['DPO_DESIGNATED', 'BCP', 'BCP'])).toEqual({ unknown: ['BCP'] });
  });

  it("combines a practice's outcomes: any non-compliant is non-compliant, all compliant is compliant, else unknown", () => {
    expect(allRulesOutcome(['COMPLIANT', 'UNKNOWN', 'NON_COMPLIANT'])).toBe('NON_COMPLIANT');
    expect(allRulesOutcome(['COMPLIANT', 'COMPLIANT'])).toBe('COMPLIANT');
    expect(allRulesOutcome(['COMPLIANT', 'UNKNOWN'])).toBe('UNKNOWN');
    expect(allRulesOutcome([])).toBe('UNKNOWN');
  });
});
