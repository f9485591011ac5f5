/**
 * Browser tests drive Debian's chromium through playwright-core against a real `argus server`
 * (test/integration/helpers.ts starts it; the test pipeline builds the UI into dist/ui first).
 * Screenshots go to test-artifacts/ (not committed).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  REPO_ROOT,
  startArgus,
  type ArgusProcess,
} from '../integration/helpers.js';

/** The browser binary: ARGUS_CHROMIUM, or Debian's. */
export const CHROMIUM = process.env.ARGUS_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here (for `skip`), or false when they can. */
export function browserSkip(): string | false {
  if (!existsSync(CHROMIUM))
    return `no browser at ${CHROMIUM} (apt-get install chromium, or set ARGUS_CHROMIUM)`;
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'ui', 'index.html')))
    return 'the web UI is not built (npm run build:web)';
  return false;
}

/** A phone's browser context (the 390×844, touch). */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
} as const;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-sync',
      '--no-first-run',
      '--metrics-recording-only',
    ],
  });
}

export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/** Saves a full-page screenshot as test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Collects what must never happen on a page: uncaught errors, console errors and CSP
 * violations. Assert `problems` is empty at the end of a test.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The browser logs every 4xx answer; those are the API saying no (logged out, a bad
    // query), which the page shows itself. 5xx and everything else count.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      return;
    problems.push(`console error: ${m.text()}`);
  });
  return problems;
}

/** Logs in through the login page (as the first admin by default) and waits for the shell. */
export async function logIn(
  page: Page,
  baseUrl: string,
  next = '/',
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<void> {
  await page.goto(`${baseUrl}${next}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  // The top bar's user menu (the navigation itself is a closed drawer on phones).
  const escaped = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.getByRole('button', { name: new RegExp(`^${escaped}`) }).waitFor();
}

/** Whether the page scrolls sideways (the phone layout must not). */
export async function horizontalOverflow(page: Page): Promise<number> {
  // A string: the root tsconfig has no DOM types (this runs in the page).
  return Number(
    await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    ),
  );
}

/** How `loggedInPage` opens its page: a context's options, or a phone's (`PHONE`). */
export interface PageOptions extends BrowserContextOptions {
  phone?: boolean;
  /** Who logs in: the first admin when absent. */
  user?: { username: string; password: string };
  /** The page's default timeout for waits (Playwright's own when absent). */
  timeout?: number;
}

/** A logged-in page in its own context, and what it logged as problems from the first load. */
export interface LoggedInPage {
  page: Page;
  problems: string[];
}

/** What `browserSuite` gives the tests of one `describe`. */
export interface BrowserSuite {
  readonly argus: ArgusProcess;
  readonly browser: Browser;
  /**
   * A new context and page, watched (`watchProblems`) and logged in (as the first admin unless
   * `options.user`) at `path`. Close it with `page.context().close()`.
   */
  loggedInPage(path?: string, options?: PageOptions): Promise<LoggedInPage>;
}

/**
 * Registers, in the calling `describe`, a `before` that starts Argus (`start`, a plain
 * `startArgus()` by default) and then the browser, and an `after` that closes both. Their
 * values are read through the getters once the hooks have run.
 */
export function browserSuite(start: () => Promise<ArgusProcess> = startArgus): BrowserSuite {
  let argus: ArgusProcess | undefined;
  let browser: Browser | undefined;
  before(async () => {
    argus = await start();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await argus?.stop();
  });
  const suite: BrowserSuite = {
    get argus() {
      if (!argus) throw new Error('Argus is not started (read it in a test or a later hook)');
      return argus;
    },
    get browser() {
      if (!browser)
        throw new Error('the browser is not launched (read it in a test or a later hook)');
      return browser;
    },
    async loggedInPage(path = '/', { phone = false, user, timeout, ...context } = {}) {
      const ctx = await suite.browser.newContext(phone ? { ...PHONE, ...context } : context);
      const page = await ctx.newPage();
      if (timeout !== undefined) page.setDefaultTimeout(timeout);
      const problems = watchProblems(page);
      await logIn(page, suite.argus.url, path, user?.username, user?.password);
      return { page, problems };
    },
  };
  return suite;
}
