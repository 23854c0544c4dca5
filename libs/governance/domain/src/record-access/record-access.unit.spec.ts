import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { accessLost, accessRestored } from '../testing/practice-builders';

const context = fixtureContext();

describe('loss of access to patient records', () => {
  it('records a loss of access and its restoration', () => {
    givenPractice(context)
      .when(accessLost('2025-11-03T10:00:00Z'))
      .then([accessLost('2025-11-03T10:00:00Z')]);
    givenPractice(context, accessLost('2025-11-03T10:00:00Z'))
      .when(accessRestored('2025-11-03T12:00:00Z'))
      .then([accessRestored('2025-11-03T12:00:00Z')]);
    // Restored the moment it was lost (a blip), and lost again after it was restored.
    givenPractice(context, accessLost('2025-11-03T10:00:00Z'))
      .when(accessRestored('2025-11-03T10:00:00Z'))
      .then([accessRestored('2025-11-03T10:00:00Z')]);
    givenPractice(context, accessLost('2025-11-03T10:00:00Z'), accessRestored('2025-11-03T12:00:00Z'))
      .when(accessLost('2025-11-04T10:00:00Z'))
      .then([accessLost('2025-11-04T10:00:00Z')]);
  });

  it('rejects a loss while access is lost, saying since when', () =>
    givenPractice(context, accessLost('2025-11-03T10:00:00Z'))
      .when(accessLost('2025-11-03T11:00:00Z'))
      .thenRejects('ALREADY_LOST', 'occurredAt', /since 2025-11-03T10:00:00Z/));

  it('rejects a loss inside an outage already recorded, its ends included', () => {
    const outage = [accessLost('2025-11-03T10:00:00Z'), accessRestored('2025-11-03T12:00:00Z')];
    for (const at of ['2025-11-03T11:00:00Z', '2025-11-03T10:00:00Z', '2025-11-03T12:00:00Z', '2025-11-03T13:00:00+01:00'])
      givenPractice(context, ...outage)
        .when(accessLost(at))
        .thenRejects('OVERLAPS_OUTAGE', 'occurredAt', /from 2025-11-03T10:00:00Z until 2025-11-03T12:00:00Z/);
  });

  it('rejects a restoration with no loss of access open', () => {
    givenPractice(context)
      .when(accessRestored('2025-11-03T12:00:00Z'))
      .thenRejects('NOT_LOST', 'occurredAt', /nothing to restore/);
    givenPractice(context, accessLost('2025-11-03T10:00:00Z'), accessRestored('2025-11-03T12:00:00Z'))
      .when(accessRestored('2025-11-03T13:00:00Z'))
      .thenRejects('NOT_LOST', 'occurredAt');
  });

  it('rejects a restoration before the loss', () =>
    givenPractice(context, accessLost('2025-11-03T10:00:00Z'))
      .when(accessRestored('2025-11-03T09:59:00Z'))
      .thenRejects('RESTORED_BEFORE_LOST', 'occurredAt', /record access cannot be restored before it was lost/));

  it('takes an earlier outage recorded late, so long as it ends before the later one began', () => {
    const history = [accessLost('2025-11-03T10:00:00Z'), accessRestored('2025-11-03T12:00:00Z')];
    givenPractice(context, ...history)
      .when(accessLost('2025-11-03T08:00:00Z'))
      .then([accessLost('2025-11-03T08:00:00Z')]);
    givenPractice(context, ...history, accessLost('2025-11-03T08:00:00Z'))
      .when(accessRestored('2025-11-03T09:00:00Z'))
      .then([accessRestored('2025-11-03T09:00:00Z')]);
    givenPractice(context, ...history, accessLost('2025-11-03T08:00:00Z'))
      .when(accessRestored('2025-11-03T11:00:00Z'))
      .thenRejects('OVERLAPS_OUTAGE', 'occurredAt', /lost access again at 2025-11-03T10:00:00Z/);
    // Both outages are known, whichever order they reached the stream.
    const both = [...history, accessLost('2025-11-03T08:00:00Z'), accessRestored('2025-11-03T09:00:00Z')];
    givenPractice(context, ...both)
      .when(accessLost('2025-11-03T08:30:00Z'))
      .thenRejects('OVERLAPS_OUTAGE', 'occurredAt', /from 2025-11-03T08:00:00Z/);
    givenPractice(context, ...both)
      .when(accessLost('2025-11-03T11:00:00Z'))
      .thenRejects('OVERLAPS_OUTAGE', 'occurredAt', /from 2025-11-03T10:00:00Z/);
    givenPractice(context, ...both)
      .when(accessLost('2025-11-03T09:30:00Z'))
      .then([accessLost('2025-11-03T09:30:00Z')]);
  });

  it('rejects a practice that is unknown, not yet open or closed on the day', () => {
    givenPractice(context).when(accessLost('2025-11-03T10:00:00Z', 'Z99999')).thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode');
    givenPractice(context).when(accessLost('2023-01-10T10:00:00Z', 'Y09999')).thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode');
    givenPractice(context, accessLost('2025-09-30T10:00:00Z', 'B82001'))
      .when(accessRestored('2025-10-01T10:00:00Z', 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode');
  });
});
