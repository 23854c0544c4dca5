import { countDifferences, differenceNote, headlineFigures, type HeadlineFigures } from './headline';

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
