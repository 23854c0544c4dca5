import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import compression from 'compression';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isExplorerRequest } from './explorer-request';

/**
 * Where `npm run dashboard:build` writes the dashboard: `apps/dashboard/dist` of the repository.
 * Every process here runs from its TypeScript sources (@swc-node/register), so this file's own
 * directory says where the repository is, whatever the working directory.
 */
export const DASHBOARD_DIST_DIR = resolve(__dirname, '..', '..', '..', '..', 'apps', 'dashboard', 'dist');

/** The HTML pages: revalidated on every load, so a new build is seen at once (their asset names change with their content). */
const PAGE_HEADERS = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };

/**
 * The explorer talks to this origin only: the policy makes the browser refuse anything from
 * another host (a CDN font, a script), so the page works on networks that cannot reach one and
 * cannot quietly start depending on one. Monaco adds inline styles and runs its language services
 * in workers built beside it; its icon font is inlined as data.
 */
const EXPLORER_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The NHS CIS2 sign-in the page offers: everything a public client (PKCE, no secret) needs to
 * start the authorization-code flow, none of it secret. The issuer and the resource (the API's
 * token audience, sent as RFC 8707 `resource`) are the API's own OIDC settings, so the token the
 * page gets is one the API accepts.
 */
export interface DashboardSignIn {
  readonly issuer: string;
  readonly clientId: string;
  /** Space separated, e.g. `openid`. */
  readonly scopes: string;
  readonly resource: string;
}

/** What GET /dashboard/config.json answers: `{"oidc": null}` when only API keys are offered. */
export interface DashboardConfig {
  readonly oidc: DashboardSignIn | null;
}

/** The dashboard's routes as Express handlers (DashboardModule mounts them). */
export interface DashboardSite {
  /** GET / and /index.html: the dashboard's page. */
  readonly page: RequestHandler;
  /** GET /assets/*: the build's content-hashed files, cached for a year. */
  readonly assets: RequestHandler;
  /** GET /graphql: the explorer for a browser with no operation to send; any other request goes on to the GraphQL API. */
  readonly explorer: RequestHandler;
  /** GET /dashboard/config.json: the sign-in the page offers (DashboardConfig), revalidated on every load. */
  readonly config: RequestHandler;
}

/**
 * Serves a Vite build of the dashboard from `distDir`, gzip- or brotli-compressed as the browser
 * accepts (only here: the submission API's streamed answers are never buffered through a
 * compressor). Files are looked up on each request, so a build made while the process runs is
 * served at once, and a process started before any build says how to make one.
 */
export function dashboardSite(distDir: string, options: { readonly signIn?: DashboardSignIn | null } = {}): DashboardSite {
  // Every answer, however small: the pages are under compression's default threshold (1 kB), and
  // they are what a slow link waits for first.
  const compress = compression({ threshold: 0 });
  const assetFiles = express.static(join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false, redirect: false, fallthrough: true });
  const html = (file: string, headers: Record<string, string>) => (req: Request, res: Response, next: NextFunction) =>
    compress(req, res, () => sendPage(res, join(distDir, file), headers, next));
  const explorerPage = html('explorer.html', { ...PAGE_HEADERS, 'Content-Security-Policy': EXPLORER_POLICY });
  // Read once: the settings are fixed at start, and a changed one needs a restart to be checked anyway.
  const config = JSON.stringify({ oidc: options.signIn ?? null } satisfies DashboardConfig);
  return {
    page: html('index.html', PAGE_HEADERS),
    assets: (req, res, next) => {
      if (sendPrecompressed(join(distDir, 'assets'), req, res, next)) return;
      compress(req, res, () => serveAsset(assetFiles, req, res, next));
    },
    explorer: (req, res, next) => (isExplorerRequest(req.headers.accept, req.query as Record<string, unknown>) ? explorerPage(req, res, next) : next()),
    // no-cache: a sign-in switched on or off is seen on the next load, as a new build of the page is.
    config: (_req, res) => void res.status(200).set(PAGE_HEADERS).type('application/json').send(config),
  };
}

/**
 * Serves /assets/<file> from dist/assets. Nest mounts route middleware without stripping the
 * route's prefix (as `app.use` would), so it is stripped here: rooted at dist/assets, a path
 * climbing out of it (`/assets/%2e%2e/index.html`) is refused, never served as a year-long asset.
 */
function serveAsset(files: RequestHandler, req: Request, res: Response, next: NextFunction): void {
  const url = req.url;
  req.url = url.slice('/assets'.length);
  files(req, res, (error?: unknown) => {
    req.url = url;
    next(error);
  });
}

/** An asset's name as Vite writes them (flat, content-hashed): anything else is left to express.static. */
const ASSET_NAME = /^\/assets\/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css|svg|json|ttf|map))$/;

/** The compressed copies the build writes beside an asset (tools/scripts/build-dashboard.mjs), best first. */
const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * Sends the copy of an asset the build compressed ahead (brotli at its best quality, or gzip),
 * when the browser accepts one and it exists: no compression on the request's path, and smaller
 * files than compressing on the fly could afford. Returns false (nothing sent) otherwise: the
 * asset is then served as it is, compressed on the fly.
 */
function sendPrecompressed(assetsDir: string, req: Request, res: Response, next: NextFunction): boolean {
  const name = ASSET_NAME.exec(req.path)?.[1];
  if (!name) return false;
  // Ours first, whatever order the browser lists them in (Chromium says "gzip, deflate, br, zstd").
  const choice = PRECOMPRESSED.find((p) => req.acceptsEncodings(p.encoding) === p.encoding);
  if (!choice) return false;
  const file = join(assetsDir, name + choice.suffix);
  if (!existsSync(file)) return false;
  res.vary('Accept-Encoding');
  res.type(extname(name));
  res.sendFile(
    file,
    {
      cacheControl: false,
      lastModified: true,
      headers: {
        'Content-Encoding': choice.encoding,
        'Cache-Control': `public, max-age=${YEAR_SECONDS}, immutable`,
        'X-Content-Type-Options': 'nosniff',
      },
    },
    (error?: Error) => {
      if (error && !res.headersSent) next(error);
    },
  );
  return true;
}

/** Sends one of the build's HTML pages, or says the dashboard is not built yet and how to build it. */
function sendPage(res: Response, file: string, headers: Record<string, string>, next: NextFunction): void {
  if (!existsSync(file)) {
    notBuilt(res, file);
    return;
  }
  res.sendFile(file, { cacheControl: false, headers }, (error?: Error) => {
    // A browser that went away mid-answer is nothing to report; anything else is the platform's.
    if (error && !res.headersSent) next(error);
  });
}

/** 503 with a page a person reads: the build is missing, and the command that makes it. */
function notBuilt(res: Response, file: string): void {
  res
    .status(503)
    .set({ 'Cache-Control': 'no-store', 'Content-Type': 'text/html; charset=utf-8', 'X-Content-Type-Options': 'nosniff' })
    .send(
      [
        '<!doctype html>',
        '<html lang="en"><head><meta charset="utf-8"><title>Dashboard not built</title></head>',
        '<body><h1>The dashboard is not built</h1>',
        `<p>This process serves the dashboard from <code>${escapeHtml(file)}</code>, which does not exist yet.</p>`,
        '<p>Build it with <code>npm run dashboard:build</code> in the repository (<code>tools/bin/platform start</code> does this before it starts), then reload this page.</p>',
        '<p>The GraphQL API at <code>/graphql</code> and the submission API answer without it.</p>',
        '</body></html>',
      ].join('\n'),
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
