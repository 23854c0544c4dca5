/**
 * Use of online consultation and cloud-based telephony by the organisation's practices: online
 * consultation submissions (ONLINE_CONSULTATION / SUBMISSIONS) and inbound calls
 * (ADVANCED_TELEPHONY / INBOUND_CALLS) per 1,000 registered patients, by month, for the 12 months
 * to asOf (metric codes: libs/shared/reference-data/src/data/metrics.v2.json). Rates, not counts,
 * so organisations of any size compare.
 */
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Chart } from '../charts/Chart';
import type { ChartOption } from '../charts/echarts-setup';
import { COLOURS } from '../charts/palette';
import { DataTable, type Column } from '../components/DataTable';
import { useNavigation } from '../components/navigation';
import { Panel, panelState } from '../components/Panel';
import { collectPages, useLoad, type Api } from '../data/api';
import { UTILISATION, type UtilisationData, type UtilisationRow } from '../data/queries';
import { formatDate, formatDecimal, formatInteger, formatMonth, formatShortMonth, monthStart } from '../lib/format';
import type { ViewState } from '../lib/url-state';
import { twelveMonthsTo, type OverviewScope, type PanelProps } from './common';

export const UTILISATION_PANEL = 'utilisation';

/** The two measures of the panel, as the metric catalogue names them. */
export const UTILISATION_METRICS = [
  { key: 'online', capability: 'ONLINE_CONSULTATION', metric: 'SUBMISSIONS', name: 'Online consultation submissions', colour: COLOURS.nhsBlue },
  { key: 'telephony', capability: 'ADVANCED_TELEPHONY', metric: 'INBOUND_CALLS', name: 'Inbound calls (cloud-based telephony)', colour: COLOURS.orange },
] as const;

type MetricKey = (typeof UTILISATION_METRICS)[number]['key'];

interface MonthRow {
  readonly month: string;
  readonly values: Readonly<Record<MetricKey, UtilisationRow | null>>;
}

/** Every month of the window, first day each: ("2025-12-15") -> 2025-01-01 ... 2025-12-01. */
export function monthsTo(asOf: string): string[] {
  return Array.from({ length: 12 }, (_, i) => monthStart(asOf, i - 11));
}

async function ownRows(api: Api, signal: AbortSignal, scope: OverviewScope, view: ViewState, capability: string, metric: string): Promise<UtilisationRow[]> {
  const { firstMonth, to } = twelveMonthsTo(view.asOf);
  return collectPages(
    async (after) =>
      (
        await api.request<UtilisationData>(
          UTILISATION,
          { capability, metric, level: scope.organisation.level, parent: scope.ownParent, from: firstMonth, to, asOf: view.asOf, knownAt: view.knownAt, after },
          signal,
        )
      ).utilisation,
    (row) => row.organisation.code === scope.organisation.code,
  );
}

/** The panel's data for `scope` and `view` (the overview may ask it early: views/prefetch.ts). */
export async function loadUtilisation(api: Api, signal: AbortSignal, scope: OverviewScope, view: ViewState): Promise<MonthRow[]> {
  const [online, telephony] = await Promise.all(UTILISATION_METRICS.map((m) => ownRows(api, signal, scope, view, m.capability, m.metric)));
  const at = (rows: readonly UtilisationRow[] | undefined, month: string): UtilisationRow | null =>
    rows?.find((r) => r.period?.start.slice(0, 7) === month.slice(0, 7)) ?? null;
  return monthsTo(view.asOf).map((month) => ({ month, values: { online: at(online, month), telephony: at(telephony, month) } }));
}

export function UtilisationPanel({ scope, onState }: PanelProps): ReactNode {
  const { view } = useNavigation();
  const [drawn, setDrawn] = useState(false);
  const load = useLoad<MonthRow[]>(
    (api, signal) => loadUtilisation(api, signal, scope, view),
    [UTILISATION_PANEL, scope.organisation.code, scope.organisation.level, scope.ownParent, view.asOf, view.knownAt],
  );
  const months = useMemo(() => (load.status === 'ready' ? load.data : []), [load]);
  const anything = months.some((m) => m.values.online || m.values.telephony);
  const onDrawn = useCallback(() => setDrawn(true), []);

  const columns = useMemo<Column<MonthRow>[]>(
    () => [
      { key: 'month', header: 'Month', text: (r) => formatMonth(r.month), sort: (r) => r.month },
      ...UTILISATION_METRICS.flatMap((m): Column<MonthRow>[] => [
        {
          key: `${m.key}-value`,
          header: m.name,
          numeric: true,
          text: (r) => formatInteger(r.values[m.key]?.value),
          sort: (r) => r.values[m.key]?.value ?? null,
        },
        {
          key: `${m.key}-rate`,
          header: `${m.name} per 1,000 patients`,
          numeric: true,
          text: (r) => formatDecimal(r.values[m.key]?.ratePer1000),
          sort: (r) => r.values[m.key]?.ratePer1000 ?? null,
        },
        {
          key: `${m.key}-practices`,
          header: `Practices reporting ${m.key === 'online' ? 'online consultation' : 'telephony'}`,
          numeric: true,
          text: (r) => formatInteger(r.values[m.key]?.practices),
          sort: (r) => r.values[m.key]?.practices ?? null,
        },
      ]),
    ],
    [],
  );

  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? formatDecimal(v) : '–') },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 8 },
      xAxis: { type: 'category', data: months.map((m) => formatShortMonth(m.month)), name: 'Month', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', name: 'Per 1,000 registered patients', nameLocation: 'end' },
      series: UTILISATION_METRICS.map((m, i) => ({
        type: 'line' as const,
        name: m.name,
        color: m.colour,
        symbol: i === 0 ? 'circle' : 'rect',
        symbolSize: 8,
        lineStyle: { width: 3, type: i === 0 ? ('solid' as const) : ('dashed' as const) },
        connectNulls: false,
        data: months.map((r) => r.values[m.key]?.ratePer1000 ?? null),
      })),
    }),
    [months],
  );

  const { firstMonth } = twelveMonthsTo(view.asOf);
  const state = panelState(load, drawn || !anything);
  return (
    <Panel
      id={UTILISATION_PANEL}
      title="Use of online consultation and telephony"
      state={state}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
      focus={view.measure === UTILISATION_PANEL && state !== 'loading'}
      intro={
        <p>
          Online consultation submissions and inbound calls per 1,000 registered patients of the practices of {scope.organisation.name} with a known list size,
          by month, from {formatMonth(firstMonth)} to {formatDate(view.asOf)}. A month with no figure had no sample.
        </p>
      }
    >
      {load.status === 'ready' ? (
        <>
          {anything ? (
            <Chart
              option={option}
              height="340px"
              description={`Online consultation submissions and inbound calls per 1,000 registered patients in ${scope.organisation.name}, by month, as lines.`}
              onDrawn={onDrawn}
            />
          ) : null}
          <DataTable
            caption={`Utilisation by month, ${scope.organisation.name} (${scope.organisation.code}), 12 months to ${formatDate(view.asOf)}`}
            columns={columns}
            rows={anything ? months : []}
            rowKey={(r) => r.month}
            fileName={['utilisation', scope.organisation.code, view.asOf]}
            empty={`No online consultation or telephony figures are known for ${scope.organisation.name} from ${formatMonth(firstMonth)} to ${formatDate(view.asOf)}.`}
          />
        </>
      ) : null}
    </Panel>
  );
}
