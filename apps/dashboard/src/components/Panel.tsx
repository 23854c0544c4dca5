/**
 * A panel of the overview or the practice page: a heading, what it shows, then a skeleton at once,
 * the chart and table when the data is shown, or the reason it cannot be (an OUT_OF_SCOPE refusal
 * names the principal's scope). Its root says its state for the browser tests and the load
 * benchmark: data-state="loading|ready|error", data-ready="true" once its data is shown (and its
 * chart drawn), data-error with the message when it failed.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { errorMessage, type Load } from '../data/api';
import { GraphqlRequestError } from '../lib/graphql';

export type PanelState = 'loading' | 'ready' | 'error';

/** The panel's state from its load and whether its chart (if any) has been drawn. */
export function panelState(load: Load<unknown>, drawn: boolean): PanelState {
  if (load.status === 'error') return 'error';
  return load.status === 'ready' && drawn ? 'ready' : 'loading';
}

export interface PanelProps {
  readonly id: string;
  readonly title: string;
  /** One or two sentences: what the panel shows and over what. */
  readonly intro?: ReactNode;
  readonly state: PanelState;
  readonly error?: Error | null;
  /** Told of each change of state (the overview knows when all its panels are done). */
  readonly onState?: (id: string, state: PanelState) => void;
  /** Brings the panel into view once it is shown (the URL's measure). */
  readonly focus?: boolean;
  readonly children?: ReactNode;
}

export function Panel({ id, title, intro, state, error, onState, focus, children }: PanelProps): ReactNode {
  const root = useRef<HTMLElement>(null);
  const headingId = `${id}-heading`;
  const message = state === 'error' && error ? errorMessage(error) : null;

  useEffect(() => onState?.(id, state), [id, state, onState]);
  useEffect(() => {
    if (focus && root.current) root.current.scrollIntoView({ block: 'start' });
  }, [focus]);

  return (
    <section
      ref={root}
      id={id}
      className="gpds-panel"
      aria-labelledby={headingId}
      aria-busy={state === 'loading'}
      data-panel={id}
      data-state={state}
      data-ready={state === 'ready' ? 'true' : undefined}
      data-error={message ?? undefined}
    >
      <h2 id={headingId} className="nhsuk-heading-m gpds-panel__heading" tabIndex={-1}>
        {title}
      </h2>
      {intro ? <div className="gpds-panel__intro">{intro}</div> : null}
      {message !== null ? <PanelError error={error ?? null} message={message} /> : (children ?? null)}
      {state === 'loading' && !children ? <Skeleton /> : null}
    </section>
  );
}

/** What a refused or failed panel says instead of a blank chart. */
function PanelError({ error, message }: { error: Error | null; message: string }): ReactNode {
  const outOfScope = error instanceof GraphqlRequestError && error.kind === 'out-of-scope';
  return (
    <div className="nhsuk-warning-callout gpds-panel__error" role="status">
      <h3 className="nhsuk-warning-callout__label">
        <span>
          <span className="nhsuk-u-visually-hidden">Important: </span>
          {outOfScope ? 'Outside your scope' : 'This could not be shown'}
        </span>
      </h3>
      <p>{message}</p>
    </div>
  );
}

/** Grey placeholders where the chart and the table will be, shown at once. */
export function Skeleton(): ReactNode {
  return (
    <div className="gpds-skeleton" aria-hidden="true">
      <div className="gpds-skeleton__chart" />
      <div className="gpds-skeleton__line" />
      <div className="gpds-skeleton__line" />
      <div className="gpds-skeleton__line gpds-skeleton__line--short" />
    </div>
  );
}
