/**
 * The headline: how many of the organisation's practices are compliant with every rule of the
 * Operating Model at once. With "as known at" set it is also asked as known today, and a note says
 * how many of its figures (every rule at once and each rule: compliant, non-compliant, unknown,
 * evaluated) differ, so a reproduced figure says whether later data changed it.
 */
import type { ReactNode } from 'react';
import { useNavigation } from '../components/navigation';
import { Panel, panelState } from '../components/Panel';
import { collectPages, useLoad, type Api } from '../data/api';
import { HEADLINE, type HeadlineData, type HeadlineRow } from '../data/queries';
import { formatDate, formatDateTime, formatInteger, formatShare } from '../lib/format';
import { countDifferences, differenceNote } from '../lib/headline';
import type { OverviewScope, PanelProps } from './common';

export const HEADLINE_PANEL = 'headline';

interface Loaded {
  readonly then: HeadlineRow | null;
  /** As known today: asked only with knownAt. */
  readonly today: HeadlineRow | null;
  readonly differences: { readonly compared: number; readonly differing: number } | null;
}

async function ownHeadline(api: Api, signal: AbortSignal, scope: OverviewScope, asOf: string, knownAt: string | null): Promise<HeadlineRow | null> {
  const rows = await collectPages(
    async (after) =>
      (await api.request<HeadlineData>(HEADLINE, { level: scope.organisation.level, parent: scope.ownParent, asOf, knownAt, after }, signal)).compliance,
    (row) => row.organisation.code === scope.organisation.code,
  );
  return rows[0] ?? null;
}

export function HeadlinePanel({ scope, onState }: PanelProps): ReactNode {
  const { view } = useNavigation();
  const load = useLoad<Loaded>(
    async (api, signal) => {
      const [then, today] = await Promise.all([
        ownHeadline(api, signal, scope, view.asOf, view.knownAt),
        view.knownAt ? ownHeadline(api, signal, scope, view.asOf, null) : Promise.resolve(null),
      ]);
      return { then, today, differences: view.knownAt ? countDifferences(then, today) : null };
    },
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
          {data.differences ? (
            <div
              className={data.differences.differing > 0 ? 'nhsuk-warning-callout gpds-knowledge' : 'nhsuk-inset-text gpds-knowledge'}
              data-testid="knowledge-note"
              data-differing={data.differences.differing}
              role="status"
            >
              {data.differences.differing > 0 ? <h3 className="nhsuk-warning-callout__label">As known at {formatDateTime(view.knownAt)}</h3> : null}
              <p>
                {differenceNote(data.differences.differing)}{' '}
                {data.differences.differing > 0
                  ? `Of the ${formatInteger(data.differences.compared)} compliance figures of ${scope.organisation.name} (every rule at once and each rule), these changed as facts recorded later arrived.`
                  : `All ${formatInteger(data.differences.compared)} compliance figures of ${scope.organisation.name} match.`}
              </p>
            </div>
          ) : null}
        </>
      ) : null}
    </Panel>
  );
}
