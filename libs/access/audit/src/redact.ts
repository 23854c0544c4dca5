import { createHash } from 'node:crypto';

/** What a secret is replaced by. */
export const REDACTED = '[redacted]';
/** What a value that throws while it is read (a getter, a proxy) is stored as. */
export const UNREADABLE = '[unreadable]';
/** Arguments and details larger than this (bytes of JSON) are stored truncated. */
export const MAX_AUDIT_JSON_BYTES = 8 * 1024;
/** Nesting deeper than this is cut: no honest GraphQL argument is deeper, and the walk stays bounded. */
export const MAX_AUDIT_DEPTH = 8;

/** Object keys whose values are secrets, whatever they hold. */
const SECRET_KEY = /key|token|secret|password|authori[sz]ation|cookie/i;
/** Keys that match SECRET_KEY but name identifiers, which an auditor needs. */
const IDENTIFIER_KEYS: ReadonlySet<string> = new Set(['keyId', 'queryHash']);
/**
 * An API key (`gpds_<16 alnum>_<43 base64url>`). A shorter or longer tail is redacted too: a key
 * pasted with a character missing or extra is still most of a secret.
 */
const API_KEY = /gpds_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{20,}/g;
/**
 * A maximal run of base64url characters and dots: where a JWT could be. One character class,
 * so the scan is linear whatever the input (a pattern with separate segments backtracks).
 */
const TOKEN_RUN = /[A-Za-z0-9_=.-]+/g;
/** `{"alg":"x"}` is 12 base64url characters: nothing shorter is a JOSE header. */
const MIN_HEADER_LENGTH = 12;
/** An unpaired UTF-16 surrogate, which jsonb refuses as invalid JSON, for the same reason. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface RedactOptions {
  /** Default MAX_AUDIT_JSON_BYTES. */
  readonly maxBytes?: number;
  /** Default MAX_AUDIT_DEPTH. */
  readonly maxDepth?: number;
}

/** What redact returns for a value that did not fit: the part that did, marked. */
export interface TruncatedValue {
  readonly truncated: true;
  readonly value: unknown;
}

interface Walk {
  readonly maxDepth: number;
  remaining: number;
  truncated: boolean;
}

/**
 * The value as the audit trail may store it: JSON-safe, with no secret in it, and bounded.
 * - the value of any key that names a secret (key, token, secret, password, authorization,
 *   cookie; except the identifiers `keyId` and `queryHash`) becomes '[redacted]', whatever it is;
 * - API keys and JWTs (three or more base64url segments whose first is a JOSE header, signed or
 *   `alg: none`) inside any string become '[redacted]';
 * - nesting deeper than maxDepth, and everything past maxBytes of JSON, is cut: the result is then
 *   `{ truncated: true, value: <what fitted> }`.
 * Pure: it never throws and never changes its input.
 */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  const walk: Walk = { maxDepth: options.maxDepth ?? MAX_AUDIT_DEPTH, remaining: options.maxBytes ?? MAX_AUDIT_JSON_BYTES, truncated: false };
  let result: unknown;
  try {
    result = copy(value, 0, walk);
  } catch {
    // A getter or proxy that throws: store that it could not be read, never the error's text.
    return UNREADABLE;
  }
  return walk.truncated ? ({ truncated: true, value: result } satisfies TruncatedValue) : result;
}

/** A text with every API key and JWT in it replaced by '[redacted]', and safe to store. */
export function redactText(text: string): string {
  return storable(text.replace(API_KEY, REDACTED).replace(TOKEN_RUN, (run) => (containsJwt(run) ? REDACTED : run)));
}

/** Whether the value under this key is a secret by its name. */
export function isSecretKey(key: string): boolean {
  return !IDENTIFIER_KEYS.has(key) && SECRET_KEY.test(key);
}

/** The SHA-256 (hex) of a query's text: what the trail keeps instead of the text. */
export function hashQuery(query: string): string {
  return createHash('sha256').update(query).digest('hex');
}

/**
 * A string PostgreSQL's text and jsonb accept: NUL (which neither can hold) and unpaired
 * surrogates become U+FFFD. One such character would otherwise make every retry of its batch fail.
 */
export function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

function copy(value: unknown, depth: number, walk: Walk): unknown {
  if (value === null || value === undefined || typeof value === 'function' || typeof value === 'symbol') return spend(walk, null, 4);
  if (typeof value === 'boolean') return spend(walk, value, 5);
  if (typeof value === 'number') return Number.isFinite(value) ? spend(walk, value, String(value).length) : spend(walk, null, 4);
  if (typeof value === 'bigint') return fit(walk, value.toString());
  if (typeof value === 'string') return fit(walk, redactText(value));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? spend(walk, null, 4) : fit(walk, value.toISOString());
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return fit(walk, `[binary, ${value.byteLength} bytes]`);
  if (depth >= walk.maxDepth) {
    walk.truncated = true;
    return spend(walk, '[too deep]', 12);
  }
  return Array.isArray(value) ? copyArray(value, depth, walk) : copyObject(value as Record<string, unknown>, depth, walk);
}

function copyArray(items: readonly unknown[], depth: number, walk: Walk): unknown[] {
  walk.remaining -= 2;
  const result: unknown[] = [];
  for (const item of items) {
    if (walk.remaining <= 0) {
      walk.truncated = true;
      break;
    }
    walk.remaining -= 1;
    result.push(copy(item, depth + 1, walk));
  }
  return result;
}

function copyObject(object: Record<string, unknown>, depth: number, walk: Walk): Record<string, unknown> {
  walk.remaining -= 2;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (walk.remaining <= 0) {
      walk.truncated = true;
      break;
    }
    const name = storable(key);
    walk.remaining -= Buffer.byteLength(name) + 4;
    result[name] = isSecretKey(key) ? spend(walk, REDACTED, REDACTED.length + 2) : copy(item, depth + 1, walk);
  }
  return result;
}

function spend<T>(walk: Walk, value: T, bytes: number): T {
  walk.remaining -= bytes;
  return value;
}

/** The (already redacted) string, or as much of it as the remaining budget holds. */
function fit(walk: Walk, text: string): string {
  const bytes = Buffer.byteLength(text) + 2;
  if (bytes <= walk.remaining) return spend(walk, text, bytes);
  walk.truncated = true;
  // Cutting may split a surrogate pair: storable() mends it.
  const cut = storable(text.slice(0, Math.max(0, walk.remaining - 2)));
  walk.remaining = 0;
  return cut;
}

function containsJwt(run: string): boolean {
  if (!run.includes('.')) return false;
  const segments = run.split('.');
  for (let i = 0; i + 2 < segments.length; i++) {
    if (isJoseHeader(segments[i] as string)) return true;
  }
  return false;
}

/** Whether a base64url segment decodes to a JSON object with `alg`: a JWT's (or JWE's) header. */
function isJoseHeader(segment: string): boolean {
  if (segment.length < MIN_HEADER_LENGTH) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(segment.replace(/=+$/, ''), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && !Array.isArray(header) && 'alg' in header;
  } catch {
    return false;
  }
}
