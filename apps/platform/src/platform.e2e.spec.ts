import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { runPlatformToExit, seededDataDir, startPlatform } from '@gpds/platform-testing';

interface Health {
  status: string;
  ready: boolean;
  notReady: string[];
  checks: {
    eventStore: { status: string; engine: string; head?: unknown; error?: string };
    referenceData: { status: string; practices?: number; error?: string };
  };
}

async function getHealth(url: string): Promise<{ status: number; body: Health }> {
  const response = await fetch(`${url}/health`);
  return { status: response.status, body: (await response.json()) as Health };
}

describe('the platform process on embedded stores', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await seededDataDir();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on PGlite under DATA_DIR, answers /health over HTTP, stops on Ctrl-C and resumes without migrating again', async () => {
    const first = await startPlatform({ DATA_DIR: dataDir });
    try {
      const health = await getHealth(first.url);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({
        status: 'ok',
        ready: true,
        notReady: [],
        checks: { eventStore: { status: 'up', engine: 'pglite' }, referenceData: { status: 'up', practices: 6543 } },
      });
      expect(first.output()).toContain('created the first admin API key');
      expect(statSync(join(dataDir, 'admin.key')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'platform.lock')).mode & 0o777).toBe(0o600);
    } finally {
      expect(await first.stop('SIGINT')).toBe(0);
    }
    expect(() => statSync(join(dataDir, 'platform.lock'))).toThrow();

    const second = await startPlatform({ DATA_DIR: dataDir });
    try {
      expect((await getHealth(second.url)).status).toBe(200);
      expect(second.output()).not.toContain('event store schema migrated');
      expect(second.output()).not.toContain('created the first admin API key');
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  });

  it('imports the organisation hierarchy on first start, and only then', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpds-platform-'));
    const first = await startPlatform({ DATA_DIR: dataDir, REFERENCE_IMPORT: 'on' }, 120_000);
    try {
      expect(first.output()).toContain('organisation hierarchy: imported gp-reg-pat-prac-map_2022-01.csv');
      expect(first.output()).toContain('organisation hierarchy: imported gp-reg-pat-prac-map_2025-10.csv');
      expect(first.output()).toMatch(/"practicesReparented":46,"practicesChangingRegion":14,"newPractices":16,"closedPractices":341/);
    } finally {
      await first.stop();
    }
    const second = await startPlatform({ DATA_DIR: dataDir, REFERENCE_IMPORT: 'on' });
    try {
      expect(second.output()).toContain('organisation hierarchy: gp-reg-pat-prac-map_2025-10.csv already imported');
      expect(second.output()).not.toContain('organisation hierarchy: imported');
    } finally {
      await second.stop();
    }
  });

  it('refuses a second platform on the same DATA_DIR with a clear message', async () => {
    const running = await startPlatform({ DATA_DIR: dataDir });
    try {
      const second = await runPlatformToExit({ DATA_DIR: dataDir });
      expect(second.code).toBe(1);
      expect(second.output).toContain(`is in use by another platform process (pid ${running.child.pid})`);
      expect((await getHealth(running.url)).status).toBe(200);
    } finally {
      await running.stop();
    }
  });

  it('takes over a lock left by a killed platform', async () => {
    const killed = await startPlatform({ DATA_DIR: dataDir });
    await killed.stop('SIGKILL');
    const next = await startPlatform({ DATA_DIR: dataDir });
    try {
      expect((await getHealth(next.url)).body.ready).toBe(true);
    } finally {
      await next.stop();
    }
  });

  it('stops at start-up on a wrong setting, naming the variable', async () => {
    const result = await runPlatformToExit({ DATA_DIR: dataDir, PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.output).toContain("PORT: 'eighty' is not a port number");
  });
});

describe('the platform process against the PostgreSQL server', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await postgresServer.create('platform');
  });
  afterEach(async () => {
    await database.dispose();
  });

  it('uses EVENT_STORE_URL, and reports not-ready naming the event store when the database goes away', async () => {
    if (database.connection.kind !== 'postgres') throw new Error('expected a server database');
    const platform = await startPlatform({ EVENT_STORE_URL: database.connection.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'gpds-server-')) });
    try {
      const up = await getHealth(platform.url);
      // No hierarchy imported in this database: not ready, and the answer says why.
      expect(up.status).toBe(503);
      expect(up.body.notReady).toEqual(['referenceData']);
      expect(up.body.checks.referenceData.error).toMatch(/import the ODS mapping files/);
      expect(up.body.checks.eventStore).toMatchObject({ status: 'up', engine: 'postgres' });
      await database.dispose(); // DROP DATABASE ... WITH (FORCE): the store's connections die
      const down = await getHealth(platform.url);
      expect(down.status).toBe(503);
      // The projector cannot tell its lag without the store either.
      expect(down.body).toMatchObject({
        status: 'not-ready',
        ready: false,
        notReady: ['eventStore', 'referenceData', 'projections'],
        checks: { eventStore: { status: 'down' } },
      });
      expect(down.body.checks.eventStore.error).toMatch(/database .* does not exist|terminat/i);
      expect(platform.child.exitCode).toBeNull(); // still serving
    } finally {
      await platform.stop();
    }
  });

  it('fails to start with what to check when the server cannot be reached', async () => {
    const result = await runPlatformToExit({ EVENT_STORE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('check that PostgreSQL is running and EVENT_STORE_URL is right');
  });
});
