import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { parse } from 'csv-parse/sync';
import { ClientError, type GraphQLClient } from 'graphql-request';
import type { Browser, BrowserContext, Locator, Page, Request, Response } from 'playwright-core';
import {
  BrowserErrors,
  ensureDashboardBuilt,
  launchChromium,
  platformClient,
  seededDataDir,
  startPlatform,
  type PlatformClient,
  type PlatformProcess,
} from '@gpds/platform-testing';

// The analysts' dashboard as an analyst uses it: Debian's chromium driven by playwright-core,
// against the one-command platform with its demo data, every figure checked against the GraphQL
// API's answer to the same question. Any console error or uncaught page error fails the test it
// happened in. A screenshot of each view goes to tmp/dashboard-screenshots/ for review (copies
// are in docs/images/: docs/dashboard.md#screenshots says how to refresh them). Each view is also
// audited by axe-core (WCAG 2.2 A and AA, and axe's best practices), and one test walks the
// overview by keyboard alone.

const WORKSPACE = join(__dirname, '..', '..', '..');
const SCREENSHOTS = join(WORKSPACE, 'tmp', 'dashboard-screenshots');

/** A day every panel has figures for: the demo's synthetic facts run from 2021, its utilisation is December 2025's publications. */
const DAY = '2025-12-31';
/** An earlier day whose national compliance counts differ from DAY's (checked by GraphQL first). */
const EARLIER = '2022-07-31';
/** The ICB of the demo's late commissioner return (15A): the scoped analyst's ICB, and the way down. */
const ICB = 'QU9';
/** The incidents panel's window on DAY: the 12 months to it. */
const YEAR_TO_DAY = { from: '2025-01-01', to: DAY };
const COMMISSIONER = '15A';

interface Org {
  readonly code: string;
  readonly name: string;
  readonly level: string;
}
interface Counts {
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly unknown: number;
  readonly evaluated: number;
}
interface ComplianceRow {
  readonly organisation: Org;
  readonly allRules: Counts;
  readonly rules: ReadonlyArray<Counts & { readonly rule: { readonly id: string; readonly title: string } }>;
}
/** What the demo import says about its late commissioner return (DATA_DIR/demo-data.json). */
interface LateReturn {
  readonly commissioner: string;
  readonly knownBefore: string;
  readonly question: { readonly rule: string; readonly asOf: string; readonly parent: string };
}

const COUNTS = 'compliant nonCompliant unknown evaluated';
const COMPLIANCE = /* GraphQL */ `
  query Compliance($level: Level!, $parent: String, $asOf: Date, $knownAt: DateTime) {
    compliance(level: $level, parent: $parent, asOf: $asOf, knownAt: $knownAt, first: 100) {
      nodes { organisation { code name level } allRules { ${COUNTS} } rules { rule { id title } ${COUNTS} } }
    }
  }
`;
const ORGANISATION = /* GraphQL */ `
  query Organisation($code: String!, $asOf: Date) {
    organisation(code: $code) {
      code
      name
      level
      ancestors(asOf: $asOf) {
        code
        name
        level
      }
      children(asOf: $asOf, first: 1000) {
        nodes {
          code
          name
          level
        }
      }
    }
  }
`;
const PRACTICE_COMPLIANCE = /* GraphQL */ `
  query PracticeCompliance($code: String!, $asOf: Date) {
    practice(code: $code, asOf: $asOf) {
      organisation {
        code
        name
        level
      }
      ancestors {
        code
        name
        level
      }
      compliance(asOf: $asOf) {
        outcomes {
          rule {
            id
            title
          }
          outcome
          explanation
          facts {
            eventId
          }
        }
      }
    }
  }
`;
const INCIDENTS = /* GraphQL */ `
  query Incidents($level: Level!, $from: Date!, $to: Date!, $asOf: Date) {
    incidents(level: $level, from: $from, to: $to, asOf: $asOf) {
      nodes {
        organisation {
          code
        }
      }
    }
  }
`;

/** The little of the DOM the functions run in the page use: this repository's TypeScript has no DOM library (apps/dashboard has its own). */
interface DomElement {
  readonly id: string;
  readonly tagName: string;
  readonly textContent: string | null;
  readonly innerText: string;
  readonly open?: boolean;
  cloneNode(deep: true): DomElement;
  querySelectorAll(selectors: string): Iterable<DomElement>;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly top: number; readonly bottom: number; readonly left: number; readonly right: number };
  closest(selectors: string): DomElement | null;
  remove(): void;
}
interface DomWindow {
  readonly location: { readonly protocol: string };
  readonly sessionStorage: { getItem(name: string): string | null; setItem(name: string, value: string): void };
  readonly scrollY: number;
  scrollTo(x: number, y: number): void;
  readonly document: { readonly activeElement: DomElement | null; readonly documentElement: { readonly scrollWidth: number } };
  getComputedStyle(element: DomElement): {
    readonly boxShadow: string;
    readonly outlineStyle: string;
    readonly outlineWidth: string;
    readonly outlineColor: string;
    readonly backgroundColor: string;
  };
}

/**
 * What axe checks: WCAG 2.0, 2.1 and 2.2 at A and AA (the NHS service manual's standard), and axe's
 * best practices (content inside landmarks, heading order, one main landmark, unique landmark
 * names). No rule is disabled and nothing is excluded: the charts' SVG passes as ECharts draws it
 * with ARIA on, and the table beside each chart holds the same figures in any case.
 */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Fails with every axe violation of the page as it is now: rule, impact, what to do, and the elements (CSS selectors). */
async function expectAccessible(page: Page, view: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const found = violations.map(
    (v) => `${v.id} (${v.impact ?? 'no impact given'}): ${v.help} (${v.helpUrl}) at ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
  expect({ view, violations: found }).toEqual({ view, violations: [] });
}

/** The element with the keyboard's focus, as a reader would describe it, and whether its focus can be seen. */
interface FocusStop {
  readonly tag: string;
  readonly id: string;
  readonly text: string;
  /** The landmark or panel it is in: "banner", "main", a panel's id, or a navigation's label. */
  readonly where: string;
  /** In the body of the compliance panel's table (a drill-down link). */
  readonly inComplianceTable: boolean;
  /** Its :focus-visible style draws something: an outline, a box shadow, or NHS yellow behind it. */
  readonly focusVisible: boolean;
}

async function focusStop(page: Page): Promise<FocusStop> {
  return page.evaluate(() => {
    const browser = globalThis as unknown as DomWindow;
    const element = browser.document.activeElement;
    if (!element) return { tag: '', id: '', text: '', where: '', inComplianceTable: false, focusVisible: false };
    const style = browser.getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && !/rgba\(0, 0, 0, 0\)|transparent/.test(style.outlineColor);
    const nav = element.closest('nav');
    const panel = element.closest('[data-panel]');
    const where = panel
      ? panel.id
      : nav
        ? `nav: ${nav.getAttribute('aria-label') ?? ''}`
        : element.closest('header')
          ? 'banner'
          : element.closest('main')
            ? 'main'
            : 'elsewhere';
    return {
      tag: element.tagName,
      id: element.id,
      text: element.innerText.replace(/\s+/g, ' ').trim(),
      where,
      inComplianceTable: element.closest('#compliance tbody') !== null,
      focusVisible: outline || style.boxShadow !== 'none' || style.backgroundColor === 'rgb(255, 235, 59)',
    };
  });
}

const OUTCOME_WORDS: Readonly<Record<string, string>> = { COMPLIANT: 'Compliant', NON_COMPLIANT: 'Non-compliant', UNKNOWN: 'Unknown' };

/** A figure as the page writes it ("6,202", "5,831 (0.0%)"), as a number. */
function figure(text: string): number {
  const match = /^-?[\d,]+/.exec(text.trim());
  if (!match) throw new Error(`'${text}' does not start with a figure`);
  return Number(match[0].replace(/,/g, ''));
}

/** An element's text as read on the screen, on one line. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The link a table row has to go one level down, found by its name as a screen reader reads it. */
function linkDown(panel: Locator, child: Org): Locator {
  return panel.getByRole('link', { name: new RegExp(`^${escapeRegExp(child.name)} \\(`) });
}

/** A table as the reader sees it: headers and cells as shown (no screen-reader-only text, no sort arrows). */
async function tableAsShown(table: Locator): Promise<{ headers: string[]; rows: string[][] }> {
  return table.evaluate((element: DomElement) => {
    const shown = (cell: DomElement): string => {
      const copy = cell.cloneNode(true);
      for (const hidden of copy.querySelectorAll('.nhsuk-u-visually-hidden, .gpds-sort__icon')) hidden.remove();
      return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
    };
    return {
      headers: [...element.querySelectorAll('thead th')].map(shown),
      rows: [...element.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('th, td')].map(shown)),
    };
  });
}

/** The figures differing between two answers for one organisation (every rule at once, and each rule), as the page's note counts them. */
function differingFigures(then: ComplianceRow | undefined, now: ComplianceRow | undefined): number {
  const figures = (row: ComplianceRow | undefined): Map<string, number> => {
    const all = new Map<string, number>();
    if (!row) return all;
    for (const field of ['compliant', 'nonCompliant', 'unknown', 'evaluated'] as const) {
      all.set(`all.${field}`, row.allRules[field]);
      for (const rule of row.rules) all.set(`${rule.rule.id}.${field}`, rule[field]);
    }
    return all;
  };
  const a = figures(then);
  const b = figures(now);
  return [...new Set([...a.keys(), ...b.keys()])].filter((name) => a.get(name) !== b.get(name)).length;
}

/** How many of each rule's four figures differ ("all": every rule at once), in the answer's order, rules with none left out. */
function differingByRule(then: ComplianceRow | undefined, now: ComplianceRow | undefined): Array<{ rule: string; title: string; differing: number }> {
  const fields = ['compliant', 'nonCompliant', 'unknown', 'evaluated'] as const;
  const count = (a: Counts | undefined, b: Counts | undefined): number => fields.filter((f) => a?.[f] !== b?.[f]).length;
  const rules = new Map<string, string>([...(now?.rules ?? []), ...(then?.rules ?? [])].map((r) => [r.rule.id, r.rule.title]));
  return [
    { rule: 'all', title: 'Every rule at once', differing: count(then?.allRules, now?.allRules) },
    ...[...rules].map(([rule, title]) => ({
      rule,
      title,
      differing: count(
        then?.rules.find((r) => r.rule.id === rule),
        now?.rules.find((r) => r.rule.id === rule),
      ),
    })),
  ].filter((r) => r.differing > 0);
}

/** "Business continuity plan ...: 2 figures differ for 15A", as the time-travel note lists them: at most five lines, then how many more. */
function listed(lines: string[], one: string, many: string, moreSuffix = ''): string[] {
  const more = lines.length - 5;
  return more > 0 ? [...lines.slice(0, 5), `and ${more} more ${more === 1 ? one : many}${moreSuffix}`] : lines;
}

const differ = (n: number): string => `${n} ${n === 1 ? 'figure differs' : 'figures differ'}`;

describe("the analysts' dashboard in a real browser, on the platform with demo data", () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let client: PlatformClient;
  let browser: Browser;
  let englandKey: string;
  let icbKey: string;
  let analyst: GraphQLClient;
  let lateReturn: LateReturn;
  const errors = new BrowserErrors();
  let context: BrowserContext | null = null;

  const compliance = async (variables: Record<string, unknown>): Promise<ComplianceRow[]> =>
    (await analyst.request<{ compliance: { nodes: ComplianceRow[] } }>(COMPLIANCE, variables)).compliance.nodes;
  const organisation = async (code: string, asOf: string): Promise<Org & { ancestors: Org[]; children: { nodes: Org[] } }> => {
    const answer = await analyst.request<{ organisation: (Org & { ancestors: Org[]; children: { nodes: Org[] } }) | null }>(ORGANISATION, { code, asOf });
    if (!answer.organisation) throw new Error(`the demo data has no organisation ${code} on ${asOf}`);
    return answer.organisation;
  };

  /** A fresh browser context (nothing cached, nothing stored), signed in with `key` when given, at `path`. */
  async function open(path: string, key: string | null, beforeLoad?: (page: Page) => void): Promise<Page> {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: 'en-GB', timezoneId: 'Europe/London' });
    // Signed in as the sign-in form leaves a tab: the key in sessionStorage (the first test uses the form itself).
    if (key)
      await context.addInitScript((apiKey: string) => {
        // Every document of the context runs this, the first about:blank too, which has no storage.
        const page = globalThis as unknown as DomWindow;
        if (page.location.protocol.startsWith('http')) page.sessionStorage.setItem('gpds.apiKey', apiKey);
      }, key);
    const page = await errors.newPage(context);
    beforeLoad?.(page);
    await page.goto(`${platform.url}${path}`);
    return page;
  }

  /** Waits for an overview whose every panel is shown or has failed; resolves with its root. */
  async function overviewReady(page: Page, org: string, asOf: string, knownAt?: string): Promise<Locator> {
    const known = knownAt ? `[data-known-at="${knownAt}"]` : ':not([data-known-at])';
    const root = page.locator(`.gpds-overview[data-org="${org}"][data-as-of="${asOf}"]${known}[data-overview-ready="true"]`);
    await root.waitFor({ timeout: 60_000 });
    return root;
  }

  async function practiceReady(page: Page, code: string): Promise<Locator> {
    const root = page.locator(`.gpds-practice[data-practice="${code}"][data-practice-ready="true"]`);
    await root.waitFor({ timeout: 60_000 });
    return root;
  }

  /** Every panel of the overview shown, none failed. */
  async function expectNoPanelFailed(root: Locator): Promise<void> {
    const failed = await root
      .locator('[data-panel][data-state="error"]')
      .evaluateAll((panels: DomElement[]) => panels.map((p) => `${p.id}: ${p.getAttribute('data-error')}`));
    expect(failed).toEqual([]);
    expect(await root.getAttribute('data-panels-failed')).toBe('0');
  }

  /**
   * A screenshot of a view, as a reader scrolling from the top sees it: the page from its top down
   * to the end of `downTo` (by default what the window shows), or only `element`.
   */
  async function screenshot(page: Page, view: string, part: { downTo?: Locator; element?: Locator } = {}): Promise<void> {
    const path = join(SCREENSHOTS, `${view}.png`);
    if (part.element) return void (await part.element.screenshot({ path }));
    if (!part.downTo) return void (await page.screenshot({ path }));
    const bottom = await part.downTo.evaluate((element: DomElement) => element.getBoundingClientRect().bottom + (globalThis as unknown as DomWindow).scrollY);
    await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) + 24 } });
  }

  beforeAll(async () => {
    const [, launched] = await Promise.all([ensureDashboardBuilt(), launchChromium()]);
    browser = launched;
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir, DEMO_DATA: 'on' }, 600_000);
    client = platformClient(platform, dataDir);
    englandKey = await client.createKey('ENG', 'analyst');
    icbKey = await client.createKey(ICB, 'analyst');
    analyst = client.graphql(englandKey);
    // The demo data was appended before the platform listened; the projector catches up within seconds.
    await client.caughtUp(120_000);
    lateReturn = (JSON.parse(readFileSync(join(dataDir, 'demo-data.json'), 'utf8')) as { lateReturn: LateReturn }).lateReturn;
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
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with an England analyst key through the form, says who is signed in, and writes today into the address', async () => {
    const page = await open('/', null);
    await page.getByLabel('API key').waitFor();
    await expectAccessible(page, 'the sign-in page');
    await page.getByLabel('API key').fill(englandKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const today = new Date().toISOString().slice(0, 10);
    const root = await overviewReady(page, 'ENG', today);
    await expectNoPanelFailed(root);
    expect(new URL(page.url()).search).toBe(`?org=ENG&asOf=${today}`);
    await expect(textOf(page.getByTestId('signed-in-as'))).resolves.toMatch(/^Signed in as key:\S+ \(analyst, scope England \(ENG\)\)$/);
    await expect(textOf(page.getByTestId('visibility'))).resolves.toBe('You see everything, as an England analyst.');
    expect(await page.evaluate(() => (globalThis as unknown as DomWindow).sessionStorage.getItem('gpds.apiKey'))).toBe(englandKey);
  });

  it("shows England's overview with the figures the GraphQL API answers: the headline and the compliance table per region", async () => {
    const page = await open(`/?org=ENG&asOf=${DAY}`, englandKey);
    const root = await overviewReady(page, 'ENG', DAY);
    await expectNoPanelFailed(root);
    await expectAccessible(page, "England's overview");
    const [england] = await compliance({ level: 'NATIONAL', asOf: DAY });
    const headline = page.getByTestId('headline');
    const shown = async (name: string): Promise<number> => figure(await headline.locator(`[data-figure="${name}"]`).innerText());
    expect({
      evaluated: await shown('evaluated'),
      compliant: await shown('compliant'),
      nonCompliant: await shown('nonCompliant'),
      unknown: await shown('unknown'),
    }).toEqual({
      evaluated: england!.allRules.evaluated,
      compliant: england!.allRules.compliant,
      nonCompliant: england!.allRules.nonCompliant,
      unknown: england!.allRules.unknown,
    });

    const regions = await compliance({ level: 'REGION', asOf: DAY });
    const table = await tableAsShown(page.locator('#compliance table'));
    expect(table.headers.slice(0, 6)).toEqual(['Organisation', 'Code', 'Compliant', 'Non-compliant', 'Unknown', 'Practices evaluated']);
    expect(table.rows.map((cells) => [cells[0], cells[1], ...cells.slice(2, 6).map(figure)])).toEqual(
      regions.map((r) => [r.organisation.name, r.organisation.code, r.allRules.compliant, r.allRules.nonCompliant, r.allRules.unknown, r.allRules.evaluated]),
    );
    await screenshot(page, 'overview', { downTo: page.locator('#compliance .gpds-chart') });
  });

  it('drills down by clicking, region -> ICB -> commissioner -> PCN -> practice, each a shareable address, and goes back up by the breadcrumbs', async () => {
    const commissioner = await organisation(COMMISSIONER, DAY);
    const [icb, region] = commissioner.ancestors;
    const pcn = commissioner.children.nodes[0]!;
    const practice = (await organisation(pcn.code, DAY)).children.nodes[0]!;
    expect([region!.level, icb!.level, pcn.level, practice.level]).toEqual(['REGION', 'ICB', 'PCN', 'PRACTICE']);

    const page = await open(`/?org=ENG&asOf=${DAY}`, englandKey);
    await overviewReady(page, 'ENG', DAY);
    let here: Org = { code: 'ENG', name: 'England', level: 'NATIONAL' };
    for (const child of [region!, icb!, commissioner, pcn]) {
      await linkDown(page.locator('#compliance'), child).click();
      const root = await overviewReady(page, child.code, DAY);
      await expectNoPanelFailed(root);
      expect(new URL(page.url()).search).toBe(`?org=${child.code}&asOf=${DAY}&measure=compliance`);
      await expect(textOf(root.locator('h1'))).resolves.toContain(child.name);
      await expect(textOf(root.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link').last())).resolves.toBe(here.name);
      if (child.level === 'ICB') {
        await screenshot(page, 'icb', { downTo: page.locator('#compliance .gpds-chart') });
        await expectAccessible(page, `the overview of ICB ${child.code}`);
      }
      here = child;
    }
    await linkDown(page.locator('#compliance'), practice).click();
    const practicePage = await practiceReady(page, practice.code);
    expect(new URL(page.url()).search).toBe(`?org=${pcn.code}&asOf=${DAY}&practice=${practice.code}`);
    const breadcrumbs = practicePage.getByRole('navigation', { name: 'Breadcrumb' });
    await expect(breadcrumbs.getByRole('listitem').allInnerTexts()).resolves.toEqual([
      'England',
      region!.name,
      icb!.name,
      commissioner.name,
      pcn.name,
      practice.name,
    ]);

    await breadcrumbs.getByRole('link', { name: icb!.name, exact: true }).click();
    await overviewReady(page, icb!.code, DAY);
    expect(new URL(page.url()).search).toBe(`?org=${icb!.code}&asOf=${DAY}`);
    await page.goBack();
    await practiceReady(page, practice.code);
  });

  it('works by keyboard alone: Tab reaches the skip link, the contents list and a drill-down link in a table, each visibly focused, and Enter goes down', async () => {
    const [first] = await compliance({ level: 'REGION', asOf: DAY });
    const page = await open(`/?org=ENG&asOf=${DAY}`, englandKey);
    await overviewReady(page, 'ENG', DAY);

    await page.keyboard.press('Tab');
    const skip = await focusStop(page);
    expect(skip).toMatchObject({ tag: 'A', text: 'Skip to main content', focusVisible: true });
    await page.keyboard.press('Enter');
    await expect(focusStop(page)).resolves.toMatchObject({ id: 'main-content' });

    // On from the main content, stop by stop, to the first link down in the compliance table (a date
    // control takes a stop per part: day, month, year...), within a bounded number of presses.
    const stops: FocusStop[] = [];
    for (let presses = 0; presses < 100 && !stops.at(-1)?.inComplianceTable; presses++) {
      await page.keyboard.press('Tab');
      stops.push(await focusStop(page));
    }
    const said = (stop: FocusStop): string => `${stop.tag} "${stop.text}" in ${stop.where}`;
    const link = stops.at(-1)!;
    expect(link).toMatchObject({ tag: 'A', inComplianceTable: true });
    expect(link.text.startsWith(`${first!.organisation.name} (`)).toBe(true);
    const contents = stops.findIndex((stop) => stop.where === 'nav: Panels on this page' && stop.text === 'Compliance');
    expect(contents).toBeGreaterThanOrEqual(0);
    expect(stops.every((stop) => stop.where !== 'banner')).toBe(true); // the skip link went past the header
    expect(stops.filter((stop) => !stop.focusVisible).map(said)).toEqual([]);

    await page.keyboard.press('Enter');
    await expectNoPanelFailed(await overviewReady(page, first!.organisation.code, DAY));
    expect(new URL(page.url()).search).toBe(`?org=${first!.organisation.code}&asOf=${DAY}&measure=compliance`);
    // The new view's main content has the focus, so the next Tab starts there rather than at the top.
    await expect(focusStop(page)).resolves.toMatchObject({ id: 'main-content' });
  });

  it("lists a commissioner's practices in no PCN (no PCN row leads to them), each a link to its page", async () => {
    // A commissioner of the ICB with such practices: the API lists them among its children, at PRACTICE level.
    const commissioners = (await organisation(ICB, DAY)).children.nodes;
    let found: { commissioner: Org; practices: Org[] } | null = null;
    for (const commissioner of commissioners) {
      const practices = (await organisation(commissioner.code, DAY)).children.nodes.filter((child) => child.level === 'PRACTICE');
      if (practices.length > 0) {
        found = { commissioner, practices };
        break;
      }
    }
    if (!found) throw new Error(`no commissioner of ${ICB} has a practice in no PCN on ${DAY} in the demo data: pick another ICB`);
    const { commissioner, practices } = found;
    const byName = [...practices].sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code));

    const page = await open(`/?org=${commissioner.code}&asOf=${DAY}`, englandKey);
    const root = await overviewReady(page, commissioner.code, DAY);
    await expectNoPanelFailed(root);
    const list = root.getByTestId('practices-outside-networks');
    await expect(list.getByRole('heading').innerText()).resolves.toBe('Practices not in a primary care network');
    await expect(list.getByRole('link').allInnerTexts()).resolves.toEqual(byName.map((p) => `${p.name} (${p.code})`));
    // None of them is a row of the compliance table, which lists the PCNs.
    const rows = await tableAsShown(root.locator('#compliance table'));
    expect(rows.rows.map((cells) => cells[1]).filter((code) => practices.some((p) => p.code === code))).toEqual([]);
    await expectAccessible(page, `the overview of commissioner ${commissioner.code}, with practices in no PCN`);

    await list.getByRole('link', { name: `${byName[0]!.name} (${byName[0]!.code})` }).click();
    await practiceReady(page, byName[0]!.code);
    expect(new URL(page.url()).search).toBe(`?org=${commissioner.code}&asOf=${DAY}&practice=${byName[0]!.code}`);
  });

  it("opens a practice's page from its address, with every rule's outcome as the API answers it, and a rule's explanation and deciding events", async () => {
    const pcn = (await organisation(COMMISSIONER, DAY)).children.nodes[0]!;
    const code = (await organisation(pcn.code, DAY)).children.nodes[0]!.code;
    const answer = await analyst.request<{
      practice: {
        organisation: Org;
        compliance: { outcomes: Array<{ rule: { id: string; title: string }; outcome: string; explanation: string; facts: Array<{ eventId: string }> }> };
      };
    }>(PRACTICE_COMPLIANCE, { code, asOf: DAY });
    const { outcomes } = answer.practice.compliance;
    const explained = outcomes.find((o) => o.outcome === 'NON_COMPLIANT' && o.facts.length > 0) ?? outcomes.find((o) => o.facts.length > 0);
    if (!explained) throw new Error(`no rule of practice ${code} on ${DAY} was decided by an event: pick another practice`);

    const page = await open(`/?org=${pcn.code}&asOf=${DAY}&practice=${code}`, englandKey);
    const root = await practiceReady(page, code);
    await expect(textOf(root.locator('h1'))).resolves.toContain(answer.practice.organisation.name);
    expect(await root.locator('[data-panel][data-state="error"]').count()).toBe(0);
    const table = await tableAsShown(root.locator('#practice-compliance table').first());
    expect(table.rows.map((cells) => [cells[1], cells[2], cells[3]])).toEqual(outcomes.map((o) => [o.rule.id, OUTCOME_WORDS[o.outcome], o.explanation]));

    const details = root.locator(`details[data-rule="${explained.rule.id}"]`);
    await details.locator('summary').click();
    await expect(details.evaluate((element: DomElement) => element.open)).resolves.toBe(true);
    await expect(details.getByText(`Why: ${explained.explanation}`).isVisible()).resolves.toBe(true);
    const facts = await tableAsShown(details.locator('table'));
    expect(facts.rows.map((cells) => cells[1])).toEqual(explained.facts.map((f) => f.eventId));
    await expectAccessible(page, `the practice page of ${code}, an explanation open`);
    await screenshot(page, 'practice', { downTo: root.locator('#practice-compliance table').first() });
    await screenshot(page, 'practice-explanation', { element: details });
  });

  it('changes the date with the date control and shows the figures of that day', async () => {
    const [now] = await compliance({ level: 'NATIONAL', asOf: DAY });
    const [then] = await compliance({ level: 'NATIONAL', asOf: EARLIER });
    expect(then!.allRules).not.toEqual(now!.allRules); // the demo data must differ between the two days for this test to mean anything

    const page = await open(`/?org=ENG&asOf=${DAY}`, englandKey);
    await overviewReady(page, 'ENG', DAY);
    const evaluated = page.getByTestId('headline').locator('[data-figure="evaluated"]');
    expect(figure(await evaluated.innerText())).toBe(now!.allRules.evaluated);
    await page.getByLabel('Figures as of (date)').fill(EARLIER);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expectNoPanelFailed(await overviewReady(page, 'ENG', EARLIER));
    expect(new URL(page.url()).search).toBe(`?org=ENG&asOf=${EARLIER}`);
    const headline = page.getByTestId('headline');
    expect(figure(await headline.locator('[data-figure="evaluated"]').innerText())).toBe(then!.allRules.evaluated);
    expect(figure(await headline.locator('[data-figure="nonCompliant"]').innerText())).toBe(then!.allRules.nonCompliant);
    expect(figure(await headline.locator('[data-figure="unknown"]').innerText())).toBe(then!.allRules.unknown);
  });

  it('shows a commissioner as known before its late return, with a note of how many figures differ from what is known today, for which rules and under which PCNs', async () => {
    const { commissioner, knownBefore, question } = lateReturn;
    // The control takes whole seconds (UTC): the second knownBefore falls in, before the late return was stored.
    const knownAt = `${knownBefore.slice(0, 19)}Z`;
    const ownRow = async (known: string | null): Promise<ComplianceRow | undefined> =>
      (await compliance({ level: 'COMMISSIONER', parent: question.parent, asOf: question.asOf, knownAt: known })).find(
        (r) => r.organisation.code === commissioner,
      );
    const [then, now] = [await ownRow(knownAt), await ownRow(null)];
    const differing = differingFigures(then, now);
    expect(differing).toBeGreaterThan(0);
    const ruleLines = listed(
      differingByRule(then, now).map((r) => `${r.title}: ${differ(r.differing)} for ${commissioner}`),
      'rule',
      'rules',
    );
    // The commissioner's PCNs, then and now: the note names those whose figures differ, most first, then by name.
    const pcnRows = async (known: string | null): Promise<Map<string, ComplianceRow>> =>
      new Map((await compliance({ level: 'PCN', parent: commissioner, asOf: question.asOf, knownAt: known })).map((r) => [r.organisation.code, r]));
    const [pcnsThen, pcnsNow] = [await pcnRows(knownAt), await pcnRows(null)];
    const pcnLines = listed(
      [...new Set([...pcnsThen.keys(), ...pcnsNow.keys()])]
        .map((code) => ({ org: (pcnsThen.get(code) ?? pcnsNow.get(code))!.organisation, differing: differingFigures(pcnsThen.get(code), pcnsNow.get(code)) }))
        .filter((d) => d.differing > 0)
        .sort((a, b) => b.differing - a.differing || a.org.name.localeCompare(b.org.name, 'en-GB'))
        .map((d) => `${d.org.name} (${d.org.code}): ${differ(d.differing)}`),
      'organisation',
      'organisations',
      ' (the compliance table below shows each as known then)',
    );
    expect(pcnLines.length).toBeGreaterThan(0); // the late return was about this commissioner's practices, so some PCN's figures moved

    const page = await open(`/?org=ENG&asOf=${DAY}`, englandKey);
    await overviewReady(page, 'ENG', DAY);
    await page.getByLabel('Organisation code').fill(commissioner);
    await page.getByLabel('Figures as of (date)').fill(question.asOf);
    await page.getByLabel('As known at (UTC, optional)').fill(knownAt.slice(0, 19));
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const root = await overviewReady(page, commissioner, question.asOf, knownAt);
    await expectNoPanelFailed(root);
    expect(new URL(page.url()).search).toBe(`?org=${commissioner}&asOf=${question.asOf}&knownAt=${knownAt}`);
    const note = page.getByTestId('knowledge-note');
    expect(await note.getAttribute('data-differing')).toBe(String(differing));
    await expect(textOf(note)).resolves.toContain(`${differ(differing)} from what is known today.`);
    const items = async (list: string): Promise<string[]> => (await note.getByTestId(list).getByRole('listitem').allInnerTexts()).map((t) => t.trim());
    await expect(items('knowledge-rules')).resolves.toEqual(ruleLines);
    await expect(items('knowledge-organisations')).resolves.toEqual(pcnLines);
    expect(figure(await page.getByTestId('headline').locator('[data-figure="unknown"]').innerText())).toBe(then!.allRules.unknown);
    await expectAccessible(page, `commissioner ${commissioner} as known at ${knownAt}`);
    await screenshot(page, 'time-travel', { downTo: note });
  });

  it('downloads the compliance table as CSV, exactly the rows shown in the order they are sorted', async () => {
    const page = await open(`/?org=${ICB}&asOf=${DAY}`, englandKey);
    await overviewReady(page, ICB, DAY);
    const panel = page.locator('#compliance');
    await panel.getByRole('button', { name: /^Non-compliant/ }).click();
    const table = await tableAsShown(panel.locator('table'));
    const nonCompliant = table.rows.map((cells) => figure(cells[3]!));
    expect(nonCompliant).toEqual([...nonCompliant].sort((a, b) => b - a));
    expect(table.rows.length).toBeGreaterThan(1);

    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: /^Download CSV/ }).click()]);
    expect(download.suggestedFilename()).toBe(`compliance-all-${ICB.toLowerCase()}-${DAY}.csv`);
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parse(text, { bom: true }) as string[][];
    expect(records).toEqual([table.headers, ...table.rows]);
  });

  it("shows an ICB-scoped analyst their scope, the platform's OUT_OF_SCOPE refusal where England's overview asks outside it, and their ICB's detail", async () => {
    const { name: icbName } = await organisation(ICB, DAY);
    const refusal = await client
      .graphql(icbKey)
      .request(INCIDENTS, { level: 'REGION', ...YEAR_TO_DAY, asOf: DAY })
      .then(
        () => null,
        (error: unknown) => (error instanceof ClientError ? (error.response.errors?.[0] ?? null) : null),
      );
    expect(refusal?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE', scope: ICB });

    const page = await open(`/?org=ENG&asOf=${DAY}`, icbKey);
    const root = await overviewReady(page, 'ENG', DAY);
    await expect(textOf(page.getByTestId('signed-in-as'))).resolves.toContain(`(analyst, scope ${icbName} (${ICB}))`);
    await expect(textOf(page.getByTestId('visibility'))).resolves.toBe(
      `You see published roll-ups for all of England; practices, incidents and non-compliance lists within ${icbName} only.`,
    );
    const incidents = root.locator('#incidents');
    expect(await incidents.getAttribute('data-state')).toBe('error');
    // The platform's message, shown as a sentence: a capital first and a full stop last.
    const message = refusal!.message;
    const sentence = `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?:]$/.test(message) ? '' : '.'}`;
    expect(await incidents.getAttribute('data-error')).toBe(sentence);
    await expect(textOf(incidents.getByRole('status'))).resolves.toBe(`Important: Outside your scope ${sentence}`);
    // Only the restricted panel is refused: the published roll-ups are everyone's.
    const refused = await root.locator('[data-panel][data-state="error"]').evaluateAll((panels: DomElement[]) => panels.map((p) => p.id));
    expect(refused).toEqual(['incidents']);
    await screenshot(page, 'scoped');
    await screenshot(page, 'scoped-refusal', { element: incidents });
    await expectAccessible(page, "England's overview for an ICB-scoped analyst, a panel refused");

    // A long scope in the header, 1280 wide: who is signed in sits beside the service name, its text wrapping inside its box.
    const box = (selector: string) =>
      page.locator(selector).evaluate((element: DomElement) => {
        const { top, bottom, left, right } = element.getBoundingClientRect();
        return { top, bottom, left, right };
      });
    const [service, account] = [await box('.nhsuk-header__service'), await box('.nhsuk-header__account')];
    expect(account.top).toBeLessThan(service.bottom);
    expect(account.left).toBeGreaterThan(service.right);
    // And on a phone, 375 wide: nothing wider than the screen, "Sign out" in view.
    await page.setViewportSize({ width: 375, height: 812 });
    await expect(page.evaluate(() => (globalThis as unknown as DomWindow).document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(375);
    const signOut = await box('.nhsuk-header__account-button');
    expect(signOut.right).toBeLessThanOrEqual(375);
    await page.evaluate(() => (globalThis as unknown as DomWindow).scrollTo(0, 0)); // the refusal's screenshot scrolled down to it
    await screenshot(page, 'scoped-narrow');
    await expectAccessible(page, "England's overview for an ICB-scoped analyst, 375 pixels wide");
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByLabel('Organisation code').fill(ICB);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expectNoPanelFailed(await overviewReady(page, ICB, DAY));
    expect(await page.locator('#incidents table tbody tr').count()).toBeGreaterThan(0);
  });

  it('serves the GraphQL explorer at /graphql, which runs the saved examples with the signed-in key', async () => {
    const isGraphql = (request: Request): boolean => new URL(request.url()).pathname === '/graphql' && request.method() === 'POST';
    let schema: Promise<Response> | null = null;
    // The explorer asks for the schema as it opens, signed with the key the dashboard left in the tab.
    const page = await open('/graphql', englandKey, (opening) => {
      schema = opening.waitForResponse((r) => isGraphql(r.request()) && (r.request().postData() ?? '').includes('__schema'));
    });
    await expect(page.title()).resolves.toMatch(/^GraphQL explorer/);
    expect((await schema!)?.status()).toBe(200);
    await expect(page.locator('.graphiql-tab').count()).resolves.toBeGreaterThan(1);
    await expect(textOf(page.locator('.gpds-explorer__status'))).resolves.toBe('Requests are signed with your key.');
    // The first saved example is in the editor (Monaco draws it once it has loaded): run it as a reader would.
    await page.locator('.graphiql-query-editor .view-lines').getByText('query', { exact: false }).first().waitFor();
    const [response] = await Promise.all([
      page.waitForResponse((r) => isGraphql(r.request()) && !(r.request().postData() ?? '').includes('__schema')),
      page.locator('.graphiql-execute-button').click(),
    ]);
    const sent = JSON.parse(response.request().postData() ?? '{}') as { query: string; variables?: Record<string, unknown> | null };
    expect(response.status()).toBe(200);
    const answered = (await response.json()) as { data?: unknown; errors?: unknown };
    expect(answered.errors).toBeUndefined();
    expect(answered.data).toEqual(await analyst.request(sent.query, sent.variables ?? {}));
    await page.locator('.graphiql-response').getByText('"data"').waitFor();
    await screenshot(page, 'explorer');
  });
});
