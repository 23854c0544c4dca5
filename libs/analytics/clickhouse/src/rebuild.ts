import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { START, compareCheckpoints, type Checkpoint, type EventStore } from '@gpds/event-store';
import type { AnalyticsStore } from './analytics-client';
import { clusterStatement } from './cluster-ddl';
import { migrateAnalytics } from './migrations';
import { Projector } from './projector';
import { SWAPPED_TABLES, tableMigrations } from './schema';
import { TABLES } from './names';

export interface RebuildProgress {
  readonly phase: 'building' | 'catching-up' | 'swapping' | 'done';
  readonly events: number;
  readonly eventsPerSecond: number;
  /** Where the rebuild has reached, and the store's head it is heading for. */
  readonly position: Checkpoint;
  readonly target: Checkpoint;
  /** Seconds left at the current rate (by global position), null until there is a rate. */
  readonly etaSeconds: number | null;
}

export interface RebuildOptions {
  readonly store: EventStore;
  readonly analytics: AnalyticsStore;
  /** The live database; the rebuild is built in `<database>_rebuild`. */
  readonly database: string;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly progressEveryMs?: number;
  /**
   * Stops whatever writes the live tables and returns how to start it again: the swap happens
   * between the two, after the rebuild has caught up with the last event the live side wrote.
   */
  readonly pauseLive?: () => Promise<() => Promise<void>>;
  readonly maxRows?: number;
  /** Stops the rebuild before its swap (the live tables untouched); the next rebuild carries on. */
  readonly signal?: AbortSignal;
  /** The ClickHouse cluster (CLICKHOUSE_CLUSTER), if any: the rebuild database, swap and drop then run ON CLUSTER. */
  readonly cluster?: string | null;
}

export class RebuildAbortedError extends Error {
  constructor() {
    super('The rebuild was stopped before its swap: the live tables are untouched, and the next rebuild carries on from where this one stopped');
  }
}

export interface RebuildReport {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly position: Checkpoint;
  /** Whether an earlier, interrupted rebuild was carried on rather than started again. */
  readonly resumed: boolean;
}

export function rebuildDatabaseOf(database: string): string {
  return `${database}_rebuild`;
}

/**
 * Rebuilds every projection from position 0 into fresh tables while the live ones keep serving,
 * then swaps them in with EXCHANGE TABLES (atomic per table; the checkpoint table is swapped too,
 * so the live projector carries on from where the rebuild stopped). An interrupted rebuild is
 * carried on by the next one (its own checkpoint is in its own tables); an interrupted swap is
 * finished by completeInterruptedSwap, which every start runs.
 *
 * In cluster mode the rebuild database is made, swapped and dropped ON CLUSTER, so every replica
 * swaps the same tables. That holds only on Atomic databases (ClickHouse's default engine): they
 * make EXCHANGE atomic, and give each table one UUID on every replica (created ON CLUSTER), which
 * its Keeper path and the swap journal name. The UUID travels with the table through EXCHANGE, so
 * a swapped-in table keeps replicating, and the next rebuild's tables get Keeper paths of their
 * own (a path named by database and table would collide with the table swapped out of it).
 */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildReport> {
  const { analytics, store, database } = options;
  const cluster = options.cluster ?? null;
  const client = analytics.client;
  const target = rebuildDatabaseOf(database);
  await completeInterruptedSwap(client, database, cluster);
  const existed = (await scalar(client, `SELECT count() AS v FROM system.databases WHERE name = {name:String}`, { name: target })) > 0;
  await migrateAnalytics(client, target, tableMigrations(target), { cluster });
  const startedPosition = await projectedPosition(client, target);
  const resumed = existed && startedPosition.globalPosition > 0;

  const started = Date.now();
  let events = 0;
  let position = startedPosition;
  let goal = await store.head();
  let phase: RebuildProgress['phase'] = 'building';
  const projector = new Projector({
    store,
    analytics,
    database: target,
    projectorId: 'clickhouse',
    maxRows: options.maxRows,
    onBatch: (b) => {
      events += b.events;
      position = b.to;
    },
  });
  const report = (): void => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? events / seconds : 0;
    const at = Math.min(position.globalPosition, goal.globalPosition);
    const done = at - Math.min(startedPosition.globalPosition, at);
    const left = goal.globalPosition - at;
    const positionsPerSecond = seconds > 0 ? done / seconds : 0;
    options.onProgress?.({
      phase,
      events,
      eventsPerSecond: Math.round(rate),
      position: compareCheckpoints(position, goal) >= 0 ? goal : position,
      target: goal,
      etaSeconds: positionsPerSecond > 0 ? Math.round(left / positionsPerSecond) : null,
    });
  };
  const ticker = setInterval(report, options.progressEveryMs ?? 1_000);
  const aborted = new Promise<never>((_, reject) => {
    const fail = (): void => reject(new RebuildAbortedError());
    if (options.signal?.aborted) fail();
    options.signal?.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    await projector.start();
    await Promise.race([projector.waitUntilCaughtUp({ timeoutMs: 7 * 24 * 3600_000 }), aborted]);
    phase = 'catching-up';
    const resumeLive = options.pauseLive ? await options.pauseLive() : null;
    try {
      goal = await store.head();
      await projector.waitUntilCaughtUp({ timeoutMs: 3600_000 });
      await projector.stop();
      phase = 'swapping';
      report();
      await swapIn(client, database, target, cluster);
      await client.command({ query: dropRebuildDatabaseSql(database, cluster) });
    } finally {
      await resumeLive?.();
    }
  } finally {
    clearInterval(ticker);
    await projector.stop();
  }
  phase = 'done';
  report();
  const seconds = (Date.now() - started) / 1000;
  const end = compareCheckpoints(position, goal) >= 0 ? goal : position;
  return { events, seconds, eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events, position: end, resumed };
}

/** Records the rebuilt tables' identities, exchanges each, and marks the swap finished. */
async function swapIn(client: ClickHouseClient, live: string, rebuilt: string, cluster: string | null): Promise<void> {
  const swapId = randomUUID();
  const uuids = await tableUuids(client, rebuilt);
  await client.insert({
    table: `${live}.${TABLES.rebuildSwaps}`,
    values: SWAPPED_TABLES.map((table) => ({ swap_id: swapId, step: 'started', table_name: table, rebuilt_uuid: uuids.get(table) })),
    format: 'JSONEachRow',
  });
  await exchangeAll(client, live, rebuilt, uuids, cluster);
  await client.insert({
    table: `${live}.${TABLES.rebuildSwaps}`,
    values: [{ swap_id: swapId, step: 'finished', table_name: '', rebuilt_uuid: '00000000-0000-0000-0000-000000000000' }],
    format: 'JSONEachRow',
  });
}

async function exchangeAll(
  client: ClickHouseClient,
  live: string,
  rebuilt: string,
  rebuiltUuids: ReadonlyMap<string, string | undefined>,
  cluster: string | null,
): Promise<void> {
  const liveUuids = await tableUuids(client, live);
  for (const table of SWAPPED_TABLES) {
    const wanted = rebuiltUuids.get(table);
    if (!wanted) throw new Error(`The rebuilt table ${rebuilt}.${table} is missing: run the rebuild again`);
    if (liveUuids.get(table) === wanted) continue; // swapped before an interruption
    await client.command({ query: exchangeTableSql(live, rebuilt, table, cluster) });
  }
}

/** The swap of one table; ON CLUSTER in cluster mode (its Distributed `<table>_all` reads by name, so it follows). */
export function exchangeTableSql(live: string, rebuilt: string, table: string, cluster: string | null = null): string {
  return clusterStatement(`EXCHANGE TABLES ${live}.${table} AND ${rebuilt}.${table}`, cluster);
}

/** The drop of a rebuild database once swapped (the old tables are in it); ON CLUSTER in cluster mode. */
export function dropRebuildDatabaseSql(live: string, cluster: string | null = null): string {
  return clusterStatement(`DROP DATABASE IF EXISTS ${rebuildDatabaseOf(live)} SYNC`, cluster);
}

/** A swap cut short (a crash between two EXCHANGEs) is finished before anything else writes. */
export async function completeInterruptedSwap(client: ClickHouseClient, live: string, cluster: string | null = null): Promise<boolean> {
  const exists = await scalar(client, `SELECT count() AS v FROM system.tables WHERE database = {db:String} AND name = {table:String}`, {
    db: live,
    table: TABLES.rebuildSwaps,
  });
  if (!exists) return false;
  const pending = await (
    await client.query({
      query: `SELECT swap_id, groupArray((table_name, toString(rebuilt_uuid))) AS tables FROM ${live}.${TABLES.rebuildSwaps}
              GROUP BY swap_id HAVING countIf(step = 'finished') = 0`,
      format: 'JSONEachRow',
    })
  ).json<{ swap_id: string; tables: [string, string][] }>();
  for (const swap of pending) {
    await exchangeAll(client, live, rebuildDatabaseOf(live), new Map(swap.tables), cluster);
    await client.insert({
      table: `${live}.${TABLES.rebuildSwaps}`,
      values: [{ swap_id: swap.swap_id, step: 'finished', table_name: '', rebuilt_uuid: '00000000-0000-0000-0000-000000000000' }],
      format: 'JSONEachRow',
    });
    await client.command({ query: dropRebuildDatabaseSql(live, cluster) });
  }
  return pending.length > 0;
}

async function tableUuids(client: ClickHouseClient, database: string): Promise<Map<string, string>> {
  const rows = await (
    await client.query({
      query: `SELECT name, toString(uuid) AS uuid FROM system.tables WHERE database = {db:String}`,
      query_params: { db: database },
      format: 'JSONEachRow',
    })
  ).json<{ name: string; uuid: string }>();
  return new Map(rows.map((r) => [r.name, r.uuid]));
}

/** The last position written into a database's projected tables. */
export async function projectedPosition(client: ClickHouseClient, database: string, projector = 'clickhouse'): Promise<Checkpoint> {
  const rows = await (
    await client.query({
      query: `SELECT to_tx, to_pos FROM ${database}.${TABLES.projectorState} WHERE projector = {p:String} AND status = 'done' ORDER BY seq DESC LIMIT 1`,
      query_params: { p: projector },
      format: 'JSONEachRow',
    })
  ).json<{ to_tx: number; to_pos: number }>();
  const [row] = rows;
  return row ? { transactionId: Number(row.to_tx), globalPosition: Number(row.to_pos) } : START;
}

/** A single number (ClickHouse sends 64-bit integers as strings in JSON). */
async function scalar(client: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<number> {
  const rows = await (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<{ v: string | number }>();
  return Number(rows[0]?.v ?? 0);
}
