// Monaco's language services run in workers Vite bundles beside the page (GraphiQL 5's set-up for
// Vite): nothing is loaded from a CDN. Imported first: GraphiQL asks for its workers as it mounts.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './explorer.css';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { StrictMode, useMemo, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import docs from '../../../../docs/graphql.md?raw';
import { OidcTabState } from '../lib/oidc-state';
import { readApiKey, writeApiKey } from './api-key';
import { exampleTabs } from './examples';
import { explorerFetcher } from './fetcher';

/** Every example of docs/graphql.md, read when the explorer is built. */
const EXAMPLE_TABS = exampleTabs(docs);

/** What a new tab starts with. */
const NEW_TAB_QUERY = `# Ask the GraphQL API anything: the Docs pane lists every field, docs/graphql.md explains them.
{
  organisation(code: "ENG") {
    name
    children {
      nodes { code name level }
    }
  }
}
`;

/**
 * The GraphQL explorer at GET /graphql: GraphiQL, bundled, talking only to this origin's API. The
 * key field at the top signs every request (and the schema's introspection, run again when the
 * key changes); it is kept for this browser tab only, shared with the dashboard.
 */
function Explorer() {
  const [key, setKey] = useState(readApiKey);
  const [draft, setDraft] = useState(key ?? '');
  // Signed in to the dashboard with NHS CIS2 in this tab: its token signs requests unless a key is given.
  const cis2 = useMemo(() => new OidcTabState(sessionStorage).token(), []);
  const credential = key ?? cis2?.accessToken ?? null;
  // GraphiQL types answers' errors as GraphQLError instances; over HTTP they are their JSON form, which is what it reads.
  const fetcher = useMemo(() => explorerFetcher(() => credential) as unknown as GraphiQLProps['fetcher'], [credential]);

  const applyKey = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    writeApiKey(draft);
    setKey(readApiKey());
  };
  const forgetKey = (): void => {
    writeApiKey(null);
    setDraft('');
    setKey(null);
  };

  return (
    <div className="gpds-explorer">
      <header className="gpds-explorer__header">
        <a className="gpds-explorer__home" href="/">
          GP digital services reporting
        </a>
        <h1 className="gpds-explorer__title">GraphQL explorer</h1>
        <form className="gpds-explorer__key" onSubmit={applyKey} aria-label="Sign in with an API key">
          <label htmlFor="gpds-api-key">API key</label>
          <input
            id="gpds-api-key"
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="gpds_..."
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit">Use key</button>
          {key ? (
            <button type="button" onClick={forgetKey}>
              Forget key
            </button>
          ) : null}
          <span className="gpds-explorer__status" role="status">
            {key
              ? 'Requests are signed with your key.'
              : cis2
                ? 'Requests are signed with your NHS CIS2 sign-in from the dashboard, until it ends (or enter an API key).'
                : 'Enter an API key, or sign in to the dashboard with NHS CIS2, to ask the API and load its schema.'}
          </span>
        </form>
      </header>
      <main className="gpds-explorer__main">
        <GraphiQL fetcher={fetcher} defaultTabs={EXAMPLE_TABS} defaultQuery={NEW_TAB_QUERY} />
      </main>
    </div>
  );
}

const root = document.getElementById('explorer');
if (!root) throw new Error('explorer.html has no element with id "explorer" to render the explorer into');
createRoot(root).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
