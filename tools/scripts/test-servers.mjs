#!/usr/bin/env node
// `npm run test:servers [-- <suite>...]`: the suites that need a server this machine may not have
// (every *.servers.spec.ts), against the servers their variables name. A suite whose variable is
// unset fails the run, naming the variable and how to start the server: these suites never skip
// themselves. infra/compose.yaml starts the servers on a machine with Docker. The default run
// (tools/scripts/test-all.mjs) runs them too when their variables are set, and otherwise says
// plainly, one line each, which did not run and why.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Each server suite: the spec files it owns (by name), the variable naming its server, and how to get one. */
export const SERVER_SUITES = [
  {
    key: 'kurrentdb',
    name: 'KurrentDB event store contract',
    variable: 'KURRENTDB_URL',
    server: 'KurrentDB server',
    owns: /kurrentdb/i,
    howTo: 'docker compose -f infra/compose.yaml up -d kurrentdb && KURRENTDB_URL=kurrentdb://127.0.0.1:2113?tls=false npm run test:servers',
  },
  {
    key: 'kafka',
    name: 'Kafka connector and relay contract',
    variable: 'KAFKA_BROKERS',
    server: 'Kafka broker',
    owns: /kafka/i,
    // The suite alone: `npm run test:servers` with no suite named also wants KURRENTDB_URL.
    howTo: 'docker compose -f infra/compose.yaml up -d kafka && KAFKA_BROKERS=127.0.0.1:9092 npm run test:servers -- kafka (docs/kafka.md)',
  },
];

/** Every *.servers.spec.ts under apps/ and libs/, relative to the workspace. */
export function serverSpecs() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.servers.spec.ts')) found.push(path);
    }
  };
  for (const dir of ['apps', 'libs']) if (existsSync(join(root, dir))) walk(dir);
  return found.sort();
}

export function specsOf(suite, specs = serverSpecs()) {
  return specs.filter((spec) => suite.owns.test(spec));
}

/**
 * One line per suite that does not run here, and why: not written yet, or its variable unset
 * (`skipped` names suites left out for another reason, e.g. a selection of steps).
 */
export function notRunLines(env = process.env, specs = serverSpecs(), skipped = new Map()) {
  const lines = [];
  for (const suite of SERVER_SUITES) {
    if (specsOf(suite, specs).length === 0) {
      lines.push(`not run here: ${suite.name} (not written yet: no *.servers.spec.ts for it; it will run where ${suite.variable} names a ${suite.server})`);
    } else if (!env[suite.variable]) {
      lines.push(`not run here: ${suite.name} (${suite.variable} unset: no ${suite.server} on this machine; where one runs: ${suite.howTo})`);
    } else if (skipped.has(suite.key)) lines.push(`not run here: ${suite.name} (${skipped.get(suite.key)})`);
  }
  return lines;
}

/** The suites with specs whose variables are set: what the default run adds. */
export function runnableSuites(env = process.env, specs = serverSpecs()) {
  return SERVER_SUITES.filter((suite) => specsOf(suite, specs).length > 0 && env[suite.variable]);
}

/** A project's Jest config without its global set-up (the local PostgreSQL the integration tests start). */
function serverConfig(projectDir) {
  const config = { ...createRequire(import.meta.url)(join(root, projectDir, 'jest.config.js')) };
  delete config.globalSetup;
  return JSON.stringify({ ...config, rootDir: join(root, projectDir) });
}

function projectOf(spec) {
  for (let dir = dirname(spec); dir !== '.' && dir !== '/'; dir = dirname(dir)) {
    if (existsSync(join(root, dir, 'jest.config.js'))) return dir;
  }
  throw new Error(`${spec} belongs to no project with a jest.config.js`);
}

function main(args) {
  const specs = serverSpecs();
  const orphans = specs.filter((spec) => !SERVER_SUITES.some((suite) => suite.owns.test(spec)));
  if (orphans.length) {
    console.error(`These server specs belong to no suite in tools/scripts/test-servers.mjs (SERVER_SUITES): ${orphans.join(', ')}`);
    return 1;
  }
  const unknown = args.filter((a) => !SERVER_SUITES.some((s) => s.key === a));
  if (unknown.length) {
    console.error(`Unknown server suite ${unknown.join(', ')}: use one of ${SERVER_SUITES.map((s) => s.key).join(', ')}, or none for all`);
    return 1;
  }
  const chosen = SERVER_SUITES.filter((suite) => args.length === 0 || args.includes(suite.key));
  for (const suite of chosen.filter((s) => specsOf(s, specs).length === 0)) console.log(`${suite.name}: not written yet (no *.servers.spec.ts for it)`);
  const suites = chosen.filter((s) => specsOf(s, specs).length > 0);
  if (suites.length === 0) {
    console.error('No server suite to run: none of those chosen is written yet');
    return 1;
  }
  const unset = suites.filter((suite) => !process.env[suite.variable]);
  if (unset.length) {
    for (const suite of unset) {
      console.error(`test:servers needs ${suite.variable} for the ${suite.name}: start a ${suite.server} and set it, e.g. ${suite.howTo}`);
    }
    return 1;
  }
  let failed = false;
  const env = {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  };
  for (const suite of suites) {
    const byProject = new Map();
    for (const spec of specsOf(suite, specs)) byProject.set(projectOf(spec), [...(byProject.get(projectOf(spec)) ?? []), spec]);
    for (const [project, files] of byProject) {
      console.log(`\n--- ${suite.name} (${suite.variable}=${redact(process.env[suite.variable])}): ${files.map((f) => relative(project, f)).join(', ')} ---`);
      const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
      const result = spawnSync(process.execPath, [jest, '--config', serverConfig(project), '--runInBand', '--runTestsByPath', ...files], {
        cwd: root,
        env,
        stdio: 'inherit',
      });
      if (result.status !== 0) failed = true;
    }
  }
  return failed ? 1 : 0;
}

function redact(value) {
  return String(value).replace(/^([a-z+]+:\/\/[^:@/?#]+):[^@/?#]*@/i, '$1:***@');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main(process.argv.slice(2)));
