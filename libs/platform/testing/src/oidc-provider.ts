import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on loopback, for e2e suites that
 * sign in to a running platform as NHS CIS2 users would: it publishes its discovery document and
 * keys, and its token endpoint issues RS256-signed JWT access tokens (client_credentials with a
 * resource indicator as the audience) carrying the claims each test client is given, e.g.
 * CIS2-shaped `nhsid_nrbac_roles` (cis2Role). The subject of a client's tokens is its client id.
 * For tokens no honest provider issues (expired, signed by an unknown key, unsigned) it signs
 * JWTs itself with forge().
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
  static async start(clients: Readonly<Record<string, TestOidcClient>>): Promise<LoopbackOidcProvider> {
    const signer = rsaKey('loopback-key-1');
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const Provider = await loadProvider();
    const handle = new Provider(issuer, configuration(clients, signer)).callback();
    // Connection: close on every answer, so that stopping the provider breaks no client's kept-alive socket.
    server.on('request', (request, response) => {
      response.shouldKeepAlive = false;
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

// oidc-provider ships no types: the few parts used here.
interface ProviderToken {
  readonly clientId: string;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => { callback(): RequestListener };

/** oidc-provider is ESM only: imported when a provider starts (the suite runs with --experimental-vm-modules). */
async function loadProvider(): Promise<ProviderClass> {
  const module: { default: ProviderClass } = await import('oidc-provider' as string);
  return module.default;
}

function configuration(clients: Readonly<Record<string, TestOidcClient>>, signer: RsaKey): Record<string, unknown> {
  return {
    clients: Object.keys(clients).map((client_id) => ({
      client_id,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [{ ...signer.jwk, kid: signer.kid, alg: 'RS256', use: 'sig' }] },
    scopes: ['api'],
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
    extraTokenClaims: async (_ctx: unknown, token: ProviderToken) => clients[token.clientId]?.claims() ?? {},
    ttl: { ClientCredentials: (_ctx: unknown, token: ProviderToken) => clients[token.clientId]?.ttlSeconds ?? 600 },
  };
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
