import type { ClickHouseClient } from '@clickhouse/client';
import {
  LEVELS,
  NATIONAL_CODE,
  QueryArgumentError,
  capabilityCode,
  clickhouseInstant,
  dateRange,
  encodeCursor,
  footprintCode,
  instant,
  isoDate,
  level as levelArgument,
  levelRank,
  metricCode,
  page,
  today,
  type Granularity,
  type Level,
} from './arguments';
import { HierarchyCache, periodJoinTable, type OrganisationEntry } from './hierarchy-cache';
import { carbonSql, coverageSql, hierarchyOn, utilisationSql, type CoverageKind } from './rollup-sql';

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export interface Connection<T> {
  readonly nodes: T[];
  readonly totalCount: number;
  readonly pageInfo: PageInfo;
}

export interface Period {
  readonly start: string;
  readonly end: string;
}

export interface UtilisationRow {
  readonly organisation: OrganisationEntry;
  readonly period: Period;
  readonly value: number;
  readonly practices: number;
  readonly registeredPatients: number | null;
  readonly ratePer1000: number | null;
}

export interface CoverageRow {
  readonly organisation: OrganisationEntry;
  readonly value: number;
  readonly covered: number;
  readonly inScope: number;
  readonly share: number | null;
}

export interface CarbonRow {
  readonly organisation: OrganisationEntry;
  readonly period: Period;
  readonly category: string;
  readonly value: number;
  readonly metrics: number;
}

export interface RollupScope {
  readonly level: string;
  readonly parent?: string | null;
  readonly asOf?: string | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

export interface UtilisationArgs extends RollupScope {
  readonly capability: string;
  readonly metric: string;
  readonly from: string;
  readonly to: string;
  readonly granularity?: Granularity | null;
  readonly knownAt?: string | null;
}

export interface CoverageArgs extends RollupScope {
  readonly knownAt?: string | null;
}

export interface CarbonArgs extends RollupScope {
  readonly from: string;
  readonly to: string;
  readonly granularity?: Granularity | null;
  readonly footprint?: string | null;
}

/** A prepared roll-up: the SQL and parameters the API sends, kept so a benchmark can send the same. */
export interface PreparedQuery {
  readonly sql: string;
  readonly params: Record<string, unknown>;
}

/** A prepared utilisation roll-up, with the level it groups by and the names of the hierarchy it used. */
export interface PreparedUtilisation extends PreparedQuery {
  readonly level: Level;
  readonly organisations: ReadonlyMap<string, OrganisationEntry>;
}

export interface OrganisationDetail extends OrganisationEntry {
  readonly openedOn: string | null;
  readonly closedOn: string | null;
  readonly successorCode: string | null;
  readonly postcode: string | null;
}

export interface TimelineEntry {
  readonly kind: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly eventId: string;
  readonly eventPosition: number;
  readonly sourceSystem: string;
  readonly sourceRecord: string;
  readonly summary: string;
}

export interface PracticeState {
  readonly agreementInForce: { agreementId: string; commissionerCode: string; termStart: string; termEnd: string } | null;
  readonly latestBcpReview: { reviewedOn: string; outcome: string; reviewedBy: string } | null;
  readonly capabilities: Array<{ capability: string; since: string; solution: string; supplier: string }>;
}

const DAY_MS = 86_400_000;

/**
 * Every question the GraphQL API answers, as ClickHouse SQL: roll-ups by any level under any
 * parent for any date (asOf) and knowledge time (knownAt), with the hierarchy in force on that
 * date; organisation lookups; a practice's state and timeline. No framework here: the GraphQL
 * resolvers call it, and so does the benchmark.
 */
export class ReportingQueries {
  readonly hierarchy: HierarchyCache;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: { readonly database: string; readonly bi: string; readonly hierarchyCheckEveryMs?: number },
  ) {
    this.hierarchy = new HierarchyCache(client, { database: options.database, bi: options.bi, checkEveryMs: options.hierarchyCheckEveryMs });
  }

  // ---- organisations ----

  async organisation(code: string): Promise<OrganisationDetail | null> {
    if (code === NATIONAL_CODE) return { code, name: 'England', level: 'NATIONAL', openedOn: null, closedOn: null, successorCode: null, postcode: null };
    const [row] = await this.rows<{ code: string; name: string; level: Level; opened_on: string; closed_on: string | null; successor_code: string; postcode: string }>(
      `SELECT code, name, level, toString(opened_on) AS opened_on, toString(closed_on) AS closed_on, successor_code, postcode
       FROM ${this.options.bi}.organisations WHERE code = {code:String}`,
      { code },
    );
    return row ? detail(row) : null;
  }

  async searchOrganisations(args: { search?: string | null; level?: string | null; first?: number | null; after?: string | null }): Promise<Connection<OrganisationDetail>> {
    const { limit, offset } = page(args.first, args.after);
    const level = args.level ? levelArgument('level', args.level) : null;
    const search = (args.search ?? '').trim();
    if (search.length > 200) throw new QueryArgumentError('search', 'at most 200 characters');
    const rows = await this.rows<{ code: string; name: string; level: Level; opened_on: string; closed_on: string | null; successor_code: string; postcode: string; total: string }>(
      `SELECT code, name, level, toString(opened_on) AS opened_on, toString(closed_on) AS closed_on, successor_code, postcode, count() OVER () AS total
       FROM ${this.options.bi}.organisations
       WHERE ({search:String} = '' OR positionCaseInsensitiveUTF8(name, {search:String}) > 0 OR code = upper({search:String}))
         AND ({level:String} = '' OR level = {level:String})
       ORDER BY name, code LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      { search, level: level ?? '', limit, offset },
    );
    return connection(rows.map(detail), rows, offset);
  }

  /** The organisation's ancestors on `asOf`, nearest first, up to England. */
  async ancestors(code: string, asOf?: string | null): Promise<OrganisationEntry[]> {
    const on = asOf ? isoDate('asOf', asOf) : today();
    const version = await this.hierarchy.get();
    const [row] = await this.rows<{ pcn_code: string; commissioner_code: string; icb_code: string; region_code: string; level: Level }>(
      `SELECT level, pcn_code, commissioner_code, icb_code, region_code FROM ${hierarchyOn(version.table)} WHERE code = {code:String}`,
      { code, asOf: on },
    );
    if (!row) return [];
    const above = LEVELS.slice(levelRank(row.level) + 1);
    const codes: Record<string, string> = { PCN: row.pcn_code, COMMISSIONER: row.commissioner_code, ICB: row.icb_code, REGION: row.region_code, NATIONAL: NATIONAL_CODE };
    return above.map((l) => codes[l]).filter((c): c is string => !!c && c !== code).map((c) => version.organisations.get(c) ?? { code: c, name: '', level: 'NATIONAL' });
  }

  /** The organisations one level down from `code` on `asOf` (practices under a commissioner with no PCN included). */
  async children(code: string, args: { asOf?: string | null; first?: number | null; after?: string | null }): Promise<Connection<OrganisationEntry>> {
    const on = args.asOf ? isoDate('asOf', args.asOf) : today();
    const { limit, offset } = page(args.first, args.after);
    const version = await this.hierarchy.get();
    const parent = version.organisations.get(code);
    if (!parent || parent.level === 'PRACTICE') return { nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } };
    const filter: Record<Exclude<Level, 'PRACTICE'>, string> = {
      NATIONAL: `level = 'REGION'`,
      REGION: `level = 'ICB' AND region_code = {code:String}`,
      ICB: `level = 'COMMISSIONER' AND icb_code = {code:String}`,
      COMMISSIONER: `(level = 'PCN' OR (level = 'PRACTICE' AND pcn_code = '')) AND commissioner_code = {code:String}`,
      PCN: `level = 'PRACTICE' AND pcn_code = {code:String}`,
    };
    const rows = await this.rows<{ code: string; total: string }>(
      `SELECT code, count() OVER () AS total FROM ${hierarchyOn(version.table)} WHERE ${filter[parent.level as Exclude<Level, 'PRACTICE'>]}
       ORDER BY code LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      { code, asOf: on, limit, offset },
    );
    return connection(
      rows.map((r) => version.organisations.get(r.code) ?? { code: r.code, name: '', level: 'PRACTICE' }),
      rows,
      offset,
    );
  }

  // ---- roll-ups ----

  /** `rates`: also work out registered patients and rates per 1,000 (default on; the API asks only when they are selected). */
  async prepareUtilisation(args: UtilisationArgs, options: { rates?: boolean } = {}): Promise<PreparedUtilisation> {
    return this.prepareUtilisationSql(args, { rates: options.rates, unattributed: false });
  }

  private async prepareUtilisationSql(args: UtilisationArgs, options: { rates?: boolean; unattributed: boolean }): Promise<PreparedUtilisation> {
    const capability = capabilityCode('capability', args.capability);
    const metric = metricCode('metric', capability, args.metric);
    const { from, to } = dateRange(args.from, args.to);
    const scope = await this.scope(args, to);
    const knownAt = args.knownAt ? instant('knownAt', args.knownAt) : null;
    const sql = utilisationSql({ ...scope.sql, granularity: args.granularity ?? null, knownAt: knownAt !== null, ...options });
    const page = options.unattributed ? {} : { limit: scope.limit, offset: scope.offset };
    return {
      sql,
      level: scope.level,
      organisations: scope.organisations,
      params: { capability, metric, from, to, asOf: scope.asOf, parent: scope.parent, ...page, ...(knownAt ? { knownAt } : {}) },
    };
  }

  async utilisation(args: UtilisationArgs, options: { rates?: boolean } = {}): Promise<Connection<UtilisationRow>> {
    const prepared = await this.prepareUtilisation(args, options);
    const rows = await this.rows<{ code: string; period: string; value: number; practices: string; registered_patients: number; rate_per_1000: number | null; total: string }>(
      prepared.sql,
      prepared.params,
    );
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

  /** Per period, what the utilisation roll-up could not place at its level (e.g. usage known only for a sub-ICB location, grouped by practice). */
  async utilisationUnattributed(args: UtilisationArgs): Promise<Array<{ period: Period; value: number }>> {
    const prepared = await this.prepareUtilisationSql(args, { rates: false, unattributed: true });
    const rows = await this.rows<{ period: string; value: number }>(prepared.sql, prepared.params);
    return rows.map((r) => ({ period: periodOf(r.period, args.granularity ?? null, args.from, args.to), value: Number(r.value) }));
  }

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

  async carbon(args: CarbonArgs): Promise<Connection<CarbonRow>> {
    const { from, to } = dateRange(args.from, args.to);
    const footprint = args.footprint ? footprintCode('footprint', args.footprint) : null;
    const scope = await this.scope(args, to);
    const sql = carbonSql({ ...scope.sql, granularity: args.granularity ?? null, footprint: footprint !== null });
    const rows = await this.rows<{ code: string; period: string; category: string; kg_co2e: number; metrics: string; total: string }>(sql, {
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

  // ---- one practice ----

  async practiceState(code: string, asOf?: string | null): Promise<PracticeState> {
    const on = asOf ? isoDate('asOf', asOf) : today();
    const params = { code, asOf: on, knownAt: clickhouseInstant(new Date()) };
    const bi = this.options.bi;
    const [agreements, reviews, capabilities] = await Promise.all([
      this.rows<{ agreement_id: string; commissioner_code: string; term_start: string; term_end: string }>(
        `SELECT agreement_id, commissioner_code, toString(term_start) AS term_start, toString(term_end) AS term_end
         FROM ${bi}.agreements_at(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)}) WHERE practice_code = {code:String} AND in_force
         ORDER BY term_start DESC LIMIT 1`,
        params,
      ),
      this.rows<{ reviewed_on: string; outcome: string; reviewed_by: string }>(
        `SELECT toString(reviewed_on) AS reviewed_on, outcome, reviewed_by
         FROM ${bi}.bcp_latest_review_at(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)}) WHERE practice_code = {code:String}`,
        params,
      ),
      this.rows<{ capability: string; since: string; solution: string; supplier: string }>(
        `SELECT capability, toString(since) AS since, solution, supplier
         FROM ${bi}.capability_status_at(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)}) WHERE practice_code = {code:String} AND deployed
         ORDER BY capability`,
        params,
      ),
    ]);
    const a = agreements[0];
    const r = reviews[0];
    return {
      agreementInForce: a ? { agreementId: a.agreement_id, commissionerCode: a.commissioner_code, termStart: a.term_start, termEnd: a.term_end } : null,
      latestBcpReview: r ? { reviewedOn: r.reviewed_on, outcome: r.outcome, reviewedBy: r.reviewed_by } : null,
      capabilities,
    };
  }

  /** Every fact about a practice, newest first, each with the event it came from. */
  async practiceTimeline(code: string, args: { first?: number | null; after?: string | null }): Promise<Connection<TimelineEntry>> {
    const { limit, offset } = page(args.first, args.after);
    const db = this.options.database;
    const provenance = `toString(occurred_at) AS occurred_at, toString(recorded_at) AS recorded_at, toString(event_id) AS event_id, event_position, source_system, source_record`;
    const rows = await this.rows<{
      kind: string;
      occurred_at: string;
      recorded_at: string;
      event_id: string;
      event_position: string;
      source_system: string;
      source_record: string;
      summary: string;
      total: string;
    }>(
      `SELECT *, count() OVER () AS total FROM (
         SELECT event_type AS kind, ${provenance},
                multiIf(event_type = 'OrganisationClosed', concat('closed on ', toString(closed_on), if(successor_code != '', concat(', succeeded by ', successor_code), '')),
                        concat(name, ' (', level, ') from ', toString(effective_from))) AS summary
         FROM ${db}.organisation_changes WHERE code = {code:String}
         UNION ALL
         SELECT 'OrganisationRelationshipChanged', ${provenance},
                concat(relationship, ' ', parent_code, ' from ', toString(effective_from), if(effective_to IS NULL, '', concat(' to ', toString(effective_to))))
         FROM ${db}.organisation_relationship_changes WHERE child_code = {code:String}
         UNION ALL
         SELECT if(change = 'SIGNED', 'CcgPracticeAgreementSigned', 'CcgPracticeAgreementTerminated'), ${provenance},
                if(change = 'SIGNED', concat('agreement ', agreement_id, ' with ', commissioner_code, ' for ', toString(term_start), '..', toString(term_end)),
                   concat('agreement ', agreement_id, ' terminated on ', toString(terminated_on), if(reason != '', concat(': ', reason), '')))
         FROM ${db}.practice_agreements WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'BusinessContinuityPlanReviewed', ${provenance},
                concat('BCP reviewed by ', reviewed_by, ' on ', toString(reviewed_on), ': ', outcome)
         FROM ${db}.practice_bcp_reviews WHERE practice_code = {code:String}
         UNION ALL
         SELECT if(change = 'DEPLOYED', 'CapabilityDeployed', 'CapabilityWithdrawn'), ${provenance},
                concat(capability, ' ', lower(change), ' on ', toString(changed_on), if(solution != '', concat(' (', solution, if(supplier != '', concat(', ', supplier), ''), ')'), ''))
         FROM ${db}.practice_capabilities WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'UtilisationSampleRecorded', ${provenance},
                concat(capability, ' ', metric, ' ', toString(value), ' for ', toString(period_start), '..', toString(period_end))
         FROM ${db}.utilisation_samples WHERE organisation_code = {code:String}
         UNION ALL
         SELECT 'CarbonMetricRecorded', ${provenance},
                concat(footprint, ' ', category, ' ', toString(kg_co2e), ' kgCO2e for ', toString(period_start), '..', toString(period_end))
         FROM ${db}.carbon_metrics WHERE organisation_code = {code:String})
       ORDER BY occurred_at DESC, event_position DESC LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      { code, limit, offset },
    );
    return connection(
      rows.map((r) => ({
        kind: r.kind,
        occurredAt: isoInstant(r.occurred_at),
        recordedAt: isoInstant(r.recorded_at),
        eventId: r.event_id,
        eventPosition: Number(r.event_position),
        sourceSystem: r.source_system,
        sourceRecord: r.source_record,
        summary: r.summary,
      })),
      rows,
      offset,
    );
  }

  // ---- shared ----

  private async coverage(kind: CoverageKind, args: CoverageArgs, extra: Record<string, unknown>): Promise<Connection<CoverageRow>> {
    const scope = await this.scope(args, today());
    const knownAt = args.knownAt ? instant('knownAt', args.knownAt) : clickhouseInstant(new Date());
    const sql = coverageSql({ bi: this.options.bi, hierarchy: scope.table, kind, level: scope.level, parentLevel: scope.parentLevel });
    const rows = await this.rows<{ code: string; in_scope: string; covered: string; share: number | null; total: string }>(sql, {
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

  /** Level, parent and date of a roll-up, checked: the parent must exist and sit above the level. */
  private async scope(args: RollupScope, defaultAsOf: string) {
    const level = levelArgument('level', args.level);
    const asOf = args.asOf ? isoDate('asOf', args.asOf) : defaultAsOf < today() ? defaultAsOf : today();
    const { limit, offset } = page(args.first, args.after);
    const version = await this.hierarchy.get();
    let parentLevel: Level | null = null;
    const parent = args.parent?.trim() ?? '';
    if (parent) {
      const found = version.organisations.get(parent);
      if (!found) throw new QueryArgumentError('parent', `no organisation has the code '${parent}': look codes up with organisations(search: ...)`);
      if (levelRank(found.level) <= levelRank(level)) {
        throw new QueryArgumentError('parent', `${parent} is a ${found.level}: a roll-up by ${level} needs a parent above it (${LEVELS.slice(levelRank(level) + 1).join(', ')})`);
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
      /** What the SQL builders need of it. */
      sql: { database: this.options.database, hierarchy: version.table, hierarchyJoin: periodJoinTable(version, asOf), level, parentLevel },
    };
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
  }
}

function connection<T>(nodes: T[], rows: ReadonlyArray<{ total?: string | number }>, offset: number): Connection<T> {
  const totalCount = rows.length > 0 ? Number(rows[0]!.total) : 0;
  const next = offset + nodes.length;
  return { nodes, totalCount, pageInfo: { hasNextPage: next < totalCount, endCursor: nodes.length > 0 ? encodeCursor(next) : null } };
}

function entry(organisations: ReadonlyMap<string, OrganisationEntry>, code: string, level: Level): OrganisationEntry {
  return organisations.get(code) ?? { code, name: '', level };
}

function detail(row: { code: string; name: string; level: Level; opened_on: string; closed_on: string | null; successor_code: string; postcode: string }): OrganisationDetail {
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    openedOn: row.opened_on === '1970-01-01' ? null : row.opened_on,
    closedOn: row.closed_on && row.closed_on !== '\\N' ? row.closed_on : null,
    successorCode: row.successor_code || null,
    postcode: row.postcode || null,
  };
}

/** The period a row covers: from its start to the day before the next period starts, clipped to the range asked about. */
function periodOf(start: string, granularity: Granularity | null, from: string, to: string): Period {
  if (granularity === null) return { start: from, end: to };
  const s = new Date(`${start}T00:00:00Z`);
  const next = new Date(s);
  switch (granularity) {
    case 'DAY':
      next.setUTCDate(s.getUTCDate() + 1);
      break;
    case 'WEEK':
      next.setUTCDate(s.getUTCDate() + 7);
      break;
    case 'MONTH':
      next.setUTCMonth(s.getUTCMonth() + 1);
      break;
    case 'QUARTER':
      next.setUTCMonth(s.getUTCMonth() + 3);
      break;
    case 'FINANCIAL_YEAR':
      next.setUTCFullYear(s.getUTCFullYear() + 1);
      break;
  }
  const end = new Date(next.getTime() - DAY_MS).toISOString().slice(0, 10);
  return { start: start < from ? from : start, end: end > to ? to : end };
}

function isoInstant(text: string): string {
  return `${text.replace(' ', 'T')}${text.includes('.') ? '' : '.000'}Z`;
}
