import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DashboardModule } from './dashboard.module';

// The module in a Nest application of its own over real HTTP, serving a build written here: what
// it serves and how (cache, compression, types), what it leaves to the routes beside it, and what
// it says before the dashboard is built. The platform's e2e test serves the real build beside the
// real GraphQL API.

/** Stands in for the routes the platform has beside the dashboard, to show they are still reached. */
@Controller()
class NeighbourRoutes {
  @Get('graphql') graphqlGet(): { reached: string } {
    return { reached: 'GET /graphql' };
  }
  @Post('graphql') graphqlPost(): { reached: string } {
    return { reached: 'POST /graphql' };
  }
  @Get('health') health(): { reached: string } {
    return { reached: 'GET /health' };
  }
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET with exactly these headers, its body as sent (fetch would decompress it and add its own Accept-Encoding). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const SCRIPT = `console.log(${JSON.stringify('the dashboard '.repeat(400))});\n`;
const CHART_SCRIPT = `console.log(${JSON.stringify('the charts '.repeat(400))});\n`;

async function serve(module: ReturnType<typeof DashboardModule.register>): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [module], controllers: [NeighbourRoutes] })
  class TestApp {}
  const app = await NestFactory.create(TestApp, { logger: false, bodyParser: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

describe('DashboardModule', () => {
  let dist: string;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'gpds-dashboard-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), `<!doctype html><title>Dashboard</title><script type="module" src="/assets/index-AbC123.js"></script>`);
    writeFileSync(join(dist, 'explorer.html'), `<!doctype html><title>GraphQL explorer</title>${'<!-- padding -->'.repeat(100)}`);
    writeFileSync(join(dist, 'assets', 'index-AbC123.js'), SCRIPT);
    writeFileSync(join(dist, 'assets', 'index-AbC123.css'), 'body { color: #212b32; }\n'.repeat(100));
    writeFileSync(join(dist, 'assets', 'frutiger-XyZ.woff2'), Buffer.alloc(4096, 7));
    // A chunk the build compressed ahead (tools/scripts/build-dashboard.mjs): the copies say which one was sent.
    writeFileSync(join(dist, 'assets', 'charts-Pre123.js'), CHART_SCRIPT);
    writeFileSync(join(dist, 'assets', 'charts-Pre123.js.br'), brotliCompressSync(`${CHART_SCRIPT}// from .br\n`));
    writeFileSync(join(dist, 'assets', 'charts-Pre123.js.gz'), gzipSync(`${CHART_SCRIPT}// from .gz\n`));
    ({ app, url } = await serve(DashboardModule.register({ distDir: dist })));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves the page at / and /index.html, revalidated on every load', async () => {
    for (const path of ['/', '/index.html']) {
      const page = await rawGet(`${url}${path}`, { accept: BROWSER });
      expect({ path, status: page.status, type: page.headers['content-type'], cache: page.headers['cache-control'] }).toEqual({
        path,
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-cache',
      });
      expect(page.body.toString()).toContain('<title>Dashboard</title>');
    }
  });

  it('answers a revalidation with 304 when the page has not changed', async () => {
    const first = await rawGet(`${url}/`);
    const again = await rawGet(`${url}/`, { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets with their content types, cached for a year and never revalidated', async () => {
    const cases = [
      ['/assets/index-AbC123.js', /^text\/javascript/],
      ['/assets/index-AbC123.css', /^text\/css/],
      ['/assets/frutiger-XyZ.woff2', /^font\/woff2$/],
    ] as const;
    for (const [path, type] of cases) {
      const asset = await rawGet(`${url}${path}`);
      expect({ path, status: asset.status, cache: asset.headers['cache-control'] }).toEqual({
        path,
        status: 200,
        cache: 'public, max-age=31536000, immutable',
      });
      expect(asset.headers['content-type']).toMatch(type);
    }
    expect((await rawGet(`${url}/assets/missing-000.js`)).status).toBe(404);
    // Sent as written (a URL object would resolve the dots first): a path climbing out of dist/assets.
    const climbing = await new Promise<number>((resolve, reject) =>
      get(`${url}/`, { path: '/assets/%2e%2e/index.html' }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject),
    );
    expect(climbing).not.toBe(200);
  });

  it('compresses with brotli when the browser accepts it, else gzip, and leaves fonts as they are', async () => {
    const br = await rawGet(`${url}/assets/index-AbC123.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    const gzip = await rawGet(`${url}/assets/index-AbC123.js`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(SCRIPT);
    const plain = await rawGet(`${url}/assets/index-AbC123.js`);
    expect({ encoding: plain.headers['content-encoding'], body: plain.body.toString() }).toEqual({ encoding: undefined, body: SCRIPT });
    const page = await rawGet(`${url}/graphql`, { accept: BROWSER, 'accept-encoding': 'br' });
    expect(page.headers['content-encoding']).toBe('br');
    const font = await rawGet(`${url}/assets/frutiger-XyZ.woff2`, { 'accept-encoding': 'br' });
    expect(font.headers['content-encoding']).toBeUndefined();
  });

  it("sends the build's precompressed copy of an asset when the browser accepts it, with the asset's type and cache headers", async () => {
    const headersOf = (answer: RawAnswer) => ({
      status: answer.status,
      type: answer.headers['content-type'],
      encoding: answer.headers['content-encoding'],
      vary: answer.headers['vary'],
      cache: answer.headers['cache-control'],
    });
    const br = await rawGet(`${url}/assets/charts-Pre123.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(headersOf(br)).toEqual({
      status: 200,
      type: expect.stringMatching(/^(text|application)\/javascript/),
      encoding: 'br',
      vary: 'Accept-Encoding',
      cache: 'public, max-age=31536000, immutable',
    });
    expect(brotliDecompressSync(br.body).toString()).toBe(`${CHART_SCRIPT}// from .br\n`);
    const gzip = await rawGet(`${url}/assets/charts-Pre123.js`, { 'accept-encoding': 'gzip;q=1, br;q=0' });
    expect(headersOf(gzip)).toMatchObject({ status: 200, encoding: 'gzip' });
    expect(gunzipSync(gzip.body).toString()).toBe(`${CHART_SCRIPT}// from .gz\n`);
    const plain = await rawGet(`${url}/assets/charts-Pre123.js`);
    expect({ encoding: plain.headers['content-encoding'], body: plain.body.toString() }).toEqual({ encoding: undefined, body: CHART_SCRIPT });
    const head = await new Promise<number>((resolve, reject) =>
      get(`${url}/assets/charts-Pre123.js`, { method: 'HEAD', headers: { 'accept-encoding': 'br' } }, (res) => resolve(res.resume().statusCode ?? 0)).on(
        'error',
        reject,
      ),
    );
    expect(head).toBe(200);
    // The copies are not assets of their own names' types, and a name outside the build's pattern is left to express.static.
    expect((await rawGet(`${url}/assets/charts-Pre123.js.br`)).headers['content-encoding']).toBeUndefined();
    expect((await rawGet(`${url}/assets/..%2findex.html`, { 'accept-encoding': 'br' })).status).not.toBe(200);
  });

  it('opens the explorer for a browser at GET /graphql, confined to this origin, and passes every other request on', async () => {
    const explorer = await rawGet(`${url}/graphql`, { accept: BROWSER });
    expect({ status: explorer.status, type: explorer.headers['content-type'], cache: explorer.headers['cache-control'] }).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      cache: 'no-cache',
    });
    expect(explorer.body.toString()).toContain('<title>GraphQL explorer</title>');
    expect(explorer.headers['content-security-policy']).toMatch(/default-src 'self'.*connect-src 'self'/);

    const withQuery = await rawGet(`${url}/graphql?query=%7B__typename%7D`, { accept: BROWSER });
    expect(JSON.parse(withQuery.body.toString())).toEqual({ reached: 'GET /graphql' });
    const client = await rawGet(`${url}/graphql`, { accept: 'application/json' });
    expect(JSON.parse(client.body.toString())).toEqual({ reached: 'GET /graphql' });
    const post = await fetch(`${url}/graphql`, { method: 'POST', headers: { accept: BROWSER } });
    expect(await post.json()).toEqual({ reached: 'POST /graphql' });
    const health = await rawGet(`${url}/health`, { accept: BROWSER });
    expect(JSON.parse(health.body.toString())).toEqual({ reached: 'GET /health' });
    // Only GET and HEAD are the dashboard's: nothing else is answered at its paths.
    expect((await fetch(`${url}/`, { method: 'POST' })).status).toBe(404);
  });

  it('before the dashboard is built, says so at / and at the explorer, and how to build it', async () => {
    const missing = join(dist, 'not-built');
    const { app: unbuilt, url: unbuiltUrl } = await serve(DashboardModule.register({ distDir: missing }));
    try {
      for (const path of ['/', '/graphql']) {
        const page = await rawGet(`${unbuiltUrl}${path}`, { accept: BROWSER });
        expect({ path, status: page.status, type: page.headers['content-type'], cache: page.headers['cache-control'] }).toEqual({
          path,
          status: 503,
          type: 'text/html; charset=utf-8',
          cache: 'no-store',
        });
        expect(page.body.toString()).toContain('npm run dashboard:build');
        expect(page.body.toString()).toContain(missing);
      }
      expect((await rawGet(`${unbuiltUrl}/assets/index-AbC123.js`)).status).toBe(404);
    } finally {
      await unbuilt.close();
    }
  });

  it('leaves GET /graphql to the API where this process serves no explorer', async () => {
    const { app: apiOnly, url: apiUrl } = await serve(DashboardModule.register({ distDir: dist, explorer: false }));
    try {
      const answer = await rawGet(`${apiUrl}/graphql`, { accept: BROWSER });
      expect(JSON.parse(answer.body.toString())).toEqual({ reached: 'GET /graphql' });
      expect((await rawGet(`${apiUrl}/`, { accept: BROWSER })).status).toBe(200);
    } finally {
      await apiOnly.close();
    }
  });
});
