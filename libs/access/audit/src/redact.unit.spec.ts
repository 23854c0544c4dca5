import { createHmac, randomBytes } from 'node:crypto';
import { hashQuery, isSecretKey, MAX_AUDIT_JSON_BYTES, REDACTED, redact, redactText, UNREADABLE } from './redact';

const apiKey = `gpds_${'A1b2C3d4E5f6G7h8'}_${randomBytes(32).toString('base64url')}`;

/** A real HS256 JWT, signed as any issuer would. */
function jwt(header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }, claims: Record<string, unknown> = { sub: 'uid-1', aud: 'gpds' }): string {
  const head = Buffer.from(JSON.stringify(header)).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = header['alg'] === 'none' ? '' : createHmac('sha256', 'secret').update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

describe('redact', () => {
  it('replaces the value of every key that names a secret, whatever the value, at any depth', () => {
    const input = {
      apiKey: 'abc',
      Authorization: 'Basic dXNlcjpwYXNz',
      authorisation: { scheme: 'Bearer' },
      headers: { cookie: 'sid=1', 'x-refresh-token': ['t1', 't2'] },
      password: 12345,
      clientSecret: null,
      list: [{ accessToken: 'zzz', code: '16C' }],
    };
    expect(redact(input)).toEqual({
      apiKey: REDACTED,
      Authorization: REDACTED,
      authorisation: REDACTED,
      headers: { cookie: REDACTED, 'x-refresh-token': REDACTED },
      password: REDACTED,
      clientSecret: REDACTED,
      list: [{ accessToken: REDACTED, code: '16C' }],
    });
  });

  it('keeps keyId and queryHash, which are identifiers, and leaves its input unchanged', () => {
    const input = { keyId: 'A1b2C3d4E5f6G7h8', queryHash: 'ab'.repeat(32), keys: ['x'], organisation: '16C', from: '2025-01-01' };
    const before = structuredClone(input);
    expect(redact(input)).toEqual({ keyId: 'A1b2C3d4E5f6G7h8', queryHash: 'ab'.repeat(32), keys: REDACTED, organisation: '16C', from: '2025-01-01' });
    expect(input).toEqual(before);
    expect([isSecretKey('keyId'), isSecretKey('KeyId'), isSecretKey('monkey'), isSecretKey('queryHash')]).toEqual([false, true, true, false]);
  });

  it('replaces API keys and JWTs inside any string, under any key', () => {
    const signed = jwt();
    const unsigned = jwt({ alg: 'none' });
    const out = redact({
      search: apiKey,
      note: `Bearer ${signed}, then ${unsigned} (alg none)`,
      codes: ['16C', `key=${apiKey};`],
    });
    expect(out).toEqual({ search: REDACTED, note: `Bearer ${REDACTED}, then ${REDACTED} (alg none)`, codes: ['16C', `key=${REDACTED};`] });
    expect(JSON.stringify(out)).not.toContain(signed.split('.')[2]);
    expect(redactText(apiKey.slice(0, -3))).toBe(REDACTED);
  });

  it('keeps dotted text that is not a JWT: versions, host names, base64 that is not a JOSE header', () => {
    const notJwt = `${Buffer.from('{"typ":"JWT","kid":"k"}').toString('base64url')}.e30.sig`;
    const text = `v1.2.3 on api.example.nhs.uk, ${notJwt}, gpds_short_key`;
    expect(redactText(text)).toBe(text);
  });

  it('replaces a JWE (five segments) and a JWT with padding', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' })).toString('base64url');
    expect(redactText(`${header}.a.b.c.d`)).toBe(REDACTED);
    const padded = jwt({ alg: 'RS256', kid: 'k1' }).replace('.', '==.');
    expect(redactText(padded)).toBe(REDACTED);
  });

  it('stores more than 8 KiB of JSON cut, with truncated: true and what fitted', () => {
    const organisations = Array.from({ length: 5000 }, (_, i) => `P${String(i).padStart(5, '0')}`);
    const out = redact({ from: '2025-01-01', organisations, secret: 'x' }) as { truncated: true; value: { from: string; organisations: string[] } };
    expect(out.truncated).toBe(true);
    expect(out.value.from).toBe('2025-01-01');
    expect(out.value.organisations.length).toBeGreaterThan(100);
    expect(out.value.organisations.length).toBeLessThan(5000);
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(MAX_AUDIT_JSON_BYTES + 100);
    const long = redact('x'.repeat(20_000)) as { truncated: true; value: string };
    expect(long.truncated).toBe(true);
    expect(long.value.length).toBeLessThan(MAX_AUDIT_JSON_BYTES);
    expect(redact({ small: [1, 2, 3] })).toEqual({ small: [1, 2, 3] });
  });

  it('redacts a secret before cutting, so a cut never leaves part of one behind', () => {
    const out = JSON.stringify(redact({ text: `${'a '.repeat(4090)}${apiKey}` }, { maxBytes: 8200 }));
    expect(out).not.toContain(apiKey.slice(5, 25));
  });

  it('is bounded in depth, even for a cycle, and never throws', () => {
    type Node = { next?: Node; name: string };
    const cycle: Node = { name: 'a' };
    cycle.next = cycle;
    const out = redact(cycle) as { truncated: true; value: Node };
    expect(out.truncated).toBe(true);
    expect(JSON.stringify(out)).toContain('[too deep]');
    const hostile = {
      get boom(): string {
        throw new Error(`contains ${apiKey}`);
      },
    };
    expect(redact(hostile)).toBe(UNREADABLE);
  });

  it('makes values JSON- and jsonb-safe: NUL and lone surrogates, bigints, dates, binary, non-finite numbers', () => {
    expect(
      redact({
        nul: 'a\u0000b',
        lone: 'x\uD800y',
        pair: '😀',
        big: 10n,
        at: new Date('2025-01-01T00:00:00Z'),
        bytes: Buffer.from('secret'),
        nan: NaN,
        f: () => 1,
        u: undefined,
      }),
    ).toEqual({ nul: 'a\uFFFDb', lone: 'x\uFFFDy', pair: '😀', big: '10', at: '2025-01-01T00:00:00.000Z', bytes: '[binary, 6 bytes]', nan: null });
  });
});

describe('hashQuery', () => {
  it('is the SHA-256 hex of the text', () => {
    expect(hashQuery('{ ping }')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashQuery('{ ping }')).toBe(hashQuery('{ ping }'));
    expect(hashQuery('{ ping }')).not.toBe(hashQuery('{ pong }'));
  });
});
