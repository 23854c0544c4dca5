import type { ApiKeyPrincipal, ApiKeyStore, KeyVerification, Role } from '@gpds/access-api-keys';

/** Why a request's API key was refused. */
export type ApiKeyRefusalCode = 'NO_API_KEY' | 'INVALID_API_KEY' | 'API_KEY_EXPIRED' | 'ROLE_NOT_ALLOWED';

/**
 * A refused API key, the same for every route and API of the platform: its code and message,
 * and the HTTP status (401 without a valid key, 403 when the key's role may not do this). Each
 * transport answers it its own way: Nest routes as `{"error": {code, message}}`, GraphQL as an
 * error whose `extensions.code` is `graphqlCode`.
 */
export class ApiKeyRefusal extends Error {
  constructor(
    readonly code: ApiKeyRefusalCode,
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'ApiKeyRefusal';
  }

  /** GraphQL's convention for `extensions.code`: UNAUTHENTICATED (401) or FORBIDDEN (403). */
  get graphqlCode(): 'UNAUTHENTICATED' | 'FORBIDDEN' {
    return this.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  }
}

/** The key in an `Authorization: Bearer <key>` header, or null when there is none. */
export function bearerKey(authorization: string | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
}

/**
 * The bearer-token check of every route and API: the key in `Authorization: Bearer <key>`,
 * verified against the key store, of one of `roles`. Answers the key's principal, or throws an
 * ApiKeyRefusal. A revoked or expired key is named as such (only its holder learns it: the
 * store says so only when the secret matched), so that its owner knows to ask for a new one.
 */
export async function authenticateApiKey(
  keys: Pick<ApiKeyStore, 'verifyDetailed'>,
  authorization: string | undefined,
  roles: readonly Role[],
): Promise<ApiKeyPrincipal> {
  const key = bearerKey(authorization);
  if (key === null) throw new ApiKeyRefusal('NO_API_KEY', 401, 'send an API key: Authorization: Bearer <key>');
  const verification = await keys.verifyDetailed(key);
  if (!('principal' in verification)) throw refusalOf(verification);
  const { principal } = verification;
  if (!roles.includes(principal.role)) {
    throw new ApiKeyRefusal('ROLE_NOT_ALLOWED', 403, `the ${principal.role} role may not do this; it needs one of: ${roles.join(', ')}`);
  }
  return principal;
}

function refusalOf(verification: Exclude<KeyVerification, { principal: unknown }>): ApiKeyRefusal {
  switch (verification.refused) {
    case 'EXPIRED':
      return new ApiKeyRefusal(
        'API_KEY_EXPIRED',
        401,
        `the API key expired at ${verification.expiredAt ?? 'an earlier time'}: ask an admin for a new one (keys create), and rotate keys before they expire (keys rotate)`,
      );
    case 'REVOKED':
      return new ApiKeyRefusal('INVALID_API_KEY', 401, 'the API key was revoked: ask an admin for a new one');
    default:
      return new ApiKeyRefusal('INVALID_API_KEY', 401, 'the API key is not valid (unknown, revoked or mistyped)');
  }
}
