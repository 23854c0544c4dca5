import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on loopback, for e2e suites that
 * sign in to a running platform as NHS CIS2 users would: it publishes its discovery document and
 * keys, and its token endpoint issues RS256-signed JWT access tokens (client_credentials with a
 * resource indicator as the audience) carrying the claims each test client is given, e.g.
 * CIS2-shaped `nhsid_nrbac_roles` (cis2Role). The subject of a client's tokens is its client id.
 * For tokens no honest provider issues (expired, signed by an unknown key, unsigned) it signs
 * JWTs itself with forge().
 *
 * For a browser signing a person in (the dashboard), it also has public clients (no secret: the
 * authorization-code flow with PKCE, to their registered redirect URIs, their origins allowed by
 * CORS at the token endpoint as CIS2 allows a registered origin) and accounts: a login page of its
 * own at /interaction/<uid> (a user name, no password; "Cancel" denies, answering access_denied),
 * consent given without asking, as CIS2 does for a registered client. The access token is a JWT for
 * the requested resource (its `aud`), its subject the account, carrying the account's claims.
 * oidc-provider's devInteractions pages are not used: they load a web font from the internet, which
 * a test browser must not depend on.
 */
export class LoopbackOidcProvider {
  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    private readonly signer: RsaKey,
  ) {}

  /**
   * Starts a provider on 127.0.0.1 (a free port) for `clients`: each client's claims are read
   * when a token is issued (so they may name organisations a suite finds out after starting),
   * and its tokens live `ttlSeconds` (default 600).
   */
  static async start(clients: Readonly<Record<string, TestOidcClient>>, people: TestOidcPeople = {}): Promise<LoopbackOidcProvider> {
    const signer = rsaKey('loopback-key-1');
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const Provider = await loadProvider();
    const provider = new Provider(issuer, configuration(clients, people, signer));
    const handle = provider.callback();
    const accounts = people.accounts ?? {};
    // Connection: close on every answer, so that stopping the provider breaks no client's kept-alive socket.
    server.on('request', (request, response) => {
      response.shouldKeepAlive = false;
      if (request.url?.startsWith(INTERACTION_PATH)) {
        interaction(provider, accounts, request, response).catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(`the loopback provider's login page failed: ${error instanceof Error ? error.message : String(error)}`);
        });
        return;
      }
      handle(request, response);
    });
    return new LoopbackOidcProvider(server, issuer, signer);
  }

  /** A real access token from the token endpoint for `client`, whose audience is `resource`. */
  async accessToken(client: string, resource: string): Promise<string> {
    const response = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'api' }),
    });
    const body = (await response.json()) as { access_token?: string; error_description?: string };
    if (response.status !== 200 || !body.access_token) {
      throw new Error(`the loopback OIDC provider gave ${client} no token (${response.status}): ${body.error_description ?? JSON.stringify(body)}`);
    }
    return body.access_token;
  }

  /**
   * A JWT with `claims` (iss defaults to this issuer), signed RS256 by `signedBy`: 'provider' (the
   * published key: a token the provider could have issued, e.g. already expired), 'stranger' (a
   * key the provider does not publish) or 'none' (unsigned, `alg: none`).
   */
  forge(claims: Readonly<Record<string, unknown>>, signedBy: 'provider' | 'stranger' | 'none'): string {
    const payload = { iss: this.issuer, ...claims };
    if (signedBy === 'none') return `${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url(payload)}.`;
    const { kid, key } = signedBy === 'provider' ? this.signer : rsaKey('not-published');
    const signingInput = `${base64url({ alg: 'RS256', kid, typ: 'at+jwt' })}.${base64url(payload)}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

/** A client of the loopback provider: the claims its access tokens carry, and how long they live. */
export interface TestOidcClient {
  readonly claims: () => Readonly<Record<string, unknown>>;
  readonly ttlSeconds?: number;
}

/** A person who signs in at the loopback provider's login page (by their account id): their access tokens' claims, and how long those live. */
export interface TestOidcAccount {
  readonly claims: () => Readonly<Record<string, unknown>>;
  readonly ttlSeconds?: number;
}

/** Public clients (PKCE, no secret) by client id, and the people who may sign in to them by account id. */
export interface TestOidcPeople {
  readonly publicClients?: Readonly<Record<string, { readonly redirectUris: readonly string[] }>>;
  readonly accounts?: Readonly<Record<string, TestOidcAccount>>;
}

/** One entry of NHS CIS2's `nhsid_nrbac_roles` claim: a role held at an organisation (`org_code`). */
export function cis2Role(orgCode: string, roleCode: string, activityCodes: readonly string[] = []): Record<string, unknown> {
  return {
    person_orgid: '555021935107',
    person_roleid: '555021936109',
    org_code: orgCode,
    role_name: '"Admin":"Management":"Analyst"',
    role_code: roleCode,
    activity_codes: activityCodes,
  };
}

const CLIENT_SECRET = 'a-client-secret-of-the-loopback-provider';

const INTERACTION_PATH = '/interaction/';

// oidc-provider ships no types: the few parts used here.
interface ProviderToken {
  readonly clientId: string;
  /** Set on tokens issued to a person (authorization code), not on client_credentials ones. */
  readonly accountId?: string;
}
interface ProviderClient {
  readonly clientAuthMethod: string;
  readonly redirectUris: readonly string[];
}
interface InteractionDetails {
  readonly uid: string;
  readonly prompt: { readonly name: string; readonly details: Record<string, unknown> };
  readonly params: Record<string, unknown>;
  readonly session?: { readonly accountId?: string };
  readonly grantId?: string;
}
interface ProviderGrant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: readonly string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}
interface ProviderInstance {
  callback(): RequestListener;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  readonly Grant: { new (properties: { accountId?: string; clientId: string }): ProviderGrant; find(id: string): Promise<ProviderGrant | undefined> };
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

/** oidc-provider is ESM only: imported when a provider starts (the suite runs with --experimental-vm-modules). */
async function loadProvider(): Promise<ProviderClass> {
  const module: { default: ProviderClass } = await import('oidc-provider' as string);
  return module.default;
}

function configuration(clients: Readonly<Record<string, TestOidcClient>>, people: TestOidcPeople, signer: RsaKey): Record<string, unknown> {
  const accounts = people.accounts ?? {};
  return {
    clients: [
      ...Object.keys(clients).map((client_id) => ({
        client_id,
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      })),
      ...Object.entries(people.publicClients ?? {}).map(([client_id, { redirectUris }]) => ({
        client_id,
        grant_types: ['authorization_code'],
        redirect_uris: [...redirectUris],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      })),
    ],
    jwks: { keys: [{ ...signer.jwk, kid: signer.kid, alg: 'RS256', use: 'sig' }] },
    scopes: ['openid', 'api'],
    // A public client's token request comes from the browser: allowed from the origins of its registered redirect URIs only.
    clientBasedCORS: (_ctx: unknown, origin: string, client: ProviderClient) =>
      client.clientAuthMethod === 'none' && client.redirectUris.some((uri) => new URL(uri).origin === origin),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${INTERACTION_PATH}${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => (accounts[id] ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => ({
          scope: 'api',
          audience: resource,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256', kid: signer.kid } },
        }),
      },
    },
    extraTokenClaims: async (_ctx: unknown, token: ProviderToken) =>
      (token.accountId === undefined ? clients[token.clientId]?.claims() : accounts[token.accountId]?.claims()) ?? {},
    ttl: {
      ClientCredentials: (_ctx: unknown, token: ProviderToken) => clients[token.clientId]?.ttlSeconds ?? 600,
      AccessToken: (_ctx: unknown, token: ProviderToken) => (token.accountId === undefined ? undefined : accounts[token.accountId]?.ttlSeconds) ?? 600,
    },
  };
}

/**
 * The provider's login page, at /interaction/<uid>: GET shows it (or gives consent at once, as CIS2
 * does for a registered client), POST signs in the account named or, with Cancel, denies. The
 * interaction's cookie (path /interaction/<uid>) ties each request to the authorization under way.
 */
async function interaction(
  provider: ProviderInstance,
  accounts: Readonly<Record<string, TestOidcAccount>>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    await provider.interactionFinished(req, res, { consent: { grantId: await consent(provider, details) } }, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method !== 'POST') {
    loginPage(res, details.uid, null);
    return;
  }
  const form = new URLSearchParams(await body(req));
  if (form.get('action') === 'cancel') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the sign-in' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const login = form.get('login')?.trim() ?? '';
  if (!accounts[login]) {
    loginPage(res, details.uid, `There is no account '${login}' on this test provider.`);
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
}

/** The grant of everything the client asked for (scopes, claims, the resource's scopes). */
async function consent(provider: ProviderInstance, details: InteractionDetails): Promise<string> {
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params['client_id']) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  return grant.save();
}

/** A plain login page: nothing loaded from anywhere (no favicon request either). */
function loginPage(res: ServerResponse, uid: string, problem: string | null): void {
  const action = `${INTERACTION_PATH}${encodeURIComponent(uid)}`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    [
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in: loopback NHS CIS2</title><link rel="icon" href="data:,"></head><body>',
      '<h1>Loopback NHS CIS2</h1>',
      problem ? `<p role="alert">${escapeHtml(problem)}</p>` : '',
      `<form method="post" action="${action}">`,
      '<label for="login">User name</label> <input id="login" name="login" autocomplete="off" required>',
      '<button type="submit" name="action" value="login">Sign in</button>',
      '</form>',
      `<form method="post" action="${action}"><button type="submit" name="action" value="cancel">Cancel</button></form>`,
      '</body></html>',
    ].join('\n'),
  );
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface RsaKey {
  readonly kid: string;
  readonly key: KeyObject;
  /** The private key as a JWK: oidc-provider's key format. */
  readonly jwk: Record<string, unknown>;
}

/** A fresh RSA signing key. */
function rsaKey(kid: string): RsaKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, key: privateKey, jwk: privateKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
