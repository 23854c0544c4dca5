/**
 * The headline: how many of the organisation's practices are compliant with every rule of the
 * Operating Model at once. With "as known at" set it is also asked as known today, and a note says
 * how many of its figures (every rule at once and each rule: compliant, non-compliant, unknown,
 * evaluated) differ, names the rules they belong to and the organisations one level down whose
 * figures differ too, so a reproduced figure says whether later data changed it, and where.
 */
import type { ReactNode } from 'react';
import { useNavigation } from '../components/navigation';
import { Panel, panelState } from '../components/Panel';
import { collectPages, errorMessage, useLoad, type Api } from '../data/api';
import type { ViewState } from '../lib/url-state';
import { COMPLIANCE, HEADLINE, type ComplianceData, type ComplianceRow, type HeadlineData, type HeadlineRow } from '../data/queries';
import { formatDate, formatDateTime, formatInteger, formatShare } from '../lib/format';
import { isAbortError } from '../lib/graphql';
import {
  EVERY_RULE,
  capped,
  countDifferences,
  differenceNote,
  differencesByOrganisation,
  differencesByRule,
  moreLine,
  organisationDifferenceLine,
  ruleDifferenceLine,
  type OrganisationDifference,
  type RuleDifference,
} from '../lib/headline';
import type { OrganisationRef } from '../lib/levels';
import { childrenPhrase, type OverviewScope, type PanelProps } from './common';

export const HEADLINE_PANEL = 'headline';

interface Differences {
  readonly compared: number;
  readonly differing: number;
  readonly rules: readonly RuleDifference[];
  /** The organisations one level down whose figures differ, or why they could not be asked. */
  readonly organisations: readonly OrganisationDifference<OrganisationRef>[] | { readonly failed: string };
}

interface Loaded {
  readonly then: HeadlineRow | null;
  /** As known today: asked only with knownAt. */
  readonly today: HeadlineRow | null;
  readonly differences: Differences | null;
}

async function ownHeadline(api: Api, signal: AbortSignal, scope: OverviewScope, asOf: string, knownAt: string | null): Promise<HeadlineRow | null> {
  const rows = await collectPages(
    async (after) =>
      (await api.request<HeadlineData>(HEADLINE, { level: scope.organisation.level, parent: scope.ownParent, asOf, knownAt, after }, signal)).compliance,
    (row) => row.organisation.code === scope.organisation.code,
  );
  return rows[0] ?? null;
}

/** The children's compliance rows, asked exactly as the compliance panel asks them (same variables, in the same order), so as known then it is one shared request. */
function childRows(api: Api, signal: AbortSignal, scope: OverviewScope, asOf: string, knownAt: string | null): Promise<ComplianceRow[]> {
  return collectPages(
    async (after) =>
      (await api.request<ComplianceData>(COMPLIANCE, { level: scope.childLevel, parent: scope.childParent, asOf, knownAt, after }, signal)).compliance,
  );
}

/** Which children's figures differ; a refusal (e.g. outside the reader's scope) is said in the note rather than failing the headline. */
async function childDifferences(api: Api, signal: AbortSignal, scope: OverviewScope, asOf: string, knownAt: string): Promise<Differences['organisations']> {
  try {
    const [then, today] = await Promise.all([childRows(api, signal, scope, asOf, knownAt), childRows(api, signal, scope, asOf, null)]);
    return differencesByOrganisation(then, today);
  } catch (error) {
    if (isAbortError(error)) throw error;
    return { failed: errorMessage(error instanceof Error ? error : new Error(String(error))) };
  }
}

/** The panel's data for `scope` and `view` (the overview may ask it early: views/prefetch.ts). */
export async function loadHeadline(api: Api, signal: AbortSignal, scope: OverviewScope, view: ViewState): Promise<Loaded> {
  const knownAt = view.knownAt;
  const [then, today, organisations] = await Promise.all([
    ownHeadline(api, signal, scope, view.asOf, knownAt),
    knownAt ? ownHeadline(api, signal, scope, view.asOf, null) : Promise.resolve(null),
    knownAt ? childDifferences(api, signal, scope, view.asOf, knownAt) : Promise.resolve([]),
  ]);
  const differences = knownAt ? { ...countDifferences(then, today), rules: differencesByRule(then, today), organisations } : null;
  return { then, today, differences };
}

export function HeadlinePanel({ scope, onState }: PanelProps): ReactNode {
  const { view } = useNavigation();
  const load = useLoad<Loaded>(
    (api, signal) => loadHeadline(api, signal, scope, view),
    [HEADLINE_PANEL, scope.organisation.code, scope.organisation.level, scope.ownParent, view.asOf, view.knownAt],
  );
  const data = load.status === 'ready' ? load.data : null;
  const counts = data?.then?.allRules ?? null;

  return (
    <Panel
      id={HEADLINE_PANEL}
      title={`${scope.organisation.name} at a glance`}
      state={panelState(load, true)}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
    >
      {data ? (
        <>
          {counts ? (
            <dl className="gpds-headline" data-testid="headline">
              <div className="gpds-headline__figure">
                <dt>Practices evaluated</dt>
                <dd data-figure="evaluated">{formatInteger(counts.evaluated)}</dd>
              </div>
              <div className="gpds-headline__figure gpds-headline__figure--compliant">
                <dt>Compliant with every rule</dt>
                <dd data-figure="compliant">
                  {formatInteger(counts.compliant)} <span className="gpds-headline__share">({formatShare(counts.compliantShare)})</span>
                </dd>
              </div>
              <div className="gpds-headline__figure gpds-headline__figure--non-compliant">
                <dt>Non-compliant with a rule</dt>
                <dd data-figure="nonCompliant">{formatInteger(counts.nonCompliant)}</dd>
              </div>
              <div className="gpds-headline__figure gpds-headline__figure--unknown">
                <dt>Unknown</dt>
                <dd data-figure="unknown">{formatInteger(counts.unknown)}</dd>
              </div>
            </dl>
          ) : (
            <p className="gpds-empty" data-testid="headline">
              Nothing is known about the practices of {scope.organisation.name} on {formatDate(view.asOf)}
              {view.knownAt ? ` as known at ${formatDateTime(view.knownAt)}` : ''}.
            </p>
          )}
          {data.differences ? <KnowledgeNote differences={data.differences} scope={scope} knownAt={view.knownAt} titles={ruleTitles(data)} /> : null}
        </>
      ) : null}
    </Panel>
  );
}

/** Each rule's title by id, from either answer (a rule may be known on one side only). */
function ruleTitles(data: Loaded): ReadonlyMap<string, string> {
  const titles = new Map<string, string>([[EVERY_RULE, 'Every rule at once']]);
  for (const row of [data.today, data.then]) for (const r of row?.rules ?? []) titles.set(r.rule.id, r.rule.title);
  return titles;
}

/** The note under the headline with "as known at" set: how many figures differ, for which rules, and under which organisations. */
function KnowledgeNote({
  differences,
  scope,
  knownAt,
  titles,
}: {
  differences: Differences;
  scope: OverviewScope;
  knownAt: string | null;
  titles: ReadonlyMap<string, string>;
}): ReactNode {
  const { organisation } = scope;
  const rules = capped(differences.rules);
  const failed = 'failed' in differences.organisations ? differences.organisations.failed : null;
  const organisations = 'failed' in differences.organisations ? null : capped(differences.organisations);
  const moreRules = moreLine(rules.more, 'rule', 'rules');
  const moreOrganisations = organisations ? moreLine(organisations.more, 'organisation', 'organisations') : null;
  return (
    <div
      className={differences.differing > 0 ? 'nhsuk-warning-callout gpds-knowledge' : 'nhsuk-inset-text gpds-knowledge'}
      data-testid="knowledge-note"
      data-differing={differences.differing}
      role="status"
    >
      {differences.differing > 0 ? <h3 className="nhsuk-warning-callout__label">As known at {formatDateTime(knownAt)}</h3> : null}
      <p>
        {differenceNote(differences.differing)}{' '}
        {differences.differing > 0
          ? `Of the ${formatInteger(differences.compared)} compliance figures of ${organisation.name} (every rule at once and each rule), these changed as facts recorded later arrived:`
          : `All ${formatInteger(differences.compared)} compliance figures of ${organisation.name} match.`}
      </p>
      {rules.shown.length > 0 ? (
        <ul className="nhsuk-list nhsuk-list--bullet gpds-knowledge__list" data-testid="knowledge-rules">
          {rules.shown.map((d) => (
            <li key={d.rule}>{ruleDifferenceLine(d, titles.get(d.rule) ?? d.rule, organisation.code)}</li>
          ))}
          {moreRules ? <li>{moreRules}</li> : null}
        </ul>
      ) : null}
      {organisations && organisations.shown.length > 0 ? (
        <>
          <p>Of {childrenPhrase(scope)}, figures differ for:</p>
          <ul className="nhsuk-list nhsuk-list--bullet gpds-knowledge__list" data-testid="knowledge-organisations">
            {organisations.shown.map((d) => (
              <li key={d.organisation.code}>{organisationDifferenceLine(d)}</li>
            ))}
            {moreOrganisations ? <li>{moreOrganisations} (the compliance table below shows each as known then)</li> : null}
          </ul>
        </>
      ) : null}
      {failed ? (
        <p>
          Which of {childrenPhrase(scope)} changed could not be asked: {failed}
        </p>
      ) : null}
    </div>
  );
}
