import { createHash, randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { OPEN_END } from '@gpds/analytics';
import { BI_VIEWS, TABLES } from '@gpds/analytics-clickhouse';
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

/** Part of every version's name: a change to the tables a version consists of gives every version a new name. */
const LAYOUT = 'periods+join/2';

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
 */
export class HierarchyCache {
  private current: { version: string; value: Promise<HierarchyVersion> } | null = null;
  private checked: { at: number; version: Promise<string> } | null = null;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: { readonly database: string; readonly bi: string; readonly checkEveryMs?: number },
  ) {}

  get cacheDatabase(): string {
    return `${this.options.database}_reporting`;
  }

  /**
   * The hierarchy as the organisation tables stand: with `checkEveryMs` 0 checked on every call;
   * otherwise the last one built is answered at once while a check (at most every checkEveryMs)
   * runs behind it, and the next calls get the new one once it is built. Queries never wait for a
   * check; an organisation change shows at most a check interval (plus a build) later.
   */
  async get(): Promise<HierarchyVersion> {
    if (this.current && (this.options.checkEveryMs ?? 1_000) > 0) {
      const current = this.current;
      if (!this.checked || Date.now() - this.checked.at >= (this.options.checkEveryMs ?? 1_000)) {
        void this.refresh().catch(() => undefined); // a failed check is tried again on a later call
      }
      // Until a new version is built, the one before it answers.
      return this.ready ?? current.value;
    }
    await this.refresh();
    return this.current!.value;
  }

  /** The last version known to be built: what get() answers while a newer one builds. */
  private ready: Promise<HierarchyVersion> | null = null;

  private async refresh(): Promise<void> {
    const version = await this.version();
    if (this.current?.version !== version) {
      const value = this.build(version);
      this.current = { version, value };
      value.then(
        () => {
          if (this.current?.value === value) this.ready = value;
        },
        () => {
          if (this.current?.value === value) this.current = null;
        },
      );
      if (!this.ready) this.ready = value;
    }
  }

  private version(): Promise<string> {
    const now = Date.now();
    if (this.checked && now - this.checked.at < (this.options.checkEveryMs ?? 1_000)) return this.checked.version;
    const { database: db } = this.options;
    const version = this.rows<{ state: string }>(
      `SELECT concat(toString((SELECT (count(), max(event_position)) FROM ${db}.${TABLES.organisationChanges})), '/',
                     toString((SELECT (count(), max(event_position)) FROM ${db}.${TABLES.organisationRelationshipChanges}))) AS state`,
    ).then(([row]) =>
      createHash('sha256')
        .update(`${LAYOUT}/${row?.state ?? ''}`)
        .digest('hex')
        .slice(0, 16),
    );
    this.checked = { at: now, version };
    version.catch(() => {
      if (this.checked?.version === version) this.checked = null;
    });
    return version;
  }

  private async build(version: string): Promise<HierarchyVersion> {
    const { database: db, bi } = this.options;
    const cache = this.cacheDatabase;
    const table = `${cache}.hierarchy_${version}`;
    const exists = await this.rows<{ n: string }>(`SELECT count() AS n FROM system.tables WHERE database = {cache:String} AND name = {name:String}`, {
      cache,
      name: `hierarchy_${version}`,
    });
    if (Number(exists[0]?.n ?? 0) === 0) {
      await this.command(`CREATE DATABASE IF NOT EXISTS ${cache}`);
      const scratch = `${cache}.building_${randomUUID().replace(/-/g, '')}`;
      const built: string[] = [scratch];
      await this.command(`CREATE TABLE ${scratch} (
          valid_from Date, valid_to Date, code String, level LowCardinality(String), name String,
          pcn_code String, commissioner_code String, icb_code String, region_code String
        ) ENGINE = MergeTree ORDER BY (valid_from, code)`);
      try {
        const dates = (
          await this.rows<{ d: string }>(
            `SELECT DISTINCT d FROM (
               SELECT effective_from AS d FROM ${db}.${TABLES.organisationRelationshipChanges}
               UNION ALL SELECT assumeNotNull(effective_to) FROM ${db}.${TABLES.organisationRelationshipChanges} WHERE effective_to IS NOT NULL
               UNION ALL SELECT effective_from FROM ${db}.${TABLES.organisationChanges}
               UNION ALL SELECT assumeNotNull(closed_on) FROM ${db}.${TABLES.organisationChanges} WHERE closed_on IS NOT NULL)
             WHERE d < {openEnd:Date} ORDER BY d`,
            { openEnd: OPEN_END },
          )
        ).map((r) => r.d);
        for (const [i, from] of dates.entries()) {
          await this.command(
            `INSERT INTO ${scratch}
             SELECT {from:Date}, {to:Date}, code, level, name, pcn_code, commissioner_code, icb_code, region_code
             FROM ${bi}.${BI_VIEWS.organisationHierarchy}(on_date = {from:Date})`,
            { from, to: dates[i + 1] ?? OPEN_END },
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
    await this.dropOtherVersions(version);
    return { table, periods, organisations };
  }

  /** Moves a table built under a scratch name into place; when another process put the same one there first, uses theirs. */
  private async rename(scratch: string, target: string): Promise<void> {
    await this.command(`RENAME TABLE ${scratch} TO ${target}`).catch(async (error: unknown) => {
      if (!/already exists/i.test(String(error))) throw error;
      await this.command(`DROP TABLE IF EXISTS ${scratch}`);
    });
  }

  /** Older versions are dropped once a newer one is in place (a query still reading one finishes first). */
  private async dropOtherVersions(version: string): Promise<void> {
    const stale = await this.rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = {cache:String} AND startsWith(name, 'hierarchy_') AND NOT startsWith(name, {keep:String})
         AND metadata_modification_time < now() - INTERVAL 60 SECOND`,
      { cache: this.cacheDatabase, keep: `hierarchy_${version}` },
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
