import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';

const WORKSPACE = join(__dirname, '..', '..', '..', '..');

/** Debian's chromium: playwright-core drives a browser it does not bring. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Its British English locale (Debian's chromium-l10n), so date controls read dd/mm/yyyy as an analyst in England sees them. */
const EN_GB_LOCALE = '/usr/lib/chromium/locales/en-GB.pak';

function present(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

const chromiumInstalled = (): boolean => present(CHROMIUM_PATH, constants.X_OK);

/**
 * Installs Debian's chromium (and its locales) when missing, by tools/jest/chromium-global-setup.js (apt-get,
 * its progress on this process's stderr), in a child process: the install takes a minute or two
 * and must not block the caller's event loop. Rejects with the script's own advice when it cannot
 * (not root, no network).
 */
export function ensureChromium(timeoutMs = 900_000): Promise<void> {
  if (chromiumInstalled() && present(EN_GB_LOCALE, constants.R_OK)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = join(WORKSPACE, 'tools', 'jest', 'chromium-global-setup.js');
    const child = spawn(process.execPath, [script], { cwd: WORKSPACE, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && chromiumInstalled()) resolve();
      else
        reject(new Error(`Chromium is needed at ${CHROMIUM_PATH} and could not be installed (exit code ${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

/**
 * Launches headless Debian chromium (installing it first when missing), in British English. playwright-core is loaded
 * here, not when this library is: most tests importing @gpds/platform-testing open no browser.
 */
export async function launchChromium(): Promise<Browser> {
  await ensureChromium();
  const { chromium } = await import('playwright-core');
  // Chromium takes its locale (date controls, number formats) from the environment, not from --lang.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, env: { ...process.env, LANG: 'en_GB.UTF-8', LANGUAGE: 'en_GB' } });
}

/** Where a console message came from, for a failure message: "https://.../index.js:12:5". */
function origin(message: ConsoleMessage): string {
  const { url, lineNumber, columnNumber } = message.location();
  return url ? ` (at ${url}:${lineNumber}:${columnNumber})` : '';
}

/**
 * Every console error and uncaught page error of the pages it watches, kept until taken: a page
 * that logs an error is a failing page, whether or not what the test looks at shows it. Chromium
 * logs a failed resource load (a 4xx or 5xx answer, a blocked request) as a console error too, so
 * a page that loads anything it should not is caught here.
 */
export class BrowserErrors {
  private errors: string[] = [];
  private readonly pages = new WeakSet<Page>();
  private readonly contexts = new WeakSet<BrowserContext>();

  /** Watches a page (once however often it is asked). */
  watch(page: Page): Page {
    if (this.pages.has(page)) return page;
    this.pages.add(page);
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`console error on ${page.url()}: ${message.text()}${origin(message)}`);
    });
    page.on('pageerror', (error) => this.errors.push(`uncaught error on ${page.url()}: ${error.stack ?? error.message}`));
    page.on('crash', () => this.errors.push(`the page crashed on ${page.url()}`));
    return page;
  }

  /** A new page of the context, watched, as is every page (popup, new tab) the context opens later. */
  async newPage(context: BrowserContext): Promise<Page> {
    if (!this.contexts.has(context)) {
      this.contexts.add(context);
      context.on('page', (page) => this.watch(page));
    }
    return this.watch(await context.newPage());
  }

  /** The errors since the last call, forgotten. */
  take(): string[] {
    const taken = this.errors;
    this.errors = [];
    return taken;
  }

  /** Throws listing every error since the last call (`when` says what was being done). */
  assertNone(when: string): void {
    const errors = this.take();
    if (errors.length > 0) throw new Error(`The browser reported ${errors.length} error(s) while ${when}:\n- ${errors.join('\n- ')}`);
  }
}
