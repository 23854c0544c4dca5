/**
 * The dashboard: sign-in, then the view the URL names (an organisation's overview, or a practice's
 * page), with the header saying who is signed in and what they may see. The URL is the state:
 * changing the view pushes a history entry, back and forward restore it.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Footer, Header } from './components/Header';
import { NavigationProvider, type Navigation } from './components/navigation';
import { SignIn } from './components/SignIn';
import { TimeTravel } from './components/TimeTravel';
import { Api, ApiProvider } from './data/api';
import { ME, type MeData } from './data/queries';
import { todayIso } from './lib/format';
import { GraphqlClient, GraphqlRequestError, isAbortError } from './lib/graphql';
import type { Viewer } from './lib/scope';
import { ApiKeySignIn } from './lib/session';
import { parseViewState, sameView, serializeViewState, type ViewState } from './lib/url-state';
import { Overview } from './views/Overview';
import { PracticePage } from './views/PracticePage';

/** Where the API is: the platform serving this page. */
const GRAPHQL_ENDPOINT = '/graphql';

function clientFor(authorization: () => string | null): GraphqlClient {
  return new GraphqlClient({ endpoint: GRAPHQL_ENDPOINT, authorization });
}

/** The view of the address bar now. */
function viewFromLocation(): { view: ViewState; problems: readonly string[] } {
  const { state, problems } = parseViewState(window.location.search, todayIso());
  return { view: state, problems };
}

export function App({ signIn }: { signIn: ApiKeySignIn }): ReactNode {
  const [{ view, problems }, setLocationState] = useState(viewFromLocation);
  const [signedIn, setSignedIn] = useState(() => signIn.key() !== null);
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [signOutReason, setSignOutReason] = useState<string | null>(null);
  // A new session (sign-in, sign-out) gets a new client: no answer of one key is shown to another.
  const [session, setSession] = useState(0);
  const main = useRef<HTMLElement>(null);

  const endSession = useCallback(
    (reason: string | null) => {
      signIn.signOut();
      setViewer(null);
      setSignedIn(false);
      setSignOutReason(reason);
      setSession((n) => n + 1);
    },
    [signIn],
  );

  const api = useMemo(
    () =>
      new Api(
        clientFor(() => signIn.authorization()),
        (error) => endSession(`${error.message} Sign in again with a valid key.`),
      ),
    // `session` is in the list on purpose: a new session is a new client and an empty cache.
    [signIn, endSession, session],
  );

  // The address always holds the whole view (a date left out is written in), so it can be shared.
  useEffect(() => {
    const canonical = serializeViewState(view);
    if (window.location.search !== canonical) window.history.replaceState(null, '', canonical);
  }, [view]);

  useEffect(() => {
    const restore = (): void => setLocationState(viewFromLocation());
    window.addEventListener('popstate', restore);
    return () => window.removeEventListener('popstate', restore);
  }, []);

  // Who is signed in, asked beside the first view's questions rather than before them.
  useEffect(() => {
    if (!signedIn) return;
    const controller = new AbortController();
    api.request<MeData>(ME, {}, controller.signal).then(
      (data) => setViewer(data.me),
      (error: unknown) => {
        if (isAbortError(error)) return;
        if (error instanceof GraphqlRequestError && (error.kind === 'unauthenticated' || error.kind === 'forbidden')) endSession(error.message);
      },
    );
    return () => controller.abort();
  }, [api, signedIn, endSession]);

  const navigation = useMemo<Navigation>(
    () => ({
      view,
      navigate(next, options) {
        if (sameView(next, view)) return;
        const url = serializeViewState(next);
        if (options?.replace) window.history.replaceState(null, '', url);
        else window.history.pushState(null, '', url);
        setLocationState({ view: next, problems: [] });
        if (next.org !== view.org || next.practice !== view.practice) {
          window.scrollTo(0, 0);
          main.current?.focus({ preventScroll: true });
        }
      },
    }),
    [view],
  );

  const onSignIn = async (key: string): Promise<void> => {
    // Checked with the key itself before it is kept: a refused key never reaches sessionStorage.
    const me = await clientFor(() => `Bearer ${key}`)
      .request<MeData>(ME)
      .catch((error: unknown) => {
        throw error instanceof GraphqlRequestError ? new Error(error.message) : error;
      });
    signIn.signIn(key);
    setViewer(me.me);
    setSignOutReason(null);
    setSession((n) => n + 1);
    setSignedIn(true);
  };

  return (
    <>
      <Header viewer={viewer} onSignOut={signedIn ? () => endSession(null) : undefined} />
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper gpds-main" id="main-content" role="main" tabIndex={-1} ref={main}>
          {problems.length > 0 ? (
            <div className="nhsuk-inset-text" data-testid="url-problems">
              <span className="nhsuk-u-visually-hidden">Information: </span>
              <p>Part of the link could not be used:</p>
              <ul>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {signedIn ? (
            <NavigationProvider value={navigation}>
              <ApiProvider api={api}>
                <TimeTravel view={view} onChange={(next) => navigation.navigate(next)} />
                {view.practice ? <PracticePage key={`${view.practice}`} code={view.practice} /> : <Overview />}
              </ApiProvider>
            </NavigationProvider>
          ) : (
            <SignIn onSignIn={onSignIn} reason={signOutReason} />
          )}
        </main>
      </div>
      <Footer />
    </>
  );
}
