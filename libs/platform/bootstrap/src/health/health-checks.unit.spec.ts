import { checkHealth, probeHealth, withTimeout } from './health-checks';

describe('checkHealth', () => {
  it('is 200 and ok when every check is up, with the facts about the process before the checks', async () => {
    const answer = await checkHealth({ checks: { eventStore: () => ({ status: 'up', head: 3 }) }, about: () => ({ version: '1.0.0' }) });
    expect(answer.httpStatus).toBe(200);
    expect(answer.body).toEqual({
      status: 'ok',
      live: true,
      ready: true,
      notReady: [],
      degraded: [],
      version: '1.0.0',
      checks: { eventStore: { status: 'up', head: 3 } },
    });
    expect(Object.keys(answer.body)).toEqual(['status', 'live', 'ready', 'notReady', 'degraded', 'version', 'checks']);
  });

  it('is 503 and not-ready naming the checks that are down, in their order', async () => {
    const answer = await checkHealth({
      checks: { a: async () => ({ status: 'down', error: 'gone' }), b: () => ({ status: 'up' }), c: () => ({ status: 'down' }) },
    });
    expect(answer.httpStatus).toBe(503);
    expect(answer.body).toEqual({
      status: 'not-ready',
      live: true,
      ready: false,
      notReady: ['a', 'c'],
      degraded: [],
      checks: { a: { status: 'down', error: 'gone' }, b: { status: 'up' }, c: { status: 'down' } },
    });
  });

  it('stays 200 and ready, degraded, when only checks that leave the process serving are down', async () => {
    const kafkaDown = async () => ({ status: 'down' as const, error: 'broker unreachable' });
    const answer = await checkHealth({ checks: { eventStore: () => ({ status: 'up' }), kafkaRelay: kafkaDown }, degradedOnly: ['kafkaRelay'] });
    expect(answer.httpStatus).toBe(200);
    expect(answer.body).toMatchObject({ status: 'degraded', ready: true, notReady: [], degraded: ['kafkaRelay'] });
    // Another check down as well: not ready, and the degraded one still named.
    const both = await checkHealth({ checks: { eventStore: () => ({ status: 'down' }), kafkaRelay: kafkaDown }, degradedOnly: ['kafkaRelay'] });
    expect(both.httpStatus).toBe(503);
    expect(both.body).toMatchObject({ status: 'not-ready', ready: false, notReady: ['eventStore'], degraded: ['kafkaRelay'] });
  });
});

describe('probeHealth', () => {
  it('is up with what the answer says and the details, or down with the error and the details', async () => {
    expect(await probeHealth(async () => 7, { details: { engine: 'pglite' }, up: (head) => ({ head }) })()).toEqual({
      status: 'up',
      engine: 'pglite',
      head: 7,
    });
    expect(await probeHealth(async () => 7)()).toEqual({ status: 'up' });
    expect(await probeHealth(() => Promise.reject(new Error('no database')), { details: { engine: 'postgres' } })()).toEqual({
      status: 'down',
      engine: 'postgres',
      error: 'no database',
    });
  });

  it('is down when the probe does not answer in time', async () => {
    expect(await probeHealth(() => new Promise(() => undefined), { timeoutMs: 10 })()).toEqual({ status: 'down', error: 'no answer within 10 ms' });
  });
});

describe('withTimeout', () => {
  it('answers what the promise does, or rejects after the time', async () => {
    await expect(withTimeout(Promise.resolve(1), 50)).resolves.toBe(1);
    await expect(withTimeout(new Promise(() => undefined), 10)).rejects.toThrow('no answer within 10 ms');
  });
});
