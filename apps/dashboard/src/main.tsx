// The dashboard's entry: NHS.UK frontend's styles (fonts stripped at build time: vite.config.ts),
// the page's own, then the app in #root.
import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { OidcSignIn } from './lib/oidc';
import { ApiKeySignIn } from './lib/session';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element for the dashboard');
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
const oidc = new OidcSignIn(window.sessionStorage);
// NHS CIS2's answer (?code=..&state=..) is read once, here, before the app writes the view into the address.
const returned = oidc.takeCallback(window.location.search);
createRoot(root).render(
  <StrictMode>
    <App signIn={new ApiKeySignIn(window.sessionStorage)} oidc={oidc} returned={returned} />
  </StrictMode>,
);
