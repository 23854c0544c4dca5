import { CARBON_FOOTPRINTS } from './reference-data';
import {
  NET_ZERO_TRAJECTORIES,
  NET_ZERO_TRAJECTORY,
  allowancePercent,
  financialYearOfDate,
  financialYearStart,
  financialYearText,
  trajectory,
  type AllowancePercent,
  type TrajectoryFile,
} from './net-zero';
import trajectoryV1File from './data/net-zero-trajectory.v1.json';

const CF = 'NHS_CARBON_FOOTPRINT';
const PLUS = 'NHS_CARBON_FOOTPRINT_PLUS';

/** Both paths' shares, to 9 decimal places (the interpolation divides by whole numbers of years). */
function percent(footprint: string, baselineYear: string, financialYear: string): AllowancePercent | null {
  const answer = allowancePercent(footprint, baselineYear, financialYear);
  return answer && { required: Number(answer.required.toFixed(9)), ambitious: Number(answer.ambitious.toFixed(9)) };
}
const share = (required: number, ambitious: number): AllowancePercent => ({ required: Number(required.toFixed(9)), ambitious: Number(ambitious.toFixed(9)) });

describe('the Net Zero trajectory (v1)', () => {
  it('has a trajectory per carbon footprint, with the points of DOMAIN.md as financial years ending in the target year', () => {
    expect(NET_ZERO_TRAJECTORY.version).toBe(1);
    expect(NET_ZERO_TRAJECTORIES.get(1)).toBe(NET_ZERO_TRAJECTORY);
    expect(NET_ZERO_TRAJECTORY.footprints.map((f) => f.footprint)).toEqual(CARBON_FOOTPRINTS.map((f) => f.code));
    const points = (footprint: string) => NET_ZERO_TRAJECTORY.get(footprint)!.points.map((p) => [p.path, p.financialYear, p.percentOfBaseline]);
    expect(points(CF)).toEqual([
      ['AMBITIOUS', '2027/28', 20],
      ['AMBITIOUS', '2039/40', 0],
      ['REQUIRED', '2031/32', 20],
      ['REQUIRED', '2039/40', 0],
    ]);
    expect(points(PLUS)).toEqual([
      ['AMBITIOUS', '2035/36', 20],
      ['AMBITIOUS', '2044/45', 0],
      ['REQUIRED', '2038/39', 20],
      ['REQUIRED', '2044/45', 0],
    ]);
    expect(NET_ZERO_TRAJECTORY.footprints.map((f) => f.defaultBaselineYear)).toEqual(['2019/20', '2019/20']);
  });

  it('allows 100% in the baseline year and exactly the points at the points', () => {
    expect(percent(CF, '2019/20', '2019/20')).toEqual(share(100, 100));
    // Carbon Footprint: -80% from 2027/28 (ambitious) to 2031/32 (required); net zero 2039/40.
    expect(percent(CF, '2019/20', '2027/28')).toEqual(share(100 - (80 * 8) / 12, 20));
    expect(percent(CF, '2019/20', '2031/32')).toEqual(share(20, 20 - (20 * 4) / 12));
    expect(percent(CF, '2019/20', '2039/40')).toEqual(share(0, 0));
    // Footprint Plus: -80% from 2035/36 to 2038/39; net zero 2044/45.
    expect(percent(PLUS, '2019/20', '2035/36')).toEqual(share(100 - (80 * 16) / 19, 20));
    expect(percent(PLUS, '2019/20', '2038/39')).toEqual(share(20, 20 - (20 * 3) / 9));
    expect(percent(PLUS, '2019/20', '2044/45')).toEqual(share(0, 0));
  });

  it('runs linearly in financial years between the points', () => {
    // 2025/26: six of the twelve years to 20% (required), six of the eight (ambitious).
    expect(percent(CF, '2019/20', '2025/26')).toEqual(share(60, 40));
    expect(percent(CF, '2019/20', '2023/24')).toEqual(share(100 - (80 * 4) / 12, 60));
    // Between -80% and net zero: 20% down to 0% over 2031/32..2039/40 (required), 2027/28..2039/40 (ambitious).
    expect(percent(CF, '2019/20', '2035/36')).toEqual(share(10, 20 - (20 * 8) / 12));
    expect(percent(PLUS, '2019/20', '2041/42')).toEqual(share(10, 20 - (20 * 6) / 9));
    expect(percent(PLUS, '2019/20', '2024/25')).toEqual(share(100 - (80 * 5) / 19, 100 - (80 * 5) / 16));
  });

  it('allows nothing after net zero and has no allowance before the baseline year', () => {
    expect(percent(CF, '2019/20', '2040/41')).toEqual(share(0, 0));
    expect(percent(PLUS, '2019/20', '2060/61')).toEqual(share(0, 0));
    expect(allowancePercent(CF, '2019/20', '2018/19')).toBeNull();
    expect(allowancePercent(PLUS, '2021/22', '2020/21')).toBeNull();
  });

  it('measures from any baseline year before the first point', () => {
    // From 2021/22: ten years to 20% (required), six (ambitious).
    expect(percent(CF, '2021/22', '2021/22')).toEqual(share(100, 100));
    expect(percent(CF, '2021/22', '2025/26')).toEqual(share(100 - (80 * 4) / 10, 100 - (80 * 4) / 6));
    expect(percent(CF, '2021/22', '2031/32')).toEqual(share(20, 20 - (20 * 4) / 12));
    // Footprint Plus may start as late as 2034/35.
    expect(percent(PLUS, '2030/31', '2035/36')).toEqual(share(100 - (80 * 5) / 8, 20));
  });

  it('refuses an unknown footprint, a text that is not a financial year and a baseline year past the first point', () => {
    expect(() => allowancePercent('SCOPE_9', '2019/20', '2024/25')).toThrow(/'SCOPE_9' has no Net Zero trajectory \(v1\): use one of NHS_CARBON_FOOTPRINT, /);
    expect(() => allowancePercent(CF, '2019/2020', '2024/25')).toThrow(/baseline year '2019\/2020' is not a financial year: write YYYY\/YY/);
    expect(() => allowancePercent(CF, '2019/20', '2024/26')).toThrow(/'2024\/26' is not a financial year/);
    expect(() => allowancePercent(CF, '2027/28', '2028/29')).toThrow(
      /baseline year 2027\/28 is not before 2027\/28, the first point of the NHS_CARBON_FOOTPRINT trajectory/,
    );
  });

  it('counts the Carbon Footprint in Footprint Plus: Plus is the Carbon Footprint and the wider scope', () => {
    expect(NET_ZERO_TRAJECTORY.get(CF)!.includes).toEqual([]);
    expect(NET_ZERO_TRAJECTORY.get(PLUS)!.includes).toEqual([CF]);
    expect(NET_ZERO_TRAJECTORY.footprintsCounted(CF)).toEqual([CF]);
    expect(NET_ZERO_TRAJECTORY.footprintsCounted(PLUS)).toEqual([PLUS, CF]);
    // The inverse: a Carbon Footprint fact counts towards both footprints, a Plus-only fact towards Plus.
    expect(NET_ZERO_TRAJECTORY.countsTowards(CF)).toEqual([CF, PLUS]);
    expect(NET_ZERO_TRAJECTORY.countsTowards(PLUS)).toEqual([PLUS]);
    expect(() => NET_ZERO_TRAJECTORY.footprintsCounted('SCOPE_9')).toThrow(/'SCOPE_9' has no Net Zero trajectory \(v1\): use one of NHS_CARBON_FOOTPRINT, /);
    expect(() => NET_ZERO_TRAJECTORY.countsTowards('SCOPE_9')).toThrow(RangeError);
  });

  it('refuses a trajectory file whose inclusions are missing, unknown or circular', () => {
    const withIncludes = (cf: unknown, plus: unknown): TrajectoryFile => ({
      ...trajectoryV1File,
      footprints: trajectoryV1File.footprints.map((f) => ({ ...f, includes: (f.footprint === CF ? cf : plus) as string[] })),
    });
    // As the file has it, and with the inclusion gone (each footprint counting its own facts only).
    expect(trajectory(withIncludes([], [CF])).footprintsCounted(PLUS)).toEqual([PLUS, CF]);
    expect(trajectory(withIncludes([], [])).footprintsCounted(PLUS)).toEqual([PLUS]);
    expect(() => trajectory(withIncludes(undefined, [CF]))).toThrow(
      /Net Zero trajectory v1, NHS_CARBON_FOOTPRINT: includes must be a list of the footprint codes it holds \(\[\] for none\)/,
    );
    expect(() => trajectory(withIncludes([], ['SCOPE_9']))).toThrow(/NHS_CARBON_FOOTPRINT_PLUS: includes 'SCOPE_9', which is not one of its footprints/);
    expect(() => trajectory(withIncludes([], [PLUS]))).toThrow(
      /NHS_CARBON_FOOTPRINT_PLUS: includes itself \(NHS_CARBON_FOOTPRINT_PLUS > NHS_CARBON_FOOTPRINT_PLUS\)/,
    );
    expect(() => trajectory(withIncludes([PLUS], [CF]))).toThrow(/includes itself \(NHS_CARBON_FOOTPRINT > NHS_CARBON_FOOTPRINT_PLUS > NHS_CARBON_FOOTPRINT\)/);
  });

  it('reads and writes financial years YYYY/YY', () => {
    expect(financialYearStart('2024/25')).toBe(2024);
    expect(financialYearStart('1999/00')).toBe(1999);
    expect(financialYearStart('2024/26')).toBeNull();
    expect(financialYearStart('2024-25')).toBeNull();
    expect(financialYearText(1999)).toBe('1999/00');
    expect(financialYearText(2039)).toBe('2039/40');
    expect(financialYearOfDate('2025-03-31')).toBe('2024/25');
    expect(financialYearOfDate('2025-04-01')).toBe('2025/26');
  });
});
