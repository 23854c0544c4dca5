import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The real NHS England data beside the project (`../shared/data` of the repository root), or
 * SHARED_DATA_DIR. Null when neither exists.
 */
export function sharedDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const configured = env['SHARED_DATA_DIR'];
  if (configured) return existsSync(configured) ? resolve(configured) : null;
  const beside = resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data');
  return existsSync(beside) ? beside : null;
}

export function odsMappingFiles(dataDir: string): string[] {
  return ['gp-reg-pat-prac-map_2022-01.csv', 'gp-reg-pat-prac-map_2025-10.csv'].map((f) => join(dataDir, 'ods', f)).filter((f) => existsSync(f));
}
