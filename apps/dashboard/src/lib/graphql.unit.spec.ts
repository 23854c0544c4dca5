import { createHash } from 'node:crypto';
import {
  DEFAULT_RETRY_AFTER_MS,
  GraphqlRequestError,
  MAX_RETRY_AFTER_MS,
  RequestQueue,
  classifyError,
  interpretResponse,
  isAbortError,
  operationName,
  persistedQueryBody,
  retryAfterMs,
  sha256Hex,
} from './graphql';

const FIRST = { sentQuery: false, retriedAfterRateLimit: false };
const NOW = Date.parse('2026-12-03T10:00:00Z');

function failure(step: ReturnType<typeof interpretResponse>): GraphqlRequestError {
  if (step.kind !== 'fail') throw new Error(`expected a failure, got ${step.kind}`);
  return step.error;
}

describe('persisted queries', () => {
  it('hashes a query with SHA-256 as lower-case hex, as the platform checks it', async () => {
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const query = '{ me { id role scope scopeName } }';
    expect(await sha256Hex(query)).toBe(createHash('sha256').update(query).digest('hex'));
    expect(await sha256Hex('Ynys Môn – ✓')).toBe(createHash('sha256').update('Ynys Môn – ✓', 'utf8').digest('hex'));
  });

  it('sends the hash alone first, and the text with the hash only when asked', () => {
    expect(JSON.parse(persistedQueryBody('{ me { id } }', { a: 1 }, 'abc', false))).toEqual({
      variables: { a: 1 },
      extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
    });
    expect(JSON.parse(persistedQueryBody('{ me { id } }', {}, 'abc', true))).toEqual({
      query: '{ me { id } }',
      variables: {},
      extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
    });
  });

  it('names the operation when the document does, so a hash-only request can be told apart', () => {
    expect(JSON.parse(persistedQueryBody('query DashboardMe { me { id } }', {}, 'abc', false))).toEqual({
      operationName: 'DashboardMe',
      variables: {},
      extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
    });
    expect(operationName('\n  query DashboardCompliance($level: Level!) { x }')).toBe('DashboardCompliance');
    expect(operationName('{ me { id } }')).toBeNull();
  });

  it('sends the text when the platform does not know the hash, once', () => {
    const notFound = {
      status: 200,
      retryAfter: null,
      body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] },
    };
    expect(interpretResponse(notFound, FIRST, NOW)).toEqual({ kind: 'send-query' });
    expect(failure(interpretResponse(notFound, { ...FIRST, sentQuery: true }, NOW)).message).toMatch(/did not keep the query it was just sent/);
  });
});

describe('what a response means', () => {
  it('gives the data of a good answer', () => {
    expect(interpretResponse({ status: 200, retryAfter: null, body: { data: { me: { id: 'key:1' } } } }, FIRST, NOW)).toEqual({
      kind: 'data',
      data: { me: { id: 'key:1' } },
    });
  });

  it('sends the reader back to sign-in on 401, with the platform reason', () => {
    const error = failure(
      interpretResponse(
        {
          status: 401,
          retryAfter: null,
          body: { errors: [{ message: 'the API key is not valid', extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_API_KEY' } }] },
        },
        FIRST,
        NOW,
      ),
    );
    expect(error).toMatchObject({
      kind: 'unauthenticated',
      message: 'the API key is not valid',
      code: 'UNAUTHENTICATED',
      reason: 'INVALID_API_KEY',
      status: 401,
    });
    expect(failure(interpretResponse({ status: 401, retryAfter: null, body: null }, FIRST, NOW)).kind).toBe('unauthenticated');
  });

  it('keeps the message of an OUT_OF_SCOPE refusal, which names the scope, for the panel to show', () => {
    const message = 'your scope is QWE (NHS Coventry and Warwickshire ICB): incidents ... are visible only for organisations within it';
    const body = { errors: [{ message, extensions: { code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE', scope: 'QWE' } }], data: null };
    expect(failure(interpretResponse({ status: 200, retryAfter: null, body }, FIRST, NOW))).toMatchObject({
      kind: 'out-of-scope',
      message,
      reason: 'OUT_OF_SCOPE',
    });
    const role = { errors: [{ message: 'the submitter role may not do this', extensions: { code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' } }] };
    expect(failure(interpretResponse({ status: 403, retryAfter: null, body: role }, FIRST, NOW)).kind).toBe('forbidden');
  });

  it('treats an answer with errors as failed even with partial data', () => {
    const body = { data: { a: 1, b: null }, errors: [{ message: 'out', extensions: { code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE' } }] };
    expect(failure(interpretResponse({ status: 200, retryAfter: null, body }, FIRST, NOW)).kind).toBe('out-of-scope');
  });

  it('waits out a 429 by its Retry-After and tries once more, then says it was refused twice', () => {
    const limited = { status: 429, retryAfter: '3', body: { errors: [{ message: 'too many operations at once', extensions: { code: 'RATE_LIMITED' } }] } };
    expect(interpretResponse(limited, FIRST, NOW)).toEqual({ kind: 'wait-and-retry', ms: 3000 });
    const twice = failure(interpretResponse(limited, { ...FIRST, retriedAfterRateLimit: true }, NOW));
    expect(twice).toMatchObject({ kind: 'rate-limited', code: 'RATE_LIMITED', status: 429 });
    expect(twice.message).toMatch(/^too many operations at once \(still refused after waiting the Retry-After once/);
  });

  it('waits a second when a 429 gives no usable Retry-After, and never longer than the cap', () => {
    expect(interpretResponse({ status: 429, retryAfter: null, body: null }, FIRST, NOW)).toEqual({ kind: 'wait-and-retry', ms: DEFAULT_RETRY_AFTER_MS });
    expect(interpretResponse({ status: 429, retryAfter: '3600', body: null }, FIRST, NOW)).toEqual({ kind: 'wait-and-retry', ms: MAX_RETRY_AFTER_MS });
  });

  it('names the argument of a BAD_USER_INPUT refusal', () => {
    const body = { errors: [{ message: "'2025-02-30' is not a calendar date", extensions: { code: 'BAD_USER_INPUT', argument: 'asOf' } }] };
    expect(failure(interpretResponse({ status: 400, retryAfter: null, body }, FIRST, NOW))).toMatchObject({
      kind: 'bad-user-input',
      message: "asOf: '2025-02-30' is not a calendar date",
    });
    const named = { errors: [{ message: 'to: 2025-12-01 is before from (2025-12-04)', extensions: { code: 'BAD_USER_INPUT', argument: 'to' } }] };
    expect(failure(interpretResponse({ status: 400, retryAfter: null, body: named }, FIRST, NOW)).message).toBe('to: 2025-12-01 is before from (2025-12-04)');
  });

  it('says what happened when the platform answers without a GraphQL body', () => {
    expect(failure(interpretResponse({ status: 502, retryAfter: null, body: null }, FIRST, NOW))).toMatchObject({
      kind: 'server',
      message: 'the platform answered HTTP 502 without saying why',
    });
    expect(failure(interpretResponse({ status: 200, retryAfter: null, body: {} }, FIRST, NOW)).message).toBe('the platform answered without data or errors');
  });

  it('classifies cost refusals and other codes', () => {
    expect(classifyError(400, [{ message: 'too costly', extensions: { code: 'QUERY_TOO_COSTLY' } }]).kind).toBe('too-costly');
    expect(classifyError(500, [{ message: 'internal', extensions: { code: 'INTERNAL_SERVER_ERROR' } }])).toMatchObject({
      kind: 'server',
      message: 'internal (INTERNAL_SERVER_ERROR)',
    });
  });
});

describe('Retry-After', () => {
  it('reads seconds or an HTTP date, never a negative wait', () => {
    expect(retryAfterMs('2', NOW)).toBe(2000);
    expect(retryAfterMs('Thu, 03 Dec 2026 10:00:05 GMT', NOW)).toBe(5000);
    expect(retryAfterMs('Thu, 03 Dec 2026 09:00:00 GMT', NOW)).toBe(0);
    expect(retryAfterMs('soon', NOW)).toBeNull();
    expect(retryAfterMs(null, NOW)).toBeNull();
  });
});

describe('at most N requests in flight', () => {
  /** A task that runs until released, recording how many ran at once. */
  function gate(): { task: () => Promise<string>; release: (value: string) => void; started: () => boolean } {
    let release: (value: string) => void = () => undefined;
    let started = false;
    const promise = new Promise<string>((resolve) => (release = resolve));
    return {
      task: () => {
        started = true;
        return promise;
      },
      release: (value) => release(value),
      started: () => started,
    };
  }

  it('runs three at once and starts the rest in order as slots free', async () => {
    const queue = new RequestQueue(3);
    const gates = Array.from({ length: 5 }, gate);
    const results = gates.map((g) => queue.run(g.task));
    await Promise.resolve();
    expect(gates.map((g) => g.started())).toEqual([true, true, true, false, false]);
    expect([queue.inFlight, queue.queued]).toEqual([3, 2]);

    gates[1]!.release('b');
    await expect(results[1]).resolves.toBe('b');
    expect(gates.map((g) => g.started())).toEqual([true, true, true, true, false]);
    expect(queue.inFlight).toBe(3);

    for (const [i, g] of gates.entries()) g.release(String(i));
    expect(await Promise.all(results)).toEqual(['0', 'b', '2', '3', '4']);
    expect([queue.inFlight, queue.queued]).toEqual([0, 0]);
  });

  it('frees the slot of a task that fails', async () => {
    const queue = new RequestQueue(1);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('never starts a waiting task whose view has gone', async () => {
    const queue = new RequestQueue(1);
    const first = gate();
    const running = queue.run(first.task);
    const abandoned = new AbortController();
    let ran = false;
    const waiting = queue.run(async () => {
      ran = true;
      return 'late';
    }, abandoned.signal);
    abandoned.abort();
    const error = await waiting.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    first.release('done');
    await running;
    expect(ran).toBe(false);
    expect(queue.queued).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new RequestQueue(0)).toThrow('a request queue needs a limit of at least 1, not 0');
  });
});
