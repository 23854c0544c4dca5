import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { bcp } from '../testing/practice-builders';

const context = fixtureContext();

describe('business continuity plan reviews', () => {
  it("records a review by the practice's commissioner", () =>
    givenPractice(context)
      .when(bcp('2022-07-12T10:00:00Z'))
      .then([bcp('2022-07-12T10:00:00Z')]));

  it('checks the commissioner as of the review date (a practice that moved commissioner)', () => {
    givenPractice(context)
      .when(bcp('2022-06-30T10:00:00Z', '01Y', 'C81640'))
      .then([bcp('2022-06-30T10:00:00Z', '01Y', 'C81640')]);
    givenPractice(context)
      .when(bcp('2022-07-12T10:00:00Z', '01Y', 'C81640'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.reviewedBy', /C81640's on 2022-07-12 was 15M, not 01Y/);
  });

  it('rejects a review dated in the future beyond the clock-skew allowance, accepts one within it', () => {
    givenPractice(context)
      .when(bcp('2025-12-15T12:10:00Z'))
      .thenRejects('FACT_IN_FUTURE', 'occurredAt', /is in the future/);
    givenPractice(context)
      .when(bcp('2025-12-15T12:04:00Z'))
      .then([bcp('2025-12-15T12:04:00Z')]);
  });

  it('rejects an unknown practice', () =>
    givenPractice(context)
      .when(bcp('2024-01-01T00:00:00Z', '16C', 'Z99999'))
      .thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode'));

  it('rejects a fact before the practice opened', () =>
    givenPractice(context)
      .when(bcp('2023-01-01T00:00:00Z', '16C', 'Y09999'))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode', /open from 2023-04-01/));

  it('rejects a fact after the practice closed', () =>
    givenPractice(context)
      .when(bcp('2025-10-02T00:00:00Z', '16C', 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode', /closed 2025-10-01/));
});
