import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { GraphQLClient } from 'graphql-request';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  BrowserErrors,
  LoopbackOidcProvider,
  cis2Role,
  ensureDashboardBuilt,
  launchChromium,
  platformClient,
  runPlatformToExit,
  seededDataDir,
  startPlatform,
  type PlatformProcess,
} from '@gpds/platform-testing';

// NHS CIS2 sign-in in the analysts' dashboard, as a person uses it: Debian's chromium driven by
// playwright-core, a real OpenID Connect provider on loopback (oidc-provider, shaped like CIS2:
// the dashboard a public client with PKCE, the access token a JWT for the API's audience carrying
// `nhsid_nrbac_roles`), and the one-command platform with its demo data and OIDC configured. The
// page runs the whole authorization-code flow itself (oauth4webapi): discovery, the provider's
// login page, the code exchanged from the browser (CORS from the registered origin), the token
// checked with `me`, the figures read with it. Any console error or uncaught page error fails the
// test it happened in (one test expects exactly one: the platform's 403 for a role it does not
// map, which Chromium logs as a failed load). Screenshots go to tmp/dashboard-screenshots/.

const WORKSPACE = join(__dirname, '..', '..', '..');
const SCREENSHOTS = join(WORKSPACE, 'tmp', 'dashboard-screenshots');

const AUDIENCE = 'https://gpds.test/graphql';
const CLIENT_ID = 'gpds-dashboard';
const OIDC_ROLE_MAP = 'R8000=analyst,R8008=admin';
/** A day every panel has figures for (the demo's synthetic facts run from 2021). */
const DAY = '2025-12-31';
/** The ICB of the demo's late commissioner return: the ICB-scoped person's. */
const ICB = 'QU9';
const ANALYST_ROLE = 'S8000:G8000:R8000';

/** The people of the loopback provider: an England analyst, an ICB analyst, a receptionist (no role the platform maps), a short session. */
const PEOPLE = {
  'nell.national': { name: 'Nell National', roles: [cis2Role('X24', ANALYST_ROLE)] },
  'ada.analyst': { name: 'Ada Analyst', roles: [cis2Role(ICB, ANALYST_ROLE, ['B0360'])] },
  'rory.receptionist': { name: 'Rory Receptionist', roles: [cis2Role('A81001', 'S8002:G8003:R8009', ['B0264'])] },
  'sam.short': { name: 'Sam Short', roles: [cis2Role('X24', ANALYST_ROLE)] },
} as const;
/** Sam's tokens live this long: the page must sign the tab out when they expire. */
const SHORT_TTL_SECONDS = 12;

const COUNTS = 'compliant nonCompliant unknown evaluated';

/** The little of the DOM the functions run in the page use: this repository's TypeScript has no DOM library. */
interface DomWindow {
  readonly location: { readonly protocol: string };
  readonly sessionStorage: { readonly length: number; key(index: number): string | null; getItem(name: string): string | null };
  readonly localStorage: { readonly length: number };
}

/** A free loopback port: the dashboard's redirect URI is registered with the provider before the platform starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** An element's text as read on the screen, on one line. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** A figure as the page writes it ("6,202"), as a number. */
function figure(text: string): number {
  const match = /^-?[\d,]+/.exec(text.trim());
  if (!match) throw new Error(`'${text}' does not start with a figure`);
  return Number(match[0].replace(/,/g, ''));
}

/** What the tab keeps: every sessionStorage entry, and how many localStorage has (none, ever). */
async function tabStorage(page: Page): Promise<{ session: Record<string, string>; localEntries: number }> {
  return page.evaluate(() => {
    const tab = globalThis as unknown as DomWindow;
    const session: Record<string, string> = {};
    for (let i = 0; i < tab.sessionStorage.length; i++) {
      const name = tab.sessionStorage.key(i);
      if (name !== null) session[name] = tab.sessionStorage.getItem(name) ?? '';
    }
    return { session, localEntries: tab.localStorage.length };
  });
}

/** The claims of a JWT (read, not verified: the platform verifies it). */
function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('NHS CIS2 sign-in in the dashboard, in a real browser, against a loopback provider and the platform with demo data', () => {
  let provider: LoopbackOidcProvider;
  let platform: PlatformProcess;
  let dataDir: string;
  let browser: Browser;
  let analyst: GraphQLClient;
  let origin: string;
  const errors = new BrowserErrors();
  let context: BrowserContext | null = null;

  /** A fresh browser context (nothing stored, nothing cached, no provider session) at `path` of the platform. */
  async function open(path: string): Promise<Page> {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
    const page = await errors.newPage(context);
    await page.goto(`${origin}${path}`);
    return page;
  }

  /** Clicks "Sign in with NHS CIS2", waits for the provider's login page, and resolves with the authorization request's parameters. */
  async function toProvider(page: Page): Promise<URLSearchParams> {
    const authorization = page.waitForRequest((request) => request.url().startsWith(`${provider.issuer}/auth?`));
    await page.getByRole('button', { name: 'Sign in with NHS CIS2', exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(`${provider.issuer}/interaction/`), { timeout: 30_000 });
    return new URL((await authorization).url()).searchParams;
  }

  /** Signs in at the provider's login page as `person`, and waits to be back at the dashboard. */
  async function signInAtProvider(page: Page, person: keyof typeof PEOPLE): Promise<void> {
    await page.getByLabel('User name').fill(person);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.origin === origin, { timeout: 30_000 });
  }

  async function overviewReady(page: Page, org: string, asOf: string): Promise<Locator> {
    const root = page.locator(`.gpds-overview[data-org="${org}"][data-as-of="${asOf}"]:not([data-known-at])[data-overview-ready="true"]`);
    await root.waitFor({ timeout: 60_000 });
    return root;
  }

  async function expectNoPanelFailed(root: Locator): Promise<void> {
    expect(await root.locator('[data-panel][data-state="error"]').count()).toBe(0);
    expect(await root.getAttribute('data-panels-failed')).toBe('0');
  }

  async function signInProblem(page: Page): Promise<{ title: string; text: string }> {
    const summary = page.getByTestId('sign-in-problem');
    await summary.waitFor({ timeout: 30_000 });
    return { title: await textOf(summary.locator('h2')), text: await textOf(summary.locator('p')) };
  }

  beforeAll(async () => {
    // oidc-provider warns that its in-memory store and default lifetimes are for development: true, and only noise here.
    for (const level of ['warn', 'info'] as const) {
      const original = console[level].bind(console);
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        if (!/^oidc-provider (WARNING|NOTICE)/.test(String(args[0]))) original(...args);
      });
    }
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    provider = await LoopbackOidcProvider.start(
      {},
      {
        publicClients: { [CLIENT_ID]: { redirectUris: [`${origin}/`] } },
        accounts: Object.fromEntries(
          Object.entries(PEOPLE).map(([id, person]) => [
            id,
            { claims: () => ({ name: person.name, nhsid_nrbac_roles: person.roles }), ...(id === 'sam.short' ? { ttlSeconds: SHORT_TTL_SECONDS } : {}) },
          ]),
        ),
      },
    );
    const [, launched] = await Promise.all([ensureDashboardBuilt(), launchChromium()]);
    browser = launched;
    dataDir = await seededDataDir();
    platform = await startPlatform(
      {
        DATA_DIR: dataDir,
        DEMO_DATA: 'on',
        PORT: String(port),
        OIDC_ISSUER: provider.issuer,
        OIDC_AUDIENCE: AUDIENCE,
        OIDC_ROLE_MAP,
        DASHBOARD_OIDC_CLIENT_ID: CLIENT_ID,
      },
      600_000,
    );
    expect(platform.url).toBe(origin);
    const client = platformClient(platform, dataDir);
    analyst = client.graphql(await client.createKey('ENG', 'analyst'));
    // The demo data was appended before the platform listened; the projector catches up within seconds.
    await client.caughtUp(120_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 900_000);

  afterEach(async () => {
    await context?.close();
    context = null;
    errors.assertNone(`running "${expect.getState().currentTestName ?? 'a test'}"`);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await provider?.stop();
    jest.restoreAllMocks();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the provider, the public client and the API as the resource at /dashboard/config.json, and offers both sign-ins', async () => {
    const config = await fetch(`${origin}/dashboard/config.json`);
    expect(config.headers.get('cache-control')).toBe('no-cache');
    expect(await config.json()).toEqual({ oidc: { issuer: provider.issuer, clientId: CLIENT_ID, scopes: 'openid', resource: AUDIENCE } });

    const page = await open('/');
    await page.getByRole('button', { name: 'Sign in with NHS CIS2', exact: true }).waitFor();
    await expect(page.getByLabel('API key').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-oidc.png'), fullPage: true });
  });

  it('signs an England analyst in at NHS CIS2 and back to the view they were on, says so in the header, loads the figures, and signs out', async () => {
    const page = await open(`/?org=ENG&asOf=${DAY}&measure=compliance`);
    // The authorization request: a public client with PKCE (S256), the API as the resource, a state, back to the page's own address.
    const asked = await toProvider(page);
    expect(Object.fromEntries([...asked].filter(([name]) => !['state', 'code_challenge'].includes(name)))).toEqual({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${origin}/`,
      scope: 'openid',
      resource: AUDIENCE,
      code_challenge_method: 'S256',
    });
    expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(asked.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    await signInAtProvider(page, 'nell.national');
    const root = await overviewReady(page, 'ENG', DAY);
    await expectNoPanelFailed(root);
    // The view restored, the code and state gone from the address.
    expect(new URL(page.url()).search).toBe(`?org=ENG&asOf=${DAY}&measure=compliance`);
    await expect(textOf(page.getByTestId('signed-in-as'))).resolves.toBe('Signed in with NHS CIS2 as Nell National (analyst, scope England (ENG))');
    await expect(textOf(page.getByTestId('visibility'))).resolves.toBe('You see everything, as an England analyst.');

    // The figures are England's, as the GraphQL API answers an England analyst.
    const { compliance } = await analyst.request<{ compliance: { nodes: Array<{ allRules: Record<string, number> }> } }>(
      `query($asOf: Date) { compliance(level: NATIONAL, asOf: $asOf, first: 1) { nodes { allRules { ${COUNTS} } } } }`,
      { asOf: DAY },
    );
    const headline = page.getByTestId('headline');
    const shown = async (name: string): Promise<number> => figure(await headline.locator(`[data-figure="${name}"]`).innerText());
    expect({ evaluated: await shown('evaluated'), compliant: await shown('compliant') }).toEqual({
      evaluated: compliance.nodes[0]!.allRules['evaluated'],
      compliant: compliance.nodes[0]!.allRules['compliant'],
    });

    // The token is kept in this tab's sessionStorage only: a JWT for the API, about this person; no verifier left.
    const kept = await tabStorage(page);
    expect(kept.localEntries).toBe(0);
    expect(Object.keys(kept.session).sort()).toEqual(['gpds.oidc.token']);
    const token = JSON.parse(kept.session['gpds.oidc.token']!) as { accessToken: string; expiresAt: number };
    expect(claimsOf(token.accessToken)).toMatchObject({ iss: provider.issuer, aud: AUDIENCE, sub: 'nell.national', client_id: CLIENT_ID });
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 500_000);
    // The header as the reader sees it from the top (the view opened at its compliance panel, scrolled down to it).
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'oidc-signed-in.png'), clip: { x: 0, y: 0, width: 1280, height: 360 } });

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in with NHS CIS2', exact: true }).waitFor();
    expect((await tabStorage(page)).session).toEqual({});
  });

  it('shows an ICB-scoped person their scope, and their ICB figures', async () => {
    const { organisation } = await analyst.request<{ organisation: { name: string } }>('query($code: String!) { organisation(code: $code) { name } }', {
      code: ICB,
    });
    const page = await open(`/?org=${ICB}&asOf=${DAY}`);
    await toProvider(page);
    await signInAtProvider(page, 'ada.analyst');
    await expectNoPanelFailed(await overviewReady(page, ICB, DAY));
    expect(new URL(page.url()).search).toBe(`?org=${ICB}&asOf=${DAY}`);
    await expect(textOf(page.getByTestId('signed-in-as'))).resolves.toBe(
      `Signed in with NHS CIS2 as Ada Analyst (analyst, scope ${organisation.name} (${ICB}))`,
    );
    await expect(textOf(page.getByTestId('visibility'))).resolves.toBe(
      `You see published roll-ups for all of England; practices, incidents and non-compliance lists within ${organisation.name} only.`,
    );
  });

  it('says so on the sign-in page, in plain words, when the person cancels at the provider', async () => {
    const page = await open(`/?org=ENG&asOf=${DAY}`);
    await toProvider(page);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.waitForURL((url) => url.origin === origin);
    expect(await signInProblem(page)).toEqual({
      title: 'Your NHS CIS2 sign-in did not complete',
      text: 'You did not allow the dashboard to sign you in with NHS CIS2, or the sign-in was cancelled. NHS CIS2 said: "The user cancelled the sign-in". Sign in again, or use an API key.',
    });
    expect(new URL(page.url()).search).toBe(`?org=ENG&asOf=${DAY}`);
    expect((await tabStorage(page)).session).toEqual({});
    await expect(page.getByLabel('API key').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'oidc-cancelled.png'), fullPage: true });
  });

  it('refuses an answer whose state is not the one the tab sent, without exchanging it', async () => {
    const page = await open(`/?org=ENG&asOf=${DAY}`);
    await toProvider(page);
    // Back at the dashboard with a code and a state this tab did not start (a forged or crossed answer).
    const tokenRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${provider.issuer}/token`)) tokenRequests.push(request.url());
    });
    await page.goto(`${origin}/?code=forged-code&state=not-the-state-sent`);
    expect(await signInProblem(page)).toEqual({
      title: 'Your NHS CIS2 sign-in did not complete',
      text: "NHS CIS2's answer did not match the sign-in this tab started, so it was not used: sign in again.",
    });
    expect(tokenRequests).toEqual([]);
    expect(new URL(page.url()).search).toBe(`?org=ENG&asOf=${DAY}`);
    expect((await tabStorage(page)).session).toEqual({});
  });

  it("shows the platform's refusal of a person whose CIS2 role it does not map, and keeps no token", async () => {
    const page = await open('/');
    await toProvider(page);
    await signInAtProvider(page, 'rory.receptionist');
    const problem = await signInProblem(page);
    expect(problem.title).toBe('Your NHS CIS2 sign-in did not complete');
    expect(problem.text).toContain('R8000 (analyst)');
    expect((await tabStorage(page)).session).toEqual({});
    // The platform answers `me` 403 (TOKEN_CLAIMS), which Chromium logs as a failed load: that one, and nothing else.
    const logged = errors.take();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/Failed to load resource: the server responded with a status of 403/);
  });

  it('signs the tab out when the NHS CIS2 token expires, saying so', async () => {
    const page = await open(`/?org=ENG&asOf=${DAY}`);
    await toProvider(page);
    await signInAtProvider(page, 'sam.short');
    await expect(textOf(page.getByTestId('signed-in-as'))).resolves.toMatch(/^Signed in with NHS CIS2 as Sam Short/);
    const problem = page.getByText('Your NHS CIS2 sign-in has ended: sign in again.');
    await problem.waitFor({ timeout: (SHORT_TTL_SECONDS + 15) * 1000 });
    await expect(textOf(page.getByTestId('sign-in-problem').locator('h2'))).resolves.toBe('You have been signed out');
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    expect((await tabStorage(page)).session).toEqual({});
  });
});

describe('NHS CIS2 sign-in for the dashboard, misconfigured', () => {
  it('stops the platform at start when DASHBOARD_OIDC_CLIENT_ID is set without OIDC_ISSUER, naming both', async () => {
    const dataDir = await seededDataDir();
    try {
      const result = await runPlatformToExit({ DATA_DIR: dataDir, DASHBOARD_OIDC_CLIENT_ID: CLIENT_ID }, 120_000);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('DASHBOARD_OIDC_CLIENT_ID: is set but OIDC_ISSUER is not');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
