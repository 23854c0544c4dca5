import type { EventStore } from '@gpds/event-store';
import { compareCheckpoints, type Checkpoint } from '@gpds/event-store';
import type { AnalyticsStore } from './analytics-client';
import { validateClusterName } from './cluster-ddl';
import { migrateAnalytics } from './migrations';
import { Projector, type BatchReport, type ProjectorStatus } from './projector';
import { completeInterruptedSwap, rebuildProjections, type RebuildProgress, type RebuildReport } from './rebuild';
import { biMigrations, tableMigrations } from './schema';
import { DATABASES } from './names';

export interface ProjectionLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface ProjectionServiceOptions {
  readonly store: EventStore;
  readonly analytics: AnalyticsStore;
  /** The live analytics database (default 'gpds'). */
  readonly database?: string;
  /** Where the BI views go (default 'bi'). */
  readonly biDatabase?: string;
  /**
   * The ClickHouse cluster the schema spans (CLICKHOUSE_CLUSTER), or none: replicated tables,
   * Distributed `<table>_all` tables and ON CLUSTER DDL (cluster-ddl.ts). Unset, the DDL is the
   * single-server DDL, as on embedded chDB.
   */
  readonly cluster?: string | null;
  readonly maxRows?: number;
  readonly maxDelayMs?: number;
  readonly pollIntervalMs?: number;
  readonly log?: ProjectionLogger;
  readonly onBatch?: (batch: BatchReport) => void;
}

export interface ProjectionLag {
  readonly position: Checkpoint;
  readonly head: Checkpoint;
  /** Global positions between the projector and the store's head (0 when caught up). */
  readonly behind: number;
  readonly caughtUp: boolean;
}

export class RebuildInProgressError extends Error {
  constructor() {
    super('A rebuild is already running: wait for it to finish (its progress is in the log)');
  }
}

/**
 * The projection side of the platform, without a framework: migrates the analytics schema,
 * finishes an interrupted swap, runs the live projector, rebuilds on request, reports lag.
 */
export class ProjectionService {
  readonly database: string;
  readonly biDatabase: string;
  readonly cluster: string | null;
  private live: Projector | null = null;
  private rebuilding: Promise<RebuildReport> | null = null;
  private rebuildAbort: AbortController | null = null;

  constructor(private readonly options: ProjectionServiceOptions) {
    this.database = options.database ?? DATABASES.live;
    this.biDatabase = options.biDatabase ?? DATABASES.bi;
    for (const name of [this.database, this.biDatabase]) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Analytics database name '${name}' must be a lower-case identifier`);
    }
    this.cluster = options.cluster ? validateClusterName(options.cluster) : null;
  }

  get client() {
    return this.options.analytics.client;
  }

  /** Brings the analytics schema and the `bi` views up to date, and finishes an interrupted swap. */
  async migrate(): Promise<void> {
    const { client } = this.options.analytics;
    await migrateAnalytics(client, this.database, [...tableMigrations(this.database), ...biMigrations(this.database, this.biDatabase)], {
      cluster: this.cluster,
    });
    if (await completeInterruptedSwap(client, this.database, this.cluster)) this.options.log?.warn('finished a projection swap that was interrupted');
  }

  async start(): Promise<void> {
    await this.migrate();
    await this.startLive();
  }

  /** Stops a running rebuild before its swap (it carries on next time), then the live projector. */
  async stop(): Promise<void> {
    this.rebuildAbort?.abort();
    await this.rebuilding?.catch(() => undefined);
    const live = this.live;
    this.live = null;
    await live?.stop();
  }

  status(): ProjectorStatus | null {
    return this.live?.status() ?? null;
  }

  rebuildRunning(): boolean {
    return this.rebuilding !== null;
  }

  async lag(): Promise<ProjectionLag> {
    const head = await this.options.store.head();
    const position = this.live?.status().position ?? { transactionId: 0, globalPosition: 0 };
    const caughtUp = compareCheckpoints(position, head) >= 0 || position.globalPosition >= head.globalPosition;
    // Past the head, a checkpoint may be a bound rather than an event (a filtered read that came
    // back short): show the head then.
    return { position: caughtUp ? head : position, head, caughtUp, behind: caughtUp ? 0 : head.globalPosition - position.globalPosition };
  }

  async waitUntilCaughtUp(timeoutMs = 30_000): Promise<void> {
    if (!this.live) throw new Error('The projector is not running');
    await this.live.waitUntilCaughtUp({ timeoutMs });
  }

  /** Rebuilds every table from the event store and swaps it in; one at a time. */
  rebuild(onProgress?: (progress: RebuildProgress) => void): Promise<RebuildReport> {
    if (this.rebuilding) return Promise.reject(new RebuildInProgressError());
    this.rebuildAbort = new AbortController();
    const run = rebuildProjections({
      signal: this.rebuildAbort.signal,
      store: this.options.store,
      analytics: this.options.analytics,
      database: this.database,
      maxRows: this.options.maxRows,
      cluster: this.cluster,
      onProgress,
      pauseLive: async () => {
        const live = this.live;
        this.live = null;
        await live?.stop();
        return () => this.startLive();
      },
    });
    this.rebuilding = run;
    return run.finally(() => {
      this.rebuilding = null;
      this.rebuildAbort = null;
    });
  }

  private async startLive(): Promise<void> {
    const live = new Projector({
      store: this.options.store,
      analytics: this.options.analytics,
      database: this.database,
      maxRows: this.options.maxRows,
      maxDelayMs: this.options.maxDelayMs,
      pollIntervalMs: this.options.pollIntervalMs,
      onBatch: this.options.onBatch,
      onError: (error, attempt) =>
        this.options.log?.warn('projector write or read failed; retrying', { attempt, error: error instanceof Error ? error.message : String(error) }),
    });
    await live.start();
    this.live = live;
    live.done.catch((error: unknown) =>
      this.options.log?.warn('projector stopped on an error', { error: error instanceof Error ? error.message : String(error) }),
    );
  }
}
