/**
 * Browser tests drive Debian's chromium through playwright-core against a real `argus server`
 * (test/integration/helpers.ts starts it; the test pipeline builds the UI into dist/ui first).
 * Screenshots go to test-artifacts/ (not committed).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD, REPO_ROOT } from '../integration/helpers.js';

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

/** Logs in through the login page as the first admin and waits for the shell. */
export async function logIn(page: Page, baseUrl: string, next = '/'): Promise<void> {
  await page.goto(`${baseUrl}${next}`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  // The top bar (the navigation itself is a closed drawer on phones).
  await page.getByRole('button', { name: /^admin/ }).waitFor();
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
