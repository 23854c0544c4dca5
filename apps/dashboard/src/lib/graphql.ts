/**
 * The dashboard's GraphQL client: POST /graphql with automatic persisted queries, a bearer
 * credential, at most three requests in flight, and errors that say what happened.
 *
 * - Persisted queries (docs/graphql.md): each request first sends only the SHA-256 of its text;
 *   the text goes once, when the platform answers PERSISTED_QUERY_NOT_FOUND (after a restart).
 * - The platform lets a principal run RATE_LIMIT_CONCURRENT_OPERATIONS (4) operations at once and
 *   sheds the rest with 429 (docs/security.md): the queue keeps three in flight, one to spare.
 * - 429 RATE_LIMITED: wait the Retry-After the platform gives, then try once more.
 *
 * The decisions (what a response means, what to send) are pure functions, unit-tested; the
 * class around them only sends and waits.
 */

/** What went wrong, as the page must react to it. */
export type GraphqlErrorKind =
  /** No credential, or one the platform refused (401): back to sign-in, saying why. */
  | 'unauthenticated'
  /** The principal may not do this (403), e.g. a submitter's key. */
  | 'forbidden'
  /** Outside the principal's scope (403 OUT_OF_SCOPE): the message names the scope; shown in the panel. */
  | 'out-of-scope'
  /** Still refused after waiting the Retry-After once. */
  | 'rate-limited'
  /** An argument the API cannot answer (400), e.g. a date before records begin. */
  | 'bad-user-input'
  /** Over the query cost or ClickHouse query limits. */
  | 'too-costly'
  /** The platform could not be reached. */
  | 'network'
  /** Anything else the platform answered with. */
  | 'server';

export class GraphqlRequestError extends Error {
  constructor(
    readonly kind: GraphqlErrorKind,
    message: string,
    /** extensions.code, when the platform gave one. */
    readonly code: string | null = null,
    /** extensions.reason (e.g. OUT_OF_SCOPE, INVALID_API_KEY), when given. */
    readonly reason: string | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'GraphqlRequestError';
  }
}

/** A response as the client reads it: the status, the Retry-After header and the parsed JSON body (null when it was not JSON). */
export interface RawResponse {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: unknown;
}

/** What has been tried for one operation so far. */
export interface Attempt {
  /** The query text was sent (not only its hash). */
  readonly sentQuery: boolean;
  /** A 429 has already been waited out once. */
  readonly retriedAfterRateLimit: boolean;
}

export type NextStep<T> =
  | { readonly kind: 'data'; readonly data: T }
  | { readonly kind: 'send-query' }
  | { readonly kind: 'wait-and-retry'; readonly ms: number }
  | { readonly kind: 'fail'; readonly error: GraphqlRequestError };

interface WireError {
  readonly message?: unknown;
  readonly extensions?: { readonly code?: unknown; readonly reason?: unknown; readonly argument?: unknown } | null;
}

/** Waited when a 429 carries no usable Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Longest wait before the one retry: past it, the panel says so instead of hanging. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** The SHA-256 of a text as lower-case hex (the persisted-query hash), by Web Crypto. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The name of a document's first operation ("query DashboardMe { ... }" -> "DashboardMe"), or null when it has none. */
export function operationName(query: string): string | null {
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1] ?? null;
}

/**
 * The JSON body of a persisted-query request: the hash always, the text only when asked for, and
 * the operation's name (so a request can be told apart in the browser's network panel and in logs
 * before its text is known).
 */
export function persistedQueryBody(query: string, variables: Readonly<Record<string, unknown>>, sha256Hash: string, withQuery: boolean): string {
  const name = operationName(query);
  return JSON.stringify({
    ...(name ? { operationName: name } : {}),
    ...(withQuery ? { query } : {}),
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash } },
  });
}

/** Retry-After in milliseconds: seconds ("3") or an HTTP date; null when absent or unreadable. Never negative. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function wireErrors(body: unknown): WireError[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  return Array.isArray(errors) ? (errors.filter((e) => typeof e === 'object' && e !== null) as WireError[]) : [];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The error a failed answer stands for, by its first error's code (and the HTTP status when there is none). */
export function classifyError(status: number, errors: readonly WireError[]): GraphqlRequestError {
  const first = errors[0];
  const code = text(first?.extensions?.code);
  const reason = text(first?.extensions?.reason);
  const message = text(first?.message) ?? (status >= 400 ? `the platform answered HTTP ${status} without saying why` : 'the platform answered without data');
  if (status === 401 || code === 'UNAUTHENTICATED') return new GraphqlRequestError('unauthenticated', message, code, reason, status);
  if (code === 'FORBIDDEN' && reason === 'OUT_OF_SCOPE') return new GraphqlRequestError('out-of-scope', message, code, reason, status);
  if (status === 403 || code === 'FORBIDDEN') return new GraphqlRequestError('forbidden', message, code, reason, status);
  if (status === 429 || code === 'RATE_LIMITED') return new GraphqlRequestError('rate-limited', message, code ?? 'RATE_LIMITED', reason, status);
  if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED') {
    const argument = text(first?.extensions?.argument);
    const named = argument && !message.startsWith(`${argument}:`) ? `${argument}: ${message}` : message;
    return new GraphqlRequestError('bad-user-input', named, code, reason, status);
  }
  if (code === 'QUERY_TOO_COSTLY') return new GraphqlRequestError('too-costly', message, code, reason, status);
  return new GraphqlRequestError('server', code ? `${message} (${code})` : message, code, reason, status);
}

/**
 * What to do with a response: use its data, send the query text (the platform does not know the
 * hash), wait and retry once (429), or fail with an error that says why.
 */
export function interpretResponse<T>(response: RawResponse, attempt: Attempt, now: number): NextStep<T> {
  const errors = wireErrors(response.body);
  if (errors.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND')) {
    if (!attempt.sentQuery) return { kind: 'send-query' };
    return {
      kind: 'fail',
      error: new GraphqlRequestError(
        'server',
        'the platform did not keep the query it was just sent (PERSISTED_QUERY_NOT_FOUND twice)',
        'PERSISTED_QUERY_NOT_FOUND',
      ),
    };
  }
  const rateLimited = response.status === 429 || errors.some((e) => e.extensions?.code === 'RATE_LIMITED');
  if (rateLimited && !attempt.retriedAfterRateLimit) {
    const ms = retryAfterMs(response.retryAfter, now) ?? DEFAULT_RETRY_AFTER_MS;
    return { kind: 'wait-and-retry', ms: Math.min(ms, MAX_RETRY_AFTER_MS) };
  }
  if (errors.length > 0 || response.status >= 400) {
    const error = classifyError(response.status, errors);
    if (error.kind === 'rate-limited') {
      return {
        kind: 'fail',
        error: new GraphqlRequestError(
          'rate-limited',
          `${error.message} (still refused after waiting the Retry-After once: wait a minute, then reload)`,
          error.code,
          error.reason,
          error.status,
        ),
      };
    }
    return { kind: 'fail', error };
  }
  const data = typeof response.body === 'object' && response.body !== null ? (response.body as { data?: unknown }).data : undefined;
  if (data === undefined || data === null) return { kind: 'fail', error: new GraphqlRequestError('server', 'the platform answered without data or errors') };
  return { kind: 'data', data: data as T };
}

/** Runs at most `limit` tasks at once, the rest in the order they came. */
export class RequestQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a request queue needs a limit of at least 1, not ${limit}`);
  }

  /** Tasks running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs the task when a slot is free; a task whose signal is aborted while it waits never starts. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.slot(signal);
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private slot(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const start = (): void => {
        signal?.removeEventListener('abort', abandon);
        this.running++;
        resolve();
      };
      const abandon = (): void => {
        const i = this.waiting.indexOf(start);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortError());
      };
      signal?.addEventListener('abort', abandon, { once: true });
      this.waiting.push(start);
    });
  }
}

/** The error an abandoned request ends with (the view it was for has gone). */
export function abortError(): DOMException {
  return new DOMException('the request was abandoned: the view it was for has changed', 'AbortError');
}

/** Whether an error is an abandoned request's (ours, or fetch's own when its signal aborts). */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

export interface GraphqlClientOptions {
  /** Where the API is: '/graphql' on the platform serving the page. */
  readonly endpoint: string;
  /** The Authorization header value ("Bearer ..."), or null when signed out. */
  readonly authorization: () => string | null;
  readonly fetch?: typeof fetch;
  /** Requests in flight at once (default 3: one under the platform's 4 operations per principal). */
  readonly maxInFlight?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

export class GraphqlClient {
  private readonly queue: RequestQueue;
  private readonly hashes = new Map<string, Promise<string>>();
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: GraphqlClientOptions) {
    this.queue = new RequestQueue(options.maxInFlight ?? 3);
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? sleep;
    this.now = options.now ?? Date.now;
  }

  /** Requests running now (at most maxInFlight). */
  get inFlight(): number {
    return this.queue.inFlight;
  }

  /** Runs one operation; rejects with a GraphqlRequestError (or an AbortError when `signal` aborts). */
  request<T>(query: string, variables: Readonly<Record<string, unknown>> = {}, signal?: AbortSignal): Promise<T> {
    return this.queue.run(() => this.send<T>(query, variables, signal), signal);
  }

  private hash(query: string): Promise<string> {
    let hash = this.hashes.get(query);
    if (!hash) {
      hash = sha256Hex(query);
      this.hashes.set(query, hash);
    }
    return hash;
  }

  private async send<T>(query: string, variables: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<T> {
    const hash = await this.hash(query);
    let attempt: Attempt = { sentQuery: false, retriedAfterRateLimit: false };
    for (;;) {
      const response = await this.post(persistedQueryBody(query, variables, hash, attempt.sentQuery), signal);
      const next = interpretResponse<T>(response, attempt, this.now());
      switch (next.kind) {
        case 'data':
          return next.data;
        case 'fail':
          throw next.error;
        case 'send-query':
          attempt = { ...attempt, sentQuery: true };
          break;
        case 'wait-and-retry':
          await this.sleep(next.ms, signal);
          attempt = { ...attempt, retriedAfterRateLimit: true };
          break;
      }
    }
  }

  private async post(body: string, signal?: AbortSignal): Promise<RawResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const authorization = this.options.authorization();
    if (authorization) headers['authorization'] = authorization;
    let response: Response;
    try {
      response = await this.fetchImpl(this.options.endpoint, { method: 'POST', headers, body, signal: signal ?? null });
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) throw abortError();
      throw new GraphqlRequestError(
        'network',
        `could not reach the platform at ${this.options.endpoint} (${error instanceof Error ? error.message : String(error)}): check that it is running, then reload`,
      );
    }
    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch {
      // Not JSON (a proxy's error page): the status says what happened.
    }
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: parsed };
  }
}
