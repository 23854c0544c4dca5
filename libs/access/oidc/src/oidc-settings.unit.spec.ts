import { ConfigError } from '@gpds/shared-config';
import { oidcSettingsFromEnv } from './oidc-settings';
import { looksLikeJwt, OidcVerifier } from './oidc-verifier';

const ISSUER = 'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
const base = { OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'gpds-reporting', OIDC_ROLE_MAP: 'R8000=analyst,R8008=admin' };

function configError(env: Record<string, string>): ConfigError {
  try {
    oidcSettingsFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('oidcSettingsFromEnv', () => {
  it('is off (null) without OIDC_ISSUER', () => {
    expect(oidcSettingsFromEnv({})).toBeNull();
    expect(oidcSettingsFromEnv({ OIDC_ISSUER: ' ', OIDC_AUDIENCE: 'x' })).toBeNull();
  });

  it('keeps the issuer exactly as published (CIS2 names its port) and applies the defaults', () => {
    expect(oidcSettingsFromEnv(base)).toEqual({
      issuer: ISSUER,
      audience: 'gpds-reporting',
      algorithms: ['RS256', 'PS256', 'ES256'],
      clockToleranceSeconds: 30,
      jwksCooldownMs: 30_000,
      claims: expect.objectContaining({ rolesClaim: 'nhsid_nrbac_roles', roleMap: [expect.anything(), expect.anything()] }),
    });
  });

  it('reads the algorithm allow-list, whatever its case, and the clock tolerance', () => {
    expect(oidcSettingsFromEnv({ ...base, OIDC_ALGORITHMS: 'rs256, es384,RS256', OIDC_CLOCK_TOLERANCE_SECONDS: '0' })).toMatchObject({
      algorithms: ['RS256', 'ES384'],
      clockToleranceSeconds: 0,
    });
  });

  it('requires an audience with an issuer', () => {
    expect(configError({ OIDC_ISSUER: ISSUER, OIDC_ROLE_MAP: 'R8000=analyst' }).variable).toBe('OIDC_AUDIENCE');
  });

  it('requires the role map with an issuer', () => {
    expect(configError({ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'a' }).variable).toBe('OIDC_ROLE_MAP');
  });

  it.each([
    ['none', 'unsigned'],
    ['RS256,none', 'unsigned'],
    ['HS256', 'shared-secret'],
    ['RS256,hs512', 'shared-secret'],
    ['RSA1_5', 'not a signature algorithm'],
  ])('refuses the allow-list %s', (value, message) => {
    const error = configError({ ...base, OIDC_ALGORITHMS: value });
    expect(error.variable).toBe('OIDC_ALGORITHMS');
    expect(error.message).toContain(message);
  });

  it.each(['-1', '301', '1.5', 'ten'])('refuses the clock tolerance %s', (value) => {
    expect(configError({ ...base, OIDC_CLOCK_TOLERANCE_SECONDS: value }).variable).toBe('OIDC_CLOCK_TOLERANCE_SECONDS');
  });

  it.each([
    ['not a url', 'is not a URL'],
    ['http://idp.example.org', 'not an https URL'],
    ['https://idp.example.org/?tenant=1', 'query or fragment'],
  ])('refuses the issuer %s', (value, message) => {
    const error = configError({ ...base, OIDC_ISSUER: value });
    expect(error.variable).toBe('OIDC_ISSUER');
    expect(error.message).toContain(message);
  });

  it('allows plain http on loopback only (tests, local providers)', () => {
    expect(oidcSettingsFromEnv({ ...base, OIDC_ISSUER: 'http://127.0.0.1:9000' })?.issuer).toBe('http://127.0.0.1:9000');
  });
});

describe('OidcVerifier settings built in code', () => {
  it('refuses none and HS* in the allow-list as the environment does', () => {
    const settings = oidcSettingsFromEnv(base);
    if (!settings) throw new Error('no settings');
    expect(() => new OidcVerifier({ ...settings, algorithms: ['RS256', 'none'] })).toThrow(ConfigError);
    expect(() => new OidcVerifier({ ...settings, algorithms: ['HS256'] })).toThrow(ConfigError);
    expect(() => new OidcVerifier({ ...settings, algorithms: [] })).toThrow(ConfigError);
  });
});

describe('looksLikeJwt', () => {
  it('sees three base64url parts separated by dots, the signature possibly empty (alg: none)', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_')).toBe(true);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')).toBe(true);
  });

  it('does not see an API key, two parts, padding or spaces', () => {
    expect(looksLikeJwt('gpds_AAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
    expect(looksLikeJwt('a=.b.c')).toBe(false);
    expect(looksLikeJwt('a.b .c')).toBe(false);
    expect(looksLikeJwt('.b.c')).toBe(false);
  });
});
