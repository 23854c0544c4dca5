import { createHash, randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { OPEN_END } from '@gpds/analytics';
import { BI_VIEWS, HIERARCHY_TABLES, hierarchySql } from '@gpds/analytics-clickhouse';
import type { Level } from './arguments';

export interface OrganisationEntry {
  readonly code: string;
  readonly name: string;
  readonly level: Level;
}

export interface HierarchyPeriod {
  /** First day the period's hierarchy is in force. */
  readonly from: string;
  /** First day it is no longer in force. */
  readonly to: string;
  /** The period's hierarchy as a Join-engine table (kept in memory, keyed by code) for `LEFT ANY JOIN`. */
  readonly joinTable: string;
}

export interface HierarchyVersion {
  /** The table holding the hierarchy of every period, `<db>_reporting.hierarchy_<version>`. */
  readonly table: string;
  /** The periods between the dates on which the hierarchy changes, oldest first. */
  readonly periods: readonly HierarchyPeriod[];
  /** Every organisation the hierarchy has ever held, by code (names as last known). */
  readonly organisations: ReadonlyMap<string, OrganisationEntry>;
}

/** Part of every version's name: a change to the tables a version consists of, or to how they are worked out, gives every version a new name. */
const LAYOUT = 'periods+join/3';

/** How many hierarchies as known at earlier times are kept besides the current one (the least recently asked for goes first). */
const KEPT_KNOWN_AT = 4;

/**
 * The organisation hierarchy in force on any date, materialised for the roll-ups.
 *
 * `bi.organisation_hierarchy(on_date)` works the hierarchy out from the dated relationships on
 * every call (about 100 ms on the real ODS files). It only changes on the dates a relationship
 * starts or ends or an organisation opens or closes (four dates in the 2022 and 2025 files), so
 * this cache evaluates it once per such period into one small table (valid_from, valid_to, code,
 * ancestors), named after the state of the organisation tables it was built from. Roll-ups join
 * the rows of that table whose period holds `asOf`. When the projector writes organisation
 * events, the next check (at most `checkEveryMs` later) sees a new state and builds a new table;
 * the old one is dropped. Tables are built under a temporary name and renamed into place, so
 * several API processes on one ClickHouse server never see a half-built table.
 *
 * As known at a time (`get(knownAt)`), the hierarchy is built from the organisation rows recorded
 * by then only (the same SQL as the view, hierarchySql with its known_at filter), and named by
 * the state of those rows: every knownAt between two organisation changes shares one build, and a
 * knownAt after the latest change answers the current version. A few such versions are kept.
 */
export class HierarchyCache {
  private current: { version: string; value: Promise<HierarchyVersion> } | null = null;
  private checked: { at: number; version: Promise<string> } | null = null;
  /** The last version known to be built: what get() answers while a newer one builds. */
  private ready: { version: string; value: Promise<HierarchyVersion> } | null = null;
  /** Versions as known at earlier times, by version, the least recently asked for first. */
  private readonly known = new Map<string, Promise<HierarchyVersion>>();
  /** The state of all the organisation rows last worked out, and the identities and row counts of their tables then. */
  private stated: { tables: string; state: Promise<string> } | null = null;
  /** The version of each knownAt recently asked for, by knownAt (as `checked`, for the state as known then). */
  private readonly knownChecks = new Map<string, { at: number; version: Promise<string> }>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: { readonly database: string; readonly bi: string; readonly checkEveryMs?: number },
  ) {}

  get cacheDatabase(): string {
    return `${this.options.database}_reporting`;
  }

  private get checkEveryMs(): number {
    return this.options.checkEveryMs ?? 1_000;
  }

  /**
   * The hierarchy as the organisation tables stand: with `checkEveryMs` 0 checked on every call;
   * otherwise the last one built is answered at once while a check (at most every checkEveryMs)
   * runs behind it, and the next calls get the new one once it is built. Queries never wait for a
   * check; an organisation change shows at most a check interval (plus a build) later.
   *
   * With `knownAt` ('YYYY-MM-DD hh:mm:ss.sss', UTC), the hierarchy as known then: a fact recorded
   * later does not change it. That waits for the check of the state as known then (one small
   * query, at most every checkEveryMs per knownAt) and, the first time, for the build.
   */
  async get(knownAt?: string | null): Promise<HierarchyVersion> {
    if (knownAt) return this.asKnownAt(knownAt);
    if (this.current && this.checkEveryMs > 0) {
      const current = this.current;
      if (!this.checked || Date.now() - this.checked.at >= this.checkEveryMs) {
        void this.refresh().catch(() => undefined); // a failed check is tried again on a later call
      }
      // Until a new version is built, the one before it answers.
      return (this.ready ?? current).value;
    }
    return (await this.refresh()).value;
  }

  /** Makes the version of the tables as they stand the current one (building it when new), and answers it. */
  private async refresh(): Promise<{ version: string; value: Promise<HierarchyVersion> }> {
    const version = await this.version();
    if (this.current?.version === version) return this.current;
    const value = this.build(version, null);
    const current = { version, value };
    this.current = current;
    value.then(
      () => {
        if (this.current === current) this.ready = current;
      },
      () => {
        if (this.current === current) this.current = null;
      },
    );
    if (!this.ready) this.ready = current;
    return current;
  }

  private async asKnownAt(knownAt: string): Promise<HierarchyVersion> {
    const version = await this.versionAt(knownAt);
    const kept = this.known.get(version);
    let value: Promise<HierarchyVersion>;
    if (kept) {
      this.known.delete(version); // asked for again: the most recent now
      // Another API process drops the versions it does not keep itself: one it dropped is built again.
      value = kept.then(async (v) => ((await this.exists(version)) ? v : this.build(version, knownAt)));
    } else {
      // Nothing changed since knownAt: the current version (or the one answering while it builds) is the one as known then.
      const same = [this.current, this.ready].find((v) => v?.version === version);
      value = same ? same.value : this.build(version, knownAt);
    }
    value.catch(() => {
      if (this.known.get(version) === value) this.known.delete(version);
    });
    // Kept also once the current version moves on: the next question about then needs no build.
    this.known.set(version, value);
    for (const oldest of this.known.keys()) {
      if (this.known.size <= KEPT_KNOWN_AT) break;
      this.known.delete(oldest); // its tables go with the next build's dropOtherVersions
    }
    return value;
  }

  private version(): Promise<string> {
    const now = Date.now();
    if (this.checked && now - this.checked.at < this.checkEveryMs) return this.checked.version;
    const version = this.stateNow();
    this.checked = { at: now, version };
    version.catch(() => {
      if (this.checked?.version === version) this.checked = null;
    });
    return version;
  }

  private versionAt(knownAt: string): Promise<string> {
    const now = Date.now();
    const checked = this.knownChecks.get(knownAt);
    if (checked && now - checked.at < this.checkEveryMs) return checked.version;
    const version = this.state(knownAt);
    this.knownChecks.delete(knownAt);
    this.knownChecks.set(knownAt, { at: now, version });
    for (const oldest of this.knownChecks.keys()) {
      if (this.knownChecks.size <= 4 * KEPT_KNOWN_AT) break;
      this.knownChecks.delete(oldest);
    }
    version.catch(() => {
      if (this.knownChecks.get(knownAt)?.version === version) this.knownChecks.delete(knownAt);
    });
    return version;
  }

  /**
   * The version of all the organisation rows, as state(null) tells it, worked out again only when
   * the tables have changed: the organisation tables are append-only, so the same identities and row
   * counts (system.tables, a few ms) mean the same rows; state(null) reads every row (tens of ms on
   * the real ODS hierarchy, every check interval in the background of the answers).
   */
  private async stateNow(): Promise<string> {
    const [row] = await this.rows<{ tables: string }>(
      `SELECT toString(cityHash64(arraySort(groupArray((name, uuid, total_rows))))) AS tables
       FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}`,
      { db: this.options.database, names: [...HIERARCHY_TABLES] },
    );
    const tables = row?.tables ?? '';
    if (this.stated?.tables === tables) return this.stated.state;
    const state = this.state(null);
    const stated = { tables, state };
    this.stated = stated;
    state.catch(() => {
      if (this.stated === stated) this.stated = null;
    });
    return state;
  }

  /**
   * The version of the organisation rows (recorded by knownAt, or all): per table, how many, the
   * sum and the largest of their event positions. All rows recorded by knownAt give the same text
   * as all rows, so the same name.
   */
  private state(knownAt: string | null): Promise<string> {
    const { database: db } = this.options;
    const recorded = knownAt ? 'recorded_at <= {knownAt:DateTime64(3)}' : '1';
    const tables = HIERARCHY_TABLES.map(
      (table) => `toString((SELECT (countIf(${recorded}), sumIf(event_position, ${recorded}), maxIf(event_position, ${recorded})) FROM ${db}.${table}))`,
    );
    return this.rows<{ state: string }>(`SELECT concat(${tables.join(", '/', ")}) AS state`, knownAt ? { knownAt } : {}).then(([row]) =>
      createHash('sha256')
        .update(`${LAYOUT}/${row?.state ?? ''}`)
        .digest('hex')
        .slice(0, 16),
    );
  }

  /** Builds a version (or takes the one another process built): from the `bi` view, or as known at knownAt. */
  private async build(version: string, knownAt: string | null): Promise<HierarchyVersion> {
    const { database: db, bi } = this.options;
    const cache = this.cacheDatabase;
    const table = `${cache}.hierarchy_${version}`;
    if (!(await this.exists(version))) {
      // Node-local on purpose, in cluster mode too (CLICKHOUSE_CLUSTER): a cache of the replicated tables,
      // built on the node this process reads from, so no ON CLUSTER and no Replicated engine (cluster-ddl.ts).
      await this.command(`CREATE DATABASE IF NOT EXISTS ${cache}`);
      const scratch = `${cache}.building_${randomUUID().replace(/-/g, '')}`;
      const built: string[] = [scratch];
      await this.command(`CREATE TABLE ${scratch} (
          valid_from Date, valid_to Date, code String, level LowCardinality(String), name String,
          pcn_code String, commissioner_code String, icb_code String, region_code String
        ) ENGINE = MergeTree ORDER BY (valid_from, code)`);
      try {
        const sql = hierarchySql(db, { knownAt: knownAt !== null });
        const known = knownAt ? { known_at: knownAt } : {};
        const dates = (await this.rows<{ d: string }>(sql.changeDates, known)).map((r) => r.d);
        // Everything known: the bi view; as known at a time, the view's SQL with its filter.
        const hierarchy = knownAt ? `(${sql.organisationHierarchy})` : `${bi}.${BI_VIEWS.organisationHierarchy}(on_date = {from:Date})`;
        for (const [i, from] of dates.entries()) {
          await this.command(
            `INSERT INTO ${scratch}
             SELECT {from:Date}, {to:Date}, code, level, name, pcn_code, commissioner_code, icb_code, region_code
             FROM ${hierarchy}`,
            { from, to: dates[i + 1] ?? OPEN_END, ...(knownAt ? { ...known, on_date: from } : {}) },
          );
          // Each period also as a Join-engine table: a roll-up joins it without building a hash table (ADR 0017).
          const join = `${cache}.building_${randomUUID().replace(/-/g, '')}`;
          built.push(join);
          await this.command(`CREATE TABLE ${join} (code String, level String, pcn_code String, commissioner_code String, icb_code String, region_code String)
            ENGINE = Join(ANY, LEFT, code)`);
          await this.command(
            `INSERT INTO ${join} SELECT code, level, pcn_code, commissioner_code, icb_code, region_code FROM ${scratch} WHERE valid_from = {from:Date}`,
            { from },
          );
          await this.rename(join, `${cache}.${joinTableName(version, from)}`);
        }
        // The period table last: its name says the version is complete.
        await this.rename(scratch, table);
      } catch (error) {
        for (const name of built) await this.command(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
        throw error;
      }
    }
    const periods = (
      await this.rows<{ from: string; to: string }>(`SELECT DISTINCT toString(valid_from) AS from, toString(valid_to) AS to FROM ${table} ORDER BY from`)
    ).map((p) => ({ ...p, joinTable: `${cache}.${joinTableName(version, p.from)}` }));
    const organisations = new Map<string, OrganisationEntry>();
    for (const row of await this.rows<OrganisationEntry>(
      `SELECT code, argMax(name, valid_from) AS name, argMax(level, valid_from) AS level FROM ${table} GROUP BY code`,
    )) {
      organisations.set(row.code, { code: row.code, name: row.level === 'NATIONAL' ? 'England' : row.name, level: row.level });
    }
    // A new current version replaces the one answering until now; one as known at a time replaces nothing.
    const keep = [version, this.current?.version, ...this.known.keys(), ...(knownAt ? [this.ready?.version] : [])];
    await this.dropOtherVersions(keep.filter((v): v is string => v !== undefined));
    return { table, periods, organisations };
  }

  /** Whether a version's period table is in place (it is renamed into place last). */
  private async exists(version: string): Promise<boolean> {
    const [row] = await this.rows<{ n: string }>(`SELECT count() AS n FROM system.tables WHERE database = {cache:String} AND name = {name:String}`, {
      cache: this.cacheDatabase,
      name: `hierarchy_${version}`,
    });
    return Number(row?.n ?? 0) > 0;
  }

  /** Moves a table built under a scratch name into place; when another process put the same one there first, uses theirs. */
  private async rename(scratch: string, target: string): Promise<void> {
    await this.command(`RENAME TABLE ${scratch} TO ${target}`).catch(async (error: unknown) => {
      if (!/already exists/i.test(String(error))) throw error;
      await this.command(`DROP TABLE IF EXISTS ${scratch}`);
    });
  }

  /**
   * Versions this cache no longer keeps are dropped once a newer one is in place (a query still
   * reading one finishes first): all but `keep` (the current one, the one being built, those as
   * known at a time still kept).
   */
  private async dropOtherVersions(keep: readonly string[]): Promise<void> {
    const stale = await this.rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = {cache:String} AND startsWith(name, 'hierarchy_')
         AND NOT arrayExists(v -> startsWith(name, concat('hierarchy_', v)), {keep:Array(String)})
         AND metadata_modification_time < now() - INTERVAL 60 SECOND`,
      { cache: this.cacheDatabase, keep },
    );
    for (const { name } of stale) await this.command(`DROP TABLE IF EXISTS ${this.cacheDatabase}.${name}`).catch(() => undefined);
  }

  private async rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
  }

  private async command(query: string, params: Record<string, unknown> = {}): Promise<void> {
    await this.client.command({ query, query_params: params });
  }
}

function joinTableName(version: string, from: string): string {
  return `hierarchy_${version}_j${from.replace(/-/g, '')}`;
}

/** The Join table of the period that holds `date`, or null before the first. */
export function periodJoinTable(version: HierarchyVersion, date: string): string | null {
  const period = version.periods.find((p) => p.from <= date && date < p.to);
  return period?.joinTable ?? null;
}
