import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const WORKSPACE = join(__dirname, '..', '..', '..', '..');

export interface PlatformProcess {
  readonly url: string;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the platform exactly as the README does (main.ts through @swc-node/register) and waits until it listens. */
export function startPlatform(env: Record<string, string>, timeoutMs = 60_000): Promise<PlatformProcess> {
  return startProcess('apps/platform/src/main.ts', 'platform listening', env, timeoutMs);
}

/**
 * Starts one of the apps (`apps/<name>/src/main.ts`) as `npm run <name>` does, with a clean
 * platform environment plus `env`, and resolves once its output has a `"url"` and `readyText`.
 */
export function startProcess(entry: string, readyText: string, env: Record<string, string>, timeoutMs = 60_000): Promise<PlatformProcess> {
  const child = spawnApp(entry, env);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: string): void => {
      out += chunk;
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match?.[1] && out.includes(readyText)) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          output: () => out,
          async stop(signal = 'SIGINT') {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before it was ready:\n${out}`));
    });
  });
}

/** Runs the platform until it exits by itself (for start-up failures); resolves with its code and output. */
export function runPlatformToExit(
  env: Record<string, string>,
  timeoutMs = 60_000,
  entry = 'apps/platform/src/main.ts',
): Promise<{ code: number | null; output: string }> {
  const child = spawnApp(entry, env);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The platform was expected to exit within ${timeoutMs} ms but kept running:\n${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: out });
    });
  });
}

function spawnApp(entry: string, env: Record<string, string>): ChildProcessByStdio<null, Readable, Readable> {
  const base = { ...process.env };
  for (const name of [
    'PORT',
    'DATA_DIR',
    'EVENT_STORE_URL',
    'EVENT_STORE_MIGRATION_URL',
    'HOST',
    'LOG_LEVEL',
    'REFERENCE_IMPORT',
    'DEMO_DATA',
    'PROJECTOR',
    'CLICKHOUSE_URL',
  ])
    delete base[name];
  delete base['NODE_OPTIONS']; // the test runner's flags are not the app's
  return spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE, entry)], {
    cwd: WORKSPACE,
    // The reference import takes seconds; tests that need it turn it on.
    env: { ...base, SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.base.json'), PORT: '0', REFERENCE_IMPORT: 'off', DEMO_DATA: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

let template: Promise<string> | null = null;

/**
 * A data directory with the organisation hierarchy already imported (both real ODS files), made
 * once per test file by the CLI and copied for each test: the import takes seconds, a copy does not.
 */
export async function seededDataDir(): Promise<string> {
  template ??= (async () => {
    // Named after this process: the template lives as long as it does (each suite copies it), and
    // is removed when it exits, or by the test run's teardown (tools/jest/seed-teardown.js).
    const dir = mkdtempSync(join(tmpdir(), `gpds-seed-${process.pid}-`));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const ods = join(WORKSPACE, '..', 'shared', 'data', 'ods');
    const run = spawnSync(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        join(WORKSPACE, 'apps/cli/src/main.ts'),
        'import-ods',
        join(ods, 'gp-reg-pat-prac-map_2022-01.csv'),
        join(ods, 'gp-reg-pat-prac-map_2025-10.csv'),
      ],
      {
        cwd: WORKSPACE,
        env: {
          ...process.env,
          DATA_DIR: dir,
          SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.base.json'),
          SHARED_DATA_DIR: join(WORKSPACE, '..', 'shared', 'data'),
        },
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`Seeding a data directory failed: ${run.stderr}`);
    return dir;
  })();
  const copy = mkdtempSync(join(tmpdir(), 'gpds-data-'));
  cpSync(await template, copy, { recursive: true });
  return copy;
}

/**
 * Runs the operator CLI (`npm run cli -- <args>`) to its end without blocking this process: a
 * test blocked in spawnSync misses the platform closing an idle keep-alive connection, and its
 * next fetch reuses the dead socket (ECONNRESET).
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE, 'apps/cli/src/main.ts'), ...args], {
    cwd: WORKSPACE,
    env: { ...process.env, NODE_OPTIONS: '', SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.base.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

/** For benchmarks that measure the API's latency, not one principal's budget: limits far above what they ask (RATE_LIMIT_*). */
export const UNLIMITED_READS: Readonly<Record<string, string>> = { RATE_LIMIT_GRAPHQL_COST_PER_MINUTE: '1000000000', RATE_LIMIT_CONCURRENT_OPERATIONS: '1000' };
