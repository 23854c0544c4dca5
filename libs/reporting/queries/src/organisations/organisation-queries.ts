import { BEGINNING } from '@gpds/analytics';
import { LEVELS, NATIONAL_CODE, QueryArgumentError, isoDate, level as levelArgument, levelRank, page, today, type Level } from '../shared/arguments';
import { connection, type Connection } from '../shared/connection';
import type { OrganisationEntry } from '../shared/hierarchy-cache';
import type { QueryContext } from '../shared/query-context';
import { ancestorsSql, childrenSql, organisationSql, searchOrganisationsSql } from './organisations.sql';

export interface OrganisationDetail extends OrganisationEntry {
  readonly openedOn: string | null;
  readonly closedOn: string | null;
  readonly successorCode: string | null;
  readonly postcode: string | null;
}

type OrganisationRow = { code: string; name: string; level: Level; opened_on: string; closed_on: string | null; successor_code: string; postcode: string };

/** Organisations: by code, by search, and up and down the hierarchy in force on a date. */
export class OrganisationQueries {
  constructor(private readonly context: QueryContext) {}

  async organisation(code: string): Promise<OrganisationDetail | null> {
    if (code === NATIONAL_CODE) return { code, name: 'England', level: 'NATIONAL', openedOn: null, closedOn: null, successorCode: null, postcode: null };
    const [row] = await this.context.rows<OrganisationRow>(organisationSql(this.context.bi), { code });
    return row ? detail(row) : null;
  }

  /** With `scope` (a scoped principal's), only the organisations it may see: see searchOrganisationsSql. */
  async search(
    args: { search?: string | null; level?: string | null; first?: number | null; after?: string | null },
    scope: string | null = null,
  ): Promise<Connection<OrganisationDetail>> {
    const { limit, offset } = page(args.first, args.after);
    const level = args.level ? levelArgument('level', args.level) : null;
    const search = (args.search ?? '').trim();
    if (search.length > 200) throw new QueryArgumentError('search', 'at most 200 characters');
    const version = await this.context.hierarchy.get();
    const scopeLevel = scope ? version.organisations.get(scope)?.level : undefined;
    const rows = await this.context.rows<OrganisationRow & { total: string }>(searchOrganisationsSql(this.context.bi, version.table), {
      search,
      level: level ?? '',
      scope: scope ?? '',
      published: scopeLevel ? LEVELS.slice(levelRank(scopeLevel)) : ['NATIONAL'],
      asOf: today(),
      limit,
      offset,
    });
    return connection(rows.map(detail), rows, offset);
  }

  /** The organisation's ancestors on `asOf`, nearest first, up to England. */
  async ancestors(code: string, asOf?: string | null): Promise<OrganisationEntry[]> {
    const on = asOf ? isoDate('asOf', asOf) : today();
    const version = await this.context.hierarchy.get();
    const [row] = await this.context.rows<{ pcn_code: string; commissioner_code: string; icb_code: string; region_code: string; level: Level }>(
      ancestorsSql(version.table),
      {
        code,
        asOf: on,
      },
    );
    if (!row) return [];
    const above = LEVELS.slice(levelRank(row.level) + 1);
    const codes: Record<string, string> = {
      PCN: row.pcn_code,
      COMMISSIONER: row.commissioner_code,
      ICB: row.icb_code,
      REGION: row.region_code,
      NATIONAL: NATIONAL_CODE,
    };
    return above
      .map((l) => codes[l])
      .filter((c): c is string => !!c && c !== code)
      .map((c) => version.organisations.get(c) ?? { code: c, name: '', level: 'NATIONAL' });
  }

  /** The organisations one level down from `code` on `asOf` (practices under a commissioner with no PCN included). */
  async children(code: string, args: { asOf?: string | null; first?: number | null; after?: string | null }): Promise<Connection<OrganisationEntry>> {
    const on = args.asOf ? isoDate('asOf', args.asOf) : today();
    const { limit, offset } = page(args.first, args.after);
    const version = await this.context.hierarchy.get();
    const parent = version.organisations.get(code);
    if (!parent || parent.level === 'PRACTICE') return { nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } };
    const rows = await this.context.rows<{ code: string; total: string }>(childrenSql(version.table, parent.level), { code, asOf: on, limit, offset });
    return connection(
      rows.map((r) => version.organisations.get(r.code) ?? { code: r.code, name: '', level: 'PRACTICE' }),
      rows,
      offset,
    );
  }
}

function detail(row: OrganisationRow): OrganisationDetail {
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    openedOn: row.opened_on === BEGINNING ? null : row.opened_on,
    closedOn: row.closed_on && row.closed_on !== '\\N' ? row.closed_on : null,
    successorCode: row.successor_code || null,
    postcode: row.postcode || null,
  };
}
