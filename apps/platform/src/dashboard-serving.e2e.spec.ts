import { readdirSync, rmSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import {
  ensureDashboardBuilt,
  platformClient,
  practiceCommissioners,
  recordMaker,
  seededDataDir,
  startPlatform,
  type PlatformClient,
  type PlatformProcess,
} from '@gpds/platform-testing';

// The dashboard and the GraphQL explorer as the platform serves them from the real build, beside
// the APIs they must not disturb: what a browser gets at / and at /graphql (compressed, cached,
// typed), and what every client of /graphql, /v1/*, /health, /metrics and /openapi.json still gets.

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8';
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request with exactly these headers, its body as sent: fetch would decompress it and choose its own Accept-Encoding. */
function send(url: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The files under /assets/ a text (a page, a script, a style sheet) refers to, by the names the build gave them. */
function assetsNamedIn(text: string, built: readonly string[]): string[] {
  return built.filter((name) => text.includes(name));
}

/**
 * The explorer's page and every asset it loads, directly or through another asset (scripts
 * import chunks, start workers; style sheets load fonts), fetched over HTTP as a browser would.
 */
async function explorerAndAssets(url: string, built: readonly string[]): Promise<Map<string, Answer>> {
  const fetched = new Map<string, Answer>([['/graphql', await send(`${url}/graphql`, { accept: BROWSER })]]);
  const queue = assetsNamedIn(fetched.get('/graphql')!.body.toString(), built);
  while (queue.length > 0) {
    const name = queue.shift()!;
    const path = `/assets/${name}`;
    if (fetched.has(path)) continue;
    const asset = await send(`${url}${path}`);
    fetched.set(path, asset);
    if (/\.(js|css)$/.test(name)) queue.push(...assetsNamedIn(asset.body.toString(), built).filter((other) => !fetched.has(`/assets/${other}`)));
  }
  return fetched;
}

/**
 * Hosts the bundled libraries name in their code without ever loading anything from them: XML and
 * JSON Schema identifiers (namespaces, `$schema` ids: names, not addresses), links a person may
 * follow (GraphiQL's logo, Monaco's keyboard-shortcut pages, the GraphQL spec's scalar
 * descriptions) and documentation in error messages (React, Prettier, Monaco, yarn), and the
 * docs' own examples (127.0.0.1, in the example tabs' text). A new host fails the test: look
 * at what loads from it, and bundle it instead.
 */
const NAMED_NOT_LOADED = new Set([
  'www.w3.org',
  'json-schema.org',
  'github.com',
  'code.visualstudio.com',
  'react.dev',
  'prettier.io',
  'en.wikipedia.org',
  'commonmark.org',
  'microsoft.com',
  'yarnpkg.com',
  '127.0.0.1',
]);

/** The hosts a text names in URLs, outside licence comments (`/*! ... *\/`, `@license`). */
function hostsNamed(text: string): Set<string> {
  const withoutLicences = text.replace(/\/\*[!*][\s\S]*?\*\//g, (comment) => (/license|licence|copyright|\/\*!/i.test(comment) ? '' : comment));
  return new Set([...withoutLicences.matchAll(/https?:\/\/([A-Za-z0-9.-]+)/g)].map((match) => match[1]!));
}

describe('the dashboard and the GraphQL explorer, served by the platform', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let client: PlatformClient;
  let analyst: string;
  let built: string[];
  let pageAssets: string[];

  beforeAll(async () => {
    const dist = await ensureDashboardBuilt();
    built = readdirSync(join(dist, 'assets'));
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'off' }, 120_000);
    client = platformClient(platform, dataDir);
    analyst = await client.createKey('ENG', 'analyst');
    pageAssets = assetsNamedIn((await send(`${platform.url}/`)).body.toString(), built);
  }, 600_000);
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the dashboard at / and /index.html, revalidated on every load', async () => {
    for (const path of ['/', '/index.html']) {
      const page = await send(`${platform.url}${path}`, { accept: BROWSER });
      expect({ path, status: page.status, type: page.headers['content-type'], cache: page.headers['cache-control'] }).toEqual({
        path,
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-cache',
      });
      expect(page.body.toString()).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
    }
    expect(pageAssets.some((name) => name.endsWith('.js'))).toBe(true);
  });

  it('compresses with brotli when the browser accepts it, gzip when only that, and sends the same page either way', async () => {
    const plain = await send(`${platform.url}/`, { accept: BROWSER });
    const br = await send(`${platform.url}/`, { accept: BROWSER, 'accept-encoding': 'gzip, deflate, br, zstd' });
    const gzip = await send(`${platform.url}/`, { accept: BROWSER, 'accept-encoding': 'gzip, deflate' });
    expect([plain.headers['content-encoding'], br.headers['content-encoding'], gzip.headers['content-encoding']]).toEqual([undefined, 'br', 'gzip']);
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.body.toString());
    expect(gunzipSync(gzip.body).toString()).toBe(plain.body.toString());
    const script = pageAssets.find((name) => name.endsWith('.js'))!;
    const compressed = await send(`${platform.url}/assets/${script}`, { 'accept-encoding': 'br' });
    expect({
      encoding: compressed.headers['content-encoding'],
      smaller: compressed.body.length < Number((await send(`${platform.url}/assets/${script}`)).body.length),
    }).toEqual({
      encoding: 'br',
      smaller: true,
    });
  });

  it("serves the build's hashed assets with their types, cached for a year, and nothing the build did not make", async () => {
    const types: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, ttf: /^font\/ttf$/, woff2: /^font\/woff2$/, svg: /^image\/svg\+xml/ };
    const served = [...pageAssets, ...built.filter((name) => /\.(ttf|woff2|svg)$/.test(name)).slice(0, 3)];
    for (const name of served) {
      const asset = await send(`${platform.url}/assets/${name}`);
      const type = types[name.split('.').pop()!];
      expect({ name, status: asset.status, cache: asset.headers['cache-control'], type: type?.test(String(asset.headers['content-type'])) ?? true }).toEqual({
        name,
        status: 200,
        cache: IMMUTABLE,
        type: true,
      });
    }
    expect((await send(`${platform.url}/assets/not-built-00000000.js`)).status).toBe(404);
  });

  it('opens the explorer for a browser at GET /graphql: the bundled page, revalidated, confined to this origin', async () => {
    const explorer = await send(`${platform.url}/graphql`, { accept: BROWSER, 'accept-encoding': 'br' });
    expect({
      status: explorer.status,
      type: explorer.headers['content-type'],
      cache: explorer.headers['cache-control'],
      encoding: explorer.headers['content-encoding'],
    }).toEqual({ status: 200, type: 'text/html; charset=utf-8', cache: 'no-cache', encoding: 'br' });
    const html = brotliDecompressSync(explorer.body).toString();
    expect(html).toContain('<title>GraphQL explorer');
    expect(html).not.toMatch(/apollo|sandbox/i);
    expect(explorer.headers['content-security-policy']).toMatch(/default-src 'self'.*connect-src 'self'/);
  });

  it('loads nothing from another host: the explorer and every asset it loads name no host outside licence comments but identifiers and links', async () => {
    const files = await explorerAndAssets(platform.url, built);
    const paths = [...files.keys()];
    // The page, its script and style sheet, the editor's chunks and its three workers, its icon font.
    expect(paths.filter((path) => /worker/.test(path))).toHaveLength(3);
    expect(paths.some((path) => path.endsWith('.css'))).toBe(true);
    const hosts = new Map<string, string[]>();
    for (const [path, answer] of files) {
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      if (path !== '/graphql' && !/\.(js|css)$/.test(path)) continue;
      const text = answer.body.toString();
      if (path === '/graphql' || path.endsWith('.css')) {
        // Pages and style sheets load what they name: no address of another host at all.
        expect({ path, hosts: [...hostsNamed(text)] }).toEqual({ path, hosts: [] });
      }
      for (const host of hostsNamed(text)) hosts.set(host, [...(hosts.get(host) ?? []), path]);
    }
    const unexpected = [...hosts].filter(([host]) => !NAMED_NOT_LOADED.has(host));
    expect(unexpected).toEqual([]);
  });

  it('lets every GraphQL request through to the API: a GET query with the preflight header, and POSTs, as before', async () => {
    const query = encodeURIComponent('{ __typename organisation(code: "ENG") { name } }');
    const get = await send(`${platform.url}/graphql?query=${query}`, {
      accept: BROWSER,
      authorization: `Bearer ${analyst}`,
      'apollo-require-preflight': 'true',
    });
    expect({ status: get.status, type: get.headers['content-type'], body: JSON.parse(get.body.toString()) }).toEqual({
      status: 200,
      type: expect.stringMatching(/^application\/(graphql-response\+)?json/),
      body: { data: { __typename: 'Query', organisation: { name: 'England' } } },
    });
    const post = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json', accept: BROWSER },
      body: JSON.stringify({ query: '{ organisation(code: "ENG") { name } }' }),
    });
    expect({ status: post.status, body: await post.json() }).toEqual({ status: 200, body: { data: { organisation: { name: 'England' } } } });
    // GraphQL answers are not the dashboard's: never compressed here.
    const postBr = await send(
      `${platform.url}/graphql`,
      { authorization: `Bearer ${analyst}`, 'content-type': 'application/json', 'accept-encoding': 'br' },
      'POST',
      JSON.stringify({ query: '{ __typename }' }),
    );
    expect({ encoding: postBr.headers['content-encoding'], body: JSON.parse(postBr.body.toString()) }).toEqual({
      encoding: undefined,
      body: { data: { __typename: 'Query' } },
    });
  });

  it("answers the explorer's schema introspection (GraphiQL's query, as its fetcher sends it) within the API's limits", async () => {
    const answer = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: getIntrospectionQuery({ inputValueDeprecation: false, schemaDescription: false }), operationName: 'IntrospectionQuery' }),
    });
    const body = (await answer.json()) as { data?: IntrospectionQuery; errors?: unknown[] };
    expect({ status: answer.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    expect(buildClientSchema(body.data!).getQueryType()?.getFields()).toHaveProperty('utilisation');
  });

  it("still refuses what Apollo's CSRF prevention refuses, and answers clients that do not ask for HTML as the API", async () => {
    // A GET with a query but no preflight header, even from a browser: a simple request, refused.
    const simpleGet = await send(`${platform.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      accept: BROWSER,
      authorization: `Bearer ${analyst}`,
    });
    expect({ status: simpleGet.status, text: simpleGet.body.toString() }).toEqual({ status: 400, text: expect.stringMatching(/Cross-Site Request Forgery/) });
    // A form-encoded or text POST: a simple request, refused.
    const simplePost = await send(
      `${platform.url}/graphql`,
      { 'content-type': 'text/plain', authorization: `Bearer ${analyst}` },
      'POST',
      '{"query":"{ __typename }"}',
    );
    expect({ status: simplePost.status, text: simplePost.body.toString() }).toEqual({ status: 400, text: expect.stringMatching(/Cross-Site Request Forgery/) });
    // A client GET without a query and without asking for HTML: the API's answer, not a page.
    const bare = await send(`${platform.url}/graphql`, { accept: 'application/json', authorization: `Bearer ${analyst}`, 'apollo-require-preflight': 'true' });
    expect({ status: bare.status, body: JSON.parse(bare.body.toString()) }).toEqual({
      status: 400,
      body: { errors: [expect.objectContaining({ message: expect.stringMatching(/non-empty `query`/) })] },
    });
  });

  it('leaves /health, /metrics, /openapi.json and the submission API as they were', async () => {
    const health = await send(`${platform.url}/health`, { accept: BROWSER, 'accept-encoding': 'br' });
    expect({ status: health.status, encoding: health.headers['content-encoding'], ready: JSON.parse(health.body.toString()).ready }).toEqual({
      status: 200,
      encoding: undefined,
      ready: true,
    });
    const metrics = await send(`${platform.url}/metrics`, { accept: BROWSER, 'accept-encoding': 'br' });
    expect({ status: metrics.status, encoding: metrics.headers['content-encoding'], type: metrics.headers['content-type'] }).toEqual({
      status: 200,
      encoding: undefined,
      type: expect.stringMatching(/^text\/plain/),
    });
    expect(metrics.body.toString()).toContain('gpds_');
    const openapi = await send(`${platform.url}/openapi.json`, { accept: BROWSER, 'accept-encoding': 'br' });
    expect({ status: openapi.status, encoding: openapi.headers['content-encoding'], openapi: JSON.parse(openapi.body.toString()).openapi }).toEqual({
      status: 200,
      encoding: undefined,
      openapi: expect.stringMatching(/^3\./),
    });

    const [practice, commissioner] = [...practiceCommissioners('gp-reg-pat-prac-map_2025-10.csv')][0]!;
    const record = recordMaker('dashboard-serving-e2e');
    const submitted = await send(
      `${platform.url}/v1/submissions`,
      { authorization: `Bearer ${client.admin}`, 'content-type': 'application/json', 'accept-encoding': 'gzip, br' },
      'POST',
      JSON.stringify([
        record('BusinessContinuityPlanReviewed', '2025-11-03T10:00:00Z', {
          practiceCode: practice,
          reviewedBy: commissioner,
          outcome: 'APPROVED',
          covers: ['CYBER'],
        }),
      ]),
    );
    expect({ status: submitted.status, encoding: submitted.headers['content-encoding'] }).toEqual({ status: 200, encoding: undefined });
    expect(JSON.parse(submitted.body.toString())).toMatchObject({ results: [{ index: 0, status: 'accepted' }] });
    expect((await send(`${platform.url}/v1/submissions`, { accept: BROWSER })).status).not.toBe(200);
  });
});
