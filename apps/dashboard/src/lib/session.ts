/**
 * Who the page signs its requests as. Here: an API key the analyst pastes, kept in
 * sessionStorage for the tab (gone when the tab closes; never localStorage, where it would
 * outlive the session), under the name the GraphQL explorer reads too, so one sign-in serves
 * both pages.
 *
 * NHS CIS2 sign-in (docs/security.md) is the second `SignInMethod`, OidcSignIn in oidc.ts: it
 * runs the authorization-code flow with PKCE against the issuer and returns its access token
 * from `authorization()`. The platform accepts either as `Authorization: Bearer`, and everything
 * after sign-in (`me`, scopes, the panels) is the same for both.
 */

/** The sessionStorage name of the API key (shared with the explorer, src/explorer/api-key.ts). */
export const API_KEY_STORAGE_NAME = 'gpds.apiKey';

/** A way of signing in: what the page sends as Authorization, and how to forget it. */
export interface SignInMethod {
  readonly kind: 'api-key' | 'oidc';
  /** The Authorization header value, or null when signed out. */
  authorization(): string | null;
  signOut(): void;
}

type KeyStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Normalises what was pasted: trims it and drops a "Bearer " someone copied with the key. */
export function normaliseApiKey(text: string): string {
  return text
    .trim()
    .replace(/^bearer\s+/i, '')
    .trim();
}

/** Signs in with an API key kept in the tab's sessionStorage. */
export class ApiKeySignIn implements SignInMethod {
  readonly kind = 'api-key' as const;

  constructor(private readonly storage: KeyStorage) {}

  /** The key this tab signed in with, or null. */
  key(): string | null {
    const key = this.storage.getItem(API_KEY_STORAGE_NAME)?.trim();
    return key ? key : null;
  }

  authorization(): string | null {
    const key = this.key();
    return key ? `Bearer ${key}` : null;
  }

  /** Keeps the key for this tab (the caller checks it with `me` first). */
  signIn(key: string): void {
    const normalised = normaliseApiKey(key);
    if (!normalised) throw new Error('paste an API key: it is empty');
    this.storage.setItem(API_KEY_STORAGE_NAME, normalised);
  }

  signOut(): void {
    this.storage.removeItem(API_KEY_STORAGE_NAME);
  }
}
