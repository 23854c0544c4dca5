import trajectoryV1File from './data/net-zero-trajectory.v1.json';
import carbonFile from './data/carbon.v2.json';

/**
 * The Net Zero trajectory as versioned data (src/data/net-zero-trajectory.vN.json): per carbon
 * footprint, the default baseline financial year and the points of its two paths as a share of
 * the baseline. REQUIRED reaches -80% at the end of the footprint's -80% window, AMBITIOUS at its
 * start; both reach 0% at net zero. A target "by year Y" is the financial year ending in Y.
 * Between points the paths are linear in financial years, from 100% in the baseline year chosen
 * (allowancePercent); the required path is the allowance, the two together the band a dashboard
 * draws. docs/measures.md states the points and the rules.
 *
 * A footprint may include others (`includes`): the NHS Carbon Footprint Plus is the Carbon
 * Footprint and the wider scope, and its targets are for the whole, so its figures count the
 * facts of both (footprintsCounted). The carbon catalogue's `footprint` of a category is where the
 * category enters (the innermost footprint holding it), not every footprint it counts towards.
 */
export type NetZeroPath = 'REQUIRED' | 'AMBITIOUS';
export const NET_ZERO_PATHS: readonly NetZeroPath[] = ['REQUIRED', 'AMBITIOUS'];

export interface NetZeroPoint {
  readonly path: NetZeroPath;
  /** 'YYYY/YY'. */
  readonly financialYear: string;
  /** The year the financial year starts in (2031 for 2031/32). */
  readonly startYear: number;
  /** The share of the baseline allowed in that year, 0 to 100. */
  readonly percentOfBaseline: number;
  /** What the point stands for, in words (e.g. "net zero by 2040"). */
  readonly meaning: string;
}

export interface FootprintTrajectory {
  /** A footprint code of the carbon catalogue (NHS_CARBON_FOOTPRINT, NHS_CARBON_FOOTPRINT_PLUS). */
  readonly footprint: string;
  /** The other footprints it holds, whose facts count towards it too (NHS_CARBON_FOOTPRINT_PLUS: NHS_CARBON_FOOTPRINT). */
  readonly includes: readonly string[];
  /** The baseline year when none is chosen: 'YYYY/YY'. */
  readonly defaultBaselineYear: string;
  /** Every path's points, each path's in financial-year order. */
  readonly points: readonly NetZeroPoint[];
}

export interface NetZeroTrajectory {
  readonly version: number;
  readonly source: string;
  /** How the paths run between and beyond their points, in words. */
  readonly interpolation: string;
  readonly footprints: readonly FootprintTrajectory[];
  get(footprint: string): FootprintTrajectory | undefined;
  /**
   * The footprints whose facts count towards `footprint`: itself, then those it includes and
   * theirs (depth first, in `includes` order, each once). Throws on a footprint without a trajectory.
   */
  footprintsCounted(footprint: string): readonly string[];
  /** The inverse: the footprints a fact of `footprint` counts towards (itself and every footprint including it), in the file's order. */
  countsTowards(footprint: string): readonly string[];
}

/** The allowance of a financial year as a share of the baseline (0 to 100), on each path: the band is ambitious..required. */
export interface AllowancePercent {
  readonly required: number;
  readonly ambitious: number;
}

const FINANCIAL_YEAR = /^(\d{4})\/(\d{2})$/;

/**
 * The year a financial year 'YYYY/YY' starts in (2024/25 = 1 April 2024 to 31 March 2025), or
 * null when the text is not one (the second part must be the year after the first: 2024/25, 1999/00).
 */
export function financialYearStart(text: string): number | null {
  const match = FINANCIAL_YEAR.exec(text);
  if (!match) return null;
  const start = Number(match[1]);
  return (start + 1) % 100 === Number(match[2]) ? start : null;
}

/** The financial year starting in April of `startYear`, as 'YYYY/YY'. */
export function financialYearText(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/** The financial year holding a calendar date 'YYYY-MM-DD' (1 April starts one), as 'YYYY/YY'. */
export function financialYearOfDate(date: string): string {
  const year = Number(date.slice(0, 4));
  return financialYearText(date.slice(5) >= '04-01' ? year : year - 1);
}

export interface TrajectoryFile {
  readonly version: number;
  readonly source: string;
  readonly interpolation: string;
  readonly footprints: ReadonlyArray<{
    footprint: string;
    includes: readonly string[];
    defaultBaselineYear: string;
    points: ReadonlyArray<{ path: string; financialYear: string; percentOfBaseline: number; meaning: string }>;
  }>;
}

/**
 * A trajectory file, checked: every footprint of the carbon catalogue, each path rising in years
 * and falling in share to 0%, each footprint's `includes` stated (possibly empty) and naming other
 * footprints of the file, with no footprint including itself however indirectly.
 */
export function trajectory(file: TrajectoryFile): NetZeroTrajectory {
  const footprints = file.footprints.map((f): FootprintTrajectory => {
    const fail = (why: string): never => {
      throw new Error(`Net Zero trajectory v${file.version}, ${f.footprint}: ${why}`);
    };
    const baseline = financialYearStart(f.defaultBaselineYear) ?? fail(`defaultBaselineYear '${f.defaultBaselineYear}' is not a financial year YYYY/YY`);
    const points = f.points.map((p): NetZeroPoint => {
      if (!(NET_ZERO_PATHS as readonly string[]).includes(p.path)) fail(`'${p.path}' is not a path (${NET_ZERO_PATHS.join(', ')})`);
      const startYear = financialYearStart(p.financialYear) ?? fail(`'${p.financialYear}' is not a financial year YYYY/YY`);
      if (!(p.percentOfBaseline >= 0 && p.percentOfBaseline <= 100)) fail(`${p.percentOfBaseline}% is not a share of the baseline (0 to 100)`);
      return { ...p, path: p.path as NetZeroPath, startYear };
    });
    for (const path of NET_ZERO_PATHS) {
      const of = points.filter((p) => p.path === path);
      if (of.length === 0) fail(`the ${path} path has no point`);
      for (const [i, p] of of.entries()) {
        if (p.startYear <= baseline) fail(`${path} ${p.financialYear} is not after the default baseline year ${f.defaultBaselineYear}`);
        const before = of[i - 1];
        if (before && (p.startYear <= before.startYear || p.percentOfBaseline > before.percentOfBaseline)) {
          fail(`${path} ${p.financialYear} must come after ${before.financialYear} and allow no more of the baseline`);
        }
      }
      if (of.at(-1)?.percentOfBaseline !== 0) fail(`the ${path} path does not end at net zero (0%)`);
    }
    const includes: unknown = f.includes;
    if (!Array.isArray(includes) || includes.some((code) => typeof code !== 'string')) {
      fail(`includes must be a list of the footprint codes it holds ([] for none)`);
    }
    return { footprint: f.footprint, includes: [...f.includes], defaultBaselineYear: f.defaultBaselineYear, points };
  });
  const codes = carbonFile.footprints.map((f) => f.code);
  const byFootprint = new Map(footprints.map((f) => [f.footprint, f]));
  if (byFootprint.size !== footprints.length || codes.some((c) => !byFootprint.has(c)) || footprints.some((f) => !codes.includes(f.footprint))) {
    throw new Error(`Net Zero trajectory v${file.version} must have one trajectory per carbon footprint (${codes.join(', ')})`);
  }
  const counted = new Map(footprints.map((f) => [f.footprint, footprintsIncluded(file.version, f.footprint, byFootprint)]));
  const footprintsCounted = (footprint: string): readonly string[] => {
    const of = counted.get(footprint);
    if (of) return of;
    throw new RangeError(`'${footprint}' has no Net Zero trajectory (v${file.version}): use one of ${codes.join(', ')}`);
  };
  return {
    version: file.version,
    source: file.source,
    interpolation: file.interpolation,
    footprints,
    get: (footprint) => byFootprint.get(footprint),
    footprintsCounted,
    countsTowards: (footprint) => {
      footprintsCounted(footprint);
      return footprints.map((f) => f.footprint).filter((f) => footprintsCounted(f).includes(footprint));
    },
  };
}

/**
 * `footprint`, then the footprints it includes and theirs, depth first in `includes` order, each
 * once. Throws on an include that is not a footprint of the file, and on a cycle (a footprint that
 * would count its own facts twice).
 */
function footprintsIncluded(version: number, footprint: string, byFootprint: ReadonlyMap<string, FootprintTrajectory>): string[] {
  const out: string[] = [];
  const visit = (code: string, path: readonly string[]): void => {
    if (path.includes(code)) throw new Error(`Net Zero trajectory v${version}, ${footprint}: includes itself (${[...path, code].join(' > ')})`);
    const f = byFootprint.get(code);
    if (!f) throw new Error(`Net Zero trajectory v${version}, ${path.at(-1)}: includes '${code}', which is not one of its footprints`);
    if (!out.includes(code)) out.push(code);
    for (const included of f.includes) visit(included, [...path, code]);
  };
  visit(footprint, []);
  return out;
}

/** Every version of the trajectory, by version: an answer or a view made with one can name it and keep to it. */
export const NET_ZERO_TRAJECTORIES: ReadonlyMap<number, NetZeroTrajectory> = new Map([[1, trajectory(trajectoryV1File)]]);

/** The trajectory in force: the latest version. */
export const NET_ZERO_TRAJECTORY: NetZeroTrajectory = NET_ZERO_TRAJECTORIES.get(Math.max(...NET_ZERO_TRAJECTORIES.keys()))!;

/**
 * The first financial year (its start year) a footprint's trajectory has a point in: a baseline
 * year must come before it, or the -80% window would already have begun.
 */
export function firstPointYear(footprint: FootprintTrajectory): number {
  return Math.min(...footprint.points.map((p) => p.startYear));
}

/** A path's share in year y from the baseline year b: linear from (b, 100%) through the points after b; the last point's share after it. */
function pathPercent(points: readonly NetZeroPoint[], b: number, y: number): number {
  let fromYear = b;
  let fromPercent = 100;
  for (const p of points) {
    if (p.startYear <= b) continue;
    if (y <= p.startYear) return fromPercent + ((p.percentOfBaseline - fromPercent) * (y - fromYear)) / (p.startYear - fromYear);
    fromYear = p.startYear;
    fromPercent = p.percentOfBaseline;
  }
  return fromPercent;
}

/**
 * The share of the baseline a footprint may emit in a financial year, on the required and the
 * ambitious path, measured from `baselineYear` (both 'YYYY/YY'): 100% in the baseline year,
 * linear in financial years through the trajectory's points, 0% from net zero on; null for a
 * year before the baseline year (no allowance). Throws on an unknown footprint, a text that is
 * not a financial year, or a baseline year not before the footprint's first point.
 */
export function allowancePercent(
  footprint: string,
  baselineYear: string,
  financialYear: string,
  of: NetZeroTrajectory = NET_ZERO_TRAJECTORY,
): AllowancePercent | null {
  const trajectoryOf = of.get(footprint);
  if (!trajectoryOf)
    throw new RangeError(`'${footprint}' has no Net Zero trajectory (v${of.version}): use one of ${of.footprints.map((f) => f.footprint).join(', ')}`);
  const b = financialYearStart(baselineYear);
  const y = financialYearStart(financialYear);
  if (b === null) throw new RangeError(`baseline year '${baselineYear}' is not a financial year: write YYYY/YY, e.g. 2019/20`);
  if (y === null) throw new RangeError(`'${financialYear}' is not a financial year: write YYYY/YY, e.g. 2024/25`);
  const first = firstPointYear(trajectoryOf);
  if (b >= first) {
    throw new RangeError(`baseline year ${baselineYear} is not before ${financialYearText(first)}, the first point of the ${footprint} trajectory`);
  }
  if (y < b) return null;
  const points = (path: NetZeroPath) => trajectoryOf.points.filter((p) => p.path === path);
  return { required: pathPercent(points('REQUIRED'), b, y), ambitious: pathPercent(points('AMBITIOUS'), b, y) };
}
