import {
  EVERY_RULE,
  NOTE_LINES,
  capped,
  countDifferences,
  differenceNote,
  differencesByOrganisation,
  differencesByRule,
  headlineFigures,
  moreLine,
  organisationDifferenceLine,
  ruleDifferenceLine,
  type HeadlineFigures,
} from './headline';

const today: HeadlineFigures = {
  allRules: { compliant: 10, nonCompliant: 80, unknown: 10, evaluated: 100 },
  rules: [
    { rule: { id: 'AGREEMENT_IN_FORCE' }, compliant: 90, nonCompliant: 8, unknown: 2, evaluated: 100 },
    { rule: { id: 'DSPT_STANDARDS_MET' }, compliant: 70, nonCompliant: 20, unknown: 10, evaluated: 100 },
  ],
};

describe('what time travel says about the headline figure', () => {
  it('names every figure: all rules at once and each rule, four counts each', () => {
    expect([...headlineFigures(today).keys()]).toEqual([
      'all.compliant',
      'all.nonCompliant',
      'all.unknown',
      'all.evaluated',
      'AGREEMENT_IN_FORCE.compliant',
      'AGREEMENT_IN_FORCE.nonCompliant',
      'AGREEMENT_IN_FORCE.unknown',
      'AGREEMENT_IN_FORCE.evaluated',
      'DSPT_STANDARDS_MET.compliant',
      'DSPT_STANDARDS_MET.nonCompliant',
      'DSPT_STANDARDS_MET.unknown',
      'DSPT_STANDARDS_MET.evaluated',
    ]);
  });

  it('finds nothing different when the answers agree', () => {
    expect(countDifferences(today, structuredClone(today))).toEqual({ compared: 12, differing: 0 });
  });

  it('counts each figure that moved once late data arrived', () => {
    const then: HeadlineFigures = {
      allRules: { ...today.allRules, compliant: 12, unknown: 8 },
      rules: [today.rules[0]!, { ...today.rules[1]!, compliant: 60, unknown: 20 }],
    };
    expect(countDifferences(then, today)).toEqual({ compared: 12, differing: 4 });
  });

  it('counts every figure as different when nothing was known then', () => {
    expect(countDifferences(null, today)).toEqual({ compared: 12, differing: 12 });
    expect(countDifferences(null, null)).toEqual({ compared: 0, differing: 0 });
  });

  it('counts a rule asked about only on one side', () => {
    const then: HeadlineFigures = { allRules: today.allRules, rules: [today.rules[0]!] };
    expect(countDifferences(then, today)).toEqual({ compared: 12, differing: 4 });
  });

  it('says how many, in words', () => {
    expect(differenceNote(0)).toBe('These figures are the same as what is known today.');
    expect(differenceNote(1)).toBe('1 figure differs from what is known today.');
    expect(differenceNote(1204)).toBe('1,204 figures differ from what is known today.');
  });
});

describe('what the time-travel note names', () => {
  const org = (code: string, name: string) => ({ code, name });
  const row = (code: string, name: string, figures: HeadlineFigures) => ({ organisation: org(code, name), ...figures });
  const moved: HeadlineFigures = {
    allRules: { ...today.allRules, compliant: 12, unknown: 8 },
    rules: [today.rules[0]!, { ...today.rules[1]!, compliant: 60, nonCompliant: 20, unknown: 20 }],
  };

  it('names the rules whose figures differ, every rule at once first, then in the catalogue order, with how many of their four', () => {
    expect(differencesByRule(moved, today)).toEqual([
      { rule: EVERY_RULE, differing: 2 },
      { rule: 'DSPT_STANDARDS_MET', differing: 2 },
    ]);
    expect(differencesByRule(today, structuredClone(today))).toEqual([]);
    // Nothing known then: every figure of every rule differs.
    expect(differencesByRule(null, today).map((d) => [d.rule, d.differing])).toEqual([
      [EVERY_RULE, 4],
      ['AGREEMENT_IN_FORCE', 4],
      ['DSPT_STANDARDS_MET', 4],
    ]);
  });

  it('names the organisations one level down whose figures differ, most first, then by name; one on one side only differs in every figure', () => {
    const then = [row('Y56', 'London', today), row('Y59', 'South East', moved), row('Y60', 'Midlands', moved)];
    const now = [row('Y56', 'London', today), row('Y59', 'South East', today), row('Y60', 'Midlands', today), row('Y61', 'North West', today)];
    expect(differencesByOrganisation(then, now).map((d) => [d.organisation.code, d.differing])).toEqual([
      ['Y61', 12],
      ['Y60', 4],
      ['Y59', 4],
    ]);
    expect(differencesByOrganisation(now, structuredClone(now))).toEqual([]);
  });

  it('says each in a short line, capped, with how many were left out', () => {
    expect(ruleDifferenceLine({ rule: 'BCP_REVIEWED', differing: 3 }, 'Business continuity plan reviewed', '15A')).toBe(
      'Business continuity plan reviewed: 3 figures differ for 15A',
    );
    expect(ruleDifferenceLine({ rule: EVERY_RULE, differing: 1 }, 'Every rule at once', '15A')).toBe('Every rule at once: 1 figure differs for 15A');
    expect(organisationDifferenceLine({ organisation: org('U12345', 'Oxford PCN'), differing: 1204 })).toBe('Oxford PCN (U12345): 1,204 figures differ');
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(capped(items)).toEqual({ shown: ['a', 'b', 'c', 'd', 'e'], more: 2 });
    expect(capped(items, NOTE_LINES + 10)).toEqual({ shown: items, more: 0 });
    expect(moreLine(2, 'rule', 'rules')).toBe('and 2 more rules');
    expect(moreLine(1, 'organisation', 'organisations')).toBe('and 1 more organisation');
    expect(moreLine(0, 'rule', 'rules')).toBeNull();
  });
});
