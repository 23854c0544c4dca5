/**
 * Asks an overview's panel questions at once, beside the organisation lookup rather than after it.
 *
 * The panels need an organisation's level and the parent of its roll-ups, which the lookup gives;
 * but for England (the page's default) they are known before any answer, and for a child or an
 * ancestor the reader arrives from, the overview they left already said them (Api's organisation
 * hints). The panels' own loaders are run here with what is known, and their answers go into the
 * tab's cache (data/api.ts): when the panels mount, they find their questions answered or on
 * their way. A wrong hint costs a wasted request, never a wrong figure: the panels ask with what
 * the lookup says.
 */
import type { Api, OrganisationHint } from '../data/api';
import { CHILD_LEVEL, childRollupParent } from '../lib/levels';
import { ENGLAND, type ViewState } from '../lib/url-state';
import type { OverviewScope } from './common';
import { loadCompliance } from './CompliancePanel';
import { loadHeadline } from './HeadlinePanel';
import { loadIncidents } from './IncidentsPanel';
import { loadMaturity } from './MaturityPanel';
import { loadNetZero } from './NetZeroPanel';
import { loadUtilisation } from './UtilisationPanel';

/** England: no lookup needed to know its level, and its roll-ups have no parent. */
const ENGLAND_HINT: OrganisationHint = { organisation: { code: ENGLAND, name: 'England', level: 'NATIONAL' }, ownParent: null };

/** What is known of the organisation `view` is about before the lookup answers, or null. */
export function organisationHint(api: Api, view: ViewState): OrganisationHint | null {
  if (view.practice) return null;
  return view.org === ENGLAND ? ENGLAND_HINT : api.organisationHint(view.org, view.asOf);
}

/** The scope the panels would have, from a hint: children and ancestors are left empty (only the answers matter here). */
export function provisionalScope(hint: OrganisationHint, view: ViewState): OverviewScope | null {
  const childLevel = CHILD_LEVEL[hint.organisation.level];
  if (childLevel === null) return null;
  return {
    view,
    organisation: hint.organisation,
    ancestors: [],
    children: [],
    childLevel,
    childParent: childRollupParent(hint.organisation),
    ownParent: hint.ownParent,
  };
}

/**
 * Starts every panel's questions for `view`'s organisation if enough is known of it: resolves
 * when they are answered, or null when nothing could be asked. Failures are left to the panels,
 * which ask again and show them.
 */
export function prefetchOverview(api: Api, view: ViewState, signal: AbortSignal): Promise<void> | null {
  const hint = organisationHint(api, view);
  const scope = hint ? provisionalScope(hint, view) : null;
  if (!scope) return null;
  const loads = [loadHeadline, loadCompliance, loadMaturity, loadNetZero, loadUtilisation, loadIncidents].map((load) =>
    load(api, signal, scope, view).then(
      () => undefined,
      () => undefined,
    ),
  );
  return Promise.all(loads).then(() => undefined);
}
