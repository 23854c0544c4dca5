#!/usr/bin/env node
// The README's test command: contracts, typecheck, format, lint (which enforces the module boundaries), then the
// unit, integration and end-to-end tiers as Nx targets, and the server suites (*.servers.spec.ts: KurrentDB, Kafka)
// whose servers are named (KURRENTDB_URL, KAFKA_BROKERS). Ends with one line per server suite that did not run and
// why, then one summary line "tests: N passed, N failed" summed over every Jest run, and exits non-zero if anything failed.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notRunLines, runnableSuites } from './test-servers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nx = join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  // PGlite loads its file system with a dynamic import, which Jest's VM allows only with this flag.
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
};

const steps = [
  ['contracts', [join(root, 'tools', 'scripts', 'check-contracts.mjs')]],
  ['typecheck', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.base.json', '--noEmit']],
  // The dashboard is browser code (DOM types, JSX): its own tsconfig, left out of the one above.
  ['dashboard typecheck', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join('apps', 'dashboard', 'tsconfig.json'), '--noEmit']],
  // One format (Prettier, .prettierrc.json): `npm run format` rewrites, this only checks.
  ['format', [join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '--log-level=warn', '.']],
  // No Nx cache: a clean checkout must lint every file itself.
  ['lint', [nx, 'run-many', '-t', 'lint', '--outputStyle=static', '--skip-nx-cache']],
  ['unit tests', [nx, 'run-many', '-t', 'test-unit', '--outputStyle=static']],
  // Integration and end-to-end suites share one PostgreSQL server and two cores: one project at a time.
  ['integration tests', [nx, 'run-many', '-t', 'test-int', '--outputStyle=static', '--parallel=1']],
  ['end-to-end tests', [nx, 'run-many', '-t', 'test-e2e', '--outputStyle=static', '--parallel=1']],
];
// Suites against servers this machine may not have: run where their variables name one (npm run test:servers).
const servers = runnableSuites(process.env);
if (servers.length) steps.push(['server tests', [join(root, 'tools', 'scripts', 'test-servers.mjs'), ...servers.map((s) => s.key)]]);

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
const only = process.argv.slice(2);

for (const [name, args] of steps) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  const started = Date.now();
  process.stdout.write(`\n=== ${name} ===\n`);
  const code = await run(args);
  process.stdout.write(`=== ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s ===\n`);
  if (code !== 0) failedSteps.push(name);
}

if (failedSteps.length) process.stdout.write(`\nFailed steps: ${failedSteps.join(', ')}\n`);
// What did not run here, and why: never a silent skip.
const serversSelected = !only.length || only.some((o) => 'server tests'.startsWith(o));
const notSelected = new Map(serversSelected ? [] : servers.map((s) => [s.key, 'not selected: npm run test:all -- server']));
const notRun = notRunLines(process.env, undefined, notSelected);
if (notRun.length) process.stdout.write(`\n${notRun.join('\n')}\n`);
// A step that failed without a failing test (typecheck, lint, a crash) still counts as a failure.
const failed = totals.failed > 0 ? totals.failed : failedSteps.length;
process.stdout.write(`\ntests: ${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`);
process.exit(failedSteps.length ? 1 : 0);

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tally = (chunk) => {
      for (const line of chunk
        .toString()
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split('\n')) {
        const m = /^Tests:\s+(.*)$/.exec(line.trim());
        if (!m) continue;
        for (const part of m[1].split(',')) {
          const [, n, kind] = /(\d+)\s+(\w+)/.exec(part.trim()) ?? [];
          if (kind === 'passed' || kind === 'failed' || kind === 'skipped') totals[kind] += Number(n);
        }
      }
    };
    child.stdout.on('data', (c) => {
      process.stdout.write(c);
      tally(c);
    });
    child.stderr.on('data', (c) => {
      process.stderr.write(c);
      tally(c);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
