/**
 * The dashboard: sign-in (an API key, or NHS CIS2 where the platform offers it), then the view the
 * URL names (an organisation's overview, or a practice's page), with the header saying who is
 * signed in and how, and what they may see. The URL is the state: changing the view pushes a
 * history entry, back and forward restore it.
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
import type { OidcSignIn } from './lib/oidc';
import { OIDC_SESSION_ENDED, type ReturnedSignIn } from './lib/oidc-state';
import type { Viewer } from './lib/scope';
import type { ApiKeySignIn, SignInMethod } from './lib/session';
import { parseViewState, sameView, serializeViewState, type ViewState } from './lib/url-state';
import { Overview } from './views/Overview';
import { PracticePage } from './views/PracticePage';

/** Where the API is: the platform serving this page. */
const GRAPHQL_ENDPOINT = '/graphql';

function clientFor(authorization: () => string | null): GraphqlClient {
  return new GraphqlClient({ endpoint: GRAPHQL_ENDPOINT, authorization });
}

/** Who `authorization` signs in as, asked before it is kept; rejects with the platform's words when refused. */
async function checkedMe(authorization: string): Promise<Viewer> {
  const answer = await clientFor(() => authorization)
    .request<MeData>(ME)
    .catch((error: unknown) => {
      throw error instanceof GraphqlRequestError ? new Error(error.message) : error;
    });
  return answer.me;
}

/** The view of the address bar now (or of `search`: the view a reader left for NHS CIS2 from). */
function viewFromLocation(search: string = window.location.search): { view: ViewState; problems: readonly string[] } {
  const { state, problems } = parseViewState(search, todayIso());
  return { view: state, problems };
}

export interface AppProps {
  readonly signIn: ApiKeySignIn;
  /** NHS CIS2 sign-in: offered when the platform's config.json names a provider. */
  readonly oidc: OidcSignIn;
  /** The provider's answer in the address the page was loaded at (main.tsx reads it before anything rewrites the address). */
  readonly returned?: ReturnedSignIn | null;
}

/** How the tab is signed in as it opens: none while an NHS CIS2 answer is being finished. */
function initialMethod({ signIn, oidc, returned }: AppProps): SignInMethod | null {
  if (returned) return null;
  if (oidc.authorization()) return oidc;
  return signIn.key() !== null ? signIn : null;
}

export function App(props: AppProps): ReactNode {
  const { signIn, oidc, returned = null } = props;
  // Back from NHS CIS2, the view is the one the reader left from; the address's code and state go when it is written.
  const [{ view, problems }, setLocationState] = useState(() => viewFromLocation(returned?.pending?.returnTo));
  const [method, setMethod] = useState<SignInMethod | null>(() => initialMethod(props));
  const signedIn = method !== null;
  const [oidcOffered, setOidcOffered] = useState(false);
  const [finishing, setFinishing] = useState(returned !== null);
  const [oidcProblem, setOidcProblem] = useState<string | null>(null);
  const [viewer, setViewer] = useState<Viewer | null>(null);
  // A tab reopened after its NHS CIS2 token expired says why it is signed out.
  const [signOutReason, setSignOutReason] = useState<string | null>(() => (!returned && oidc.expired() ? OIDC_SESSION_ENDED : null));
  // A new session (sign-in, sign-out) gets a new client: no answer of one key is shown to another.
  const [session, setSession] = useState(0);
  const main = useRef<HTMLElement>(null);

  const endSession = useCallback(
    (reason: string | null) => {
      signIn.signOut();
      oidc.signOut();
      setViewer(null);
      setMethod(null);
      setSignOutReason(reason);
      setSession((n) => n + 1);
    },
    [signIn, oidc],
  );

  const api = useMemo(
    () =>
      new Api(
        clientFor(() => method?.authorization() ?? null),
        (error) => endSession(method?.kind === 'oidc' ? OIDC_SESSION_ENDED : `${error.message} Sign in again with a valid key.`),
      ),
    // `session` is in the list on purpose: a new session is a new client and an empty cache.
    [method, endSession, session],
  );

  // Whether the platform offers NHS CIS2 sign-in (the button shows when it does): asked only for
  // the sign-in page, so a signed-in tab's first load waits for nothing but its own questions.
  useEffect(() => {
    if (signedIn) return;
    let live = true;
    void oidc.config().then((config) => live && setOidcOffered(config !== null));
    return () => {
      live = false;
    };
  }, [oidc, signedIn]);

  // Back from NHS CIS2: the code exchanged, the token checked with `me` as a key is, and only then kept.
  useEffect(() => {
    if (!returned) return;
    let live = true;
    oidc
      .finish(returned)
      .then(async (token) => {
        const me = await checkedMe(`Bearer ${token.accessToken}`);
        if (!live) return;
        signIn.signOut();
        oidc.keep(token);
        setViewer(me);
        setSignOutReason(null);
        setSession((n) => n + 1);
        setMethod(oidc);
      })
      .catch((error: unknown) => live && setOidcProblem(error instanceof Error ? error.message : String(error)))
      .finally(() => live && setFinishing(false));
    return () => {
      live = false;
    };
  }, [returned, oidc, signIn]);

  // An NHS CIS2 token is not refreshed: when it expires, the tab signs out and says so.
  useEffect(() => {
    if (method?.kind !== 'oidc') return;
    const left = oidc.msUntilExpiry();
    if (left === null) return;
    // setTimeout holds at most 2^31 - 1 ms (24.8 days); a token is never kept that long.
    const timer = setTimeout(() => endSession(OIDC_SESSION_ENDED), Math.min(left, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [method, oidc, endSession, session]);

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
    const me = await checkedMe(`Bearer ${key}`);
    oidc.signOut();
    signIn.signIn(key);
    setViewer(me);
    setSignOutReason(null);
    setOidcProblem(null);
    setSession((n) => n + 1);
    setMethod(signIn);
  };

  // Leaves for NHS CIS2, to come back to this view at the page's own address (the redirect URI registered for the dashboard).
  const onOidcSignIn = (): Promise<void> => oidc.start(serializeViewState(view), `${window.location.origin}/`, (url) => window.location.assign(url));

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
            <SignIn
              onSignIn={onSignIn}
              reason={signOutReason}
              onOidcSignIn={oidcOffered ? onOidcSignIn : null}
              oidcProblem={oidcProblem}
              finishing={finishing}
            />
          )}
        </main>
      </div>
      <Footer />
    </>
  );
}
