import { CAPABILITIES } from './reference-data';
import { MATURITY_INDEXES, maturityIndexVersion, practiceIndex, type InputValue } from './maturity';

const v1 = maturityIndexVersion(1)!;
const v2 = maturityIndexVersion(2)!;

describe('the digital maturity index definitions', () => {
  it('are versions 1 and 2, each naming only enhanced capabilities', () => {
    expect(MATURITY_INDEXES.map((d) => d.version)).toEqual([1, 2]);
    for (const d of MATURITY_INDEXES) {
      for (const input of d.inputs.filter((i) => i.kind === 'ENHANCED_CAPABILITY')) {
        expect(CAPABILITIES.get(input.id)?.provision).toBe('ENHANCED');
      }
    }
  });

  it('v1 gives the twelve rules 80 of the 100 points and the three enhanced capabilities 20', () => {
    const weight = (kind: string) => v1.inputs.filter((i) => i.kind === kind).reduce((s, i) => s + i.weight, 0);
    expect(weight('RULE')).toBe(12);
    expect(weight('ENHANCED_CAPABILITY')).toBe(3);
  });
});

describe('a practice index, by hand', () => {
  // v1 order: 12 rules then 3 capabilities, every weight 1.
  it('v1: 9 of 12 rules known (6 met), 3 capabilities known (2 met): 100 x 8 / 12', () => {
    const values: InputValue[] = [1, 1, 0, null, 1, 1, 0, null, 1, 0, null, 1, 1, 0, 1];
    const { index, coverage, inputsKnown } = practiceIndex(v1, values);
    expect(inputsKnown).toBe(12);
    expect(index).toBeCloseTo((100 * 8) / 12, 10);
    expect(coverage).toBeCloseTo(12 / 15, 10);
  });

  it('v2 weighs the same practice differently, without the 2022 deadline', () => {
    // v2 inputs: AGREEMENT 2, BCP_12M 2, LOCAL_SERVER 1, DSPT 3, DPO 1, CAS 1, REMOTE 2, PATIENT_FACING 3, IT 1, BREACHES 2, UNSUPPORTED 3, caps 2 each.
    expect(v2.inputs.map((i) => i.id)).not.toContain('BCP_REVIEWED_BY_2022_07_31');
    // The v1 values without the second rule (BCP_REVIEWED_BY_2022_07_31).
    const values: InputValue[] = [1, 0, null, 1, 1, 0, null, 1, 0, null, 1, 1, 0, 1];
    const weights = [2, 2, 1, 3, 1, 1, 2, 3, 1, 2, 3, 2, 2, 2];
    const known = weights.filter((_, i) => values[i] !== null).reduce((s, w) => s + w, 0);
    const met = weights.filter((_, i) => values[i] === 1).reduce((s, w) => s + w, 0);
    expect(known).toBe(22);
    expect(met).toBe(16);
    const { index, coverage } = practiceIndex(v2, values);
    expect(index).toBeCloseTo((100 * 16) / 22, 10);
    expect(coverage).toBeCloseTo(22 / 27, 10);
  });

  it('has no index when nothing is known (v1) or less than half the weight is known (v2)', () => {
    expect(practiceIndex(v1, Array<InputValue>(15).fill(null))).toEqual({ index: null, coverage: 0, inputsKnown: 0 });
    expect(practiceIndex(v1, [1, ...Array<InputValue>(14).fill(null)]).index).toBe(100);
    // v2: agreement (2) + DSPT (3) + all three capabilities (6) known = 11 of 27: below half.
    const sparse: InputValue[] = [1, null, null, 1, null, null, null, null, null, null, null, 1, 1, 1];
    expect(practiceIndex(v2, sparse)).toMatchObject({ index: null, inputsKnown: 5 });
  });

  it('refuses values that do not match the definition', () => {
    expect(() => practiceIndex(v1, [1])).toThrow(/15 inputs/);
  });
});
