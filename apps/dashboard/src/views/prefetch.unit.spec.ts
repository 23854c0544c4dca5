import { Api } from '../data/api';
import { GraphqlClient } from '../lib/graphql';
import type { OrganisationRef } from '../lib/levels';
import { defaultViewState, type ViewState } from '../lib/url-state';
import type { OverviewScope } from './common';
import { loadCompliance } from './CompliancePanel';
import { loadHeadline } from './HeadlinePanel';
import { loadIncidents } from './IncidentsPanel';
import { loadMaturity } from './MaturityPanel';
import { loadNetZero } from './NetZeroPanel';
import { organisationHint, prefetchOverview } from './prefetch';
import { loadUtilisation } from './UtilisationPanel';

const ENGLAND: OrganisationRef = { code: 'ENG', name: 'England', level: 'NATIONAL' };
const LONDON: OrganisationRef = { code: 'Y56', name: 'London', level: 'REGION' };
const NORTH_CENTRAL: OrganisationRef = { code: 'QMJ', name: 'North Central London', level: 'ICB' };
const CAMDEN: OrganisationRef = { code: '93C', name: 'Camden', level: 'COMMISSIONER' };

const EMPTY_PAGE = { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };

/** An answer of the right shape, with no rows, for each of the overview's operations. */
const ANSWERS: Readonly<Record<string, unknown>> = {
  DashboardHeadline: { compliance: EMPTY_PAGE },
  DashboardCompliance: { complianceRules: { version: 1, rules: [] }, compliance: { rulesVersion: 1, ...EMPTY_PAGE } },
  DashboardMaturity: { maturity: { indexVersion: 1, ...EMPTY_PAGE }, england: { nodes: [] } },
  DashboardNetZero: { netZeroTrajectory: [], netZero: { trajectoryVersion: 1, baselineYear: '2019/20', ...EMPTY_PAGE } },
  DashboardUtilisation: { utilisation: EMPTY_PAGE },
  DashboardIncidents: { incidents: EMPTY_PAGE },
};

/** An Api whose client answers every operation with ANSWERS' shape, recording what was sent. */
function recordingApi(): { api: Api; sent: Array<{ operationName: string; variables: Record<string, unknown> }> } {
  const sent: Array<{ operationName: string; variables: Record<string, unknown> }> = [];
  const client = new GraphqlClient({
    endpoint: '/graphql',
    authorization: () => 'Bearer test',
    fetch: async (_input, init) => {
      const body = JSON.parse(String(init?.body)) as { operationName: string; variables: Record<string, unknown> };
      sent.push({ operationName: body.operationName, variables: body.variables });
      const data = ANSWERS[body.operationName];
      if (!data) throw new Error(`no answer for ${body.operationName}`);
      return new Response(JSON.stringify({ data }), { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  return { api: new Api(client, () => undefined), sent };
}

function view(overrides: Partial<ViewState> = {}): ViewState {
  return { ...defaultViewState('2025-12-31'), ...overrides };
}

/** The scope the overview builds once the lookup answers (Overview.tsx), for each panel's loader. */
function lookedUp(organisation: OrganisationRef, ancestors: OrganisationRef[], children: OrganisationRef[], v: ViewState): OverviewScope {
  const childLevel = organisation.level === 'NATIONAL' ? 'REGION' : organisation.level === 'REGION' ? 'ICB' : 'COMMISSIONER';
  const parent = ancestors[0];
  return {
    view: v,
    organisation,
    ancestors,
    children,
    childLevel,
    childParent: organisation.level === 'NATIONAL' ? null : organisation.code,
    ownParent: parent && parent.level !== 'NATIONAL' ? parent.code : null,
  };
}

async function loadEveryPanel(api: Api, scope: OverviewScope, v: ViewState): Promise<void> {
  const signal = new AbortController().signal;
  await Promise.all([loadHeadline, loadCompliance, loadMaturity, loadNetZero, loadUtilisation, loadIncidents].map((load) => load(api, signal, scope, v)));
}

describe('prefetchOverview', () => {
  it("asks England's panel questions before any lookup, exactly as the panels ask them then", async () => {
    const { api, sent } = recordingApi();
    const v = view({ knownAt: '2025-06-30T00:00:00Z' });
    await prefetchOverview(api, v, new AbortController().signal);
    const prefetched = [...sent];
    expect(new Set(prefetched.map((s) => s.operationName))).toEqual(new Set(Object.keys(ANSWERS)));
    expect(prefetched.find((s) => s.operationName === 'DashboardCompliance')?.variables).toMatchObject({ level: 'REGION', parent: null, asOf: '2025-12-31' });
    await loadEveryPanel(api, lookedUp(ENGLAND, [], [LONDON], v), v);
    // The panels, once the lookup has answered, find every question they ask answered already.
    expect(sent).toEqual(prefetched);
  });

  it("asks a child's panel questions from what its parent's lookup said, the same the panels ask once its own lookup answers", async () => {
    const { api, sent } = recordingApi();
    const v = view({ org: NORTH_CENTRAL.code });
    api.rememberOrganisations(v.asOf, LONDON, [ENGLAND], [NORTH_CENTRAL]);
    expect(organisationHint(api, v)).toEqual({ organisation: NORTH_CENTRAL, ownParent: 'Y56' });
    await prefetchOverview(api, v, new AbortController().signal);
    const prefetched = [...sent];
    expect(new Set(prefetched.map((s) => s.operationName))).toEqual(new Set(Object.keys(ANSWERS)));
    await loadEveryPanel(api, lookedUp(NORTH_CENTRAL, [LONDON, ENGLAND], [CAMDEN], v), v);
    expect(sent).toEqual(prefetched);
    expect(sent.find((s) => s.operationName === 'DashboardCompliance')?.variables).toMatchObject({ level: 'COMMISSIONER', parent: 'QMJ' });
    expect(sent.find((s) => s.operationName === 'DashboardHeadline')?.variables).toMatchObject({ level: 'ICB', parent: 'Y56' });
  });

  it('remembers ancestors with their own parents, so going back up the breadcrumbs is prefetched too', () => {
    const { api } = recordingApi();
    api.rememberOrganisations('2025-12-31', CAMDEN, [NORTH_CENTRAL, LONDON, ENGLAND], []);
    expect(api.organisationHint('QMJ', '2025-12-31')).toEqual({ organisation: NORTH_CENTRAL, ownParent: 'Y56' });
    expect(api.organisationHint('Y56', '2025-12-31')).toEqual({ organisation: LONDON, ownParent: null });
    expect(api.organisationHint('93C', '2025-12-31')).toEqual({ organisation: CAMDEN, ownParent: 'QMJ' });
    // The hierarchy is by date: another day's lookup says nothing about this one.
    expect(api.organisationHint('93C', '2024-03-31')).toBeNull();
  });

  it('asks nothing for an organisation nothing is known of, nor for a practice page', async () => {
    const { api, sent } = recordingApi();
    expect(prefetchOverview(api, view({ org: 'QMJ' }), new AbortController().signal)).toBeNull();
    api.rememberOrganisations('2025-12-31', { code: 'U12345', name: 'A PCN', level: 'PCN' }, [], [{ code: 'F84001', name: 'A practice', level: 'PRACTICE' }]);
    expect(prefetchOverview(api, view({ org: 'F84001' }), new AbortController().signal)).toBeNull();
    expect(prefetchOverview(api, view({ practice: 'F84001' }), new AbortController().signal)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual([]);
  });
});
