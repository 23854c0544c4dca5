/**
 * The pure parts of the dashboard's NHS CIS2 sign-in (lib/oidc.ts runs the protocol): what the
 * platform's config.json says, the provider's answer in the address, when a token expires, what
 * the tab keeps in sessionStorage (never localStorage: the sign-in ends with the tab), and the
 * provider's refusals in plain words. No network and no protocol library here, so all of it is
 * unit-tested in Node.
 */

/** Where the platform says which sign-in it offers. */
export const DASHBOARD_CONFIG_PATH = '/dashboard/config.json';
/** The sessionStorage name of the kept access token and its expiry. */
export const OIDC_TOKEN_STORAGE_NAME = 'gpds.oidc.token';
/** The sessionStorage name of a sign-in under way: verifier, state and the view to come back to. */
export const OIDC_PENDING_STORAGE_NAME = 'gpds.oidc.pending';
/** What the page says when an NHS CIS2 sign-in expires or the platform stops accepting its token. */
export const OIDC_SESSION_ENDED = 'Your NHS CIS2 sign-in has ended: sign in again.';

/** The provider and the dashboard's public client, as GET /dashboard/config.json names them. */
export interface OidcClientConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** Space separated. */
  readonly scopes: string;
  /** The API's token audience, sent as `resource`. */
  readonly resource: string;
}

/** An access token kept for the tab. */
export interface KeptToken {
  readonly accessToken: string;
  /** When it expires (ms since the epoch, this browser's clock), or null when the provider did not say. */
  readonly expiresAt: number | null;
}

/** What the tab keeps while the reader is at the provider. */
export interface PendingSignIn {
  readonly state: string;
  readonly codeVerifier: string;
  /** The redirect URI the code was asked for: the exchange must name the same one. */
  readonly redirectUri: string;
  /** The view's query string (`?org=...`) to come back to. */
  readonly returnTo: string;
}

/** The provider's answer, as the address of the page it sent the browser back to holds it. */
export type CallbackParameters =
  | { readonly kind: 'code'; readonly parameters: URLSearchParams; readonly state: string | null }
  | { readonly kind: 'error'; readonly error: string; readonly description: string | null; readonly state: string | null };

/** A sign-in the provider answered: its answer, and what this tab kept when it started it (null: none, or another tab's). */
export interface ReturnedSignIn {
  readonly callback: CallbackParameters;
  readonly pending: PendingSignIn | null;
}

/** A sign-in that could not be finished, in words for the sign-in page: what happened and what to do. */
export class OidcSignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcSignInError';
  }
}

type TabStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** The `oidc` of config.json, or null when it names none or is not what the platform serves (then only API keys are offered). */
export function parseDashboardConfig(body: unknown): OidcClientConfig | null {
  if (!isRecord(body) || !isRecord(body['oidc'])) return null;
  const { issuer, clientId, scopes, resource } = body['oidc'];
  if (!nonEmptyString(issuer) || !nonEmptyString(clientId) || !nonEmptyString(resource)) return null;
  try {
    new URL(issuer);
  } catch {
    return null;
  }
  return { issuer, clientId, scopes: nonEmptyString(scopes) ? scopes : 'openid', resource };
}

/**
 * The provider's answer in a query string, or null when it holds none. An answer has a `code` or
 * an `error` (RFC 6749 4.1.2); its `state` is checked later, against the one this tab kept.
 */
export function readCallback(search: string): CallbackParameters | null {
  const parameters = new URLSearchParams(search);
  const state = parameters.get('state');
  const error = parameters.get('error');
  if (error !== null) return { kind: 'error', error, description: parameters.get('error_description'), state };
  if (parameters.get('code') !== null) return { kind: 'code', parameters, state };
  return null;
}

/**
 * When a token expires: `expires_in` seconds after `now` (the provider's word, on this browser's
 * clock), or else the JWT's own `exp`; null when neither says (the platform's 401 ends it then).
 */
export function tokenExpiry(expiresIn: number | undefined, accessToken: string, now: number): number | null {
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn >= 0) return now + Math.floor(expiresIn * 1000);
  const exp = jwtExp(accessToken);
  return exp === null ? null : exp * 1000;
}

/** The `exp` claim of a JWT, unverified (only to time the sign-out; the platform verifies the token), or null. */
export function jwtExp(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return isRecord(claims) && typeof claims['exp'] === 'number' && Number.isFinite(claims['exp']) ? claims['exp'] : null;
  } catch {
    return null;
  }
}

/** Milliseconds until `token` expires (0 when it has), or null when its expiry is unknown. */
export function msUntilExpiry(token: KeptToken, now: number): number | null {
  return token.expiresAt === null ? null : Math.max(0, token.expiresAt - now);
}

/** A kept token read back, or null when the entry is missing or not one the page wrote. */
export function parseKeptToken(text: string | null): KeptToken | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (!isRecord(value) || !nonEmptyString(value['accessToken'])) return null;
    const expiresAt = value['expiresAt'];
    if (expiresAt !== null && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) return null;
    return { accessToken: value['accessToken'], expiresAt };
  } catch {
    return null;
  }
}

/** A pending sign-in read back, or null when the entry is missing or not one the page wrote. */
export function parsePendingSignIn(text: string | null): PendingSignIn | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (!isRecord(value)) return null;
    const { state, codeVerifier, redirectUri, returnTo } = value;
    if (!nonEmptyString(state) || !nonEmptyString(codeVerifier) || !nonEmptyString(redirectUri) || typeof returnTo !== 'string') return null;
    return { state, codeVerifier, redirectUri, returnTo: returnTo.startsWith('?') ? returnTo : '' };
  } catch {
    return null;
  }
}

/** The provider's refusal (RFC 6749 4.1.2.1 codes, and OIDC's) in plain words: what happened, what to do. */
export function providerErrorMessage(error: string, description: string | null): string {
  const said = description ? ` NHS CIS2 said: "${description}".` : '';
  switch (error) {
    case 'access_denied':
      return `You did not allow the dashboard to sign you in with NHS CIS2, or the sign-in was cancelled.${said} Sign in again, or use an API key.`;
    case 'login_required':
    case 'interaction_required':
    case 'consent_required':
    case 'account_selection_required':
      return `NHS CIS2 needs you to sign in there first.${said} Sign in again.`;
    case 'temporarily_unavailable':
    case 'server_error':
      return `NHS CIS2 could not sign you in just now.${said} Try again in a few minutes, or use an API key.`;
    default:
      return `NHS CIS2 refused the dashboard's sign-in request (${error}).${said} This is a setting of the dashboard's client (DASHBOARD_OIDC_CLIENT_ID, DASHBOARD_OIDC_SCOPES): tell your platform team, and use an API key meanwhile.`;
  }
}

/**
 * What the tab keeps for NHS CIS2 sign-in, in its sessionStorage: the access token with its
 * expiry, and while the reader is at the provider, the sign-in under way.
 */
export class OidcTabState {
  constructor(
    private readonly storage: TabStorage,
    private readonly now: () => number = Date.now,
  ) {}

  /** The kept token, or null when there is none or it has expired. */
  token(): KeptToken | null {
    const token = parseKeptToken(this.storage.getItem(OIDC_TOKEN_STORAGE_NAME));
    return token && (token.expiresAt === null || token.expiresAt > this.now()) ? token : null;
  }

  /** Whether the tab kept a token that has expired since (the page says the sign-in ended, rather than nothing). */
  expired(): boolean {
    const token = parseKeptToken(this.storage.getItem(OIDC_TOKEN_STORAGE_NAME));
    return token !== null && token.expiresAt !== null && token.expiresAt <= this.now();
  }

  /** Milliseconds until the kept token expires (0: it has), or null (no token, or no known expiry). */
  msUntilExpiry(): number | null {
    const token = parseKeptToken(this.storage.getItem(OIDC_TOKEN_STORAGE_NAME));
    return token ? msUntilExpiry(token, this.now()) : null;
  }

  keep(token: KeptToken): void {
    this.storage.setItem(OIDC_TOKEN_STORAGE_NAME, JSON.stringify(token));
  }

  /** Keeps a sign-in under way, forgetting any token kept before: one sign-in at a time. */
  begin(pending: PendingSignIn): void {
    this.storage.removeItem(OIDC_TOKEN_STORAGE_NAME);
    this.storage.setItem(OIDC_PENDING_STORAGE_NAME, JSON.stringify(pending));
  }

  /** Forgets the token and any sign-in under way. */
  forget(): void {
    this.storage.removeItem(OIDC_TOKEN_STORAGE_NAME);
    this.storage.removeItem(OIDC_PENDING_STORAGE_NAME);
  }

  /**
   * The provider's answer in `search` (the address the page was loaded at), with the sign-in this
   * tab started; the pending entry is used up, so reloading the address cannot replay it.
   */
  takeCallback(search: string): ReturnedSignIn | null {
    const callback = readCallback(search);
    if (!callback) return null;
    const pending = parsePendingSignIn(this.storage.getItem(OIDC_PENDING_STORAGE_NAME));
    this.storage.removeItem(OIDC_PENDING_STORAGE_NAME);
    return { callback, pending };
  }
}
