import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const WORKSPACE = join(__dirname, '..', '..', '..', '..');

/** Where the dashboard's build is served from (DASHBOARD_DIST_DIR of @gpds/reporting-dashboard-http). */
export const DASHBOARD_DIST = join(WORKSPACE, 'apps', 'dashboard', 'dist');

let build: Promise<string> | null = null;

/**
 * Builds the dashboard as `npm run dashboard:build` does (tools/scripts/build-dashboard.mjs, which
 * skips the build when dist/ is newer than every source), once per test file, and resolves with
 * the dist directory; rejects with the build's output when it fails. Spawned, not run with
 * spawnSync: a test blocked in a child process misses its platform's keep-alive closes.
 */
export function ensureDashboardBuilt(timeoutMs = 300_000): Promise<string> {
  build ??= new Promise<string>((resolve, reject) => {
    const script = join(WORKSPACE, 'tools', 'scripts', 'build-dashboard.mjs');
    const args = existsSync(script)
      ? [script]
      : [join(WORKSPACE, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/dashboard/vite.config.ts'];
    // Jest sets NODE_ENV=test, and Vite builds what NODE_ENV says: React's development build, slow and noisy, unless told otherwise.
    const env = { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production' };
    const child = spawn(process.execPath, args, { cwd: WORKSPACE, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && existsSync(join(DASHBOARD_DIST, 'index.html'))) resolve(DASHBOARD_DIST);
      else
        reject(
          new Error(`Building the dashboard (node ${args.join(' ')}) failed with exit code ${code} (or left no ${DASHBOARD_DIST}/index.html):\n${output}`),
        );
    });
  });
  return build;
}
