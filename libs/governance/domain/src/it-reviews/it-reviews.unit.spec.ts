import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { itReview } from '../testing/practice-builders';

const context = fixtureContext();

describe('annual IT reviews', () => {
  it("records a review held with the practice's commissioner", () =>
    givenPractice(context)
      .when(itReview('2024-09-12T10:00:00Z'))
      .then([itReview('2024-09-12T10:00:00Z')]));

  it('checks the commissioner as of the review date (a practice that moved commissioner)', () => {
    givenPractice(context)
      .when(itReview('2022-06-30T10:00:00Z', '01Y', 'C81640'))
      .then([itReview('2022-06-30T10:00:00Z', '01Y', 'C81640')]);
    givenPractice(context)
      .when(itReview('2022-07-12T10:00:00Z', '01Y', 'C81640'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.reviewedBy', /C81640's on 2022-07-12 was 15M, not 01Y/);
  });

  it('rejects a review with another commissioner', () =>
    givenPractice(context)
      .when(itReview('2024-09-12T10:00:00Z', '15M'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.reviewedBy', /A81001's on 2024-09-12 was 16C, not 15M/));

  it('rejects a practice that is unknown, not yet open or closed on the day', () => {
    givenPractice(context)
      .when(itReview('2024-09-12T10:00:00Z', '16C', 'Z99999'))
      .thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode');
    givenPractice(context)
      .when(itReview('2023-01-10T10:00:00Z', '16C', 'Y09999'))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode');
    givenPractice(context)
      .when(itReview('2025-10-02T10:00:00Z', '16C', 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode');
  });
});
