import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ApiKeyStore } from '@gpds/access-api-keys';

/**
 * The first start creates an admin key (organisation ENG) and writes it to $DATA_DIR/admin.key,
 * readable by its owner only. Later starts leave keys alone.
 */
export async function ensureAdminKey(keys: ApiKeyStore, dataDir: string): Promise<{ path: string; created: boolean }> {
  const path = join(resolve(dataDir), 'admin.key');
  if (await keys.hasAdmin()) return { path, created: false };
  const { key } = await keys.create('ENG', 'admin', 'first-start');
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { path, created: true };
}

export function adminKeyFileExists(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), 'admin.key'));
}
