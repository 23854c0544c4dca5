/**
 * Incidents per child organisation over the 12 months to asOf: cyber incidents (and those still
 * open), personal data breaches (reportable ones, and the share that reached the ICO within 72
 * hours), and losses of access to patient records. Restricted detail: a scoped principal sees it
 * only within its scope, and the panel shows the platform's refusal otherwise. Organisations with
 * nothing in the period have no row in the answer and are shown with zeros.
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
import { INCIDENTS, type IncidentRow, type IncidentsData } from '../data/queries';
import { formatDate, formatDecimal, formatInteger, formatShare } from '../lib/format';
import type { OrganisationRef } from '../lib/levels';
import { barChartHeight, childView, childrenPhrase, organisationColumns, pickRow, twelveMonthsTo, type PanelProps, type OverviewScope } from './common';

export const INCIDENTS_PANEL = 'incidents';

/** A child with nothing in the period: every count zero, every median none. */
export function noIncidents(organisation: OrganisationRef): IncidentRow {
  return {
    organisation,
    cyber: { reported: 0, highSeverity: 0, open: 0, medianHoursToReport: null },
    breaches: { detected: 0, reportable: 0, reportedWithin72Hours: 0, shareWithin72Hours: null, overdue: 0 },
    recordAccess: { losses: 0, practicesAffected: 0, totalHours: 0, ongoing: 0 },
  };
}

/** The answer's rows, with a row of zeros for each child at the level the answer has no row for. */
export function withEveryChild(rows: readonly IncidentRow[], children: readonly OrganisationRef[]): IncidentRow[] {
  const answered = new Set(rows.map((r) => r.organisation.code));
  return [...rows, ...children.filter((c) => !answered.has(c.code)).map(noIncidents)].sort((a, b) =>
    a.organisation.name.localeCompare(b.organisation.name, 'en-GB'),
  );
}

/** The panel's data for `scope` and `view` (the overview may ask it early: views/prefetch.ts). */
export async function loadIncidents(api: Api, signal: AbortSignal, scope: OverviewScope, view: ViewState): Promise<IncidentRow[]> {
  const period = twelveMonthsTo(view.asOf);
  const rows = await collectPages(
    async (after) =>
      (
        await api.request<IncidentsData>(
          INCIDENTS,
          { level: scope.childLevel, parent: scope.childParent, from: period.from, to: period.to, asOf: view.asOf, knownAt: view.knownAt, after },
          signal,
        )
      ).incidents,
  );
  return withEveryChild(
    rows,
    scope.children.filter((c) => c.level === scope.childLevel),
  );
}

export function IncidentsPanel({ scope, onState }: PanelProps): ReactNode {
  const { view, navigate } = useNavigation();
  const [drawn, setDrawn] = useState(false);
  const period = twelveMonthsTo(view.asOf);
  const load = useLoad<IncidentRow[]>(
    (api, signal) => loadIncidents(api, signal, scope, view),
    [INCIDENTS_PANEL, scope.childLevel, scope.childParent, period.from, period.to, view.asOf, view.knownAt, scope.children.length],
  );
  const rows = useMemo(() => (load.status === 'ready' ? load.data : []), [load]);
  const onDrawn = useCallback(() => setDrawn(true), []);

  const columns = useMemo<Column<IncidentRow>[]>(() => {
    const count = (key: string, header: string, value: (r: IncidentRow) => number): Column<IncidentRow> => ({
      key,
      header,
      numeric: true,
      text: (r) => formatInteger(value(r)),
      sort: value,
    });
    return [
      ...organisationColumns<IncidentRow>((r) => r.organisation, view, INCIDENTS_PANEL),
      count('cyber', 'Cyber incidents', (r) => r.cyber.reported),
      count('cyberOpen', 'Cyber incidents open', (r) => r.cyber.open),
      count('breaches', 'Data breaches', (r) => r.breaches.detected),
      count('reportable', 'Reportable to the ICO', (r) => r.breaches.reportable),
      count('within72', 'Reported to the ICO within 72 hours', (r) => r.breaches.reportedWithin72Hours),
      {
        key: 'share72',
        header: 'Share within 72 hours',
        numeric: true,
        text: (r) => formatShare(r.breaches.shareWithin72Hours),
        sort: (r) => r.breaches.shareWithin72Hours,
      },
      count('overdue', 'Reportable, overdue', (r) => r.breaches.overdue),
      count('losses', 'Losses of record access', (r) => r.recordAccess.losses),
      count('ongoing', 'Losses ongoing', (r) => r.recordAccess.ongoing),
      {
        key: 'hours',
        header: 'Hours without access',
        numeric: true,
        text: (r) => formatDecimal(r.recordAccess.totalHours),
        sort: (r) => r.recordAccess.totalHours,
      },
    ];
  }, [view]);

  const option = useMemo<ChartOption>(() => {
    const bar = (name: string, colour: string, value: (r: IncidentRow) => number) => ({
      type: 'bar' as const,
      name,
      color: colour,
      barMaxWidth: 12,
      data: rows.map(value),
    });
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8 },
      xAxis: { type: 'value', name: 'Incidents', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((r) => r.organisation.name), inverse: true, triggerEvent: true },
      series: [
        bar('Cyber incidents', COLOURS.darkBlue, (r) => r.cyber.reported),
        bar('Data breaches', COLOURS.orange, (r) => r.breaches.detected),
        bar('Losses of record access', COLOURS.grey, (r) => r.recordAccess.losses),
      ],
    };
  }, [rows]);

  const state = panelState(load, drawn || rows.length === 0);
  return (
    <Panel
      id={INCIDENTS_PANEL}
      title="Incidents"
      state={state}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
      focus={view.measure === INCIDENTS_PANEL && state !== 'loading'}
      intro={
        <p>
          Cyber incidents, personal data breaches and losses of access to patient records detected from {formatDate(period.from)} to {formatDate(period.to)},
          for {childrenPhrase(scope)}; open, ongoing and overdue as of {formatDate(view.asOf)}.
        </p>
      }
    >
      {load.status === 'ready' ? (
        <>
          {rows.length > 0 ? (
            <Chart
              option={option}
              height={barChartHeight(rows.length * 1.4)}
              description={`Cyber incidents, data breaches and losses of record access for ${childrenPhrase(scope)}, as grouped bars.`}
              onSelect={(selection) => {
                const row = pickRow(rows, selection, (r) => r.organisation.name);
                if (row) navigate(childView(view, row.organisation, INCIDENTS_PANEL));
              }}
              onDrawn={onDrawn}
            />
          ) : null}
          <DataTable
            caption={`Incidents, ${childrenPhrase(scope)}, ${formatDate(period.from)} to ${formatDate(period.to)}`}
            columns={columns}
            rows={rows}
            rowKey={(r) => r.organisation.code}
            fileName={['incidents', scope.organisation.code, view.asOf]}
            empty={`No incident is known under ${scope.organisation.name} from ${formatDate(period.from)} to ${formatDate(period.to)}.`}
          />
        </>
      ) : null}
    </Panel>
  );
}
