import { givenPractice } from '../testing/decider-spec';
import { fixtureContext } from '../testing/fixture-context';
import { serverDecommissioned, serverRecorded } from '../testing/practice-builders';

const context = fixtureContext();

describe('legacy local clinical servers', () => {
  it('records a server in place, and another beside it', () => {
    givenPractice(context)
      .when(serverRecorded('SRV-1', '2021-03-01'))
      .then([serverRecorded('SRV-1', '2021-03-01')]);
    givenPractice(context, serverRecorded('SRV-1', '2021-03-01'))
      .when(serverRecorded('SRV-2', '2021-03-01'))
      .then([serverRecorded('SRV-2', '2021-03-01')]);
  });

  it('rejects recording a server that is in place', () =>
    givenPractice(context, serverRecorded('SRV-1', '2021-03-01'))
      .when(serverRecorded('SRV-1', '2022-01-10'))
      .thenRejects('SERVER_ALREADY_RECORDED', 'data.server', /already recorded in place at practice A81001 \(since 2021-03-01\)/));

  it('records a decommissioned server again only from the day after its decommissioning', () => {
    const history = [serverRecorded('SRV-1', '2021-03-01'), serverDecommissioned('SRV-1', '2022-08-31')];
    givenPractice(context, ...history)
      .when(serverRecorded('SRV-1', '2022-09-01'))
      .then([serverRecorded('SRV-1', '2022-09-01')]);
    givenPractice(context, ...history)
      .when(serverRecorded('SRV-1', '2022-08-31'))
      .thenRejects('SERVER_ALREADY_RECORDED', 'data.server', /decommissioned on 2022-08-31: it can be recorded again only from the day after/);
    givenPractice(context, ...history)
      .when(serverRecorded('SRV-1', '2021-06-01'))
      .thenRejects('SERVER_ALREADY_RECORDED', 'data.server');
  });

  it('decommissions a server in place, on the day it was recorded or later', () => {
    givenPractice(context, serverRecorded('SRV-1', '2021-03-01'))
      .when(serverDecommissioned('SRV-1', '2022-08-31'))
      .then([serverDecommissioned('SRV-1', '2022-08-31')]);
    givenPractice(context, serverRecorded('SRV-1', '2021-03-01'))
      .when(serverDecommissioned('SRV-1', '2021-03-01'))
      .then([serverDecommissioned('SRV-1', '2021-03-01')]);
  });

  it('rejects decommissioning a server never recorded', () =>
    givenPractice(context, serverRecorded('SRV-1', '2021-03-01'))
      .when(serverDecommissioned('SRV-2', '2022-08-31'))
      .thenRejects('UNKNOWN_SERVER', 'data.server', /no server SRV-2/));

  it('rejects decommissioning a server twice', () =>
    givenPractice(context, serverRecorded('SRV-1', '2021-03-01'), serverDecommissioned('SRV-1', '2022-08-31'))
      .when(serverDecommissioned('SRV-1', '2022-09-30'))
      .thenRejects('SERVER_ALREADY_DECOMMISSIONED', 'data.server', /already decommissioned on 2022-08-31/));

  it('rejects decommissioning a server before it was recorded', () =>
    givenPractice(context, serverRecorded('SRV-1', '2021-03-01'))
      .when(serverDecommissioned('SRV-1', '2021-02-28'))
      .thenRejects('DECOMMISSIONED_BEFORE_RECORDED', 'occurredAt', /a server cannot be decommissioned before it was recorded/));

  it('judges a server by its latest time in place, whatever order its facts reached the stream', () => {
    const history = [serverRecorded('SRV-1', '2021-03-01'), serverDecommissioned('SRV-1', '2022-05-01'), serverRecorded('SRV-1', '2022-06-01')];
    givenPractice(context, ...history)
      .when(serverDecommissioned('SRV-1', '2022-05-15'))
      .thenRejects('DECOMMISSIONED_BEFORE_RECORDED', 'occurredAt', /recorded in place from 2022-06-01/);
    givenPractice(context, ...history)
      .when(serverDecommissioned('SRV-1', '2023-01-31'))
      .then([serverDecommissioned('SRV-1', '2023-01-31')]);
  });

  it('rejects a practice that is unknown, not yet open or closed on the day', () => {
    givenPractice(context)
      .when(serverRecorded('SRV-1', '2021-03-01', 'Z99999'))
      .thenRejects('UNKNOWN_PRACTICE', 'data.practiceCode');
    givenPractice(context)
      .when(serverRecorded('SRV-1', '2023-01-10', 'Y09999'))
      .thenRejects('BEFORE_PRACTICE_OPENED', 'data.practiceCode');
    givenPractice(context, serverRecorded('SRV-1', '2021-03-01', 'B82001'))
      .when(serverDecommissioned('SRV-1', '2025-10-02', 'B82001'))
      .thenRejects('AFTER_PRACTICE_CLOSED', 'data.practiceCode');
  });
});
