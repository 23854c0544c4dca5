import { ClaimMappingError, type Principal, principalFromClaims } from '@gpds/access';
import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { assertAsymmetricAlgorithms, assertIssuerUrl, type OidcSettings } from './oidc-settings';

/** Why a bearer access token was refused. */
export type OidcRefusalCode =
  'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'TOKEN_AUDIENCE' | 'TOKEN_ISSUER' | 'TOKEN_ALGORITHM' | 'TOKEN_KEY_UNKNOWN' | 'TOKEN_CLAIMS' | 'ISSUER_UNAVAILABLE';

/**
 * A refused access token: its code, the HTTP status (401 for a token that does not verify, 403
 * for a verified token whose claims give no access, 503 while the provider's keys cannot be
 * fetched) and a message saying what is wrong and what to do. Never carries the token nor its
 * claims (a jose error's payload is not kept as the cause).
 */
export class OidcRefusal extends Error {
  constructor(
    readonly code: OidcRefusalCode,
    readonly status: 401 | 403 | 503,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OidcRefusal';
  }
}

/**
 * Whether a bearer token has the shape of a compact JWT (three base64url parts separated by
 * dots; the signature may be empty, so an unsigned token reaches the verifier and is refused by
 * name). Routes a bearer token to OIDC rather than the API keys (`gpds_<16>_<43>`, no dots).
 */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** How long discovery may take before the provider counts as unavailable (jose's own default for the JWKS). */
const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * Verifies OIDC bearer access tokens with jose: signature against the provider's published keys,
 * `iss`, `aud`, `exp`/`nbf` with a small clock tolerance, and the algorithm allow-list; then maps
 * the claims to a principal. The provider's discovery document is fetched on the first verify
 * (a provider that is down does not stop the API starting) and again after a failure, at most
 * once per cooldown. Its keys are cached by jose's remote key set, refetched when a token names
 * an unknown key (key rotation), at most once per cooldown.
 */
export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | null = null;
  private discoveryFailedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: OidcSettings) {
    assertIssuerUrl(settings.issuer);
    assertAsymmetricAlgorithms(settings.algorithms);
  }

  /** The principal of a valid access token; throws OidcRefusal otherwise. */
  async verify(token: string): Promise<Principal> {
    const getKey = await this.publishedKeys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: [...this.settings.algorithms],
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw this.refusal(error, token);
    }
    try {
      return principalFromClaims(payload, this.settings.claims);
    } catch (error) {
      if (error instanceof ClaimMappingError) throw new OidcRefusal('TOKEN_CLAIMS', 403, error.message);
      throw error;
    }
  }

  /** The provider's key set, discovering it on first use; retried after a failure once the cooldown has passed. */
  private publishedKeys(): Promise<JWTVerifyGetKey> {
    if (this.keys) return this.keys;
    if (Date.now() < this.discoveryFailedAt + this.settings.jwksCooldownMs) {
      return Promise.reject(
        new OidcRefusal(
          'ISSUER_UNAVAILABLE',
          503,
          `the sign-in provider ${this.settings.issuer} could not be reached a moment ago: try again in a few seconds`,
        ),
      );
    }
    this.keys = this.discover().catch((error: unknown) => {
      this.keys = null;
      this.discoveryFailedAt = Date.now();
      throw error;
    });
    return this.keys;
  }

  /** OpenID Connect Discovery: the provider's metadata, checked to name the configured issuer, gives the JWKS URL. */
  private async discover(): Promise<JWTVerifyGetKey> {
    const { issuer } = this.settings;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const metadata = await fetchJson(url, issuer);
    if (metadata['issuer'] !== issuer) {
      throw unavailable(
        `the discovery document at ${url} names the issuer '${String(metadata['issuer'])}', not '${issuer}': set OIDC_ISSUER to exactly the issuer the provider publishes`,
      );
    }
    const jwksUri = metadata['jwks_uri'];
    if (typeof jwksUri !== 'string' || !isFetchableKeyUrl(jwksUri)) {
      throw unavailable(`the discovery document of ${issuer} gives no https 'jwks_uri' to fetch its signing keys from: check the provider's configuration`);
    }
    return withUnavailableKeys(createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: this.settings.jwksCooldownMs }), issuer);
  }

  /** jose's error, as a refusal that says what is wrong and what to do, never echoing the token. */
  private refusal(error: unknown, token: string): Error {
    const { issuer, audience, algorithms } = this.settings;
    if (error instanceof OidcRefusal) return error;
    if (error instanceof errors.JWTExpired) {
      return new OidcRefusal('TOKEN_EXPIRED', 401, `the access token expired${at(error.payload['exp'])}: sign in again for a new one`);
    }
    if (error instanceof errors.JWTClaimValidationFailed) return claimRefusal(error, issuer, audience);
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return new OidcRefusal(
        'TOKEN_ALGORITHM',
        401,
        `the access token is signed with ${algorithmOf(token)}, which this API does not accept (it accepts ${algorithms.join(', ')}): sign in through ${issuer}`,
      );
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      return new OidcRefusal('TOKEN_KEY_UNKNOWN', 401, `the access token is signed with a key ${issuer} does not publish (unknown or retired): sign in again`);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return new OidcRefusal('TOKEN_INVALID', 401, `the access token's signature does not verify: it was altered or not signed by ${issuer}; sign in again`);
    }
    if (error instanceof errors.JOSEError) {
      return new OidcRefusal(
        'TOKEN_INVALID',
        401,
        'the access token is not a well-formed signed JWT: send the access token (not an ID or refresh token), whole, as Authorization: Bearer <token>',
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

function claimRefusal(error: InstanceType<typeof errors.JWTClaimValidationFailed>, issuer: string, audience: string): OidcRefusal {
  switch (error.claim) {
    case 'aud':
      return new OidcRefusal('TOKEN_AUDIENCE', 401, `the access token is for another audience; this API accepts tokens for '${audience}': request one for it`);
    case 'iss':
      return new OidcRefusal('TOKEN_ISSUER', 401, `the access token was issued by another issuer; this API accepts tokens from ${issuer}: sign in there`);
    case 'nbf':
      return new OidcRefusal(
        'TOKEN_INVALID',
        401,
        `the access token is not valid yet${at(error.payload['nbf'], 'until')}: check the clocks of the provider and this server, then sign in again`,
      );
    case 'exp':
      return new OidcRefusal('TOKEN_INVALID', 401, "the access token carries no valid expiry ('exp'): this API accepts only tokens that expire");
    default:
      return new OidcRefusal('TOKEN_INVALID', 401, `the access token's '${error.claim}' claim is not valid (${error.reason}): sign in again`);
  }
}

/** ` at <ISO time>` for a NumericDate claim, or nothing when it is not one. */
function at(seconds: unknown, preposition = 'at'): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? ` ${preposition} ${new Date(seconds * 1000).toISOString()}` : '';
}

/** The token header's `alg` when it is a plain algorithm name (nothing else of the token is repeated). */
function algorithmOf(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    return typeof alg === 'string' && /^[A-Za-z0-9-]{1,16}$/.test(alg) ? `'${alg}'` : 'an algorithm';
  } catch {
    return 'an algorithm';
  }
}

function unavailable(message: string, cause?: unknown): OidcRefusal {
  return new OidcRefusal('ISSUER_UNAVAILABLE', 503, message, cause === undefined ? undefined : { cause });
}

async function fetchJson(url: string, issuer: string): Promise<Record<string, unknown>> {
  const unreachable = (detail: string, cause?: unknown): OidcRefusal =>
    unavailable(`the sign-in provider ${issuer} is unavailable (${detail}): try again in a few seconds; if it persists, check OIDC_ISSUER`, cause);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  } catch (cause) {
    throw unreachable(`its discovery document at ${url} could not be fetched`, cause);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw unreachable(`its discovery document at ${url} answered HTTP ${response.status}`);
  }
  let metadata: unknown;
  try {
    metadata = await response.json();
  } catch (cause) {
    throw unreachable(`its discovery document at ${url} is not JSON`, cause);
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw unreachable(`its discovery document at ${url} is not a JSON object`);
  return metadata as Record<string, unknown>;
}

function isFetchableKeyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

/**
 * jose's remote key set, with its fetch failures (network, timeout, not 200, not a key set) as
 * ISSUER_UNAVAILABLE; a key the set lacks stays jose's own error (an unknown key, refused 401).
 */
function withUnavailableKeys(remote: JWTVerifyGetKey, issuer: string): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported)
        throw error;
      throw unavailable(`the signing keys of ${issuer} could not be fetched: try again in a few seconds`, error);
    }
  };
}
