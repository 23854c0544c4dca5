/**
 * The digital maturity index (0-100) per child organisation: each one's distribution over its
 * practices as a box plot (minimum, quartiles, median, maximum, as the API works them out), with
 * England's mean marked as a line, so a reader sees at once which organisations sit below the
 * national picture and how spread out their practices are.
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
import { MATURITY, type MaturityData, type MaturityRow } from '../data/queries';
import { formatDate, formatDecimal, formatInteger, formatShare } from '../lib/format';
import { barChartHeight, childView, childrenPhrase, organisationColumns, pickRow, type PanelProps, type OverviewScope } from './common';

export const MATURITY_PANEL = 'maturity';

interface Loaded {
  readonly indexVersion: number;
  readonly rows: readonly MaturityRow[];
  readonly englandMean: number | null;
}

/** A row's box: [min, lower quartile, median, upper quartile, max], or null when it has no index. */
export function boxOf(row: MaturityRow): [number, number, number, number, number] | null {
  const { min, lowerQuartile, median, upperQuartile, max } = row;
  if (min === null || lowerQuartile === null || median === null || upperQuartile === null || max === null) return null;
  return [min, lowerQuartile, median, upperQuartile, max];
}

/** The panel's data for `scope` and `view` (the overview may ask it early: views/prefetch.ts). */
export async function loadMaturity(api: Api, signal: AbortSignal, scope: OverviewScope, view: ViewState): Promise<Loaded> {
  let indexVersion = 0;
  let englandMean: number | null = null;
  const rows = await collectPages(async (after) => {
    const data = await api.request<MaturityData>(
      MATURITY,
      { level: scope.childLevel, parent: scope.childParent, asOf: view.asOf, knownAt: view.knownAt, after },
      signal,
    );
    indexVersion = data.maturity.indexVersion;
    englandMean = data.england.nodes[0]?.mean ?? null;
    return data.maturity;
  });
  return { indexVersion, rows, englandMean };
}

export function MaturityPanel({ scope, onState }: PanelProps): ReactNode {
  const { view, navigate } = useNavigation();
  const [drawn, setDrawn] = useState(false);
  const load = useLoad<Loaded>(
    (api, signal) => loadMaturity(api, signal, scope, view),
    [MATURITY_PANEL, scope.childLevel, scope.childParent, view.asOf, view.knownAt],
  );
  const data = load.status === 'ready' ? load.data : null;
  const rows = useMemo(() => data?.rows ?? [], [data]);
  const onDrawn = useCallback(() => setDrawn(true), []);

  const columns = useMemo<Column<MaturityRow>[]>(() => {
    const figure = (key: keyof MaturityRow & string, header: string): Column<MaturityRow> => ({
      key,
      header,
      numeric: true,
      text: (r) => formatDecimal(r[key] as number | null),
      sort: (r) => r[key] as number | null,
    });
    return [
      ...organisationColumns<MaturityRow>((r) => r.organisation, view, MATURITY_PANEL),
      { key: 'practices', header: 'Practices', numeric: true, text: (r) => formatInteger(r.practices), sort: (r) => r.practices },
      {
        key: 'practicesWithIndex',
        header: 'With an index',
        numeric: true,
        text: (r) => formatInteger(r.practicesWithIndex),
        sort: (r) => r.practicesWithIndex,
      },
      figure('mean', 'Mean'),
      figure('weightedMean', 'Mean weighted by patients'),
      figure('min', 'Lowest'),
      figure('lowerQuartile', 'Lower quartile'),
      figure('median', 'Median'),
      figure('upperQuartile', 'Upper quartile'),
      figure('max', 'Highest'),
      { key: 'meanCoverage', header: 'Inputs known (mean share)', numeric: true, text: (r) => formatShare(r.meanCoverage), sort: (r) => r.meanCoverage },
    ];
  }, [view]);

  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { top: 0, data: ['Practices’ index', ...(data?.englandMean != null ? ['England mean'] : [])] },
      grid: { left: 8, right: 32, top: 36, bottom: 8 },
      xAxis: { type: 'value', min: 0, max: 100, name: 'Index (0-100)', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'category', data: rows.map((r) => r.organisation.name), inverse: true, triggerEvent: true },
      series: [
        {
          type: 'boxplot',
          name: 'Practices’ index',
          color: COLOURS.nhsBlue,
          itemStyle: { color: '#e8edee', borderColor: COLOURS.nhsBlue, borderWidth: 2 },
          boxWidth: [8, 22],
          data: rows.map((r) => boxOf(r) ?? ['-', '-', '-', '-', '-']),
        },
        ...(data?.englandMean != null
          ? [
              {
                type: 'line' as const,
                name: 'England mean',
                color: COLOURS.orange,
                data: [],
                markLine: {
                  symbol: 'none',
                  silent: true,
                  lineStyle: { color: COLOURS.orange, type: 'dashed' as const, width: 2 },
                  label: { formatter: `England mean ${formatDecimal(data.englandMean)}`, position: 'end' as const },
                  data: [{ xAxis: data.englandMean }],
                },
              },
            ]
          : []),
      ],
    }),
    [rows, data],
  );

  const withBoxes = rows.filter((r) => boxOf(r) !== null).length;
  const state = panelState(load, drawn || withBoxes === 0);
  return (
    <Panel
      id={MATURITY_PANEL}
      title="Digital maturity index"
      state={state}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
      focus={view.measure === MATURITY_PANEL && state !== 'loading'}
      intro={
        <p>
          The index (0 to 100: the weighted share of its inputs a practice meets, of those known) of the practices of {childrenPhrase(scope)} on{' '}
          {formatDate(view.asOf)}
          {data ? `, index version ${data.indexVersion}` : ''}: each box runs from the lower to the upper quartile with the median inside, the whiskers to the
          lowest and highest practice
          {data?.englandMean != null ? `; the dashed line is England's mean, ${formatDecimal(data.englandMean)}` : ''}.
        </p>
      }
    >
      {data ? (
        <>
          {withBoxes > 0 ? (
            <Chart
              option={option}
              height={barChartHeight(rows.length)}
              description={`The digital maturity index of the practices of ${childrenPhrase(scope)} as box plots, with England's mean as a line.`}
              onSelect={(selection) => {
                const row = pickRow(rows, selection, (r) => r.organisation.name);
                if (row) navigate(childView(view, row.organisation, MATURITY_PANEL));
              }}
              onDrawn={onDrawn}
            />
          ) : null}
          <DataTable
            caption={`Digital maturity index, ${childrenPhrase(scope)}, ${formatDate(view.asOf)}`}
            columns={columns}
            rows={rows}
            rowKey={(r) => r.organisation.code}
            fileName={['maturity', scope.organisation.code, view.asOf]}
            empty={`No practice under ${scope.organisation.name} has an index on ${formatDate(view.asOf)} as known then.`}
          />
        </>
      ) : null}
    </Panel>
  );
}
