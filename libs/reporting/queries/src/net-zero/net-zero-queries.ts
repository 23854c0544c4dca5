import type { ClickHouseClient } from '@clickhouse/client';
import { TABLES } from '@gpds/analytics-clickhouse';
import {
  CARBON_CATEGORIES,
  NET_ZERO_TRAJECTORY,
  allowancePercent,
  financialYearStart,
  financialYearText,
  firstPointYear,
  type FootprintTrajectory,
} from '@gpds/shared-reference-data';
import { QueryArgumentError, footprintCode, instant, today } from '../shared/arguments';
import { connection, entry, type Connection } from '../shared/connection';
import type { OrganisationEntry } from '../shared/hierarchy-cache';
import { MaterialisedTables, onceMore } from '../shared/materialised';
import type { PreparedQuery, QueryContext, RollupScope, Scope } from '../shared/query-context';
import { carbonYearsSql, netZeroSql } from './net-zero.sql';

/**
 * ON_TRACK / OFF_TRACK: the units with a baseline emitted at most / more than the allowance;
 * NO_BASELINE: no unit counted has a fact in the baseline year (baseline, allowance and gap are
 * null, never zero); NO_ALLOWANCE: the year is before the baseline year (the trajectory allows
 * nothing yet).
 */
export type NetZeroStatus = 'ON_TRACK' | 'OFF_TRACK' | 'NO_BASELINE' | 'NO_ALLOWANCE';

export interface CategoryAmount {
  readonly category: string;
  readonly kgCo2e: number;
}

/** One organisation's footprint in one financial year against the trajectory. Every amount is kgCO2e. */
export interface NetZeroRow {
  readonly organisation: OrganisationEntry;
  readonly footprint: string;
  /** 'YYYY/YY'. */
  readonly financialYear: string;
  readonly status: NetZeroStatus;
  /** Every unit's emissions in the year (with a baseline or not). */
  readonly actual: number;
  readonly byCategory: readonly CategoryAmount[];
  /** The units with a baseline: their baselines summed (null when there is none). */
  readonly baseline: number | null;
  /** The units with a baseline: their emissions in the year (null when there is none). */
  readonly comparableActual: number | null;
  /** The share of the baseline allowed in the year on the required / ambitious path (null before the baseline year). */
  readonly requiredPercent: number | null;
  readonly ambitiousPercent: number | null;
  /** baseline x requiredPercent: what the trajectory allows. */
  readonly allowance: number | null;
  /** baseline x ambitiousPercent: the other edge of the band. */
  readonly ambitiousAllowance: number | null;
  /** comparableActual - allowance: above the allowance when positive. */
  readonly gap: number | null;
  /** gap over the allowance's size, in percent (null when the allowance is 0). */
  readonly gapPercent: number | null;
  /** comparableActual <= allowance. */
  readonly onTrack: boolean | null;
  readonly unitsWithBaseline: number;
  readonly unitsWithoutBaseline: number;
  /** The emissions of the units without a baseline (in actual, not compared). */
  readonly actualWithoutBaseline: number;
}

/** The terms said with every answer. */
export interface NetZeroTerms {
  readonly trajectoryVersion: number;
  readonly baselineYear: string;
  readonly asOf: string;
  /** As asked (ISO 8601), or null: everything known when asked. */
  readonly knownAt: string | null;
}

export interface NetZeroArgs extends RollupScope {
  /** Financial years 'YYYY/YY', both included. */
  readonly from: string;
  readonly to: string;
  readonly footprint?: string | null;
  readonly baselineYear?: string | null;
  readonly knownAt?: string | null;
}

/** The most financial years one question spans. */
export const MAX_FINANCIAL_YEARS = 30;
/** The financial years a question may name: those ClickHouse dates hold. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2148;

interface NetZeroSqlRow {
  code: string;
  footprint: string;
  fy: number;
  actual: number;
  by_category: number[];
  categories: number;
  with_baseline: number;
  comparable: number;
  baseline: number;
  without_baseline: number;
  actual_without: number;
  total: number;
}

/**
 * Net Zero progress: per organisation at any level under any parent (by the hierarchy in force on
 * asOf), footprint and financial year, emissions against the trajectory's allowance from a
 * baseline year (NET_ZERO_TRAJECTORY, docs/measures.md). A footprint counts the facts of the
 * footprints it includes as well as its own (Footprint Plus: the Carbon Footprint's too), in its
 * actuals and baselines alike. Roll-ups sum the units' emissions and baselines, then compare:
 * shares are never averaged. Every unit's carbon per footprint, category and year is worked out
 * once per knowledge time and state of the carbon tables (carbonYearsSql, materialised): without
 * knownAt from the monthly roll-up (carbon_monthly); with it, from the facts recorded by then
 * (carbon_metrics), under the hierarchy as known then.
 */
export class NetZeroQueries {
  /** Every unit's carbon per footprint, category and financial year, per knowledge time and state of the carbon tables. */
  private readonly years: MaterialisedTables;

  constructor(
    private readonly context: QueryContext,
    client: ClickHouseClient,
  ) {
    this.years = new MaterialisedTables(client, { database: context.database, prefix: 'carbon_years_' });
  }

  /** The roll-up's SQL and parameters, as the API sends them (the benchmark sends the same straight to ClickHouse). */
  async prepare(args: NetZeroArgs): Promise<PreparedQuery & { scope: Scope; terms: NetZeroTerms }> {
    const from = financialYearArgument('from', args.from);
    const to = financialYearArgument('to', args.to);
    if (to < from) throw new QueryArgumentError('to', `${args.to} is before from (${args.from}): the range is from..to, both included`);
    if (to - from + 1 > MAX_FINANCIAL_YEARS) {
      throw new QueryArgumentError('to', `${args.from}..${args.to} spans ${to - from + 1} financial years: ask for at most ${MAX_FINANCIAL_YEARS} at a time`);
    }
    const footprint = args.footprint ? footprintCode('footprint', args.footprint) : null;
    const trajectories = NET_ZERO_TRAJECTORY.footprints.filter((f) => footprint === null || f.footprint === footprint);
    const footprints = trajectories.map((f) => f.footprint);
    const read = factFootprints(footprints);
    const baselineYear = args.baselineYear ?? trajectories[0]!.defaultBaselineYear;
    const baseline = baselineArgument(baselineYear, trajectories);
    const asked = args.knownAt ? instant('knownAt', args.knownAt) : null;
    const scope = await this.context.scope(args, today(), asked);
    const check = this.years.versionCheck([TABLES.carbonMetrics, TABLES.carbonMonthly]);
    const years = await this.years.get(`carbon-years/1|${asked ?? 'now'}`, [check], {
      select: carbonYearsSql(this.context.database, asked !== null),
      params: asked ? { knownAt: asked } : {},
      orderBy: '(fy, footprint, organisation_code)',
    });
    const sql = netZeroSql({ ...scope.sql, years: years.table, categories: CARBON_CATEGORIES.codes().length });
    const params = {
      fromStart: `${from}-04-01`,
      toEnd: `${to + 1}-04-01`,
      baselineStart: `${baseline}-04-01`,
      baselineEnd: `${baseline + 1}-04-01`,
      asOf: scope.asOf,
      parent: scope.parent,
      limit: scope.limit,
      offset: scope.offset,
      footprints,
      factFootprints: read.map((r) => r.footprint),
      countsTowards: read.map((r) => r.countsTowards),
      categories: CARBON_CATEGORIES.codes(),
    };
    const terms: NetZeroTerms = { trajectoryVersion: NET_ZERO_TRAJECTORY.version, baselineYear, asOf: scope.asOf, knownAt: args.knownAt ?? null };
    return { sql, params, before: years.checks, scope, terms };
  }

  async rollup(args: NetZeroArgs): Promise<Connection<NetZeroRow> & NetZeroTerms> {
    // The carbon of the units is read from a materialised table: one another API process dropped meanwhile is built again, once.
    const { rows, scope, terms } = await onceMore(
      async () => {
        const { sql, params, scope, terms } = await this.prepare(args);
        return { rows: await this.context.rows<NetZeroSqlRow>(sql, params), scope, terms };
      },
      () => this.years.forgetAll(),
    );
    const page = connection(
      rows.map((r) => this.row(r, scope, terms.baselineYear)),
      rows,
      scope.offset,
    );
    return { ...page, ...terms };
  }

  private row(r: NetZeroSqlRow, scope: Scope, baselineYear: string): NetZeroRow {
    const financialYear = financialYearText(Number(r.fy));
    const percent = allowancePercent(r.footprint, baselineYear, financialYear);
    const withBaseline = Number(r.with_baseline);
    const baseline = withBaseline > 0 ? Number(r.baseline) : null;
    const comparableActual = withBaseline > 0 ? Number(r.comparable) : null;
    const allowance = baseline !== null && percent ? (baseline * percent.required) / 100 : null;
    const gap = allowance !== null && comparableActual !== null ? comparableActual - allowance : null;
    return {
      organisation: entry(scope.organisations, r.code, scope.level),
      footprint: r.footprint,
      financialYear,
      status: percent === null ? 'NO_ALLOWANCE' : gap === null ? 'NO_BASELINE' : gap <= 0 ? 'ON_TRACK' : 'OFF_TRACK',
      actual: Number(r.actual),
      byCategory: byCategory(r.by_category, Number(r.categories)),
      baseline,
      comparableActual,
      requiredPercent: percent?.required ?? null,
      ambitiousPercent: percent?.ambitious ?? null,
      allowance,
      ambitiousAllowance: baseline !== null && percent ? (baseline * percent.ambitious) / 100 : null,
      gap,
      // Over the allowance's size: a positive gap reads as "above" even for a negative baseline (emissions avoided).
      gapPercent: gap !== null && allowance ? (gap / Math.abs(allowance)) * 100 : null,
      onTrack: gap === null ? null : gap <= 0,
      unitsWithBaseline: withBaseline,
      unitsWithoutBaseline: Number(r.without_baseline),
      actualWithoutBaseline: Number(r.actual_without),
    };
  }
}

/**
 * The footprints whose facts an answer about the footprints `asked` reads (those they count:
 * NET_ZERO_TRAJECTORY.footprintsCounted), in the trajectory's order, each with the places in
 * `asked` (from 1) of the footprints its facts count towards. Asked about Footprint Plus alone,
 * the Carbon Footprint's facts are read and count towards Plus only; asked about both, towards both.
 */
function factFootprints(asked: readonly string[]): Array<{ footprint: string; countsTowards: number[] }> {
  return NET_ZERO_TRAJECTORY.footprints.flatMap(({ footprint }) => {
    const countsTowards = NET_ZERO_TRAJECTORY.countsTowards(footprint).flatMap((f) => (asked.includes(f) ? [asked.indexOf(f) + 1] : []));
    return countsTowards.length > 0 ? [{ footprint, countsTowards }] : [];
  });
}

/** The categories with a fact (bit i + 1 of `present`), in the carbon catalogue's order, with their kgCO2e (`sums`, in that order). */
function byCategory(sums: readonly number[], present: number): CategoryAmount[] {
  return CARBON_CATEGORIES.codes().flatMap((category, i) => (Math.floor(present / 2 ** (i + 1)) % 2 === 1 ? [{ category, kgCo2e: Number(sums[i] ?? 0) }] : []));
}

/** A financial year argument 'YYYY/YY', checked: the year it starts in. */
export function financialYearArgument(argument: string, value: string): number {
  const start = financialYearStart(value);
  if (start === null) {
    throw new QueryArgumentError(argument, `'${value}' is not a financial year: write YYYY/YY, e.g. 2024/25 (1 April 2024 to 31 March 2025)`);
  }
  if (start < FIRST_YEAR || start > LAST_YEAR) {
    throw new QueryArgumentError(argument, `${value} is outside ${financialYearText(FIRST_YEAR)}..${financialYearText(LAST_YEAR)}`);
  }
  return start;
}

/** The baseline year, checked: a financial year before the first point of every trajectory asked about. */
function baselineArgument(value: string, trajectories: readonly FootprintTrajectory[]): number {
  const start = financialYearArgument('baselineYear', value);
  for (const trajectory of trajectories) {
    const first = firstPointYear(trajectory);
    if (start >= first) {
      throw new QueryArgumentError(
        'baselineYear',
        `${value} is not before ${financialYearText(first)}, where the ${trajectory.footprint} trajectory's -80% window begins: choose an earlier baseline year (default ${trajectory.defaultBaselineYear})${trajectories.length > 1 ? ', or ask about one footprint' : ''}`,
      );
    }
  }
  return start;
}
