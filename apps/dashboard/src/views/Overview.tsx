/**
 * An organisation's overview on a date: breadcrumbs up, then its panels, each loading on its own
 * at once (three requests in flight at most, skeletons meanwhile). The root says when every panel
 * is shown or has failed (data-overview-ready="true"): the browser tests and the load benchmark
 * wait for it. A practice's code opens its practice page instead.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { loadECharts } from '../charts/Chart';
import { Breadcrumbs } from '../components/Breadcrumbs';
import { useDocumentTitle, useNavigation, ViewLink } from '../components/navigation';
import { Skeleton, type PanelState } from '../components/Panel';
import { errorMessage, useApi, useLoad } from '../data/api';
import { ORGANISATION, type OrganisationData } from '../data/queries';
import { formatDate } from '../lib/format';
import { CHILD_LEVEL, childRollupParent, levelTitle, ownRollupParent } from '../lib/levels';
import type { Measure } from '../lib/url-state';
import { COMPLIANCE_PANEL, CompliancePanel } from './CompliancePanel';
import { HEADLINE_PANEL, HeadlinePanel } from './HeadlinePanel';
import { INCIDENTS_PANEL, IncidentsPanel } from './IncidentsPanel';
import { MATURITY_PANEL, MaturityPanel } from './MaturityPanel';
import { NET_ZERO_PANEL, NetZeroPanel } from './NetZeroPanel';
import { PracticePage } from './PracticePage';
import { prefetchOverview } from './prefetch';
import { UTILISATION_PANEL, UtilisationPanel } from './UtilisationPanel';
import type { OverviewScope } from './common';

/** Every panel of the overview, in page order, with its name in the page's contents. */
export const OVERVIEW_PANELS: readonly { readonly id: string; readonly title: string; readonly measure: Measure | null }[] = [
  { id: HEADLINE_PANEL, title: 'At a glance', measure: null },
  { id: COMPLIANCE_PANEL, title: 'Compliance', measure: 'compliance' },
  { id: MATURITY_PANEL, title: 'Digital maturity', measure: 'maturity' },
  { id: NET_ZERO_PANEL, title: 'Net Zero', measure: 'net-zero' },
  { id: UTILISATION_PANEL, title: 'Online consultation and telephony', measure: 'utilisation' },
  { id: INCIDENTS_PANEL, title: 'Incidents', measure: 'incidents' },
];

export function Overview(): ReactNode {
  const { view } = useNavigation();
  const api = useApi();
  const load = useLoad<OrganisationData>(
    async (api, signal) => {
      const data = await api.request<OrganisationData>(ORGANISATION, { code: view.org, asOf: view.asOf }, signal);
      const found = data.organisation;
      if (found) api.rememberOrganisations(view.asOf, found, found.ancestors, found.children.nodes);
      return data;
    },
    ['organisation', view.org, view.asOf],
  );

  // The panels' questions, asked beside the lookup when the organisation is known well enough
  // (England; one the reader came from); abandoned with the view, unless a panel waits on them.
  useEffect(() => {
    const controller = new AbortController();
    void prefetchOverview(api, view, controller.signal);
    return () => controller.abort();
    // The questions depend on these alone (the panel shown, the rule chosen change nothing asked).
  }, [api, view.org, view.asOf, view.knownAt, view.practice]);

  // Fetch the chart library while the data is on its way.
  useEffect(() => void loadECharts().catch(() => undefined), []);

  if (load.status === 'loading') {
    return (
      <div className="gpds-overview" data-state="loading" aria-busy="true">
        <h1 className="nhsuk-heading-l">Loading {view.org}…</h1>
        <Skeleton />
      </div>
    );
  }
  if (load.status === 'error' || !load.data.organisation) {
    const message =
      load.status === 'error'
        ? errorMessage(load.error)
        : `No organisation has the code ${view.org} on ${formatDate(view.asOf)}: check the code, or go to England.`;
    return (
      <div className="gpds-overview" data-state="error" data-overview-ready="true" data-error={message}>
        <h1 className="nhsuk-heading-l">{view.org} cannot be shown</h1>
        <div className="nhsuk-warning-callout">
          <h2 className="nhsuk-warning-callout__label">
            <span className="nhsuk-u-visually-hidden">Important: </span>Not shown
          </h2>
          <p>{message}</p>
          <p>
            <ViewLink to={{ ...view, org: 'ENG', practice: null, measure: null }}>Go to England</ViewLink>
          </p>
        </div>
      </div>
    );
  }

  const { ancestors, children, ...organisation } = load.data.organisation;
  const childLevel = CHILD_LEVEL[organisation.level];
  if (childLevel === null) return <PracticePage code={organisation.code} />;
  const scope: OverviewScope = {
    view,
    organisation,
    ancestors,
    children: children.nodes,
    childLevel,
    childParent: childRollupParent(organisation),
    ownParent: ownRollupParent(organisation, ancestors),
  };
  return <OverviewBody key={`${organisation.code}|${view.asOf}|${view.knownAt ?? ''}`} scope={scope} />;
}

function OverviewBody({ scope }: { scope: OverviewScope }): ReactNode {
  const { view } = useNavigation();
  const [states, setStates] = useState<Readonly<Record<string, PanelState>>>({});
  const onState = useCallback((id: string, state: PanelState) => setStates((current) => (current[id] === state ? current : { ...current, [id]: state })), []);
  const settled = OVERVIEW_PANELS.every((p) => states[p.id] === 'ready' || states[p.id] === 'error');
  const failed = OVERVIEW_PANELS.filter((p) => states[p.id] === 'error').length;
  const { organisation } = scope;
  const props = { scope: { ...scope, view }, onState };
  useDocumentTitle(`${organisation.name} on ${formatDate(view.asOf)}`);

  return (
    <div
      className="gpds-overview"
      data-org={organisation.code}
      data-as-of={view.asOf}
      data-known-at={view.knownAt ?? undefined}
      data-state={settled ? 'ready' : 'loading'}
      data-overview-ready={settled ? 'true' : undefined}
      data-panels-failed={settled ? failed : undefined}
    >
      <Breadcrumbs ancestors={scope.ancestors} current={organisation} />
      <h1 className="nhsuk-heading-l gpds-overview__title">
        <span className="nhsuk-caption-l">
          {organisation.level === 'NATIONAL' ? 'National overview' : `${levelTitle(organisation.level)} ${organisation.code}`}
          <span className="nhsuk-u-visually-hidden"> - </span>
        </span>
        {organisation.name}
      </h1>
      <nav className="nhsuk-contents-list gpds-contents" aria-label="Panels on this page">
        <h2 className="nhsuk-u-visually-hidden">Contents</h2>
        <ol className="nhsuk-contents-list__list">
          {OVERVIEW_PANELS.filter((p) => p.measure).map((p) => (
            <li key={p.id} className="nhsuk-contents-list__item">
              <ViewLink className="nhsuk-contents-list__link" to={{ ...view, measure: p.measure }}>
                {p.title}
              </ViewLink>
            </li>
          ))}
        </ol>
      </nav>
      <HeadlinePanel {...props} />
      <CompliancePanel {...props} />
      <MaturityPanel {...props} />
      <NetZeroPanel {...props} />
      <UtilisationPanel {...props} />
      <IncidentsPanel {...props} />
    </div>
  );
}
