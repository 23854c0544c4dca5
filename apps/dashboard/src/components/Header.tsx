/**
 * The NHS blue header: the NHS logo and the service name, who is signed in (their role and scope)
 * and a sign-out button; below it, still in the banner, one sentence saying what this principal
 * may see. A scope's name can be long ("NHS Buckinghamshire, Oxfordshire and Berkshire West
 * Integrated Care Board"): who is signed in is one block of text that wraps (styles.css), never a
 * row of flex items squeezed into columns.
 */
import type { ReactNode } from 'react';
import { scopeLabel, viewerName, visibilitySentence, type Viewer } from '../lib/scope';

/** The NHS logo, inline (no image request), as NHS.UK frontend draws it. */
function NhsLogo(): ReactNode {
  return (
    <svg className="nhsuk-header__logo" viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img" aria-label="NHS">
      <title>NHS</title>
      <path
        fill="currentcolor"
        d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"
      />
    </svg>
  );
}

/** `onSignOut` is given while signed in (the viewer may still be on its way, or not answered). */
export function Header({ viewer, onSignOut }: { viewer: Viewer | null; onSignOut?: () => void }): ReactNode {
  return (
    <>
      <a className="nhsuk-skip-link" href="#main-content">
        Skip to main content
      </a>
      <header className="nhsuk-header" role="banner">
        <div className="nhsuk-header__container nhsuk-width-container">
          <div className="nhsuk-header__service">
            <a className="nhsuk-header__service-logo" href="/" aria-label="NHS GP digital services dashboard homepage">
              <NhsLogo />
              <span className="nhsuk-header__service-name">GP digital services dashboard</span>
            </a>
          </div>
          {onSignOut ? (
            <nav className="nhsuk-header__account" aria-label="Account">
              <ul className="nhsuk-header__account-list">
                <li className="nhsuk-header__account-item gpds-header__who" data-testid="signed-in-as">
                  {viewer ? (
                    <>
                      Signed in {viewer.kind === 'oidc' ? 'with NHS CIS2 ' : ''}as <strong>{viewerName(viewer)}</strong> ({viewer.role}, scope{' '}
                      {scopeLabel(viewer)})
                    </>
                  ) : (
                    'Signed in'
                  )}
                </li>
                <li className="nhsuk-header__account-item gpds-header__sign-out">
                  <button type="button" className="nhsuk-header__account-button" onClick={onSignOut}>
                    Sign out
                  </button>
                </li>
              </ul>
            </nav>
          ) : null}
        </div>
        {/* Inside the banner: what this principal may see belongs with who they are (and content outside any landmark is missed by landmark navigation). */}
        {viewer ? (
          <div className="gpds-visibility" data-testid="visibility">
            <div className="nhsuk-width-container">
              <p className="gpds-visibility__text">{visibilitySentence(viewer)}</p>
            </div>
          </div>
        ) : null}
      </header>
    </>
  );
}

export function Footer(): ReactNode {
  return (
    <footer className="nhsuk-footer" role="contentinfo">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
          <h2 className="nhsuk-u-visually-hidden">Support links</h2>
          <ul className="nhsuk-footer__list">
            <li className="nhsuk-footer__list-item">
              <a className="nhsuk-footer__list-item-link" href="/graphql">
                GraphQL explorer (the API behind every figure)
              </a>
            </li>
          </ul>
          <p className="nhsuk-body-s">Every figure comes from the platform's GraphQL API, as of the date shown and as known at the time shown.</p>
        </div>
      </div>
    </footer>
  );
}
