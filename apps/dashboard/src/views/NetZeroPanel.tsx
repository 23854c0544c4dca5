/**
 * Net Zero: the organisation's own emissions (kgCO2e, shown in tonnes) per financial year and
 * footprint, against what the NHS trajectory allows from the baseline year: the required path's
 * allowance dashed, the ambitious path's dotted (the band between them is "on the way to net zero
 * by 2040/2045"). The trajectory's points are listed in words under the chart.
 */
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Chart } from '../charts/Chart';
import type { ChartOption } from '../charts/echarts-setup';
import { COLOURS } from '../charts/palette';
import { DataTable, type Column } from '../components/DataTable';
import { useNavigation } from '../components/navigation';
import { Panel, panelState } from '../components/Panel';
import { collectPages, useLoad, type Api } from '../data/api';
import type { ViewState } from '../lib/url-state';
import { NET_ZERO, type NetZeroData, type NetZeroRow, type NetZeroTrajectory } from '../data/queries';
import { financialYearOf, financialYearStart, financialYearsBetween, formatCo2e, formatDate, formatPercent } from '../lib/format';
import type { PanelProps, OverviewScope } from './common';

export const NET_ZERO_PANEL = 'net-zero';

/** The trajectory's default baseline year (docs/measures.md): the first year shown. */
const BASELINE_YEAR = '2019/20';

export const FOOTPRINT_NAMES: Readonly<Record<string, string>> = {
  NHS_CARBON_FOOTPRINT: 'NHS Carbon Footprint',
  NHS_CARBON_FOOTPRINT_PLUS: 'NHS Carbon Footprint Plus',
};

export const STATUS_WORDS: Readonly<Record<NetZeroRow['status'], string>> = {
  ON_TRACK: 'On track',
  OFF_TRACK: 'Off track',
  NO_BASELINE: 'No baseline',
  NO_ALLOWANCE: 'Before the baseline year',
};

const FOOTPRINT_COLOURS: readonly string[] = [COLOURS.nhsBlue, COLOURS.purple, COLOURS.orange];

function footprintName(code: string): string {
  return FOOTPRINT_NAMES[code] ?? code;
}

/** The years shown: from the baseline year (or asOf's, if earlier) to the financial year of asOf. */
export function netZeroYears(asOf: string): { readonly from: string; readonly to: string } {
  const to = financialYearOf(asOf);
  const from = financialYearStart(to) < financialYearStart(BASELINE_YEAR) ? to : BASELINE_YEAR;
  return { from, to };
}

interface Loaded {
  readonly rows: readonly NetZeroRow[];
  readonly trajectories: readonly NetZeroTrajectory[];
  readonly baselineYear: string;
  readonly trajectoryVersion: number;
}

/** The panel's data for `scope` and `view` (the overview may ask it early: views/prefetch.ts). */
export async function loadNetZero(api: Api, signal: AbortSignal, scope: OverviewScope, view: ViewState): Promise<Loaded> {
  const years = netZeroYears(view.asOf);
  let trajectories: readonly NetZeroTrajectory[] = [];
  let baselineYear = BASELINE_YEAR;
  let trajectoryVersion = 0;
  const rows = await collectPages(
    async (after) => {
      const data = await api.request<NetZeroData>(
        NET_ZERO,
        { level: scope.organisation.level, parent: scope.ownParent, from: years.from, to: years.to, asOf: view.asOf, knownAt: view.knownAt, after },
        signal,
      );
      trajectories = data.netZeroTrajectory;
      baselineYear = data.netZero.baselineYear;
      trajectoryVersion = data.netZero.trajectoryVersion;
      return data.netZero;
    },
    (row) => row.organisation.code === scope.organisation.code,
  );
  return { rows, trajectories, baselineYear, trajectoryVersion };
}

export function NetZeroPanel({ scope, onState }: PanelProps): ReactNode {
  const { view } = useNavigation();
  const [drawn, setDrawn] = useState(false);
  const years = netZeroYears(view.asOf);
  const load = useLoad<Loaded>(
    (api, signal) => loadNetZero(api, signal, scope, view),
    [NET_ZERO_PANEL, scope.organisation.code, scope.organisation.level, scope.ownParent, years.from, years.to, view.asOf, view.knownAt],
  );
  const data = load.status === 'ready' ? load.data : null;
  const rows = useMemo(() => data?.rows ?? [], [data]);
  const onDrawn = useCallback(() => setDrawn(true), []);

  const columns = useMemo<Column<NetZeroRow>[]>(() => {
    const kg = (key: 'actual' | 'comparableActual' | 'baseline' | 'allowance' | 'ambitiousAllowance' | 'gap', header: string): Column<NetZeroRow> => ({
      key,
      header,
      numeric: true,
      text: (r) => formatCo2e(r[key], 't'),
      sort: (r) => r[key],
    });
    return [
      { key: 'footprint', header: 'Footprint', text: (r) => footprintName(r.footprint) },
      { key: 'year', header: 'Financial year', text: (r) => r.financialYear },
      { key: 'status', header: 'Status', text: (r) => STATUS_WORDS[r.status] ?? r.status },
      kg('actual', 'Emissions'),
      kg('comparableActual', 'Emissions compared (units with a baseline)'),
      kg('baseline', 'Baseline'),
      kg('allowance', 'Allowance (required path)'),
      kg('ambitiousAllowance', 'Allowance (ambitious path)'),
      kg('gap', 'Above the allowance'),
      { key: 'gapPercent', header: 'Above the allowance (%)', numeric: true, text: (r) => formatPercent(r.gapPercent), sort: (r) => r.gapPercent },
    ];
  }, []);

  const option = useMemo<ChartOption>(() => {
    const allYears = financialYearsBetween(years.from, years.to);
    const footprints = [...new Set(rows.map((r) => r.footprint))];
    const byYear = (footprint: string, value: (r: NetZeroRow) => number | null): (number | null)[] =>
      allYears.map((year) => {
        const row = rows.find((r) => r.footprint === footprint && r.financialYear === year);
        const v = row ? value(row) : null;
        return v === null ? null : v / 1000;
      });
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? formatCo2e(v * 1000, 't') : String(v ?? '–')) },
      legend: { top: 0, type: 'plain' },
      grid: { left: 8, right: 24, top: 64, bottom: 8 },
      xAxis: { type: 'category', data: allYears, name: 'Financial year', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', name: 'tCO2e', nameLocation: 'end' },
      series: footprints.flatMap((footprint, i) => {
        const colour = FOOTPRINT_COLOURS[i % FOOTPRINT_COLOURS.length];
        const name = footprintName(footprint);
        return [
          {
            type: 'line' as const,
            name: `${name}: emissions`,
            color: colour,
            symbol: 'circle',
            symbolSize: 7,
            lineStyle: { width: 3 },
            data: byYear(footprint, (r) => r.actual),
          },
          {
            type: 'line' as const,
            name: `${name}: allowance, required path`,
            color: colour,
            symbol: 'triangle',
            symbolSize: 7,
            lineStyle: { type: 'dashed' as const, width: 2 },
            data: byYear(footprint, (r) => r.allowance),
          },
          {
            type: 'line' as const,
            name: `${name}: allowance, ambitious path`,
            color: colour,
            symbol: 'diamond',
            symbolSize: 7,
            lineStyle: { type: 'dotted' as const, width: 2 },
            data: byYear(footprint, (r) => r.ambitiousAllowance),
          },
        ];
      }),
    };
  }, [rows, years.from, years.to]);

  const state = panelState(load, drawn || rows.length === 0);
  return (
    <Panel
      id={NET_ZERO_PANEL}
      title="Net Zero: emissions against the trajectory"
      state={state}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
      focus={view.measure === NET_ZERO_PANEL && state !== 'loading'}
      intro={
        <p>
          The emissions of every reporting unit under {scope.organisation.name} per financial year from {years.from} to {years.to}, by footprint, in tonnes of
          CO2 equivalent, against the allowance of the NHS Net Zero trajectory from the baseline year {data?.baselineYear ?? BASELINE_YEAR}
          {data ? ` (trajectory version ${data.trajectoryVersion})` : ''}. The allowance is taken over the units with a baseline; a footprint is on track when
          their emissions are at most the required path&apos;s allowance. As of {formatDate(view.asOf)}.
        </p>
      }
    >
      {data ? (
        <>
          {rows.length > 0 ? (
            <Chart
              option={option}
              height="380px"
              description={`Emissions of ${scope.organisation.name} per financial year for each footprint, with the required and ambitious allowances as dashed and dotted lines.`}
              onDrawn={onDrawn}
            />
          ) : null}
          {data.trajectories.length > 0 ? (
            <details className="nhsuk-details gpds-details">
              <summary className="nhsuk-details__summary">
                <span className="nhsuk-details__summary-text">The trajectory&apos;s targets</span>
              </summary>
              <div className="nhsuk-details__text">
                <ul>
                  {data.trajectories.flatMap((t) =>
                    t.points.map((p) => (
                      <li key={`${t.footprint}-${p.path}-${p.financialYear}`}>
                        {footprintName(t.footprint)}, {p.path === 'REQUIRED' ? 'required' : 'ambitious'} path: {formatPercent(p.percentOfBaseline, 0)} of the
                        baseline in {p.financialYear} ({p.meaning})
                      </li>
                    )),
                  )}
                </ul>
              </div>
            </details>
          ) : null}
          <DataTable
            caption={`Net Zero, ${scope.organisation.name} (${scope.organisation.code}), ${years.from} to ${years.to}`}
            columns={columns}
            rows={rows}
            rowKey={(r) => `${r.footprint}-${r.financialYear}`}
            fileName={['net-zero', scope.organisation.code, view.asOf]}
            empty={`No carbon facts are known for ${scope.organisation.name} from ${years.from} to ${years.to}.`}
          />
        </>
      ) : null}
    </Panel>
  );
}
