#!/usr/bin/env node
// Builds the dashboard and the GraphQL explorer (apps/dashboard, Vite) into apps/dashboard/dist,
// unless the last build is newer than every source it is made from (apps/dashboard/**,
// docs/graphql.md for the explorer's example tabs, package-lock.json for the libraries). `prestart`
// runs it, so `tools/bin/platform start` always serves a built page; `--force` builds anyway.
// After building it checks that no HTML or CSS file refers to another host (the page must work
// where CDNs cannot be reached).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = join(root, 'apps', 'dashboard');
const dist = join(app, 'dist');
const stamp = join(dist, '.build-stamp');
const say = (message) => process.stderr.write(`[dashboard] ${message}\n`);

/** Every file under `dir` but the build output and dependencies. */
function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** The newest source: its path and modification time. */
function newestSource() {
  let newest = { path: null, mtimeMs: 0 };
  for (const path of [...files(app), join(root, 'docs', 'graphql.md'), join(root, 'package-lock.json')]) {
    const { mtimeMs } = statSync(path);
    if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}

/** References a browser would fetch from another host, in the built HTML and CSS. */
function externalReferences() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(html|css)$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+|url\(\s*["']?(?:https?:)?\/\/[^)"']+/g))
          found.push(`${relative(root, path)}: ${m[0]}`);
      }
    }
  };
  walk(dist);
  return found;
}

/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside every text asset of 1 KiB or more, which the
 * platform sends to browsers that accept them (libs/reporting/dashboard-http): nothing is
 * compressed on a request's path. Brotli quality 9: within 8% of the best (11) at a twentieth of
 * its time (measured on the ECharts chunk: 175 KB in 77 ms against 161 KB in 1.8 s).
 */
function precompress(dir) {
  let raw = 0;
  let brotli = 0;
  let files = 0;
  for (const entry of readdirSync(dir)) {
    if (!/\.(js|css|svg|json|ttf|map)$/.test(entry)) continue;
    const path = join(dir, entry);
    const bytes = readFileSync(path);
    if (bytes.length < 1024) continue;
    const br = brotliCompressSync(bytes, {
      params: { [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    writeFileSync(`${path}.br`, br);
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    raw += bytes.length;
    brotli += br.length;
    files++;
  }
  return `${files} assets precompressed, ${(raw / 1024 / 1024).toFixed(1)} MiB to ${(brotli / 1024 / 1024).toFixed(1)} MiB with brotli`;
}

const force = process.argv.includes('--force');
const newest = newestSource();
if (!force && existsSync(stamp) && existsSync(join(dist, 'index.html')) && statSync(stamp).mtimeMs > newest.mtimeMs) {
  say(`up to date (apps/dashboard/dist is newer than every source; --force to build anyway)`);
  process.exit(0);
}

say(force ? 'building (forced)' : `building: ${relative(root, newest.path)} changed since the last build`);
const started = Date.now();
// vite.config.ts is TypeScript in a CommonJS package: Vite bundles it to load it (its default), so its
// notice about a future native loader says nothing to act on here.
process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING ??= 'true';
// What is served is the production build, whatever NODE_ENV the caller has (Jest sets 'test', which
// would bundle React's development build: slower, and noisy in the console).
process.env.NODE_ENV = 'production';
const { build } = await import('vite');
try {
  await build({ configFile: join(app, 'vite.config.ts'), logLevel: 'warn', clearScreen: false });
} catch (error) {
  say(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const external = externalReferences();
if (external.length) {
  say(`FAILED: the built page refers to other hosts, which browsers on NHS networks may not reach:\n  ${external.join('\n  ')}`);
  process.exit(1);
}
const compressed = precompress(join(dist, 'assets'));
writeFileSync(stamp, `${new Date().toISOString()}\n`);
say(`built apps/dashboard/dist in ${((Date.now() - started) / 1000).toFixed(1)} s (${compressed})`);
