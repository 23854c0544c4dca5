// The dashboard's entry: NHS.UK frontend's styles (fonts stripped at build time: vite.config.ts),
// the page's own, then the app in #root.
import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiKeySignIn } from './lib/session';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element for the dashboard');
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
createRoot(root).render(
  <StrictMode>
    <App signIn={new ApiKeySignIn(window.sessionStorage)} />
  </StrictMode>,
);
