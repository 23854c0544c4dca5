import { QueryArgumentError, capabilityCode, clickhouseInstant, instant, today } from '../shared/arguments';
import { connection, entry, type Connection } from '../shared/connection';
import type { OrganisationEntry } from '../shared/hierarchy-cache';
import type { QueryContext, RollupScope } from '../shared/query-context';
import { coverageSql, type CoverageKind } from './coverage.sql';

export interface CoverageRow {
  readonly organisation: OrganisationEntry;
  readonly value: number;
  readonly covered: number;
  readonly inScope: number;
  readonly share: number | null;
}

export interface CoverageArgs extends RollupScope {
  readonly knownAt?: string | null;
}

/** Of the practices open on a date under each organisation at a level: how many have a capability, an agreement, a recent BCP review. */
export class CoverageQueries {
  constructor(private readonly context: QueryContext) {}

  async capabilityAdoption(args: CoverageArgs & { capability: string }): Promise<Connection<CoverageRow>> {
    const capability = capabilityCode('capability', args.capability);
    return this.coverage('CAPABILITY', args, { capability });
  }

  async agreementCoverage(args: CoverageArgs): Promise<Connection<CoverageRow>> {
    return this.coverage('AGREEMENT', args, {});
  }

  async bcpReviewCoverage(args: CoverageArgs & { withinMonths?: number | null }): Promise<Connection<CoverageRow>> {
    const withinMonths = args.withinMonths ?? 12;
    if (!Number.isInteger(withinMonths) || withinMonths < 1 || withinMonths > 120) {
      throw new QueryArgumentError('withinMonths', `${withinMonths}: a review counts when it is at most this many months old on asOf; use 1 to 120`);
    }
    return this.coverage('BCP_REVIEW', args, { withinMonths });
  }

  private async coverage(kind: CoverageKind, args: CoverageArgs, extra: Record<string, unknown>): Promise<Connection<CoverageRow>> {
    const asked = args.knownAt ? instant('knownAt', args.knownAt) : null;
    // Without knownAt, the facts as known now and the current hierarchy (not one built for this instant).
    const scope = await this.context.scope(args, today(), asked);
    const knownAt = asked ?? clickhouseInstant(new Date());
    const sql = coverageSql({ bi: this.context.bi, hierarchy: scope.table, kind, level: scope.level, parentLevel: scope.parentLevel });
    const rows = await this.context.rows<{ code: string; in_scope: string; covered: string; share: number | null; total: string }>(sql, {
      asOf: scope.asOf,
      knownAt,
      parent: scope.parent,
      limit: scope.limit,
      offset: scope.offset,
      ...extra,
    });
    return connection(
      rows.map((r) => ({
        organisation: entry(scope.organisations, r.code, scope.level),
        value: Number(r.covered),
        covered: Number(r.covered),
        inScope: Number(r.in_scope),
        share: r.share === null ? null : Number(r.share),
      })),
      rows,
      scope.offset,
    );
  }
}
