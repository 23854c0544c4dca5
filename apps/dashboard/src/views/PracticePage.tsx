/**
 * A practice's page: where it sits, every compliance rule's outcome with its explanation and the
 * events that decided it, the digital maturity index's inputs (value, weight, why), and the
 * timeline of every fact about it with event ids and sources, a page at a time. Each section says
 * its state as the overview's panels do; the root says data-practice-ready="true" once all have.
 */
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Breadcrumbs } from '../components/Breadcrumbs';
import { DataTable, type Column } from '../components/DataTable';
import { useDocumentTitle, useNavigation } from '../components/navigation';
import { Panel, panelState, type PanelState } from '../components/Panel';
import { useLoad } from '../data/api';
import {
  PRACTICE,
  PRACTICE_COMPLIANCE,
  PRACTICE_MATURITY,
  PRACTICE_TIMELINE,
  TIMELINE_PAGE_SIZE,
  type ComplianceOutcome,
  type DecidingFact,
  type MaturityInput,
  type PracticeComplianceData,
  type PracticeData,
  type PracticeMaturityData,
  type PracticeTimelineData,
  type RuleOutcome,
  type TimelineEntry,
} from '../data/queries';
import { formatDate, formatDateTime, formatDecimal, formatInteger, formatShare } from '../lib/format';

export const PRACTICE_SECTIONS = ['practice-details', 'practice-compliance', 'practice-maturity', 'practice-timeline'] as const;

const OUTCOME_WORDS: Readonly<Record<ComplianceOutcome, string>> = { COMPLIANT: 'Compliant', NON_COMPLIANT: 'Non-compliant', UNKNOWN: 'Unknown' };
const OUTCOME_TAGS: Readonly<Record<ComplianceOutcome, string>> = {
  COMPLIANT: 'nhsuk-tag nhsuk-tag--blue',
  NON_COMPLIANT: 'nhsuk-tag nhsuk-tag--orange',
  UNKNOWN: 'nhsuk-tag nhsuk-tag--grey',
};

/** An input's value in words: 1 met, 0 not met, null unknown (left out of the index). */
export function inputValueWords(value: number | null): string {
  if (value === null) return 'Unknown (left out)';
  return value === 1 ? 'Met' : 'Not met';
}

function notFound(code: string, asOf: string): Error {
  return new Error(`No practice has the code ${code} on ${formatDate(asOf)}: check the code (e.g. A81001), or go back up the breadcrumbs.`);
}

export function PracticePage({ code }: { code: string }): ReactNode {
  const { view } = useNavigation();
  const [states, setStates] = useState<Readonly<Record<string, PanelState>>>({});
  const onState = useCallback((id: string, state: PanelState) => setStates((current) => (current[id] === state ? current : { ...current, [id]: state })), []);
  const settled = PRACTICE_SECTIONS.every((id) => states[id] === 'ready' || states[id] === 'error');

  const details = useLoad(
    async (api, signal) => {
      const data = await api.request<PracticeData>(PRACTICE, { code, asOf: view.asOf }, signal);
      if (!data.practice) throw notFound(code, view.asOf);
      return data.practice;
    },
    ['practice', code, view.asOf],
  );
  const practice = details.status === 'ready' ? details.data : null;
  const name = practice?.organisation.name ?? code;
  useDocumentTitle(`${name} (practice ${code}) on ${formatDate(view.asOf)}`);

  return (
    <div
      className="gpds-practice"
      data-practice={code}
      data-as-of={view.asOf}
      data-known-at={view.knownAt ?? undefined}
      data-practice-ready={settled ? 'true' : undefined}
    >
      {practice ? <Breadcrumbs ancestors={practice.ancestors} current={practice.organisation} /> : null}
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">
          Practice {code}
          <span className="nhsuk-u-visually-hidden"> - </span>
        </span>
        {name}
      </h1>
      <Panel
        id="practice-details"
        title="The practice"
        state={panelState(details, true)}
        error={details.status === 'error' ? details.error : null}
        onState={onState}
      >
        {practice ? <PracticeDetails practice={practice} asOf={view.asOf} /> : null}
      </Panel>
      <PracticeCompliance code={code} onState={onState} />
      <PracticeMaturity code={code} onState={onState} />
      <PracticeTimeline code={code} onState={onState} />
    </div>
  );
}

function PracticeDetails({ practice, asOf }: { practice: NonNullable<PracticeData['practice']>; asOf: string }): ReactNode {
  const { organisation, agreementInForce, latestBcpReview, capabilities } = practice;
  const rows: [string, string][] = [
    ['Code', organisation.code],
    ['Postcode', organisation.postcode ?? '–'],
    ['Opened', organisation.openedOn ? formatDate(organisation.openedOn) : 'Before records begin'],
    ['Closed', organisation.closedOn ? formatDate(organisation.closedOn) : 'Open'],
    [
      `CCG-Practice Agreement in force on ${formatDate(asOf)}`,
      agreementInForce
        ? `${agreementInForce.agreementId} with ${agreementInForce.commissionerCode}, ${formatDate(agreementInForce.termStart)} to ${formatDate(agreementInForce.termEnd)}`
        : 'None',
    ],
    [
      'Latest business continuity plan review',
      latestBcpReview ? `${formatDate(latestBcpReview.reviewedOn)} by ${latestBcpReview.reviewedBy} (${latestBcpReview.outcome.toLowerCase()})` : 'None',
    ],
    [
      'Capabilities deployed',
      capabilities.length
        ? capabilities.map((c) => `${c.capability.toLowerCase().replace(/_/g, ' ')} (since ${formatDate(c.since)}, ${c.supplier})`).join('; ')
        : 'None known',
    ],
  ];
  return (
    <dl className="nhsuk-summary-list">
      {rows.map(([key, value]) => (
        <div key={key} className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">{key}</dt>
          <dd className="nhsuk-summary-list__value">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The events that decided an outcome or an input, each traceable to the practice's timeline. */
function FactsTable({ facts, caption }: { facts: readonly DecidingFact[]; caption: string }): ReactNode {
  if (facts.length === 0) return <p className="gpds-empty">No event decided it: no fact the rule reads is known.</p>;
  return (
    <table className="nhsuk-table gpds-facts">
      <caption className="nhsuk-table__caption nhsuk-u-font-size-16">{caption}</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th scope="col" className="nhsuk-table__header">
            Event
          </th>
          <th scope="col" className="nhsuk-table__header">
            Event id
          </th>
          <th scope="col" className="nhsuk-table__header">
            Occurred
          </th>
          <th scope="col" className="nhsuk-table__header">
            Recorded
          </th>
          <th scope="col" className="nhsuk-table__header">
            Source
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {facts.map((fact) => (
          <tr key={fact.eventId} className="nhsuk-table__row">
            <td className="nhsuk-table__cell">{fact.eventType}</td>
            <td className="nhsuk-table__cell">
              <code className="gpds-event-id">{fact.eventId}</code>
            </td>
            <td className="nhsuk-table__cell">{formatDateTime(fact.occurredAt)}</td>
            <td className="nhsuk-table__cell">{formatDateTime(fact.recordedAt)}</td>
            <td className="nhsuk-table__cell">
              {fact.sourceSystem}: {fact.sourceRecord}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PracticeCompliance({ code, onState }: { code: string; onState: (id: string, state: PanelState) => void }): ReactNode {
  const { view } = useNavigation();
  const load = useLoad(
    async (api, signal) => {
      const data = await api.request<PracticeComplianceData>(PRACTICE_COMPLIANCE, { code, asOf: view.asOf, knownAt: view.knownAt }, signal);
      if (!data.practice) throw notFound(code, view.asOf);
      return data.practice.compliance;
    },
    ['practice-compliance', code, view.asOf, view.knownAt],
  );
  const compliance = load.status === 'ready' ? load.data : null;
  const columns = useMemo<Column<RuleOutcome>[]>(
    () => [
      { key: 'rule', header: 'Rule', text: (r) => r.rule.title },
      { key: 'id', header: 'Rule id', text: (r) => r.rule.id },
      {
        key: 'outcome',
        header: 'Outcome',
        text: (r) => OUTCOME_WORDS[r.outcome],
        render: (r) => <strong className={OUTCOME_TAGS[r.outcome]}>{OUTCOME_WORDS[r.outcome]}</strong>,
      },
      { key: 'explanation', header: 'Why', text: (r) => r.explanation },
      { key: 'facts', header: 'Deciding events', numeric: true, text: (r) => formatInteger(r.facts.length), sort: (r) => r.facts.length },
    ],
    [],
  );
  return (
    <Panel
      id="practice-compliance"
      title="Compliance with each rule"
      state={panelState(load, true)}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
      intro={
        compliance ? (
          <p>
            On {formatDate(compliance.asOf)}
            {compliance.knownAt ? `, as known at ${formatDateTime(compliance.knownAt)}` : ', with everything known now'} (rules version{' '}
            {compliance.rulesVersion}):{' '}
            {compliance.evaluated && compliance.allRules ? (
              <>
                every rule at once, <strong className={OUTCOME_TAGS[compliance.allRules]}>{OUTCOME_WORDS[compliance.allRules]}</strong>.
              </>
            ) : (
              'not evaluated: the practice was not open on that date.'
            )}
          </p>
        ) : null
      }
    >
      {compliance ? (
        <>
          <DataTable
            caption={`Each rule's outcome for ${code} on ${formatDate(compliance.asOf)}`}
            columns={columns}
            rows={compliance.outcomes}
            rowKey={(r) => r.rule.id}
            fileName={['compliance', code, compliance.asOf]}
            empty="No rule was evaluated: the practice was not open on that date."
          />
          <h3 className="nhsuk-heading-s">Why, rule by rule</h3>
          {compliance.outcomes.map((outcome) => (
            <details key={outcome.rule.id} className="nhsuk-details gpds-details" data-rule={outcome.rule.id}>
              <summary className="nhsuk-details__summary">
                <span className="nhsuk-details__summary-text">
                  {outcome.rule.title}: {OUTCOME_WORDS[outcome.outcome]}
                </span>
              </summary>
              <div className="nhsuk-details__text">
                <p>
                  <strong>Why:</strong> {outcome.explanation}
                </p>
                <p>
                  <strong>The rule</strong> ({outcome.rule.id}, {outcome.rule.section}): compliant when {outcome.rule.holdsWhen}.
                </p>
                {outcome.values.length ? (
                  <p className="gpds-values">
                    <strong>Values compared:</strong> {outcome.values.map((v) => `${v.name} ${v.value.split(',').join(', ')}`).join('; ')}
                  </p>
                ) : null}
                <FactsTable facts={outcome.facts} caption={`Events that decided ${outcome.rule.id}`} />
              </div>
            </details>
          ))}
        </>
      ) : null}
    </Panel>
  );
}

function PracticeMaturity({ code, onState }: { code: string; onState: (id: string, state: PanelState) => void }): ReactNode {
  const { view } = useNavigation();
  const load = useLoad(
    async (api, signal) => {
      const data = await api.request<PracticeMaturityData>(PRACTICE_MATURITY, { code, asOf: view.asOf, knownAt: view.knownAt }, signal);
      if (!data.practice) throw notFound(code, view.asOf);
      return data.practice.maturity;
    },
    ['practice-maturity', code, view.asOf, view.knownAt],
  );
  const maturity = load.status === 'ready' ? load.data : null;
  const columns = useMemo<Column<MaturityInput>[]>(
    () => [
      { key: 'title', header: 'Input', text: (r) => r.title },
      { key: 'id', header: 'Input id', text: (r) => r.id },
      { key: 'kind', header: 'Kind', text: (r) => (r.kind === 'RULE' ? 'Compliance rule' : 'Enhanced capability') },
      { key: 'weight', header: 'Weight', numeric: true, text: (r) => formatDecimal(r.weight, r.weight % 1 === 0 ? 0 : 1), sort: (r) => r.weight },
      { key: 'value', header: 'Value', text: (r) => inputValueWords(r.value), sort: (r) => r.value },
      { key: 'explanation', header: 'Why', text: (r) => r.explanation },
      { key: 'facts', header: 'Deciding events', text: (r) => r.facts.map((f) => f.eventId).join(' ') || '–' },
    ],
    [],
  );
  return (
    <Panel
      id="practice-maturity"
      title="Digital maturity index"
      state={panelState(load, true)}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
      intro={
        maturity ? (
          <p data-testid="practice-index">
            {maturity.evaluated
              ? maturity.index === null
                ? `No index on ${formatDate(maturity.asOf)}: too little of its inputs is known (${formatShare(maturity.coverage)} of the weight).`
                : `Index ${formatDecimal(maturity.index)} on ${formatDate(maturity.asOf)} (version ${maturity.indexVersion}), from ${formatInteger(maturity.inputsKnown)} inputs known, ${formatShare(maturity.coverage)} of the weight. Unknown inputs are left out, not counted against the practice.`
              : `Not evaluated: the practice was not open on ${formatDate(maturity.asOf)}.`}
          </p>
        ) : null
      }
    >
      {maturity ? (
        <DataTable
          caption={`The index's inputs for ${code} on ${formatDate(maturity.asOf)}`}
          columns={columns}
          rows={maturity.inputs}
          rowKey={(r) => `${r.kind}-${r.id}`}
          fileName={['maturity-inputs', code, maturity.asOf]}
          empty="No input was evaluated: the practice was not open on that date."
        />
      ) : null}
    </Panel>
  );
}

function PracticeTimeline({ code, onState }: { code: string; onState: (id: string, state: PanelState) => void }): ReactNode {
  // The cursors of the pages before this one: "Previous" pops one.
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const page = cursors.length;
  const load = useLoad(
    async (api, signal) => {
      const data = await api.request<PracticeTimelineData>(PRACTICE_TIMELINE, { code, after }, signal);
      if (!data.practice) throw new Error(`No practice has the code ${code}: check the code (e.g. A81001).`);
      return data.practice.timeline;
    },
    ['practice-timeline', code, after],
  );
  const timeline = load.status === 'ready' ? load.data : null;
  const columns = useMemo<Column<TimelineEntry>[]>(
    () => [
      { key: 'occurredAt', header: 'Occurred', text: (r) => formatDateTime(r.occurredAt), sort: (r) => r.occurredAt },
      { key: 'kind', header: 'Event', text: (r) => r.kind },
      { key: 'summary', header: 'What', text: (r) => r.summary },
      { key: 'eventId', header: 'Event id', text: (r) => r.eventId, render: (r) => <code className="gpds-event-id">{r.eventId}</code> },
      { key: 'source', header: 'Source', text: (r) => `${r.sourceSystem}: ${r.sourceRecord}` },
      { key: 'recordedAt', header: 'Recorded', text: (r) => formatDateTime(r.recordedAt), sort: (r) => r.recordedAt },
    ],
    [],
  );
  const pages = timeline ? Math.max(1, Math.ceil(timeline.totalCount / TIMELINE_PAGE_SIZE)) : 1;
  return (
    <Panel
      id="practice-timeline"
      title="Timeline of facts"
      state={panelState(load, true)}
      error={load.status === 'error' ? load.error : null}
      onState={onState}
      intro={
        timeline ? (
          <p>
            Every fact recorded about the practice, newest first, each with the event that recorded it and its source: {formatInteger(timeline.totalCount)}{' '}
            {timeline.totalCount === 1 ? 'fact' : 'facts'}, page {formatInteger(page)} of {formatInteger(pages)}.
          </p>
        ) : null
      }
    >
      {timeline ? (
        <>
          <DataTable
            caption={`Facts about ${code}, page ${page}`}
            columns={columns}
            rows={timeline.nodes}
            rowKey={(r) => r.eventId}
            fileName={['timeline', code, `page-${page}`]}
            empty="No fact about this practice is known."
          />
          <nav className="nhsuk-pagination gpds-pagination" role="navigation" aria-label="Timeline pages">
            <ul className="nhsuk-list nhsuk-pagination__list">
              {page > 1 ? (
                <li className="nhsuk-pagination-item--previous">
                  <button type="button" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => setCursors(cursors.slice(0, -1))}>
                    Previous page<span className="nhsuk-u-visually-hidden"> of the timeline</span>
                  </button>
                </li>
              ) : null}
              {timeline.pageInfo.hasNextPage && timeline.pageInfo.endCursor ? (
                <li className="nhsuk-pagination-item--next">
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                    onClick={() => setCursors([...cursors, timeline.pageInfo.endCursor])}
                  >
                    Next page<span className="nhsuk-u-visually-hidden"> of the timeline</span>
                  </button>
                </li>
              ) : null}
            </ul>
          </nav>
        </>
      ) : null}
    </Panel>
  );
}
