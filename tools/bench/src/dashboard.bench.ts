import { rmSync } from 'node:fs';
import type { Browser, Page, Request } from 'playwright-core';
import {
  BrowserErrors,
  UNLIMITED_READS,
  ensureDashboardBuilt,
  launchChromium,
  platformClient,
  seededDataDir,
  startPlatform,
  type PlatformProcess,
} from '@gpds/platform-testing';
import { pct, round } from './graphql.bench';
import { emit, machine, median, progress, writeSection } from './report';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
/** Requests the page keeps in flight at most (apps/dashboard/src/lib/graphql.ts): the baseline's queue too. */
const IN_FLIGHT = 3;
/** The issue's target for first contentful paint and for the overview's data. */
const TARGET_MS = 1_000;
/** What the README opens: England today. */
const PATH = '/';

/** One load of the overview, timed by the browser from the start of the navigation. */
interface Load {
  readonly fcpMs: number;
  readonly readyMs: number;
  /** Bytes over the network (HTTP cache hits count 0). */
  readonly transferredBytes: number;
  /** The GraphQL requests the page sent, as sent, in the order it sent them. */
  readonly requests: readonly Sent[];
  /** Scripts and stylesheets: when each was asked for and had arrived (ms from the navigation's start). */
  readonly assets: readonly { readonly name: string; readonly startedMs: number; readonly endedMs: number }[];
}

/** A GraphQL request the page sent: its body and when it started and ended (ms from the navigation's start). */
interface Sent {
  readonly body: string;
  readonly startedMs: number;
  readonly endedMs: number;
  /** The platform did not know the query's hash: the page sent the text next (the replay leaves this one out). */
  readonly notFound: boolean;
}

interface Row extends Record<string, unknown> {
  bench: 'dashboard';
  load: 'cold' | 'warm';
  runs: number;
  fcpP50Ms: number;
  fcpP95Ms: number;
  readyP50Ms: number;
  readyP95Ms: number;
  baselineP50Ms: number;
  baselineP95Ms: number;
  ratio: number;
  graphqlRequests: number;
  transferredKb: number;
}

/**
 * Runs in every document before its own scripts: notes (performance.now(), from the navigation's
 * start) the moment the overview's root says every panel is shown or has failed.
 */
function markOverviewReady(): void {
  const page = globalThis as unknown as {
    __gpdsOverviewReadyMs?: number;
    document: { querySelector(selector: string): unknown };
    performance: { now(): number };
    MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, unknown>): void; disconnect(): void };
  };
  const observer = new page.MutationObserver(() => {
    if (page.__gpdsOverviewReadyMs === undefined && page.document.querySelector('[data-overview-ready="true"]')) {
      page.__gpdsOverviewReadyMs = page.performance.now();
      observer.disconnect();
    }
  });
  observer.observe(page.document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-overview-ready'] });
}

/** Records the page's POSTs to /graphql from now on, with their timings as the browser saw them. */
function recordGraphql(page: Page): () => Promise<Sent[]> {
  const requests: Request[] = [];
  const listener = (request: Request): void => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') requests.push(request);
  };
  page.on('request', listener);
  return async () => {
    page.off('request', listener);
    return Promise.all(
      requests.map(async (request) => {
        const response = await request.response();
        const body = response ? await response.text() : '';
        const timing = request.timing();
        if (timing.responseEnd < 0) throw new Error(`the browser gave no timing for the request to ${request.url()}`);
        return {
          body: request.postData() ?? '',
          startedMs: timing.startTime,
          endedMs: timing.startTime + timing.responseEnd,
          notFound: body.includes('PERSISTED_QUERY_NOT_FOUND'),
        };
      }),
    );
  };
}

/** Navigates (or reloads) and waits for the overview: its paint and readiness as the page measured them. */
async function loadOverview(page: Page, url: string, errors: BrowserErrors, reload: boolean): Promise<Load> {
  const recorded = recordGraphql(page);
  if (reload) await page.reload();
  else await page.goto(url);
  const root = page.locator('.gpds-overview[data-overview-ready="true"]');
  await root.waitFor({ timeout: 60_000 });
  const failed = await root.getAttribute('data-panels-failed');
  if (failed !== '0') throw new Error(`the overview at ${url} had ${failed} failed panel(s): ${await root.locator('[data-state="error"]').allInnerTexts()}`);
  errors.assertNone(`loading ${url}`);
  const measured = await page.evaluate(() => {
    const window = globalThis as unknown as {
      __gpdsOverviewReadyMs?: number;
      performance: {
        timeOrigin: number;
        getEntriesByName(name: string): Array<{ startTime: number }>;
        getEntriesByType(type: string): Array<{ transferSize?: number }>;
      };
    };
    const entries = [...window.performance.getEntriesByType('navigation'), ...window.performance.getEntriesByType('resource')];
    return {
      timeOrigin: window.performance.timeOrigin,
      fcpMs: window.performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      readyMs: window.__gpdsOverviewReadyMs ?? null,
      transferredBytes: entries.reduce((sum, entry) => sum + (entry.transferSize ?? 0), 0),
      assets: window.performance
        .getEntriesByType('resource')
        .map((entry) => entry as unknown as { name: string; startTime: number; responseEnd: number })
        .filter((entry) => /\/assets\/.*\.(js|css)$/.test(entry.name))
        .map((entry) => ({ name: entry.name.replace(/^.*\/assets\//, ''), startedMs: entry.startTime, endedMs: entry.responseEnd })),
    };
  });
  if (measured.fcpMs === null || measured.readyMs === null)
    throw new Error(`the page did not report its first contentful paint or readiness: ${JSON.stringify(measured)}`);
  // The browser times requests from 1970: from the navigation's start, as everything else here.
  const requests = (await recorded())
    .map((r) => ({ ...r, startedMs: r.startedMs - measured.timeOrigin, endedMs: r.endedMs - measured.timeOrigin }))
    .sort((a, b) => a.startedMs - b.startedMs);
  return { fcpMs: measured.fcpMs, readyMs: measured.readyMs, transferredBytes: measured.transferredBytes, requests, assets: measured.assets };
}

/**
 * The baseline: the GraphQL requests the page sent, sent again straight from Node with fetch, as
 * the page's queue would: at most IN_FLIGHT at once, each started only once every request that had
 * ended before the page started it has ended here too (the organisation's answer before the
 * panels' questions, a freed slot before a queued request). Resolves with the time to the last answer.
 */
async function replay(url: string, key: string, sent: readonly Sent[]): Promise<number> {
  const requests = sent.filter((r) => !r.notFound);
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const slot = async (): Promise<void> => {
    if (inFlight < IN_FLIGHT) {
      inFlight++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const free = (): void => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  const started = performance.now();
  const done: Array<Promise<void>> = [];
  for (const request of requests) {
    // Requests are in the order the page started them: only those already here can have ended before this one started.
    const before = done.filter((_, i) => (requests[i]?.endedMs ?? Infinity) <= request.startedMs);
    done.push(
      (async () => {
        await Promise.all(before);
        await slot();
        try {
          const response = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json' },
            body: request.body,
          });
          const text = await response.text();
          if (!response.ok || text.includes('"errors"'))
            throw new Error(`the baseline's request ${request.body.slice(0, 200)} answered ${response.status}: ${text.slice(0, 300)}`);
        } finally {
          free();
        }
      })(),
    );
  }
  await Promise.all(done);
  return performance.now() - started;
}

/** One load in a fresh browser context (empty HTTP cache, nothing stored), then one reload in it (HTTP cache warm). */
async function coldAndWarm(browser: Browser, url: string, key: string): Promise<{ cold: Load; warm: Load }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  try {
    await context.addInitScript((apiKey: string) => {
      const page = globalThis as unknown as { location: { protocol: string }; sessionStorage: { setItem(name: string, value: string): void } };
      if (page.location.protocol.startsWith('http')) page.sessionStorage.setItem('gpds.apiKey', apiKey);
    }, key);
    await context.addInitScript(markOverviewReady);
    const errors = new BrowserErrors();
    const page = await errors.newPage(context);
    const cold = await loadOverview(page, url, errors, false);
    const warm = await loadOverview(page, url, errors, true);
    return { cold, warm };
  } finally {
    await context.close();
  }
}

/** A load's assets and GraphQL requests, one a line, in the order they started: where the time went. */
function timeline(load: Load): string {
  const name = (body: string): string => {
    try {
      return String((JSON.parse(body) as { operationName?: unknown }).operationName ?? 'anonymous');
    } catch {
      return 'unreadable body';
    }
  };
  const rows = [
    ...load.assets.map((a) => ({ what: a.name, startedMs: a.startedMs, endedMs: a.endedMs })),
    ...load.requests.map((r) => ({ what: `POST /graphql ${name(r.body)}${r.notFound ? ' (hash unknown)' : ''}`, startedMs: r.startedMs, endedMs: r.endedMs })),
  ].sort((a, b) => a.startedMs - b.startedMs);
  return [
    ...rows.map((r) => `  ${r.startedMs.toFixed(0).padStart(5)}-${r.endedMs.toFixed(0).padEnd(5)} ${r.what}`),
    `  FCP ${load.fcpMs.toFixed(0)}, ready ${load.readyMs.toFixed(0)}`,
  ].join('\n');
}

function summary(load: 'cold' | 'warm', loads: readonly Load[], baselines: readonly number[]): Row {
  const ready = loads.map((l) => l.readyMs);
  const row: Row = {
    bench: 'dashboard',
    load,
    runs: loads.length,
    fcpP50Ms: round(median(loads.map((l) => l.fcpMs))),
    fcpP95Ms: round(
      pct(
        loads.map((l) => l.fcpMs),
        95,
      ),
    ),
    readyP50Ms: round(median(ready)),
    readyP95Ms: round(pct(ready, 95)),
    baselineP50Ms: round(median(baselines)),
    baselineP95Ms: round(pct(baselines, 95)),
    ratio: round(median(ready) / median(baselines)),
    graphqlRequests: median(loads.map((l) => l.requests.filter((r) => !r.notFound).length)),
    transferredKb: round(median(loads.map((l) => l.transferredBytes)) / 1024),
  };
  emit(row);
  return row;
}

/**
 * `npm run bench -- dashboard`: the analysts' dashboard's overview (England, today: what the
 * README opens) in headless Debian chromium against the one-command platform with its demo data:
 * first contentful paint and the time until every panel is shown (`data-overview-ready`), both
 * from the start of the navigation as the browser measures them, cold (a fresh browser context:
 * empty HTTP cache) and warm (a reload in the same context), beside a baseline measured in the same
 * run: the GraphQL requests the page sent, sent straight from Node (see `replay`).
 */
export async function runDashboardBench(): Promise<void> {
  const [, browser] = await Promise.all([ensureDashboardBuilt(), launchChromium()]);
  const dataDir = await seededDataDir();
  let platform: PlatformProcess | null = null;
  try {
    progress(`starting the platform with its demo data in ${dataDir} (a few minutes)`);
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'on', ...UNLIMITED_READS }, 900_000);
    const client = platformClient(platform, dataDir);
    await client.caughtUp(300_000);
    const key = await client.createKey('ENG', 'analyst');
    const url = `${platform.url}${PATH}`;

    // The first load after the platform started: nothing cached anywhere (the platform's query caches, its persisted queries).
    const first = await coldAndWarm(browser, url, key);
    const firstRow = { bench: 'dashboard', load: 'first-after-start', fcpMs: round(first.cold.fcpMs), readyMs: round(first.cold.readyMs) };
    emit(firstRow);
    progress(`first load after start: FCP ${firstRow.fcpMs} ms, overview ready ${firstRow.readyMs} ms`);

    const loads: Record<'cold' | 'warm', Load[]> = { cold: [], warm: [] };
    const baselines: Record<'cold' | 'warm', number[]> = { cold: [], warm: [] };
    for (let run = 1; run <= RUNS; run++) {
      const { cold, warm } = await coldAndWarm(browser, url, key);
      for (const [kind, load] of [
        ['cold', cold],
        ['warm', warm],
      ] as const) {
        loads[kind].push(load);
        const baseline = await replay(platform.url, key, load.requests);
        baselines[kind].push(baseline);
        if (run === 1) progress(`run 1 ${kind}, what the page waited for:\n${timeline(load)}`);
        progress(
          `run ${run} ${kind}: FCP ${load.fcpMs.toFixed(0)} ms, overview ready ${load.readyMs.toFixed(0)} ms, its ${load.requests.length} GraphQL requests from Node ${baseline.toFixed(0)} ms`,
        );
      }
    }
    const rows = [summary('cold', loads.cold, baselines.cold), summary('warm', loads.warm, baselines.warm)];
    writeSection('dashboard', markdown(rows, firstRow, browser.version()));
  } finally {
    await browser.close();
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function markdown(rows: readonly Row[], first: { fcpMs: number; readyMs: number }, chromium: string): string {
  const lines = rows.map(
    (r) =>
      `| ${r.load} | ${r.fcpP50Ms} | ${r.fcpP95Ms} | ${r.readyP50Ms} | ${r.readyP95Ms} | ${r.baselineP50Ms} | ${r.baselineP95Ms} | ${r.ratio} | ${r.graphqlRequests} | ${r.transferredKb} |`,
  );
  const worst = Math.max(...rows.map((r) => Math.max(r.fcpP50Ms, r.readyP50Ms)));
  const verdict =
    worst < TARGET_MS
      ? `Met: every median is under ${TARGET_MS} ms.`
      : `Not met: the slowest median is ${worst} ms (cold and warm, first contentful paint and overview data must each be under ${TARGET_MS} ms).`;
  return `## Dashboard load (\`npm run bench -- dashboard\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, headless Chromium ${chromium} (Debian).
The analysts' dashboard's overview (England today, \`/\`: what the README opens), signed in with an
England analyst's key, on the one-command platform with its demo data (rate limits lifted:
\`UNLIMITED_READS\`; the page keeps ${IN_FLIGHT} requests in flight at most anyway). Times are from
the start of the navigation, as the browser measures them: **FCP** is the first contentful paint
(\`performance\` paint entry), **ready** the moment the overview's root says every panel is shown or
has failed (\`data-overview-ready\`; every panel was shown in every run). **Cold**: a fresh browser
context (empty HTTP cache, nothing stored); **warm**: a reload in the same context (static assets
from the HTTP cache; the page's answers are asked again). ${RUNS} runs of each, after a first
pair whose cold load is reported on its own below: the platform's caches are warm from it. The **baseline**, measured in the same
run: the GraphQL requests the page sent, sent again straight from Node with \`fetch\`, as its queue
sends them (at most ${IN_FLIGHT} at once; each once the requests that had ended before the page
started it have ended); \`ratio\` = ready p50 / baseline p50.${RUNS <= 20 ? ` With ${RUNS} runs, p95 is the slowest.` : ''}

| load | FCP p50 ms | FCP p95 ms | ready p50 ms | ready p95 ms | baseline p50 ms | baseline p95 ms | ratio | GraphQL requests | transferred KiB |
|---|---|---|---|---|---|---|---|---|---|
${lines.join('\n')}

The first load after the platform started (nothing cached anywhere, persisted queries unknown to
the platform): FCP ${first.fcpMs} ms, ready ${first.readyMs} ms.

Target (issue 15): first contentful paint and the overview's data in under ${TARGET_MS} ms. ${verdict}`;
}
