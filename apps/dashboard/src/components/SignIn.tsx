/**
 * Sign-in with an API key (docs/graphql.md#keys: an analyst's or admin's key). The key is checked
 * with `me` before it is kept; a refusal says why in the platform's words (expired, revoked, the
 * wrong role). When a session ends with a 401, the page comes back here with that reason.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { normaliseApiKey } from '../lib/session';

export interface SignInProps {
  /** Checks and keeps the key; rejects with the reason it was refused. */
  readonly onSignIn: (key: string) => Promise<void>;
  /** Why the last session ended, if it did (e.g. the key expired). */
  readonly reason?: string | null;
}

export function SignIn({ onSignIn, reason }: SignInProps): ReactNode {
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const normalised = normaliseApiKey(key);
    if (!normalised) {
      setError('Enter an API key: an analyst or admin key from your platform team (it starts gpds_)');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSignIn(normalised);
    } catch (refused) {
      setError(refused instanceof Error ? refused.message : String(refused));
      setBusy(false);
    }
  };

  const shownError = error ?? reason ?? null;
  return (
    <div className="nhsuk-grid-row" data-view="sign-in">
      <div className="nhsuk-grid-column-two-thirds">
        {shownError ? (
          <div className="nhsuk-error-summary" aria-labelledby={`${errorId}-title`} role="alert" tabIndex={-1}>
            <h2 className="nhsuk-error-summary__title" id={`${errorId}-title`}>
              {error ? 'The platform did not accept this key' : 'You have been signed out'}
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
          <button className="nhsuk-button" type="submit" disabled={busy} aria-disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </div>
  );
}
