import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { cas } from '../testing/practice-builders';

const context = fixtureContext();

describe('CAS registrations', () => {
  it('records one at an open practice', () =>
    givenPractice(context)
      .when(cas('2023-04-01T00:00:00Z'))
      .then([cas('2023-04-01T00:00:00Z')]));

  it('rejects an unknown practice', () =>
    givenPractice(context).when(cas('2023-04-01T00:00:00Z', 'Z99999')).thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode'));

  it('rejects a PCN code for a practice', () =>
    givenPractice(context)
      .when(cas('2023-04-01T00:00:00Z', 'U89141'))
      .thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode', /not a GP practice/));

  it('rejects a fact before the practice opened', () =>
    givenPractice(context)
      .when(cas('2023-03-31T00:00:00Z', 'Y09999'))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode', /open from 2023-04-01/));

  it('rejects a fact after the practice closed', () =>
    givenPractice(context)
      .when(cas('2025-10-01T00:00:00Z', 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode', /closed 2025-10-01/));
});
