import { encodeCursor, type Level } from './arguments';
import type { OrganisationEntry } from './hierarchy-cache';

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

/** A page of a list: its rows, how many there are in all, and the cursor of the next page. */
export interface Connection<T> {
  readonly nodes: T[];
  readonly totalCount: number;
  readonly pageInfo: PageInfo;
}

/** A page of `nodes` from rows carrying `total` (a `count() OVER ()`), starting at `offset`. */
export function connection<T>(nodes: T[], rows: ReadonlyArray<{ total?: string | number }>, offset: number): Connection<T> {
  const totalCount = rows.length > 0 ? Number(rows[0]!.total) : 0;
  const next = offset + nodes.length;
  return { nodes, totalCount, pageInfo: { hasNextPage: next < totalCount, endCursor: nodes.length > 0 ? encodeCursor(next) : null } };
}

/** The organisation of a roll-up row, by the hierarchy's names (nameless when the hierarchy does not know it). */
export function entry(organisations: ReadonlyMap<string, OrganisationEntry>, code: string, level: Level): OrganisationEntry {
  return organisations.get(code) ?? { code, name: '', level };
}
