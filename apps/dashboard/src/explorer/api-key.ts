/**
 * The API key the explorer signs its requests with, kept in sessionStorage under the name the
 * dashboard uses: signed in once, both pages of the tab use the key, and it is gone when the tab
 * closes (never in localStorage, where it would outlive the session).
 */
export const API_KEY_STORAGE_NAME = 'gpds.apiKey';

/** The key this tab signed in with, or null. */
export function readApiKey(storage: Pick<Storage, 'getItem'> = sessionStorage): string | null {
  const key = storage.getItem(API_KEY_STORAGE_NAME)?.trim();
  return key ? key : null;
}

/** Keeps a key for this tab, or forgets it (null or blank). */
export function writeApiKey(key: string | null, storage: Pick<Storage, 'setItem' | 'removeItem'> = sessionStorage): void {
  const trimmed = key?.trim();
  if (trimmed) storage.setItem(API_KEY_STORAGE_NAME, trimmed);
  else storage.removeItem(API_KEY_STORAGE_NAME);
}
