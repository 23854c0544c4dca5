import { createHash, randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';

/** A query the API runs before an answer, and its parameters (e.g. a version check). */
export interface Check {
  readonly sql: string;
  readonly params: Record<string, unknown>;
}

/** A materialised table, and the checks that told its version (what the API runs before each answer that reads it). */
export interface Materialised {
  /** `<db>_reporting.<prefix><version>`. */
  readonly table: string;
  readonly checks: readonly Check[];
}

/**
 * Small tables worked out once and read by many answers (a date's compliance evaluation, its
 * maturity indexes), named after what they were built from: a key (the question's terms) and the
 * version of the tables they read, which the checks tell on every question (one small query each:
 * each table's identity and row count, see versionCheck), so an answer never reads a stale one. Tables
 * are built under a scratch name and renamed into place, so API processes sharing a ClickHouse
 * server share them; the least recently used beyond `keep` are dropped (a query still reading one
 * finishes first).
 */
export class MaterialisedTables {
  private readonly building = new Map<string, Promise<string>>();
  /** Tables this process built or found, by name, the least recently used first. */
  private readonly kept = new Map<string, true>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: { readonly database: string; readonly prefix: string; readonly keep?: number },
  ) {}

  private get cacheDatabase(): string {
    return `${this.options.database}_reporting`;
  }

  /**
   * The query that tells the version of `tables` of the live database, as of now: each one's
   * identity (a rebuild's swap or a re-creation gives a new uuid) and its row count. The fact
   * tables are append-only, so every insert that adds anything changes the count, and a merge,
   * which changes nothing, does not. (Reading system.parts told the same at twice the cost.)
   */
  versionCheck(tables: readonly string[]): Check {
    return {
      sql: `SELECT toString(cityHash64(arraySort(groupArray((name, uuid, total_rows))))) AS version
            FROM system.tables WHERE database = {db:String} AND name IN {tables:Array(String)}`,
      params: { db: this.options.database, tables: [...tables] },
    };
  }

  /**
   * The version of the rows of `table` that `where` selects (a predicate on its columns, no
   * parameters): the table's identity and how many such rows it has. For a read model that reads
   * only those rows of a busy table: inserts of other rows leave its version, and the model, as
   * they are. The predicate should follow the table's sorting key, so the count reads few granules.
   */
  rowsVersionCheck(table: string, where: string): Check {
    return {
      sql: `SELECT toString(cityHash64(
              (SELECT groupArray(uuid) FROM system.tables WHERE database = {db:String} AND name = {table:String}),
              (SELECT count() FROM ${this.options.database}.${table} WHERE ${where}))) AS version`,
      params: { db: this.options.database, table },
    };
  }

  /**
   * The table for `key` with the versions `checks` tell now: built from `select` (with `params`)
   * ordered by `orderBy` the first time, then reused.
   */
  async get(
    key: string,
    checks: readonly Check[],
    build: { readonly select: string; readonly params: Record<string, unknown>; readonly orderBy: string },
  ): Promise<Materialised> {
    const versions: string[] = [];
    for (const check of checks) versions.push((await this.rows<{ version: string }>(check.sql, check.params))[0]?.version ?? '');
    const name = `${this.options.prefix}${createHash('sha256')
      .update(`${key}|${versions.join('|')}`)
      .digest('hex')
      .slice(0, 16)}`;
    const table = `${this.cacheDatabase}.${name}`;
    let built = this.kept.has(name) ? undefined : this.building.get(name);
    if (!built && !this.kept.has(name)) {
      built = this.build(table, build);
      this.building.set(name, built);
      built.then(
        () => this.building.delete(name),
        () => this.building.delete(name),
      );
    }
    if (built) await built;
    this.kept.delete(name);
    this.kept.set(name, true);
    const keep = this.options.keep ?? 32;
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= keep) break;
      this.kept.delete(oldest);
    }
    return { table, checks };
  }

  /** Forgets what this process built (another may have dropped it): the next questions check, and build again what is gone. */
  forgetAll(): void {
    this.kept.clear();
  }

  private async build(table: string, build: { readonly select: string; readonly params: Record<string, unknown>; readonly orderBy: string }): Promise<string> {
    const [exists] = await this.rows<{ n: string }>(`SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = {name:String}`, {
      db: this.cacheDatabase,
      name: table.slice(this.cacheDatabase.length + 1),
    });
    if (Number(exists?.n ?? 0) > 0) return table;
    // Node-local on purpose, in cluster mode too (CLICKHOUSE_CLUSTER): a cache of the replicated tables,
    // built on the node this process reads from, so no ON CLUSTER and no Replicated engine (cluster-ddl.ts).
    await this.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${this.cacheDatabase}` });
    const scratch = `${this.cacheDatabase}.building_${randomUUID().replace(/-/g, '')}`;
    try {
      await this.client.command({
        query: `CREATE TABLE ${scratch} ENGINE = MergeTree ORDER BY ${build.orderBy} AS ${build.select}`,
        query_params: build.params,
      });
      await this.client.command({ query: `RENAME TABLE ${scratch} TO ${table}` }).catch(async (error: unknown) => {
        // Another process built the same table first: use theirs.
        if (!/already exists/i.test(String(error))) throw error;
        await this.client.command({ query: `DROP TABLE IF EXISTS ${scratch}` });
      });
    } catch (error) {
      await this.client.command({ query: `DROP TABLE IF EXISTS ${scratch}` }).catch(() => undefined);
      throw error;
    }
    await this.dropOthers().catch(() => undefined);
    return table;
  }

  /** Tables of this prefix this process no longer keeps, built more than a minute ago (a query reading one finishes first). */
  private async dropOthers(): Promise<void> {
    const stale = await this.rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = {db:String} AND startsWith(name, {prefix:String}) AND NOT has({keep:Array(String)}, name)
         AND metadata_modification_time < now() - INTERVAL 60 SECOND`,
      { db: this.cacheDatabase, prefix: this.options.prefix, keep: [...this.kept.keys(), ...this.building.keys()] },
    );
    for (const { name } of stale) await this.client.command({ query: `DROP TABLE IF EXISTS ${this.cacheDatabase}.${name}` }).catch(() => undefined);
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
  }
}

/**
 * Work that reads materialised tables: when one was dropped meanwhile (by another API process
 * that no longer keeps it), `forget` what this process knows of them and do the work again, once:
 * the tables it needs are then built again.
 */
export async function onceMore<T>(work: () => Promise<T>, forget: () => void): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { type?: string }).type !== 'UNKNOWN_TABLE' && !/UNKNOWN_TABLE|Unknown table/i.test(String(error))) throw error;
    forget();
    return work();
  }
}
