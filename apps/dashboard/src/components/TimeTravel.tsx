/**
 * Which organisation, which date, and as known when: the organisation's code, the date the figures
 * are for (asOf: the hierarchy and the facts in force that day) and, optionally, a moment in the
 * past to see only what the platform knew then (knownAt: reproduce a published figure). The
 * moment is read as UTC, so a shared link means the same instant everywhere.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { formatDate, formatDateTime, parseIsoDate } from '../lib/format';
import { canonicalInstant, type ViewState } from '../lib/url-state';

/** The datetime-local control's value for an instant: "2026-01-15T09:00:00" (UTC; milliseconds dropped). */
export function knownAtInputValue(knownAt: string | null): string {
  return knownAt ? knownAt.replace(/(\.\d+)?Z$/, '') : '';
}

/** An instant from the control's value, read as UTC; null when empty or unreadable. */
export function knownAtFromInput(value: string): string | null {
  const trimmed = value.trim();
  if (!trimmed) return null;
  return canonicalInstant(/T\d{2}:\d{2}$/.test(trimmed) ? `${trimmed}:00Z` : `${trimmed}Z`);
}

export function TimeTravel({ view, onChange }: { view: ViewState; onChange: (view: ViewState) => void }): ReactNode {
  const id = useId();
  const [org, setOrg] = useState(view.practice ?? view.org);
  const [asOf, setAsOf] = useState(view.asOf);
  const [knownAt, setKnownAt] = useState(knownAtInputValue(view.knownAt));
  const [problem, setProblem] = useState<string | null>(null);

  // Back, forward and links change the view: the controls follow.
  useEffect(() => {
    setOrg(view.practice ?? view.org);
    setAsOf(view.asOf);
    setKnownAt(knownAtInputValue(view.knownAt));
    setProblem(null);
  }, [view.org, view.practice, view.asOf, view.knownAt]);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const code = org.trim().toUpperCase();
    if (!/^[A-Z0-9]{1,12}$/.test(code)) return setProblem('Enter an organisation code of letters and digits, e.g. ENG, Y56, QWE or A81001');
    if (!parseIsoDate(asOf) || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) return setProblem('Enter the date as a calendar date, e.g. 2025-12-01');
    const instant = knownAtFromInput(knownAt);
    if (knownAt.trim() && !instant) return setProblem('Enter "as known at" as a date and time, e.g. 2026-01-15T09:00, or leave it empty');
    setProblem(null);
    const samePlace = code === view.org || code === view.practice;
    onChange({
      ...view,
      org: samePlace ? view.org : code,
      practice: samePlace ? view.practice : null,
      asOf,
      knownAt: instant,
    });
  };

  return (
    <form className="gpds-controls" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 className="nhsuk-u-visually-hidden" id={`${id}-title`}>
        Organisation, date and knowledge time
      </h2>
      {problem ? (
        <p className="nhsuk-error-message" role="alert">
          <span className="nhsuk-u-visually-hidden">Error:</span> {problem}
        </p>
      ) : null}
      <div className="gpds-controls__fields">
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor={`${id}-org`}>
            Organisation code
          </label>
          <input
            className="nhsuk-input nhsuk-input--width-10"
            id={`${id}-org`}
            name="org"
            value={org}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => setOrg(event.target.value)}
          />
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor={`${id}-asof`}>
            Figures as of (date)
          </label>
          <input
            className="nhsuk-input gpds-controls__date"
            id={`${id}-asof`}
            name="asOf"
            type="date"
            value={asOf}
            onChange={(event) => setAsOf(event.target.value)}
          />
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor={`${id}-knownat`}>
            As known at (UTC, optional)
          </label>
          <input
            className="nhsuk-input gpds-controls__datetime"
            id={`${id}-knownat`}
            name="knownAt"
            type="datetime-local"
            step={1}
            value={knownAt}
            onChange={(event) => setKnownAt(event.target.value)}
          />
        </div>
        <div className="gpds-controls__buttons">
          <button className="nhsuk-button nhsuk-button--small" type="submit">
            Show
          </button>
          {view.knownAt ? (
            <button className="nhsuk-button nhsuk-button--small nhsuk-button--secondary" type="button" onClick={() => onChange({ ...view, knownAt: null })}>
              Show what is known now
            </button>
          ) : null}
        </div>
      </div>
      <p className="gpds-controls__summary" aria-live="polite">
        Figures as of {formatDate(view.asOf)}
        {view.knownAt ? `, as the platform knew them at ${formatDateTime(view.knownAt)}` : ', with everything known now'}.
      </p>
    </form>
  );
}
