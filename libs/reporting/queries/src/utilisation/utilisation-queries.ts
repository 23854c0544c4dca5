import { capabilityCode, dateRange, instant, metricCode, type Granularity, type Level } from '../shared/arguments';
import { connection, entry, type Connection } from '../shared/connection';
import type { OrganisationEntry } from '../shared/hierarchy-cache';
import { periodOf, type Period } from '../shared/period';
import type { PreparedQuery, QueryContext, RollupScope } from '../shared/query-context';
import { utilisationSql } from './utilisation.sql';

export interface UtilisationRow {
  readonly organisation: OrganisationEntry;
  readonly period: Period;
  readonly value: number;
  readonly practices: number;
  readonly registeredPatients: number | null;
  readonly ratePer1000: number | null;
}

export interface UtilisationArgs extends RollupScope {
  readonly capability: string;
  readonly metric: string;
  readonly from: string;
  readonly to: string;
  readonly granularity?: Granularity | null;
  readonly knownAt?: string | null;
}

/** A prepared utilisation roll-up, with the level it groups by and the names of the hierarchy it used. */
export interface PreparedUtilisation extends PreparedQuery {
  readonly level: Level;
  readonly organisations: ReadonlyMap<string, OrganisationEntry>;
}

/** Utilisation of a capability's metric by any level under any parent, on any date, as known at any time. */
export class UtilisationQueries {
  constructor(private readonly context: QueryContext) {}

  /** `rates`: also work out registered patients and rates per 1,000 (default on; the API asks only when they are selected). */
  async prepare(args: UtilisationArgs, options: { rates?: boolean } = {}): Promise<PreparedUtilisation> {
    return this.prepareSql(args, { rates: options.rates, unattributed: false });
  }

  async rollup(args: UtilisationArgs, options: { rates?: boolean } = {}): Promise<Connection<UtilisationRow>> {
    const prepared = await this.prepare(args, options);
    const rows = await this.context.rows<{
      code: string;
      period: string;
      value: number;
      practices: string;
      registered_patients: number;
      rate_per_1000: number | null;
      total: string;
    }>(prepared.sql, prepared.params);
    return connection(
      rows.map((r) => ({
        organisation: entry(prepared.organisations, r.code, prepared.level),
        period: periodOf(r.period, args.granularity ?? null, args.from, args.to),
        value: Number(r.value),
        practices: Number(r.practices),
        registeredPatients: r.registered_patients > 0 ? Number(r.registered_patients) : null,
        ratePer1000: r.rate_per_1000 === null ? null : Number(r.rate_per_1000),
      })),
      rows,
      Number(prepared.params['offset']),
    );
  }

  /** Per period, what the roll-up could not place at its level (e.g. usage known only for a sub-ICB location, grouped by practice). */
  async unattributed(args: UtilisationArgs): Promise<Array<{ period: Period; value: number }>> {
    const prepared = await this.prepareSql(args, { rates: false, unattributed: true });
    const rows = await this.context.rows<{ period: string; value: number }>(prepared.sql, prepared.params);
    return rows.map((r) => ({ period: periodOf(r.period, args.granularity ?? null, args.from, args.to), value: Number(r.value) }));
  }

  private async prepareSql(args: UtilisationArgs, options: { rates?: boolean; unattributed: boolean }): Promise<PreparedUtilisation> {
    const capability = capabilityCode('capability', args.capability);
    const metric = metricCode('metric', capability, args.metric);
    const { from, to } = dateRange(args.from, args.to);
    const knownAt = args.knownAt ? instant('knownAt', args.knownAt) : null;
    const scope = await this.context.scope(args, to, knownAt);
    const sql = utilisationSql({ ...scope.sql, granularity: args.granularity ?? null, knownAt: knownAt !== null, ...options });
    const page = options.unattributed ? {} : { limit: scope.limit, offset: scope.offset };
    return {
      sql,
      level: scope.level,
      organisations: scope.organisations,
      params: { capability, metric, from, to, asOf: scope.asOf, parent: scope.parent, ...page, ...(knownAt ? { knownAt } : {}) },
    };
  }
}
