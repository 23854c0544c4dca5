import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { remoteAccess } from '../testing/practice-builders';

const context = fixtureContext();

describe('remote access capacity', () => {
  it.each([59.9, 0, 100, 60])('records a capacity of %p%%', (capacity) =>
    givenPractice(context)
      .when(remoteAccess(capacity))
      .then([remoteAccess(capacity)]),
  );

  it.each([-0.1, 100.1, 250, 'NaN', 'Infinity', '-Infinity'] as const)('rejects a capacity of %p: 0 to 100', (capacity) =>
    givenPractice(context)
      .when(remoteAccess(capacity))
      .thenRejects('CAPACITY_OUT_OF_RANGE', 'data.capacityPercent', /0 to 100/),
  );

  it('rejects a practice that is unknown, not yet open or closed on the day', () => {
    givenPractice(context)
      .when(remoteAccess(80, '2024-05-01T00:00:00Z', 'Z99999'))
      .thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode');
    givenPractice(context)
      .when(remoteAccess(80, '2023-01-10T00:00:00Z', 'Y09999'))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode');
    givenPractice(context)
      .when(remoteAccess(80, '2025-10-02T00:00:00Z', 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode');
  });
});
