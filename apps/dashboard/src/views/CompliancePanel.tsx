/**
 * Compliance with the GP IT Operating Model's rules, per child organisation: how many practices
 * are compliant, non-compliant and unknown (no fact the rule reads) with the rule picked, or with
 * every rule at once (compliant with all; non-compliant with any), as horizontal stacked bars.
 * One answer holds every rule's counts, so picking another rule asks nothing new.
 */
import { useCallback, useId, useMemo, useState, type ReactNode } from 'react';
import { Chart } from '../charts/Chart';
import type { ChartOption } from '../charts/echarts-setup';
import { COLOURS } from '../charts/palette';
import { DataTable, type Column } from '../components/DataTable';
import { useNavigation } from '../components/navigation';
import { Panel, panelState } from '../components/Panel';
import { collectPages, useLoad, type Api } from '../data/api';
import { COMPLIANCE, type ComplianceData, type ComplianceRow, type ComplianceRuleInfo, type OutcomeCounts } from '../data/queries';
import { formatDate, formatInteger, formatShare } from '../lib/format';
import { ALL_RULES, type ViewState } from '../lib/url-state';
import { PracticesOutsideNetworks } from './PracticesOutsideNetworks';
import { barChartHeight, childView, childrenPhrase, organisationColumns, pickRow, type PanelProps, type OverviewScope } from './common';

export const COMPLIANCE_PANEL = 'compliance';

interface Loaded {
  readonly rules: readonly ComplianceRuleInfo[];
  readonly rulesVersion: number;
  readonly rows: readonly ComplianceRow[];
}

interface ShownRow {
  readonly row: ComplianceRow;
  readonly counts: OutcomeCounts;
}

/** The counts for the rule picked (every rule at once: allRules). */
export function countsFor(row: ComplianceRow, rule: string): OutcomeCounts {
  if (rule === ALL_RULES) return row.allRules;
  return row.rules.find((r) => r.rule.id === rule) ?? { compliant: 0, nonCompliant: 0, unknown: 0, evaluated: row.practicesEvaluated, compliantShare: null };
}

/** The panel's data for `scope` and `view` (the overview may ask it early: views/prefetch.ts). */
export async function loadCompliance(api: Api, signal: AbortSignal, scope: OverviewScope, view: ViewState): Promise<Loaded> {
  let catalogue: ComplianceData['complianceRules'] | null = null;
  let rulesVersion = 0;
  const rows = await collectPages(async (after) => {
    const data = await api.request<ComplianceData>(
      COMPLIANCE,
      { level: scope.childLevel, parent: scope.childParent, asOf: view.asOf, knownAt: view.knownAt, after },
      signal,
    );
    catalogue = data.complianceRules;
    rulesVersion = data.compliance.rulesVersion;
    return data.compliance;
  });
  const rules = (catalogue as ComplianceData['complianceRules'] | null)?.rules ?? [];
  return { rules, rulesVersion, rows };
}

export function CompliancePanel({ scope, onState }: PanelProps): ReactNode {
  const { view, navigate } = useNavigation();
  const selectId = useId();
  const [drawn, setDrawn] = useState(false);
  const load = useLoad<Loaded>(
    (api, signal) => loadCompliance(api, signal, scope, view),
    [COMPLIANCE_PANEL, scope.childLevel, scope.childParent, view.asOf, view.knownAt],
  );

  const data = load.status === 'ready' ? load.data : null;
  const known = data ? view.rule === ALL_RULES || data.rules.some((r) => r.id === view.rule) : true;
  const rule = known ? view.rule : ALL_RULES;
  const ruleInfo = data?.rules.find((r) => r.id === rule) ?? null;
  const ruleName = ruleInfo ? ruleInfo.title : 'every rule at once';
  const shown = useMemo<ShownRow[]>(() => (data ? data.rows.map((row) => ({ row, counts: countsFor(row, rule) })) : []), [data, rule]);
  const onDrawn = useCallback(() => setDrawn(true), []);

  const columns = useMemo<Column<ShownRow>[]>(
    () => [
      ...organisationColumns<ShownRow>((r) => r.row.organisation, view, COMPLIANCE_PANEL),
      { key: 'compliant', header: 'Compliant', numeric: true, text: (r) => formatInteger(r.counts.compliant), sort: (r) => r.counts.compliant },
      { key: 'nonCompliant', header: 'Non-compliant', numeric: true, text: (r) => formatInteger(r.counts.nonCompliant), sort: (r) => r.counts.nonCompliant },
      { key: 'unknown', header: 'Unknown', numeric: true, text: (r) => formatInteger(r.counts.unknown), sort: (r) => r.counts.unknown },
      { key: 'evaluated', header: 'Practices evaluated', numeric: true, text: (r) => formatInteger(r.counts.evaluated), sort: (r) => r.counts.evaluated },
      { key: 'share', header: 'Compliant (share)', numeric: true, text: (r) => formatShare(r.counts.compliantShare), sort: (r) => r.counts.compliantShare },
    ],
    [view],
  );

  const option = useMemo<ChartOption>(() => {
    const names = shown.map((r) => r.row.organisation.name);
    const series = (name: string, colour: string, value: (c: OutcomeCounts) => number) => ({
      type: 'bar' as const,
      name,
      stack: 'practices',
      color: colour,
      barMaxWidth: 28,
      data: shown.map((r) => value(r.counts)),
      emphasis: { focus: 'series' as const },
    });
    return {
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 36, bottom: 8 },
      xAxis: { type: 'value', name: 'Practices', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'category', data: names, inverse: true, triggerEvent: true },
      series: [
        series('Compliant', COLOURS.compliant, (c) => c.compliant),
        series('Non-compliant', COLOURS.nonCompliant, (c) => c.nonCompliant),
        series('Unknown', COLOURS.unknown, (c) => c.unknown),
      ],
    };
  }, [shown]);

  const state = panelState(load, drawn || shown.length === 0);
  return (
    <Panel
      id={COMPLIANCE_PANEL}
      title="Compliance with the GP IT Operating Model"
      state={state}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
      focus={view.measure === COMPLIANCE_PANEL && state !== 'loading'}
      intro={
        <p>
          Practices compliant, non-compliant and unknown (no fact the rule reads is known) with {ruleName}, for {childrenPhrase(scope)} on{' '}
          {formatDate(view.asOf)}
          {data ? ` (rules version ${data.rulesVersion})` : ''}. Choose a bar or an organisation to go one level down.
        </p>
      }
    >
      {data ? (
        <>
          <div className="nhsuk-form-group gpds-panel__control">
            <label className="nhsuk-label" htmlFor={selectId}>
              Rule
            </label>
            <select
              className="nhsuk-select"
              id={selectId}
              name="rule"
              value={rule}
              onChange={(event) => navigate({ ...view, rule: event.target.value, measure: COMPLIANCE_PANEL })}
            >
              <option value={ALL_RULES}>Every rule at once</option>
              {data.rules.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.title}
                </option>
              ))}
            </select>
          </div>
          {!known ? <p className="nhsuk-inset-text">The rule {view.rule} is not in the rule catalogue: showing every rule at once.</p> : null}
          <p className="gpds-panel__rule" data-testid="rule-meaning">
            {ruleInfo ? `Compliant when ${ruleInfo.holdsWhen}.` : 'Every rule at once: compliant with all of them; non-compliant with any; otherwise unknown.'}
          </p>
          {shown.length > 0 ? (
            <Chart
              option={option}
              height={barChartHeight(shown.length)}
              description={`Practices compliant, non-compliant and unknown with ${ruleName}, per organisation, as stacked bars.`}
              onSelect={(selection) => {
                const row = pickRow(shown, selection, (r) => r.row.organisation.name);
                if (row) navigate(childView(view, row.row.organisation, COMPLIANCE_PANEL));
              }}
              onDrawn={onDrawn}
            />
          ) : null}
          <DataTable
            caption={`Compliance with ${ruleName}, ${childrenPhrase(scope)}, ${formatDate(view.asOf)}`}
            columns={columns}
            rows={shown}
            rowKey={(r) => r.row.organisation.code}
            fileName={['compliance', rule, scope.organisation.code, view.asOf]}
            empty={`No practice under ${scope.organisation.name} was open on ${formatDate(view.asOf)} as known then.`}
          />
          <PracticesOutsideNetworks scope={scope} />
        </>
      ) : null}
    </Panel>
  );
}
