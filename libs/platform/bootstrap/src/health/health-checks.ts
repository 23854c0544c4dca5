/** What one check says: up or down, with whatever details it has (an error saying why it is down). */
export interface HealthCheck {
  readonly status: 'up' | 'down';
  readonly [detail: string]: unknown;
}

/** One named check, run on every GET /health. */
export type HealthProbe = () => HealthCheck | Promise<HealthCheck>;

export interface HealthOptions {
  /** What this process depends on, checked in this order (event store, reference data, projections, analytics...). */
  readonly checks: Readonly<Record<string, HealthProbe>>;
  /**
   * Checks whose being down leaves the process ready: it still serves what it is for (HTTP
   * submissions, GraphQL) and a load balancer should keep sending it requests; the answer says
   * `degraded` and names them. The Kafka parts: a broker outage pauses streaming in and out, and
   * both resume from their offsets and checkpoint when it is back.
   */
  readonly degradedOnly?: readonly string[];
  /** Facts about the process put in every answer, before the checks (its version, uptime). */
  readonly about?: () => Readonly<Record<string, unknown>>;
}

export interface HealthAnswer {
  /** 200 when every check is up or only degradedOnly ones are down, 503 otherwise. */
  readonly httpStatus: 200 | 503;
  readonly body: {
    readonly status: 'ok' | 'degraded' | 'not-ready';
    readonly live: true;
    readonly ready: boolean;
    readonly notReady: string[];
    /** The degradedOnly checks that are down. */
    readonly degraded: string[];
    readonly checks: Record<string, HealthCheck>;
    readonly [about: string]: unknown;
  };
}

/**
 * Liveness and readiness in one answer: ready when every check is up (or only degradedOnly ones
 * are down: degraded, naming them), else not-ready naming the checks that are not. The process
 * answering at all is the liveness signal.
 */
export async function checkHealth(options: HealthOptions): Promise<HealthAnswer> {
  const checks: Record<string, HealthCheck> = {};
  for (const [name, probe] of Object.entries(options.checks)) checks[name] = await probe();
  const down = Object.entries(checks)
    .filter(([, check]) => check.status !== 'up')
    .map(([name]) => name);
  const degradedOnly = new Set(options.degradedOnly ?? []);
  const notReady = down.filter((name) => !degradedOnly.has(name));
  const degraded = down.filter((name) => degradedOnly.has(name));
  const status = notReady.length ? 'not-ready' : degraded.length ? 'degraded' : 'ok';
  return {
    httpStatus: notReady.length ? 503 : 200,
    body: { status, live: true, ready: notReady.length === 0, notReady, degraded, ...options.about?.(), checks },
  };
}

/**
 * A check that is up when `probe` answers (within `timeoutMs`, when given) and down with its
 * error's message when it fails; `details` go in either answer, `up` adds what the answer says.
 */
export function probeHealth<T>(
  probe: () => Promise<T>,
  options: { timeoutMs?: number; details?: Readonly<Record<string, unknown>>; up?: (value: T) => Readonly<Record<string, unknown>> } = {},
): HealthProbe {
  return async () => {
    try {
      const value = await (options.timeoutMs === undefined ? probe() : withTimeout(probe(), options.timeoutMs));
      return { status: 'up', ...options.details, ...options.up?.(value) };
    } catch (error) {
      return { status: 'down', ...options.details, error: error instanceof Error ? error.message : String(error) };
    }
  };
}

/** `promise`, or a rejection saying there was no answer within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
