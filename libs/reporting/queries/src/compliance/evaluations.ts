import { createHash, randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { COMPLIANCE_TABLES } from '@gpds/analytics-clickhouse';
import { COMPLIANCE_RULES, OUTCOMES } from '@gpds/compliance';
import { evaluationSql } from './compliance.sql';

/** Part of every evaluation's name: a change to how evaluations are built gives every one a new name. */
const LAYOUT = 'compliance-evaluation/1';

/** The outcome column type of an evaluation: one byte a rule. */
export const OUTCOME_TYPE = `Enum8(${OUTCOMES.map((o, i) => `'${o}' = ${i + 1}`).join(', ')})`;

/** An evaluation: every practice open on a date, each rule's outcome (o0, o1, ... in catalogue order). */
export interface Evaluation {
  /** `<db>_reporting.compliance_<version>`. */
  readonly table: string;
  /** The query that told the evaluation's version, and its parameters: what the API runs before each answer. */
  readonly check: { readonly sql: string; readonly params: Record<string, unknown> };
}

/**
 * Compliance evaluations, materialised: every practice open on a date judged against every rule,
 * as a small table, built once per date, knowledge time and version of the facts and hierarchy,
 * then read by every roll-up, drill-down and list of that date (national, a region, an ICB, the
 * non-compliant practices of a rule). An answer can change only when the fact tables the rules
 * read or the hierarchy change, so the version is the state of those tables' parts (ClickHouse's
 * own record of what has been written: a new insert, a merge, a rebuild's swap give new parts),
 * checked on every question (one small query), and the hierarchy version. Tables are built under
 * a scratch name and renamed into place, so API processes sharing a ClickHouse server share them;
 * the least recently used beyond `keep` are dropped (a query still reading one finishes first).
 */
export class ComplianceEvaluations {
  private readonly building = new Map<string, Promise<string>>();
  /** Evaluations this process built or found, by table name, the least recently used first. */
  private readonly kept = new Map<string, true>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: { readonly database: string; readonly keep?: number },
  ) {}

  private get cacheDatabase(): string {
    return `${this.options.database}_reporting`;
  }

  /** The query that tells the version of the facts the rules read (parts and table identities), as of now. */
  private versionCheck(): { sql: string; params: Record<string, unknown> } {
    return {
      sql: `SELECT toString(cityHash64(
               (SELECT groupArray((table, name, rows, modification_time)) FROM (SELECT table, name, rows, modification_time FROM system.parts
                  WHERE database = {db:String} AND active AND table IN {tables:Array(String)} ORDER BY table, name)),
               (SELECT groupArray((name, uuid)) FROM (SELECT name, uuid FROM system.tables WHERE database = {db:String} AND name IN {tables:Array(String)} ORDER BY name))
             )) AS version`,
      params: { db: this.options.database, tables: [...COMPLIANCE_TABLES] },
    };
  }

  /**
   * The evaluation of `asOf` with the facts known at `knownAt` ('YYYY-MM-DD hh:mm:ss.sss', or null:
   * everything known when asked), practices and their openness by `hierarchyTable` (the
   * HierarchyCache version to answer with).
   */
  async get(asOf: string, knownAt: string | null, hierarchyTable: string): Promise<Evaluation> {
    const check = this.versionCheck();
    const [row] = await this.rows<{ version: string }>(check.sql, check.params);
    const name = `compliance_${createHash('sha256')
      .update(`${LAYOUT}|rules v${COMPLIANCE_RULES.version}|${asOf}|${knownAt ?? 'now'}|${hierarchyTable}|${row?.version ?? ''}`)
      .digest('hex')
      .slice(0, 16)}`;
    const table = `${this.cacheDatabase}.${name}`;
    let built = this.kept.has(name) ? undefined : this.building.get(name);
    if (!built && !this.kept.has(name)) {
      built = this.build(table, asOf, knownAt, hierarchyTable);
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
    return { table, check };
  }

  /** Forgets what this process built (another may have dropped it): the next questions check, and build again what is gone. */
  forgetAll(): void {
    this.kept.clear();
  }

  private async build(table: string, asOf: string, knownAt: string | null, hierarchyTable: string): Promise<string> {
    const [exists] = await this.rows<{ n: string }>(`SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = {name:String}`, {
      db: this.cacheDatabase,
      name: table.slice(this.cacheDatabase.length + 1),
    });
    if (Number(exists?.n ?? 0) > 0) return table;
    await this.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${this.cacheDatabase}` });
    const rules = COMPLIANCE_RULES.rules;
    const outcomes = evaluationSql(this.options.database, hierarchyTable);
    const scratch = `${this.cacheDatabase}.building_${randomUUID().replace(/-/g, '')}`;
    try {
      await this.client.command({
        query: `CREATE TABLE ${scratch} ENGINE = MergeTree ORDER BY code
                AS SELECT code, ${rules.map((_, i) => `CAST(o${i} AS ${OUTCOME_TYPE}) AS o${i}`).join(', ')} FROM (${outcomes})`,
        query_params: { asOf, knownAt: knownAt ?? new Date().toISOString().replace('T', ' ').replace('Z', '') },
      });
      await this.client.command({ query: `RENAME TABLE ${scratch} TO ${table}` }).catch(async (error: unknown) => {
        // Another process built the same evaluation first: use theirs.
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

  /** Evaluations this process no longer keeps, built more than a minute ago (a query reading one finishes first). */
  private async dropOthers(): Promise<void> {
    const stale = await this.rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = {db:String} AND startsWith(name, 'compliance_') AND NOT has({keep:Array(String)}, name)
         AND metadata_modification_time < now() - INTERVAL 60 SECOND`,
      { db: this.cacheDatabase, keep: [...this.kept.keys(), ...this.building.keys()] },
    );
    for (const { name } of stale) await this.client.command({ query: `DROP TABLE IF EXISTS ${this.cacheDatabase}.${name}` }).catch(() => undefined);
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
  }
}
