import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DashboardModule } from './dashboard.module';

// GET /dashboard/config.json over real HTTP, in a Nest application of its own: the sign-in the page
// offers, exactly as configured, or none; never cached past a reload, never mistaken for the page.

async function serve(module: ReturnType<typeof DashboardModule.register>): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [module] })
  class TestApp {}
  const app = await NestFactory.create(TestApp, { logger: false, bodyParser: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

const SIGN_IN = {
  issuer: 'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
  clientId: 'gpds-dashboard',
  scopes: 'openid profile',
  resource: 'https://gpds.example/graphql',
};

describe('GET /dashboard/config.json', () => {
  let dist: string;
  const apps: INestApplication[] = [];

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'gpds-dashboard-config-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Dashboard</title>');
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    rmSync(dist, { recursive: true, force: true });
  });

  async function config(signIn: typeof SIGN_IN | null | undefined): Promise<{ status: number; type: string | null; cache: string | null; body: unknown }> {
    const { app, url } = await serve(DashboardModule.register({ distDir: dist, ...(signIn === undefined ? {} : { signIn }) }));
    apps.push(app);
    const response = await fetch(`${url}/dashboard/config.json`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      cache: response.headers.get('cache-control'),
      body: await response.json(),
    };
  }

  it('names the provider, the public client, its scopes and the API as the resource when sign-in is configured', async () => {
    expect(await config(SIGN_IN)).toEqual({ status: 200, type: 'application/json; charset=utf-8', cache: 'no-cache', body: { oidc: SIGN_IN } });
  });

  it('answers {"oidc": null} when it is not (null, or left out)', async () => {
    expect(await config(null)).toMatchObject({ status: 200, cache: 'no-cache', body: { oidc: null } });
    expect(await config(undefined)).toMatchObject({ status: 200, body: { oidc: null } });
  });

  it('answers only GET at that path: the page is still the page', async () => {
    const { app, url } = await serve(DashboardModule.register({ distDir: dist, signIn: SIGN_IN }));
    apps.push(app);
    expect((await fetch(`${url}/dashboard/config.json`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/dashboard/other.json`)).status).toBe(404);
    expect(await (await fetch(`${url}/`)).text()).toContain('<title>Dashboard</title>');
  });
});
