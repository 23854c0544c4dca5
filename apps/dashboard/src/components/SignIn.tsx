/**
 * Sign-in with an API key (docs/graphql.md#keys: an analyst's or admin's key), and with NHS CIS2
 * where the platform offers it (lib/oidc.ts). The key is checked with `me` before it is kept; a
 * refusal says why in the platform's words (expired, revoked, the wrong role). An NHS CIS2 sign-in
 * that did not complete (refused at the provider, an answer that could not be used) says so here
 * in plain words. When a session ends with a 401, the page comes back here with that reason.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { normaliseApiKey } from '../lib/session';

export interface SignInProps {
  /** Checks and keeps the key; rejects with the reason it was refused. */
  readonly onSignIn: (key: string) => Promise<void>;
  /** Why the last session ended, if it did (e.g. the key expired). */
  readonly reason?: string | null;
  /** Starts an NHS CIS2 sign-in (the page leaves for the provider), rejecting with why it could not; absent when not offered. */
  readonly onOidcSignIn?: (() => Promise<void>) | null;
  /** Why the last NHS CIS2 sign-in did not complete, if it did not. */
  readonly oidcProblem?: string | null;
  /** Back from NHS CIS2, the sign-in is being finished. */
  readonly finishing?: boolean;
}

export function SignIn({ onSignIn, reason, onOidcSignIn, oidcProblem, finishing = false }: SignInProps): ReactNode {
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [startProblem, setStartProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const normalised = normaliseApiKey(key);
    if (!normalised) {
      setError('Enter an API key: an analyst or admin key from your platform team (it starts gpds_)');
      return;
    }
    setBusy(true);
    setError(null);
    setStartProblem(null);
    try {
      await onSignIn(normalised);
    } catch (refused) {
      setError(refused instanceof Error ? refused.message : String(refused));
      setBusy(false);
    }
  };

  const startOidc = async (): Promise<void> => {
    if (!onOidcSignIn) return;
    setLeaving(true);
    setStartProblem(null);
    setError(null);
    try {
      await onOidcSignIn();
    } catch (problem) {
      setStartProblem(problem instanceof Error ? problem.message : String(problem));
      setLeaving(false);
    }
  };

  if (finishing) {
    return (
      <div className="nhsuk-grid-row" data-view="sign-in" data-finishing="true">
        <div className="nhsuk-grid-column-two-thirds">
          <h1 className="nhsuk-heading-l">Signing you in</h1>
          <p role="status">Finishing your NHS CIS2 sign-in…</p>
        </div>
      </div>
    );
  }

  const cis2Problem = startProblem ?? oidcProblem ?? null;
  const shownError = error ?? cis2Problem ?? reason ?? null;
  const title = error ? 'The platform did not accept this key' : cis2Problem ? 'Your NHS CIS2 sign-in did not complete' : 'You have been signed out';
  return (
    <div className="nhsuk-grid-row" data-view="sign-in">
      <div className="nhsuk-grid-column-two-thirds">
        {shownError ? (
          <div className="nhsuk-error-summary" aria-labelledby={`${errorId}-title`} role="alert" tabIndex={-1} data-testid="sign-in-problem">
            <h2 className="nhsuk-error-summary__title" id={`${errorId}-title`}>
              {title}
            </h2>
            <div className="nhsuk-error-summary__body">
              <p>{shownError}</p>
            </div>
          </div>
        ) : null}
        <h1 className="nhsuk-heading-l">Sign in</h1>
        <p>
          The dashboard shows GP digital services in England: compliance with the GP IT Operating Model, digital maturity, Net Zero, use of online consultation
          and telephony, and incidents, from England down to a practice.
        </p>
        {onOidcSignIn ? (
          <>
            <h2 className="nhsuk-heading-m">With NHS CIS2</h2>
            <p className="nhsuk-body">
              If you work in health and care, sign in with your NHS CIS2 account (smartcard, security key or authenticator app). You sign in at NHS CIS2 and
              come back here; you see what your role at your organisation allows.
            </p>
            <button className="nhsuk-button" type="button" disabled={leaving} aria-disabled={leaving} onClick={() => void startOidc()}>
              {leaving ? 'Going to NHS CIS2…' : 'Sign in with NHS CIS2'}
            </button>
            <h2 className="nhsuk-heading-m">With an API key</h2>
          </>
        ) : null}
        <form onSubmit={(event) => void submit(event)} noValidate>
          <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
            <label className="nhsuk-label nhsuk-label--s" htmlFor={inputId}>
              API key
            </label>
            <div className="nhsuk-hint" id={hintId}>
              An analyst or admin key (it starts gpds_). It is kept in this browser tab only, and forgotten when you sign out or close the tab.
            </div>
            {error ? (
              <span className="nhsuk-error-message" id={errorId}>
                <span className="nhsuk-u-visually-hidden">Error:</span> {error}
              </span>
            ) : null}
            <input
              className={`nhsuk-input${error ? ' nhsuk-input--error' : ''}`}
              id={inputId}
              name="apiKey"
              type="password"
              autoComplete="off"
              spellCheck={false}
              aria-describedby={error ? `${hintId} ${errorId}` : hintId}
              value={key}
              onChange={(event) => setKey(event.target.value)}
            />
          </div>
          {/* One primary action on the page: with NHS CIS2 offered, the key's is the secondary one. */}
          <button className={`nhsuk-button${onOidcSignIn ? ' nhsuk-button--secondary' : ''}`} type="submit" disabled={busy} aria-disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </div>
  );
}
