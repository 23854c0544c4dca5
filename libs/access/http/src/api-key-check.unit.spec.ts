import type { ApiKeyPrincipal, KeyVerification } from '@gpds/access-api-keys';
import { ApiKeyRefusal, authenticateApiKey, bearerKey } from './api-key-check';

const analyst: ApiKeyPrincipal = { id: 'key:AAAAAAAAAAAAAAAA', kind: 'api-key', keyId: 'AAAAAAAAAAAAAAAA', organisation: 'ENG', role: 'analyst', scope: 'Y56' };
const verifications: Record<string, KeyVerification> = {
  gpds_good: { principal: analyst },
  gpds_revoked: { refused: 'REVOKED' },
  gpds_expired: { refused: 'EXPIRED', expiredAt: '2026-03-01T12:00:00.000Z' },
};
const keys = { verifyDetailed: async (key: string): Promise<KeyVerification> => verifications[key] ?? { refused: 'INVALID' } };

async function refusal(authorization: string | undefined, roles: Parameters<typeof authenticateApiKey>[2]): Promise<ApiKeyRefusal> {
  try {
    await authenticateApiKey(keys, authorization, roles);
  } catch (error) {
    if (error instanceof ApiKeyRefusal) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('bearerKey', () => {
  it('reads the key of an Authorization: Bearer header, whatever the case of Bearer', () => {
    expect(bearerKey('Bearer gpds_x')).toBe('gpds_x');
    expect(bearerKey('bearer   gpds_x')).toBe('gpds_x');
  });

  it('finds none in another scheme, a missing header or a key with spaces', () => {
    expect(bearerKey(undefined)).toBeNull();
    expect(bearerKey('')).toBeNull();
    expect(bearerKey('Basic dXNlcjpwYXNz')).toBeNull();
    expect(bearerKey('Bearer a b')).toBeNull();
  });
});

describe('authenticateApiKey', () => {
  it("answers the key's principal when its role is allowed", async () => {
    expect(await authenticateApiKey(keys, 'Bearer gpds_good', ['analyst', 'admin'])).toEqual(analyst);
  });

  it('refuses with one code, status and message per reason, whichever API asks', async () => {
    expect(await refusal(undefined, ['admin'])).toMatchObject({
      code: 'NO_API_KEY',
      status: 401,
      graphqlCode: 'UNAUTHENTICATED',
      message: 'send an API key: Authorization: Bearer <key>',
    });
    expect(await refusal('Bearer gpds_bad', ['admin'])).toMatchObject({
      code: 'INVALID_API_KEY',
      status: 401,
      graphqlCode: 'UNAUTHENTICATED',
      message: 'the API key is not valid (unknown, revoked or mistyped)',
    });
    expect(await refusal('Bearer gpds_good', ['submitter', 'admin'])).toMatchObject({
      code: 'ROLE_NOT_ALLOWED',
      status: 403,
      graphqlCode: 'FORBIDDEN',
      message: 'the analyst role may not do this; it needs one of: submitter, admin',
    });
  });

  it('tells the holder of a revoked or expired key what happened and what to do', async () => {
    expect(await refusal('Bearer gpds_revoked', ['analyst'])).toMatchObject({
      code: 'INVALID_API_KEY',
      status: 401,
      message: 'the API key was revoked: ask an admin for a new one',
    });
    expect(await refusal('Bearer gpds_expired', ['analyst'])).toMatchObject({
      code: 'API_KEY_EXPIRED',
      status: 401,
      graphqlCode: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^the API key expired at 2026-03-01T12:00:00.000Z: ask an admin for a new one/),
    });
  });
});
