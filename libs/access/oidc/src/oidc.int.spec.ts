import { parseClaimMapping } from '@gpds/access';
import { type CryptoKey, decodeJwt, decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OidcSettings } from './oidc-settings';
import { looksLikeJwt, OidcRefusal, OidcVerifier } from './oidc-verifier';

// A real OpenID Connect provider (oidc-provider) on loopback, issuing RS256-signed JWT access
// tokens through the client_credentials grant with resource indicators; the tokens carry
// CIS2-shaped nhsid_nrbac_roles. Every refusal is checked by its code.

const API = 'https://gpds.test/graphql';
const OTHER_API = 'https://other.test/api';
const SECRET = 'a-client-secret-of-the-test-provider';
const COOLDOWN_MS = 100;

/** The roles each test client's tokens carry, as NHS CIS2 puts them in nhsid_nrbac_roles. */
const CLIENTS: Readonly<Record<string, Record<string, unknown>>> = {
  'icb-analyst': { name: 'Ada Analyst', nhsid_nrbac_roles: [cis2Role('QWE', 'S8000:G8000:R8000', ['B0360'])] },
  'national-admin': { name: 'Nell National', nhsid_nrbac_roles: [cis2Role('QWE', 'S8000:G8000:R8000'), cis2Role('X24', 'S8001:G8001:R8008')] },
  'no-role': { name: 'Rory Receptionist', nhsid_nrbac_roles: [cis2Role('A81001', 'S8002:G8003:R8009', ['B0264'])] },
  'short-lived': { nhsid_nrbac_roles: [cis2Role('QWE', 'S8000:G8000:R8000')] },
};

function cis2Role(orgCode: string, roleCode: string, activityCodes: readonly string[] = []): Record<string, unknown> {
  return {
    person_orgid: '555021935107',
    person_roleid: '555021936109',
    org_code: orgCode,
    role_name: '"Admin":"Management":"Analyst"',
    role_code: roleCode,
    activity_codes: activityCodes,
  };
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly privateJwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicKey, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } };
}

// oidc-provider ships no types: the few parts the test uses.
interface ProviderToken {
  readonly clientId: string;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => { callback(): RequestListener };

/** oidc-provider warns on every start that its quick-start in-memory store is for development: true, and only noise here. */
const warn = console.warn.bind(console);
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).startsWith('oidc-provider WARNING')) warn(...args);
  });
});
afterAll(() => jest.restoreAllMocks());

async function loadProvider(): Promise<ProviderClass> {
  const module: { default: ProviderClass } = await import('oidc-provider' as string);
  return module.default;
}

/** A provider listening on 127.0.0.1:`port` (0: a free one), publishing `keys` and signing access tokens with the first. */
class TestProvider {
  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  static async start(keys: readonly SigningKey[], port = 0): Promise<TestProvider> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const Provider = await loadProvider();
    const provider = new Provider(issuer, configuration(keys));
    const handle = provider.callback();
    // Connection: close on every answer, so no client keeps a socket a restart would break mid-test.
    server.on('request', (request, response) => {
      response.shouldKeepAlive = false;
      handle(request, response);
    });
    return new TestProvider(server, issuer);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** A real access token from the token endpoint: client_credentials, client_secret_basic, for `resource`. */
  async accessToken(client: string, resource = API): Promise<string> {
    const response = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client}:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'api' }),
    });
    const body = (await response.json()) as { access_token?: string; error_description?: string };
    if (response.status !== 200 || !body.access_token) throw new Error(`the test provider gave no token (${response.status}): ${body.error_description}`);
    return body.access_token;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

function configuration(keys: readonly SigningKey[]): Record<string, unknown> {
  const [signer] = keys;
  return {
    clients: Object.keys(CLIENTS).map((client_id) => ({
      client_id,
      client_secret: SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: keys.map((key) => key.privateJwk) },
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
          jwt: { sign: { alg: 'RS256', kid: signer?.kid } },
        }),
      },
    },
    extraTokenClaims: async (_ctx: unknown, token: ProviderToken) => CLIENTS[token.clientId],
    ttl: { ClientCredentials: (_ctx: unknown, token: ProviderToken) => (token.clientId === 'short-lived' ? 1 : 600) },
  };
}

function settings(issuer: string): OidcSettings {
  return {
    issuer,
    audience: API,
    algorithms: ['RS256', 'PS256', 'ES256'],
    clockToleranceSeconds: 1,
    jwksCooldownMs: COOLDOWN_MS,
    claims: parseClaimMapping({ OIDC_ROLE_MAP: 'R8000=analyst,B0360=analyst,R8008=admin' }),
  };
}

async function refusal(verifier: OidcVerifier, token: string): Promise<OidcRefusal> {
  try {
    await verifier.verify(token);
  } catch (error) {
    if (error instanceof OidcRefusal) {
      expect(error.message).not.toContain(token);
      return error;
    }
    throw error;
  }
  throw new Error('the token was accepted');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('OidcVerifier against a real OIDC provider on loopback', () => {
  let key: SigningKey;
  let provider: TestProvider;
  let verifier: OidcVerifier;

  beforeAll(async () => {
    key = await signingKey('key-1');
    provider = await TestProvider.start([key]);
    verifier = new OidcVerifier(settings(provider.issuer));
  });

  afterAll(async () => {
    await provider.stop();
  });

  /** A token signed by `signer` with the API's issuer, audience and expiry unless `claims` says otherwise. */
  async function forged(signer: { key: CryptoKey | Uint8Array; kid: string; alg: string }, claims: { iss?: string } = {}): Promise<string> {
    return new SignJWT({ ...CLIENTS['icb-analyst'] })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' })
      .setSubject('icb-analyst')
      .setIssuer(claims.iss ?? provider.issuer)
      .setAudience(API)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signer.key);
  }

  it("maps a valid ICB user's token to an analyst scoped to the ICB", async () => {
    const token = await provider.accessToken('icb-analyst');
    expect(looksLikeJwt(token)).toBe(true);
    expect(await verifier.verify(token)).toEqual({
      id: 'oidc:icb-analyst',
      kind: 'oidc',
      organisation: 'QWE',
      role: 'analyst',
      scope: 'QWE',
      name: 'Ada Analyst',
    });
  });

  it('maps an NHS England (X24) admin role to an admin scoped to England, the most powerful role winning', async () => {
    const token = await provider.accessToken('national-admin');
    expect(await verifier.verify(token)).toEqual({
      id: 'oidc:national-admin',
      kind: 'oidc',
      organisation: 'X24',
      role: 'admin',
      scope: 'ENG',
      name: 'Nell National',
    });
  });

  it('refuses a verified token whose roles give no access: TOKEN_CLAIMS, 403', async () => {
    const error = await refusal(verifier, await provider.accessToken('no-role'));
    expect(error).toMatchObject({ code: 'TOKEN_CLAIMS', status: 403 });
    expect(error.message).toContain("'nhsid_nrbac_roles'");
    expect(error.message).toContain('R8000 (analyst)');
  });

  it('refuses an expired token once past exp and the clock tolerance: TOKEN_EXPIRED', async () => {
    const token = await provider.accessToken('short-lived');
    const { exp } = decodeJwt(token);
    if (exp === undefined) throw new Error('the provider issued a token without exp');
    await sleep(Math.max(0, (exp + 1 + 1) * 1000 - Date.now()));
    const error = await refusal(verifier, token);
    expect(error).toMatchObject({ code: 'TOKEN_EXPIRED', status: 401 });
    expect(error.message).toContain(`expired at ${new Date(exp * 1000).toISOString()}`);
    expect(error.message).toContain('sign in again');
  });

  it('refuses a token issued for another audience: TOKEN_AUDIENCE', async () => {
    const token = await provider.accessToken('icb-analyst', OTHER_API);
    expect(decodeJwt(token).aud).toBe(OTHER_API);
    const error = await refusal(verifier, token);
    expect(error).toMatchObject({ code: 'TOKEN_AUDIENCE', status: 401 });
    expect(error.message).toContain(API);
  });

  it('refuses a token signed by a key the provider does not publish: TOKEN_KEY_UNKNOWN', async () => {
    const stranger = await signingKey('not-published');
    const error = await refusal(verifier, await forged({ key: stranger.privateKey, kid: stranger.kid, alg: 'RS256' }));
    expect(error).toMatchObject({ code: 'TOKEN_KEY_UNKNOWN', status: 401 });
  });

  it('refuses a token from another issuer, even signed by a published key: TOKEN_ISSUER', async () => {
    const error = await refusal(verifier, await forged({ key: key.privateKey, kid: key.kid, alg: 'RS256' }, { iss: `${provider.issuer}/elsewhere` }));
    expect(error).toMatchObject({ code: 'TOKEN_ISSUER', status: 401 });
    expect(error.message).toContain(provider.issuer);
  });

  it("accepts a token forged with the provider's own key and right claims (the forgeries below differ only in what they break)", async () => {
    expect(await verifier.verify(await forged({ key: key.privateKey, kid: key.kid, alg: 'RS256' }))).toMatchObject({ role: 'analyst', scope: 'QWE' });
  });

  it('refuses an unsigned (alg: none) token with correct claims: TOKEN_ALGORITHM', async () => {
    const token = new UnsecuredJWT({ ...CLIENTS['icb-analyst'] })
      .setSubject('icb-analyst')
      .setIssuer(provider.issuer)
      .setAudience(API)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    expect(looksLikeJwt(token)).toBe(true);
    const error = await refusal(verifier, token);
    expect(error).toMatchObject({ code: 'TOKEN_ALGORITHM', status: 401 });
    expect(error.message).toContain("'none'");
  });

  it("refuses an HS256 token keyed with the provider's public key (algorithm confusion): TOKEN_ALGORITHM", async () => {
    const publicKeyBytes = new TextEncoder().encode(await exportSPKI(key.publicKey));
    const error = await refusal(verifier, await forged({ key: publicKeyBytes, kid: key.kid, alg: 'HS256' }));
    expect(error).toMatchObject({ code: 'TOKEN_ALGORITHM', status: 401 });
    expect(error.message).toContain('RS256, PS256, ES256');
  });

  it('refuses a real token whose claims were altered after signing: TOKEN_INVALID', async () => {
    const [header, , signature] = (await provider.accessToken('icb-analyst')).split('.');
    const payload = Buffer.from(
      JSON.stringify({ ...decodeJwt(await provider.accessToken('icb-analyst')), nhsid_nrbac_roles: [cis2Role('X24', 'R8008')] }),
    ).toString('base64url');
    const error = await refusal(verifier, `${header}.${payload}.${signature}`);
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
    expect(error.message).toContain('signature does not verify');
  });

  it('refuses what is not a JWT at all: TOKEN_INVALID', async () => {
    expect(looksLikeJwt('gpds_AAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')).toBe(false);
    expect(await refusal(verifier, 'e30.e30.')).toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
  });

  it('refuses to use a provider whose discovery document names another issuer: ISSUER_UNAVAILABLE', async () => {
    const misconfigured = new OidcVerifier(settings(`${provider.issuer}/`));
    const error = await refusal(misconfigured, await provider.accessToken('icb-analyst'));
    expect(error).toMatchObject({ code: 'ISSUER_UNAVAILABLE', status: 503 });
    expect(error.message).toContain('set OIDC_ISSUER');
  });
});

describe('OidcVerifier across key rotation and provider outages', () => {
  it('accepts tokens signed with a new key after refetching the key set, and old-key tokens while the old key is published', async () => {
    const oldKey = await signingKey('key-old');
    const newKey = await signingKey('key-new');
    let provider = await TestProvider.start([oldKey]);
    const verifier = new OidcVerifier(settings(provider.issuer));
    try {
      const oldToken = await provider.accessToken('icb-analyst');
      expect(await verifier.verify(oldToken)).toMatchObject({ role: 'analyst' });

      const port = provider.port;
      await provider.stop();
      provider = await TestProvider.start([newKey, oldKey], port);
      const newToken = await provider.accessToken('icb-analyst');
      expect(decodeProtectedHeader(newToken).kid).toBe('key-new');
      await sleep(COOLDOWN_MS + 20);

      expect(await verifier.verify(newToken)).toMatchObject({ id: 'oidc:icb-analyst', role: 'analyst', scope: 'QWE' });
      expect(await verifier.verify(oldToken)).toMatchObject({ id: 'oidc:icb-analyst', role: 'analyst', scope: 'QWE' });
    } finally {
      await provider.stop();
    }
  });

  it('answers ISSUER_UNAVAILABLE (503) while the provider is down at first verify, and verifies once it is back', async () => {
    const port = await freePort();
    const verifier = new OidcVerifier(settings(`http://127.0.0.1:${port}`));
    const anyToken = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).sign((await signingKey('k')).privateKey);

    const down = await refusal(verifier, anyToken);
    expect(down).toMatchObject({ code: 'ISSUER_UNAVAILABLE', status: 503 });
    expect(down.message).toContain(`http://127.0.0.1:${port}`);
    expect(down.message).toContain('try again');
    expect(await refusal(verifier, anyToken)).toMatchObject({ code: 'ISSUER_UNAVAILABLE', status: 503 });

    const provider = await TestProvider.start([await signingKey('key-1')], port);
    try {
      await sleep(COOLDOWN_MS + 20);
      expect(await verifier.verify(await provider.accessToken('national-admin'))).toMatchObject({ role: 'admin', scope: 'ENG' });
    } finally {
      await provider.stop();
    }
  });
});
