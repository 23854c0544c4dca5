import { dateRange, footprintCode, type Granularity } from '../shared/arguments';
import { connection, entry, type Connection } from '../shared/connection';
import type { OrganisationEntry } from '../shared/hierarchy-cache';
import { periodOf, type Period } from '../shared/period';
import type { QueryContext, RollupScope } from '../shared/query-context';
import { carbonSql } from './carbon.sql';

export interface CarbonRow {
  readonly organisation: OrganisationEntry;
  readonly period: Period;
  readonly category: string;
  readonly value: number;
  readonly metrics: number;
}

export interface CarbonArgs extends RollupScope {
  readonly from: string;
  readonly to: string;
  readonly granularity?: Granularity | null;
  readonly footprint?: string | null;
}

/** kgCO2e by any level under any parent, on any date, per period and category. */
export class CarbonQueries {
  constructor(private readonly context: QueryContext) {}

  async rollup(args: CarbonArgs): Promise<Connection<CarbonRow>> {
    const { from, to } = dateRange(args.from, args.to);
    const footprint = args.footprint ? footprintCode('footprint', args.footprint) : null;
    const scope = await this.context.scope(args, to);
    const sql = carbonSql({ ...scope.sql, granularity: args.granularity ?? null, footprint: footprint !== null });
    const rows = await this.context.rows<{ code: string; period: string; category: string; kg_co2e: number; metrics: string; total: string }>(sql, {
      from,
      to,
      asOf: scope.asOf,
      parent: scope.parent,
      limit: scope.limit,
      offset: scope.offset,
      ...(footprint ? { footprint } : {}),
    });
    return connection(
      rows.map((r) => ({
        organisation: entry(scope.organisations, r.code, scope.level),
        period: periodOf(r.period, args.granularity ?? null, from, to),
        category: r.category,
        value: Number(r.kg_co2e),
        metrics: Number(r.metrics),
      })),
      rows,
      scope.offset,
    );
  }
}
