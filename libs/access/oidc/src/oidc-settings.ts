import { type ClaimMapping, parseClaimMapping } from '@gpds/access';
import { ConfigError } from '@gpds/shared-config';

/**
 * How the GraphQL API verifies bearer access tokens from an OpenID Connect provider (NHS CIS2
 * Authentication in production): read once at start-up by oidcSettingsFromEnv.
 */
export interface OidcSettings {
  /** The issuer identifier, exactly as the provider publishes it (OIDC_ISSUER); its discovery document gives the JWKS. */
  readonly issuer: string;
  /** The `aud` the API's tokens carry (OIDC_AUDIENCE): tokens for other audiences are refused. */
  readonly audience: string;
  /** The signing algorithms accepted (OIDC_ALGORITHMS, default RS256, PS256, ES256); never `none` nor a shared-secret HS* one. */
  readonly algorithms: readonly string[];
  /** Clock skew allowed on `exp` and `nbf` (OIDC_CLOCK_TOLERANCE_SECONDS, default 30, at most 300). */
  readonly clockToleranceSeconds: number;
  /**
   * The shortest time between two fetches of the provider's keys when a token names an unknown
   * key (key rotation), and between two discovery attempts while the provider is down (default 30000).
   */
  readonly jwksCooldownMs: number;
  readonly claims: ClaimMapping;
}

export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256'];
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/** Public-key signature algorithms jose verifies with a JWKS: the only ones an allow-list may name. */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/**
 * The OIDC settings from the environment, or null when OIDC_ISSUER is unset (sign-in off: API
 * keys only). With OIDC_ISSUER: OIDC_AUDIENCE is required, OIDC_ALGORITHMS (comma separated) and
 * OIDC_CLOCK_TOLERANCE_SECONDS are optional, and the claim mapping is read by parseClaimMapping
 * (OIDC_ROLE_MAP required). Throws ConfigError naming the variable and what it accepts.
 */
export function oidcSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): OidcSettings | null {
  const issuer = nonEmpty(env['OIDC_ISSUER']);
  if (issuer === undefined) return null;
  assertIssuerUrl(issuer);
  const audience = nonEmpty(env['OIDC_AUDIENCE']);
  if (audience === undefined) {
    throw new ConfigError(
      'OIDC_AUDIENCE',
      "is required with OIDC_ISSUER: set it to the audience ('aud') of the API's access tokens, as registered with the provider",
    );
  }
  return {
    issuer,
    audience,
    algorithms: parseAlgorithms(env['OIDC_ALGORITHMS']),
    clockToleranceSeconds: parseClockTolerance(env['OIDC_CLOCK_TOLERANCE_SECONDS']),
    jwksCooldownMs: DEFAULT_JWKS_COOLDOWN_MS,
    claims: parseClaimMapping(env),
  };
}

/**
 * Refuses an allow-list that would accept unsigned tokens (`none`) or shared-secret ones (HS*:
 * with a public key as the secret, anyone could sign them). Also checked by the verifier, for
 * settings built in code.
 */
export function assertAsymmetricAlgorithms(algorithms: readonly string[], variable = 'OIDC_ALGORITHMS'): void {
  if (algorithms.length === 0) throw new ConfigError(variable, `names no algorithm: use some of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
  for (const algorithm of algorithms) {
    if (algorithm.toLowerCase() === 'none') {
      throw new ConfigError(variable, "'none' would accept unsigned tokens that anyone can write: remove it");
    }
    if (/^HS/i.test(algorithm)) {
      throw new ConfigError(
        variable,
        `'${algorithm}' is a shared-secret algorithm: an OIDC provider signs access tokens with a private key, and accepting ${algorithm} lets anyone sign with the public key; use ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
      );
    }
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new ConfigError(variable, `'${algorithm}' is not a signature algorithm this API verifies: use some of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
    }
  }
}

/** An https URL (http only on loopback, for tests and local providers), without query or fragment, as OIDC Discovery requires. */
export function assertIssuerUrl(issuer: string, variable = 'OIDC_ISSUER'): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(
      variable,
      `'${issuer}' is not a URL: use the provider's issuer identifier, e.g. https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare`,
    );
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError(variable, `'${issuer}' is not an https URL: the provider's keys must come over TLS (plain http only on loopback)`);
  }
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw new ConfigError(variable, `'${issuer}' has a query or fragment: an issuer identifier has neither`);
  }
}

function nonEmpty(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function parseAlgorithms(raw: string | undefined): readonly string[] {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_ALGORITHMS;
  const algorithms = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => ASYMMETRIC_ALGORITHMS.find((known) => known.toLowerCase() === item.toLowerCase()) ?? item);
  assertAsymmetricAlgorithms(algorithms);
  return [...new Set(algorithms)];
}

function parseClockTolerance(raw: string | undefined): number {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new ConfigError(
      'OIDC_CLOCK_TOLERANCE_SECONDS',
      `'${value}' is not a whole number of seconds from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}: a small skew (default ${DEFAULT_CLOCK_TOLERANCE_SECONDS}) is enough for synchronised clocks`,
    );
  }
  return seconds;
}
