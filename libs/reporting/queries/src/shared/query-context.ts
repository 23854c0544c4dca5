import type { ClickHouseClient } from '@clickhouse/client';
import { LEVELS, QueryArgumentError, isoDate, level as levelArgument, levelRank, page, today, type Level } from './arguments';
import { periodJoinTable, type HierarchyCache, type OrganisationEntry } from './hierarchy-cache';
import type { RollupSqlScope } from './rollup-sql';

/** Where a roll-up is taken: a level, under a parent (England without one), on a date, a page at a time. */
export interface RollupScope {
  readonly level: string;
  readonly parent?: string | null;
  readonly asOf?: string | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

/** A prepared roll-up: the SQL and parameters the API sends, kept so a benchmark can send the same. */
export interface PreparedQuery {
  readonly sql: string;
  readonly params: Record<string, unknown>;
  /** Queries the API sends first, every time (e.g. a version check). */
  readonly before?: ReadonlyArray<{ readonly sql: string; readonly params: Record<string, unknown> }>;
}

/** A roll-up's scope, checked, with the hierarchy of its date. */
export interface Scope {
  readonly level: Level;
  readonly parentLevel: Level | null;
  readonly parent: string;
  readonly asOf: string;
  readonly limit: number;
  readonly offset: number;
  readonly table: string;
  readonly organisations: ReadonlyMap<string, OrganisationEntry>;
  /** What the SQL builders need of it. */
  readonly sql: Omit<RollupSqlScope, 'granularity'>;
}

/** What every read model's queries share: the client, the databases, the hierarchy cache. */
export class QueryContext {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: { readonly database: string; readonly bi: string },
    readonly hierarchy: HierarchyCache,
  ) {}

  /** The database of the projected tables. */
  get database(): string {
    return this.options.database;
  }

  /** The database of the BI views. */
  get bi(): string {
    return this.options.bi;
  }

  /**
   * Level, parent and date of a roll-up, checked: the parent must exist and sit above the level.
   * With `knownAt` (checked, ClickHouse text), the hierarchy as known then: an organisation fact
   * recorded later changes neither the grouping nor the parents there are.
   */
  async scope(args: RollupScope, defaultAsOf: string, knownAt: string | null = null): Promise<Scope> {
    const level = levelArgument('level', args.level);
    const asOf = args.asOf ? isoDate('asOf', args.asOf) : defaultAsOf < today() ? defaultAsOf : today();
    const { limit, offset } = page(args.first, args.after);
    const version = await this.hierarchy.get(knownAt);
    let parentLevel: Level | null = null;
    const parent = args.parent?.trim() ?? '';
    if (parent) {
      const found = version.organisations.get(parent);
      if (!found) throw new QueryArgumentError('parent', `no organisation has the code '${parent}': look codes up with organisations(search: ...)`);
      if (levelRank(found.level) <= levelRank(level)) {
        throw new QueryArgumentError(
          'parent',
          `${parent} is a ${found.level}: a roll-up by ${level} needs a parent above it (${LEVELS.slice(levelRank(level) + 1).join(', ')})`,
        );
      }
      parentLevel = found.level;
    }
    return {
      level,
      parentLevel,
      parent,
      asOf,
      limit,
      offset,
      table: version.table,
      organisations: version.organisations,
      sql: { database: this.options.database, hierarchy: version.table, hierarchyJoin: periodJoinTable(version, asOf), level, parentLevel },
    };
  }

  async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return (
      await this.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })
    ).json<T>();
  }
}
