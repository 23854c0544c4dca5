import {
  OIDC_PENDING_STORAGE_NAME,
  OIDC_TOKEN_STORAGE_NAME,
  OidcTabState,
  jwtExp,
  msUntilExpiry,
  parseDashboardConfig,
  parseKeptToken,
  parsePendingSignIn,
  providerErrorMessage,
  readCallback,
  tokenExpiry,
  type PendingSignIn,
} from './oidc-state';

const NOW = Date.parse('2026-03-02T09:00:00Z');
const CONFIG = {
  issuer: 'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
  clientId: 'gpds-dashboard',
  scopes: 'openid profile',
  resource: 'https://gpds.example/graphql',
};
const PENDING: PendingSignIn = { state: 'st4te', codeVerifier: 'v'.repeat(43), redirectUri: 'https://gpds.example/', returnTo: '?org=QWE&asOf=2025-12-31' };

/** A JWT-shaped token with these claims (unsigned: only its payload is read here). */
function jwt(claims: Record<string, unknown>): string {
  return `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
}

/** sessionStorage's three methods over a Map, and the Map to look into. */
function tabStorage(): { storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>; entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    storage: {
      getItem: (name) => entries.get(name) ?? null,
      setItem: (name, value) => void entries.set(name, value),
      removeItem: (name) => void entries.delete(name),
    },
  };
}

describe('parseDashboardConfig', () => {
  it('reads the provider the platform names', () => {
    expect(parseDashboardConfig({ oidc: CONFIG })).toEqual(CONFIG);
  });

  it('offers no NHS CIS2 sign-in for {"oidc": null}, or for anything that is not what the platform serves', () => {
    for (const body of [
      { oidc: null },
      {},
      null,
      'text',
      [],
      { oidc: { ...CONFIG, clientId: '' } },
      { oidc: { ...CONFIG, issuer: 'not a url' } },
      { oidc: { ...CONFIG, resource: 7 } },
    ])
      expect({ body, config: parseDashboardConfig(body) }).toEqual({ body, config: null });
  });

  it('asks for openid when no scopes are named', () => {
    expect(parseDashboardConfig({ oidc: { ...CONFIG, scopes: '' } })?.scopes).toBe('openid');
  });
});

describe('readCallback', () => {
  it("reads the provider's code and state, keeping every parameter for the issuer check", () => {
    const callback = readCallback('?code=abc123&state=st4te&iss=https%3A%2F%2Fcis2.example');
    expect(callback).toMatchObject({ kind: 'code', state: 'st4te' });
    expect(callback?.kind === 'code' && Object.fromEntries(callback.parameters)).toEqual({ code: 'abc123', state: 'st4te', iss: 'https://cis2.example' });
  });

  it("reads the provider's refusal, with its description, with or without a state", () => {
    expect(readCallback('?error=access_denied&error_description=End-User+aborted+interaction&state=st4te')).toEqual({
      kind: 'error',
      error: 'access_denied',
      description: 'End-User aborted interaction',
      state: 'st4te',
    });
    expect(readCallback('error=server_error')).toEqual({ kind: 'error', error: 'server_error', description: null, state: null });
  });

  it('finds no answer in an ordinary view', () => {
    expect(readCallback('?org=QWE&asOf=2025-12-31&measure=compliance')).toBeNull();
    expect(readCallback('')).toBeNull();
  });
});

describe('token expiry', () => {
  it("takes the provider's expires_in, counted from when the answer came", () => {
    expect(tokenExpiry(600, 'opaque', NOW)).toBe(NOW + 600_000);
    expect(tokenExpiry(0, 'opaque', NOW)).toBe(NOW);
  });

  it("falls back to the JWT's exp, and to none (the platform's 401 ends the session) when neither says", () => {
    const exp = Math.floor(NOW / 1000) + 300;
    expect(tokenExpiry(undefined, jwt({ sub: 'ada', exp }), NOW)).toBe(exp * 1000);
    expect(tokenExpiry(undefined, 'opaque-token', NOW)).toBeNull();
    expect(tokenExpiry(Number.NaN, jwt({ sub: 'ada' }), NOW)).toBeNull();
  });

  it("reads a JWT's exp, base64url with - and _ included, and nothing from a token that is not one", () => {
    // '?>' and '~~' encode to base64url '-' and '_' characters.
    expect(jwtExp(jwt({ exp: 1_800_000_000, note: '?>?>~~~' }))).toBe(1_800_000_000);
    expect(jwtExp('a.%%%.c')).toBeNull();
    expect(jwtExp(jwt({ exp: '1800000000' }))).toBeNull();
  });

  it('counts down to the expiry, never below zero', () => {
    expect(msUntilExpiry({ accessToken: 't', expiresAt: NOW + 1_500 }, NOW)).toBe(1_500);
    expect(msUntilExpiry({ accessToken: 't', expiresAt: NOW - 1 }, NOW)).toBe(0);
    expect(msUntilExpiry({ accessToken: 't', expiresAt: null }, NOW)).toBeNull();
  });
});

describe('what the tab keeps', () => {
  it('reads back only what the page wrote', () => {
    expect(parseKeptToken(JSON.stringify({ accessToken: 'tok', expiresAt: NOW }))).toEqual({ accessToken: 'tok', expiresAt: NOW });
    expect(parseKeptToken(JSON.stringify({ accessToken: 'tok', expiresAt: null }))).toEqual({ accessToken: 'tok', expiresAt: null });
    for (const text of [null, '', 'not json', '{}', '{"accessToken":"","expiresAt":1}', '{"accessToken":"t","expiresAt":"soon"}'])
      expect(parseKeptToken(text)).toBeNull();
    expect(parsePendingSignIn(JSON.stringify(PENDING))).toEqual(PENDING);
    expect(parsePendingSignIn(JSON.stringify({ ...PENDING, state: '' }))).toBeNull();
    // A view to come back to is a query string the page wrote: anything else comes back to the default view.
    expect(parsePendingSignIn(JSON.stringify({ ...PENDING, returnTo: 'https://elsewhere.example/' }))?.returnTo).toBe('');
  });

  it("keeps the token in the tab's storage, gives it until it expires, and forgets it on sign-out", () => {
    const { storage, entries } = tabStorage();
    let now = NOW;
    const tab = new OidcTabState(storage, () => now);
    expect(tab.token()).toBeNull();
    tab.keep({ accessToken: 'tok', expiresAt: NOW + 60_000 });
    expect(JSON.parse(entries.get(OIDC_TOKEN_STORAGE_NAME)!)).toEqual({ accessToken: 'tok', expiresAt: NOW + 60_000 });
    expect(tab.token()).toEqual({ accessToken: 'tok', expiresAt: NOW + 60_000 });
    expect(tab.msUntilExpiry()).toBe(60_000);
    expect(tab.expired()).toBe(false);
    now = NOW + 60_000;
    expect(tab.token()).toBeNull();
    expect(tab.expired()).toBe(true);
    expect(tab.msUntilExpiry()).toBe(0);
    tab.forget();
    expect([...entries.keys()]).toEqual([]);
    expect(tab.expired()).toBe(false);
  });

  it('starts a sign-in by forgetting the old token and keeping the verifier, state and view to come back to', () => {
    const { storage, entries } = tabStorage();
    const tab = new OidcTabState(storage, () => NOW);
    tab.keep({ accessToken: 'old', expiresAt: null });
    tab.begin(PENDING);
    expect(tab.token()).toBeNull();
    expect(JSON.parse(entries.get(OIDC_PENDING_STORAGE_NAME)!)).toEqual(PENDING);
  });

  it("pairs the provider's answer with the sign-in this tab started, once: a reloaded answer has nothing to pair with", () => {
    const { storage, entries } = tabStorage();
    const tab = new OidcTabState(storage, () => NOW);
    tab.begin(PENDING);
    expect(tab.takeCallback('?org=ENG')).toBeNull();
    expect(entries.has(OIDC_PENDING_STORAGE_NAME)).toBe(true);
    const returned = tab.takeCallback('?code=abc&state=st4te');
    expect(returned).toMatchObject({ callback: { kind: 'code', state: 'st4te' }, pending: PENDING });
    expect(entries.has(OIDC_PENDING_STORAGE_NAME)).toBe(false);
    expect(tab.takeCallback('?code=abc&state=st4te')).toMatchObject({ callback: { kind: 'code' }, pending: null });
  });
});

describe('providerErrorMessage', () => {
  it('says a refusal at the provider in plain words, quoting the provider, and what to do', () => {
    expect(providerErrorMessage('access_denied', 'End-User aborted interaction')).toBe(
      'You did not allow the dashboard to sign you in with NHS CIS2, or the sign-in was cancelled. NHS CIS2 said: "End-User aborted interaction". Sign in again, or use an API key.',
    );
    expect(providerErrorMessage('login_required', null)).toBe('NHS CIS2 needs you to sign in there first. Sign in again.');
    expect(providerErrorMessage('temporarily_unavailable', null)).toMatch(/try again in a few minutes/i);
  });

  it('names the setting to check when the provider refuses the request itself', () => {
    expect(providerErrorMessage('invalid_scope', 'unknown scope: foo')).toMatch(
      /\(invalid_scope\)\. NHS CIS2 said: "unknown scope: foo"\. .*DASHBOARD_OIDC_SCOPES/,
    );
  });
});
