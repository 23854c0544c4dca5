import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { dspt } from '../testing/practice-builders';

const context = fixtureContext();

describe('DSPT assessments', () => {
  it("records a practice's status for a financial year, published during or after it", () => {
    givenPractice(context)
      .when(dspt('2022/23', '2023-06-30T00:00:00Z'))
      .then([dspt('2022/23', '2023-06-30T00:00:00Z')]);
    givenPractice(context)
      .when(dspt('2022/23', '2022-04-01T00:00:00Z'))
      .then([dspt('2022/23', '2022-04-01T00:00:00Z')]);
  });

  it('takes the century in its stride: 1999/00', () =>
    givenPractice(context)
      .when(dspt('1999/00', '2000-06-30T00:00:00Z'))
      .then([dspt('1999/00', '2000-06-30T00:00:00Z')]));

  it.each(['2022/24', '22/23', '2022-23', '2022/2023', '2022/3', ' 2022/23', 'FY2022/23'])('rejects %j: a financial year is YYYY/YY', (year) =>
    givenPractice(context)
      .when(dspt(year))
      .thenRejects('INVALID_FINANCIAL_YEAR', 'data.financialYear', /write YYYY\/YY.*e\.g\. 2022\/23/),
  );

  it('rejects a status published before its year begins', () =>
    givenPractice(context)
      .when(dspt('2023/24', '2023-03-31T23:00:00Z'))
      .thenRejects('PUBLISHED_BEFORE_YEAR', 'occurredAt', /a status for 2023\/24 cannot be published before the year begins on 2023-04-01/));

  it('rejects a year that begins before the platform-s earliest date', () =>
    givenPractice(context)
      .when(dspt('1989/90', '1990-06-30T00:00:00Z'))
      .thenRejects('DATE_OUT_OF_RANGE', 'data.financialYear', /begins before 1990-01-01/));

  it('rejects a practice that is unknown, not yet open or closed on the day', () => {
    givenPractice(context)
      .when(dspt('2022/23', '2023-06-30T00:00:00Z', 'Z99999'))
      .thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode');
    givenPractice(context)
      .when(dspt('2022/23', '2023-01-10T00:00:00Z', 'Y09999'))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode');
    givenPractice(context)
      .when(dspt('2025/26', '2025-10-02T00:00:00Z', 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode');
  });
});
