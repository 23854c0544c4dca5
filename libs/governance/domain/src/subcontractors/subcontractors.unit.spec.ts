import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { subcontractor } from '../testing/practice-builders';

const context = fixtureContext();

describe("sub-contracted providers' access", () => {
  it("records an approval by the practice's commissioner", () =>
    givenPractice(context)
      .when(subcontractor('2024-03-01T10:00:00Z'))
      .then([subcontractor('2024-03-01T10:00:00Z')]));

  it('checks the commissioner as of the day it was agreed (a practice that moved commissioner)', () => {
    givenPractice(context)
      .when(subcontractor('2022-06-30T10:00:00Z', '01Y', undefined, 'C81640'))
      .then([subcontractor('2022-06-30T10:00:00Z', '01Y', undefined, 'C81640')]);
    givenPractice(context)
      .when(subcontractor('2022-07-01T10:00:00Z', '01Y', undefined, 'C81640'))
      .thenRejects('NOT_THE_PRACTICE_COMMISSIONER', 'data.approvedBy', /C81640's on 2022-07-01 was 15M, not 01Y/);
  });

  it('rejects a blank service', () => {
    givenPractice(context)
      .when(subcontractor('2024-03-01T10:00:00Z', '16C', ['clinical system', '  ']))
      .thenRejects('INVALID_SERVICE', 'data.services', /data\.services\[1\] is blank/);
    givenPractice(context)
      .when(subcontractor('2024-03-01T10:00:00Z', '16C', ['']))
      .thenRejects('INVALID_SERVICE', 'data.services', /data\.services\[0\] is blank/);
  });

  it('rejects a practice that is unknown, not yet open or closed on the day', () => {
    givenPractice(context)
      .when(subcontractor('2024-03-01T10:00:00Z', '16C', undefined, 'Z99999'))
      .thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode');
    givenPractice(context)
      .when(subcontractor('2023-01-10T10:00:00Z', '16C', undefined, 'Y09999'))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode');
    givenPractice(context)
      .when(subcontractor('2025-10-02T10:00:00Z', '16C', undefined, 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode');
  });
});
