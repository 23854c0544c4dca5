import { OutOfScopeError, checkScope, type ResolvedScope } from './scope';

/** A tiny hierarchy: ENG > Y01 > QA1 > 00A > P1; ENG > Y02 > QB2 > 00B > P2. */
const UNDER: Record<string, string[]> = { QA1: ['QA1', '00A', 'P1'], Y01: ['Y01', 'QA1', '00A', 'P1'], '00A': ['00A', 'P1'] };
const LEVEL: Record<string, ResolvedScope['level']> = { Y01: 'REGION', QA1: 'ICB', '00A': 'COMMISSIONER' };

function context(scope: string) {
  const looked: string[] = [];
  return {
    looked,
    value: {
      asOf: '2025-03-31',
      scope: async (): Promise<ResolvedScope> => ({ code: scope, name: `${scope} name`, level: LEVEL[scope] ?? null }),
      within: async (code: string) => {
        looked.push(code);
        return (UNDER[scope] ?? []).includes(code);
      },
    },
  };
}

describe('the scope rule', () => {
  it("never looks at the hierarchy for England's scope", async () => {
    const c = context('ENG');
    await checkScope({ scope: 'ENG' }, { kind: 'restricted', parent: 'P2' }, c.value);
    await checkScope({ scope: 'ENG' }, { kind: 'practice', code: 'P2' }, c.value);
    expect(c.looked).toEqual([]);
  });

  it('publishes roll-ups at or above the scope level to everyone, and below it only within the scope', async () => {
    const c = context('QA1');
    await checkScope({ scope: 'QA1' }, { kind: 'rollup', parent: 'ENG', level: 'ICB' }, c.value);
    await checkScope({ scope: 'QA1' }, { kind: 'rollup', parent: 'ENG', level: 'REGION' }, c.value);
    expect(c.looked).toEqual([]);
    await checkScope({ scope: 'QA1' }, { kind: 'rollup', parent: '00A', level: 'PRACTICE' }, c.value);
    await expect(checkScope({ scope: 'QA1' }, { kind: 'rollup', parent: 'QB2', level: 'COMMISSIONER' }, c.value)).rejects.toThrow(
      /^your scope is QA1 \(QA1 name\): figures below the ICB level are visible only for organisations within it on 2025-03-31, and QB2 is not; ask about QA1 or an organisation under it$/,
    );
  });

  it('keeps restricted reads and practices within the scope whatever their level', async () => {
    const c = context('Y01');
    await checkScope({ scope: 'Y01' }, { kind: 'restricted', parent: 'QA1' }, c.value);
    await checkScope({ scope: 'Y01' }, { kind: 'practice', code: 'P1' }, c.value);
    const refused = await checkScope({ scope: 'Y01' }, { kind: 'restricted', parent: 'ENG' }, c.value).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutOfScopeError);
    expect(refused).toMatchObject({ scope: 'Y01', organisation: 'ENG', message: expect.stringMatching(/England as a whole is not/) });
    await expect(checkScope({ scope: 'Y01' }, { kind: 'practice', code: 'P2' }, c.value)).rejects.toMatchObject({
      message: expect.stringMatching(/a practice's state, timeline, outcomes, explanations and index inputs are visible only/),
    });
  });

  it('treats directory entries as roll-ups, and fails closed for a scope the hierarchy does not hold', async () => {
    const c = context('00A');
    await checkScope({ scope: '00A' }, { kind: 'organisation', code: '00B', level: 'COMMISSIONER' }, c.value);
    await expect(checkScope({ scope: '00A' }, { kind: 'organisation', code: 'P2', level: 'PRACTICE' }, c.value)).rejects.toBeInstanceOf(OutOfScopeError);
    const gone = context('ZZZ');
    await expect(checkScope({ scope: 'ZZZ' }, { kind: 'rollup', parent: 'ENG', level: 'NATIONAL' }, gone.value)).rejects.toBeInstanceOf(OutOfScopeError);
  });
});
