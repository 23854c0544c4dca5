import { rmSync } from 'node:fs';
import { GraphQLClient } from 'graphql-request';
import { ApiKeyStore } from '@gpds/access-api-keys';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { ensureDashboardBuilt, platformClient, runPlatformToExit, seededDataDir, startPlatform, startProcess } from '@gpds/platform-testing';

// The GraphQL API as a process of its own (npm run api), on the event store server and the
// analytics store the platform's projector filled. Without a ClickHouse server here, the analytics
// store is the embedded one, so the API runs once the platform has stopped; with CLICKHOUSE_URL the
// same process runs beside the platform and the projector.
describe('the GraphQL API process (npm run api)', () => {
  let database: TestDatabase;
  const storeUrl = (): string => (database.connection.kind === 'postgres' ? database.connection.url : '');
  let dataDir: string;
  let analystKey: string;

  beforeAll(async () => {
    database = await postgresServer.create('api');
    dataDir = await seededDataDir();
    // The platform on the PostgreSQL server: it imports the hierarchy and projects it.
    const platform = await startPlatform({ DATA_DIR: dataDir, EVENT_STORE_URL: storeUrl(), REFERENCE_IMPORT: 'on' }, 180_000);
    try {
      analystKey = await platformClient(platform, dataDir).createKey('ENG', 'analyst');
      for (let i = 0; i < 600; i++) {
        const health = (await (await fetch(`${platform.url}/health`)).json()) as { checks: { projections?: { caughtUp?: boolean } } };
        if (health.checks.projections?.caughtUp) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Only one process can hold the embedded analytics store: the API says so clearly.
      const refused = await runPlatformToExit({ DATA_DIR: dataDir, EVENT_STORE_URL: storeUrl() }, 60_000, 'apps/api/src/main.ts');
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(/Another process is using the embedded analytics store/);
    } finally {
      await platform.stop();
    }
  }, 300_000);
  afterAll(async () => {
    await database?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers GraphQL with the keys of the event store and the data the projector wrote, and stops cleanly', async () => {
    const api = await startProcess('apps/api/src/main.ts', 'GraphQL API listening', { DATA_DIR: dataDir, EVENT_STORE_URL: storeUrl() });
    try {
      expect(api.output()).toContain(`${api.url}/graphql`);
      const health = await fetch(`${api.url}/health`);
      expect(health.status).toBe(200);
      const client = new GraphQLClient(`${api.url}/graphql`, { headers: { authorization: `Bearer ${analystKey}` } });
      const answer = await client.request<{ organisation: { name: string; children: { totalCount: number } } }>(
        '{ organisation(code: "Y63") { name children { totalCount } } }',
      );
      expect(answer.organisation.name).toBe('North East and Yorkshire');
      expect(answer.organisation.children.totalCount).toBeGreaterThan(0);
      const anonymous = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ organisation(code: \\"ENG\\") { name } }"}',
      });
      expect(anonymous.status).toBe(401);
    } finally {
      expect(await api.stop('SIGTERM')).toBe(0);
    }
  });

  it('serves the dashboard at / and the GraphQL explorer to a browser at GET /graphql, as the platform does', async () => {
    await ensureDashboardBuilt();
    const api = await startProcess('apps/api/src/main.ts', 'GraphQL API listening', { DATA_DIR: dataDir, EVENT_STORE_URL: storeUrl() });
    try {
      const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
      const page = await fetch(`${api.url}/`, { headers: browser });
      expect({ status: page.status, type: page.headers.get('content-type'), cache: page.headers.get('cache-control') }).toEqual({
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-cache',
      });
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
      const asset = await fetch(`${api.url}${script}`);
      expect({ status: asset.status, cache: asset.headers.get('cache-control') }).toEqual({ status: 200, cache: 'public, max-age=31536000, immutable' });
      const explorer = await fetch(`${api.url}/graphql`, { headers: browser });
      expect({ status: explorer.status, type: explorer.headers.get('content-type') }).toEqual({ status: 200, type: 'text/html; charset=utf-8' });
      expect(await explorer.text()).toContain('<title>GraphQL explorer');
      const query = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { ...browser, authorization: `Bearer ${analystKey}`, 'apollo-require-preflight': 'true' },
      });
      expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      expect(await api.stop('SIGTERM')).toBe(0);
    }
  });

  it('stops trusting a key revoked by another process within API_KEY_CACHE_MS', async () => {
    // The key is made and revoked straight in the event store's database, as the platform or the CLI elsewhere would.
    const created = await database.asOwner((db) => new ApiKeyStore(db).create('ENG', 'analyst', 'api-e2e'));
    const api = await startProcess('apps/api/src/main.ts', 'GraphQL API listening', {
      DATA_DIR: dataDir,
      EVENT_STORE_URL: storeUrl(),
      API_KEY_CACHE_MS: '1000',
    });
    try {
      const ask = () =>
        fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' },
          body: '{"query":"{ organisation(code: \\"ENG\\") { name } }"}',
        });
      const trusted = await ask();
      expect({ status: trusted.status, body: await trusted.json() }).toEqual({ status: 200, body: { data: { organisation: { name: 'England' } } } }); // now in the API's cache
      expect(await database.asOwner((db) => new ApiKeyStore(db).revoke(created.principal.keyId))).toBe(true);
      // Polled until refused: at most the cache time (plus a request), never the 5 s default.
      const revokedAt = Date.now();
      let refused: Response | null = null;
      while (!refused && Date.now() - revokedAt < 5_000) {
        const answer = await ask();
        if (answer.status !== 200) refused = answer;
        else await answer.text().then(() => new Promise((resolve) => setTimeout(resolve, 100)));
      }
      expect({ status: refused?.status, withinMs: Date.now() - revokedAt < 3_000 }).toEqual({ status: 401, withinMs: true });
      expect(((await refused!.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> }).errors[0]).toMatchObject({
        message: expect.stringMatching(/revoked/),
        extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_API_KEY' },
      });
    } finally {
      expect(await api.stop('SIGTERM')).toBe(0);
    }
  });
});
