import type { DecisionContext } from '../context';
import { Rejection } from '../rejection';
import {
  decidePracticeGovernance,
  evolvePracticeGovernance,
  initialPracticeGovernanceState,
  type PracticeGovernanceCommand,
  type PracticeGovernanceEvent,
} from '../practice/practice-stream';

/** Given past events, when a command, then these events or this rejection (Emmett's DeciderSpecification shape). */
export function givenPractice(context: DecisionContext, ...past: PracticeGovernanceEvent[]) {
  const state = past.reduce(evolvePracticeGovernance, initialPracticeGovernanceState);
  return {
    when(command: PracticeGovernanceCommand) {
      const run = (): PracticeGovernanceEvent[] => decidePracticeGovernance(command, state, context);
      return {
        then(expected: PracticeGovernanceEvent[]): void {
          expect(run()).toEqual(expected);
        },
        thenRejects(code: string, path: string, message?: RegExp): void {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(Rejection);
          expect(error).toMatchObject({ code, path });
          if (message) expect((error as Error).message).toMatch(message);
        },
      };
    },
  };
}
