import { NET_ZERO_PATHS, NET_ZERO_TRAJECTORIES, firstPointYear, type NetZeroPath, type NetZeroTrajectory } from '@gpds/shared-reference-data';
import { BI_VIEWS, TABLES } from '../names';

/**
 * The `bi` views of Net Zero progress (migration 105; docs/measures.md): the trajectories, and
 * each organisation's actuals against its baseline and the trajectory's allowance per financial year.
 *
 * `net_zero_at(baseline_year, as_of, known_at)` answers as the reporting API's netZero does
 * (libs/reporting/queries/src/net-zero; its integration test holds the two to the same rows): a
 * fact belongs to the financial year holding its period_start, and counts towards its footprint
 * and every footprint including it (the trajectory's `includes`: a Carbon Footprint fact counts in
 * Footprint Plus too, baselines included); a reporting unit (the
 * organisation_code a fact is attached to) has a baseline when it has a fact in the baseline
 * year; per level, organisation (by `bi.organisation_hierarchy` on as_of, the hierarchy as known
 * now), footprint and financial year the units' kgCO2e and baselines are summed, then compared
 * with the trajectory (linear in financial years from 100% in the baseline year; the API's
 * allowancePercent, here as SQL). It reads the facts recorded by known_at (carbon_metrics).
 *
 * Migration 105 holds this SQL's text, made from trajectory version 1: a new version of the
 * trajectory is a new migration (and a new version of these statements), not a change to this one.
 */
export function netZeroViewStatements(db: string, bi: string): string[] {
  const view = (name: string, body: string): string => `CREATE OR REPLACE VIEW ${bi}.${name} DEFINER = CURRENT_USER SQL SECURITY DEFINER AS ${body}`;
  const trajectory = NET_ZERO_TRAJECTORIES.get(1)!;
  return [view(BI_VIEWS.netZeroTrajectory, trajectorySql(trajectory)), view(BI_VIEWS.netZeroAt, netZeroAtSql(db, bi, trajectory))];
}

/** A trajectory text as a ClickHouse string literal (reference data, never request input). */
function text(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A number as a Float64 literal. */
function float(value: number): string {
  return `toFloat64(${value})`;
}

/** One row per footprint, path and point. */
function trajectorySql(trajectory: NetZeroTrajectory): string {
  return trajectory.footprints
    .flatMap((f) =>
      f.points.map(
        (p) =>
          `SELECT ${text(f.footprint)} AS footprint, toUInt32(${trajectory.version}) AS trajectory_version, ${text(f.defaultBaselineYear)} AS default_baseline_year,
                  ${text(p.path)} AS path, ${text(p.financialYear)} AS financial_year, toDate('${p.startYear}-04-01') AS starts_on,
                  ${float(p.percentOfBaseline)} AS percent_of_baseline, ${text(p.meaning)} AS meaning`,
      ),
    )
    .join('\nUNION ALL\n');
}

/** The year the baseline_year parameter starts in; a text that is not a financial year 'YYYY/YY' stops the query, saying so. */
const BASELINE = `toInt32(toInt32OrZero(substring({baseline_year:String}, 1, 4)) + throwIf(NOT (match({baseline_year:String}, '^[0-9]{4}/[0-9]{2}$')
    AND (toInt32OrZero(substring({baseline_year:String}, 1, 4)) + 1) % 100 = toInt32OrZero(substring({baseline_year:String}, 6, 2))),
    'baseline_year is not a financial year: write YYYY/YY, e.g. 2019/20'))`;

/**
 * A path's share of the baseline in financial year `y` from baseline year `b` (both the years they
 * start in): NULL before b; 100 in b; linear from (b, 100) through the points after b; the last
 * point's share after it (allowancePercent's rule, term for term). NULL altogether when b is not
 * before the footprint's first point (the API refuses such a baseline year).
 */
function pathPercentSql(points: ReadonlyArray<{ year: number; percent: number }>, first: number, b: string, y: string): string {
  const branches = points.map((p, k) => {
    const before = points[k - 1];
    const fromYear = before ? `greatest(${b}, ${before.year})` : b;
    const fromPercent = before ? `if(${b} < ${before.year}, ${float(before.percent)}, ${float(100)})` : float(100);
    return `${b} < ${p.year} AND ${y} <= ${p.year}, ${fromPercent} + (${float(p.percent)} - ${fromPercent}) * (${y} - ${fromYear}) / (${p.year} - ${fromYear})`;
  });
  const last = points.at(-1)?.percent ?? 0;
  return `multiIf(${y} < ${b} OR ${b} >= ${first}, NULL, ${y} = ${b}, ${float(100)}, ${branches.join(', ')}, ${float(last)})`;
}

/**
 * The footprints a fact of the row's `footprint` counts towards (trajectory.countsTowards: itself
 * and every footprint including it); a footprint without a trajectory, itself alone.
 */
function countsTowardsSql(trajectory: NetZeroTrajectory): string {
  const perFootprint = trajectory.footprints.map((f) => `footprint = ${text(f.footprint)}, [${trajectory.countsTowards(f.footprint).map(text).join(', ')}]`);
  return `multiIf(${perFootprint.join(', ')}, [CAST(footprint, 'String')])`;
}

/** A path's share per footprint (NULL for a footprint without a trajectory). */
function percentSql(trajectory: NetZeroTrajectory, path: NetZeroPath, b: string, y: string): string {
  const perFootprint = trajectory.footprints.map((f) => {
    const points = f.points.filter((p) => p.path === path).map((p) => ({ year: p.startYear, percent: p.percentOfBaseline }));
    return `footprint = ${text(f.footprint)}, ${pathPercentSql(points, firstPointYear(f), b, y)}`;
  });
  return `multiIf(${perFootprint.join(',\n    ')}, NULL)`;
}

function netZeroAtSql(db: string, bi: string, trajectory: NetZeroTrajectory): string {
  // Each fact recorded by known_at, once per footprint it counts towards (as `counted`).
  const facts = `(SELECT organisation_code, arrayJoin(${countsTowardsSql(trajectory)}) AS counted, period_start, category, kg_co2e
                  FROM ${db}.${TABLES.carbonMetrics} WHERE recorded_at <= {known_at:DateTime64(3)})`;
  const levels = `[('PRACTICE', if(h.level = 'PRACTICE', h.code, '')), ('PCN', h.pcn_code), ('COMMISSIONER', h.commissioner_code), ('ICB', h.icb_code),
                   ('REGION', h.region_code), ('NATIONAL', 'ENG')]`;
  const [required, ambitious] = NET_ZERO_PATHS.map((path) => percentSql(trajectory, path, 'b', 'fy'));
  return `SELECT level, organisation_code, footprint,
      concat(toString(fy), '/', leftPad(toString((fy + 1) % 100), 2, '0')) AS financial_year, toDate(concat(toString(fy), '-04-01')) AS starts_on,
      {baseline_year:String} AS baseline_year, toUInt32(${trajectory.version}) AS trajectory_version,
      multiIf(required_percent IS NULL, 'NO_ALLOWANCE', with_baseline = 0, 'NO_BASELINE', comparable <= baseline * required_percent / 100, 'ON_TRACK', 'OFF_TRACK') AS status,
      actual AS actual_kg_co2e, by_category AS kg_co2e_by_category,
      if(with_baseline > 0, baseline, NULL) AS baseline_kg_co2e, if(with_baseline > 0, comparable, NULL) AS comparable_actual_kg_co2e,
      required_percent, ambitious_percent,
      baseline_kg_co2e * required_percent / 100 AS allowance_kg_co2e, baseline_kg_co2e * ambitious_percent / 100 AS ambitious_allowance_kg_co2e,
      comparable_actual_kg_co2e - allowance_kg_co2e AS gap_kg_co2e,
      if(allowance_kg_co2e = 0, NULL, gap_kg_co2e / abs(allowance_kg_co2e) * 100) AS gap_percent,
      gap_kg_co2e <= 0 AS on_track,
      with_baseline AS units_with_baseline, without_baseline AS units_without_baseline, actual_without AS actual_without_baseline_kg_co2e
    FROM (
      SELECT level, organisation_code, footprint, fy, b,
        sum(kg) AS actual, sumMap(categories) AS by_category,
        countIf(has_baseline) AS with_baseline, sumIf(kg, has_baseline) AS comparable, sumIf(baseline_kg, has_baseline) AS baseline,
        countIf(NOT has_baseline) AS without_baseline, sumIf(kg, NOT has_baseline) AS actual_without,
        ${required} AS required_percent,
        ${ambitious} AS ambitious_percent
      FROM (
        SELECT arrayJoin(${levels}) AS l, tupleElement(l, 1) AS level, tupleElement(l, 2) AS organisation_code,
               y.footprint AS footprint, y.fy AS fy, y.kg AS kg, y.categories AS categories,
               ifNull(bl.kg, 0) AS baseline_kg, ifNull(bl.has, 0) = 1 AS has_baseline, ${BASELINE} AS b
        FROM (
          SELECT organisation_code, footprint, fy, sum(category_kg) AS kg, CAST((groupArray(category), groupArray(category_kg)), 'Map(String, Float64)') AS categories
          FROM (SELECT organisation_code, counted AS footprint, toInt32(toYear(addMonths(period_start, -3))) AS fy, category, sum(kg_co2e) AS category_kg
                FROM ${facts} GROUP BY organisation_code, footprint, fy, category)
          GROUP BY organisation_code, footprint, fy
        ) AS y
        LEFT JOIN (
          SELECT organisation_code, counted AS footprint, sum(kg_co2e) AS kg, toUInt8(1) AS has
          FROM ${facts} WHERE toYear(addMonths(period_start, -3)) = ${BASELINE}
          GROUP BY organisation_code, footprint
        ) AS bl ON bl.organisation_code = y.organisation_code AND bl.footprint = y.footprint
        LEFT ANY JOIN (SELECT code, level, pcn_code, commissioner_code, icb_code, region_code
                       FROM ${bi}.${BI_VIEWS.organisationHierarchy}(on_date = {as_of:Date})) AS h ON h.code = y.organisation_code
      )
      WHERE organisation_code != ''
      GROUP BY level, organisation_code, footprint, fy, b
    )`;
}
