/**
 * NHS CIS2 sign-in for the dashboard: the OpenID Connect authorization-code flow with PKCE, as a
 * public client (a page cannot keep a secret), with panva's oauth4webapi doing the protocol
 * (discovery, PKCE, the state and issuer checks, the code exchange and the token response's
 * validation). The platform says whether it is offered, and with which provider and client, at
 * GET /dashboard/config.json.
 *
 * The flow: `start` reads the provider's discovery document, keeps a fresh code verifier and
 * state beside the view the reader is on (sessionStorage: this tab only), and sends the browser to
 * the authorization endpoint (S256 challenge, the API as the RFC 8707 `resource`, so the access
 * token's `aud` is the API's). The provider sends the browser back to `/?code=..&state=..`;
 * main.tsx reads that address with `takeCallback` before anything rewrites it, and `finish` checks
 * the state and exchanges the code. The access token and its expiry are kept in sessionStorage
 * (never localStorage: the sign-in ends with the tab), and sent as the `Authorization: Bearer` the
 * platform verifies as it does any CIS2 token. There is no refresh token: when the access token
 * expires the reader signs in again (the provider's own session usually makes that one click).
 * The pure parts (parsing, expiry, storage) are in oidc-state.ts.
 */
import * as oauth from 'oauth4webapi';
import {
  DASHBOARD_CONFIG_PATH,
  OidcSignInError,
  OidcTabState,
  parseDashboardConfig,
  providerErrorMessage,
  tokenExpiry,
  type KeptToken,
  type OidcClientConfig,
  type PendingSignIn,
  type ReturnedSignIn,
} from './oidc-state';
import type { SignInMethod } from './session';

/** Fetches config.json; null when it cannot be read (an older platform, Vite's dev server): the API key form still works. */
export async function loadDashboardConfig(): Promise<OidcClientConfig | null> {
  try {
    const response = await fetch(DASHBOARD_CONFIG_PATH, { headers: { accept: 'application/json' } });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return null;
    return parseDashboardConfig(await response.json());
  } catch {
    return null;
  }
}

/** Plain http is allowed only for a provider on this machine (tests, a local provider), as the platform allows it (OIDC_ISSUER). */
function loopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** Why the exchange failed, in words: the provider's refusal, an unreachable provider, or an answer that did not check out. */
function exchangeFailure(error: unknown): OidcSignInError {
  if (error instanceof OidcSignInError) return error;
  if (error instanceof oauth.AuthorizationResponseError) return new OidcSignInError(providerErrorMessage(error.error, error.error_description ?? null));
  if (error instanceof oauth.ResponseBodyError) {
    const said = error.error_description ? `: "${error.error_description}"` : '';
    return new OidcSignInError(
      `NHS CIS2 did not accept the sign-in's code (${error.error}${said}). It may have been used already or have expired: sign in again.`,
    );
  }
  if (error instanceof TypeError)
    return new OidcSignInError('NHS CIS2 could not be reached to finish signing you in. Check your connection and sign in again.');
  const detail = error instanceof Error ? ` (${error.message})` : '';
  return new OidcSignInError(
    `The answer from NHS CIS2 could not be used${detail}. Sign in again, or use an API key; if it keeps happening, tell your platform team.`,
  );
}

/** Signs in with NHS CIS2, keeping the access token in the tab's sessionStorage. */
export class OidcSignIn implements SignInMethod {
  readonly kind = 'oidc' as const;
  private readonly tab: OidcTabState;
  private configuration: Promise<OidcClientConfig | null> | null = null;
  private readonly finishing = new WeakMap<ReturnedSignIn, Promise<KeptToken>>();

  constructor(
    storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
    private readonly loadConfig: () => Promise<OidcClientConfig | null> = loadDashboardConfig,
  ) {
    this.tab = new OidcTabState(storage);
  }

  /** The platform's NHS CIS2 configuration, asked once; null: not offered. */
  config(): Promise<OidcClientConfig | null> {
    this.configuration ??= this.loadConfig().catch(() => null);
    return this.configuration;
  }

  authorization(): string | null {
    const token = this.tab.token();
    return token ? `Bearer ${token.accessToken}` : null;
  }

  /** Whether the tab kept a token that has expired since. */
  expired(): boolean {
    return this.tab.expired();
  }

  /** Milliseconds until the kept token expires, or null (no token, or no known expiry). */
  msUntilExpiry(): number | null {
    return this.tab.msUntilExpiry();
  }

  /** Keeps a token for this tab (the caller checks it with `me` first). */
  keep(token: KeptToken): void {
    this.tab.keep(token);
  }

  signOut(): void {
    this.tab.forget();
  }

  /** The provider's answer in the address the page was loaded at (see OidcTabState.takeCallback). */
  takeCallback(search: string): ReturnedSignIn | null {
    return this.tab.takeCallback(search);
  }

  /**
   * Starts a sign-in: keeps a new verifier and state with `returnTo` (the view's query string), and
   * hands `go` the provider's authorization URL. Rejects, in words, when NHS CIS2 is not offered or
   * its discovery document cannot be read.
   */
  async start(returnTo: string, redirectUri: string, go: (url: string) => void): Promise<void> {
    const config = await this.config();
    if (!config) throw new OidcSignInError('NHS CIS2 sign-in is not offered by this platform: sign in with an API key.');
    const server = await this.discover(config);
    if (!server.authorization_endpoint) {
      throw new OidcSignInError(
        `NHS CIS2's discovery document (${config.issuer}) names no authorization endpoint: tell your platform team, and use an API key meanwhile.`,
      );
    }
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const pending: PendingSignIn = { state, codeVerifier, redirectUri, returnTo };
    const url = new URL(server.authorization_endpoint);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', config.scopes);
    url.searchParams.set('resource', config.resource);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    this.tab.begin(pending);
    go(url.href);
  }

  /**
   * Finishes a sign-in the provider answered: checks the answer belongs to the sign-in this tab
   * started (state, issuer), exchanges the code with the verifier, and resolves with the token (not
   * yet kept). Rejects with an OidcSignInError saying what to do. Asked twice for one answer (React
   * runs effects twice in development), it exchanges the code once.
   */
  finish(returned: ReturnedSignIn): Promise<KeptToken> {
    let finishing = this.finishing.get(returned);
    if (!finishing) {
      finishing = this.exchange(returned).catch((error: unknown) => {
        throw exchangeFailure(error);
      });
      this.finishing.set(returned, finishing);
    }
    return finishing;
  }

  private async exchange({ callback, pending }: ReturnedSignIn): Promise<KeptToken> {
    if (callback.kind === 'error') throw new OidcSignInError(providerErrorMessage(callback.error, callback.description));
    if (!pending) {
      throw new OidcSignInError(
        'This NHS CIS2 sign-in was not started in this browser tab (or the tab has used it already), so it was not used: sign in again.',
      );
    }
    if (callback.state !== pending.state) {
      throw new OidcSignInError("NHS CIS2's answer did not match the sign-in this tab started, so it was not used: sign in again.");
    }
    const config = await this.config();
    if (!config) throw new OidcSignInError('NHS CIS2 sign-in is no longer offered by this platform: sign in with an API key.');
    const server = await this.discover(config);
    const client: oauth.Client = { client_id: config.clientId };
    const parameters = oauth.validateAuthResponse(server, client, callback.parameters, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), parameters, pending.redirectUri, pending.codeVerifier, {
      // Named again at the token endpoint (RFC 8707 2.2), so the token is the API's whatever the provider defaults to.
      additionalParameters: { resource: config.resource },
      ...this.insecure(config),
    });
    const result = await oauth.processAuthorizationCodeResponse(server, client, response);
    if (result.token_type !== 'bearer') {
      throw new OidcSignInError(`NHS CIS2 issued a '${result.token_type}' token where the platform takes a bearer token: tell your platform team.`);
    }
    return { accessToken: result.access_token, expiresAt: tokenExpiry(result.expires_in, result.access_token, Date.now()) };
  }

  private async discover(config: OidcClientConfig): Promise<oauth.AuthorizationServer> {
    const issuer = new URL(config.issuer);
    let response: Response;
    try {
      response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...this.insecure(config) });
    } catch (error) {
      if (error instanceof TypeError) throw new OidcSignInError('NHS CIS2 could not be reached. Check your connection and try again, or use an API key.');
      throw error;
    }
    try {
      return await oauth.processDiscoveryResponse(issuer, response);
    } catch (error) {
      const detail = error instanceof Error ? ` (${error.message})` : '';
      throw new OidcSignInError(
        `NHS CIS2's discovery document at ${config.issuer} could not be used${detail}: tell your platform team (OIDC_ISSUER), and use an API key meanwhile.`,
      );
    }
  }

  private insecure(config: OidcClientConfig): { [oauth.allowInsecureRequests]?: boolean } {
    return loopbackHttp(new URL(config.issuer)) ? { [oauth.allowInsecureRequests]: true } : {};
  }
}
