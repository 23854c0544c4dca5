import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { deployed, withdrawn } from '../testing/practice-builders';

const context = fixtureContext();

describe('capabilities', () => {
  it('deploys a catalogue capability', () =>
    givenPractice(context)
      .when(deployed('ONLINE_CONSULTATION'))
      .then([deployed('ONLINE_CONSULTATION')]));

  it('rejects a capability code not in the catalogue', () =>
    givenPractice(context)
      .when(deployed('TELEPATHY'))
      .thenRejects('UNKNOWN_CAPABILITY', 'data.capability', /'TELEPATHY' is not in the capability catalogue/));

  it('withdraws a deployed capability', () =>
    givenPractice(context, deployed('ONLINE_CONSULTATION'))
      .when(withdrawn('ONLINE_CONSULTATION'))
      .then([withdrawn('ONLINE_CONSULTATION')]));

  it('rejects withdrawing a capability that is not deployed', () =>
    givenPractice(context).when(withdrawn('VIDEO_CONSULTATION')).thenRejects('CAPABILITY_NOT_DEPLOYED', 'data.capability'));

  it('rejects withdrawing a capability that was already withdrawn', () =>
    givenPractice(context, deployed('VIDEO_CONSULTATION'), withdrawn('VIDEO_CONSULTATION'))
      .when(withdrawn('VIDEO_CONSULTATION', '2025-02-01T00:00:00Z'))
      .thenRejects('CAPABILITY_NOT_DEPLOYED', 'data.capability'));

  it('rejects a withdrawal dated before the deployment', () =>
    givenPractice(context, deployed('REMOTE_ACCESS', '2024-04-01T00:00:00Z'))
      .when(withdrawn('REMOTE_ACCESS', '2024-01-01T00:00:00Z'))
      .thenRejects('CAPABILITY_NOT_DEPLOYED', 'occurredAt'));

  it('rejects withdrawing an unknown capability code', () =>
    givenPractice(context).when(withdrawn('TELEPATHY')).thenRejects('UNKNOWN_CAPABILITY', 'data.capability'));
});
