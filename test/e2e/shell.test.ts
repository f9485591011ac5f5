import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startArgus, type ArgusProcess } from '../integration/helpers.js';
import {
  browserSkip,
  horizontalOverflow,
  launchBrowser,
  logIn,
  screenshot,
  watchProblems,
  PHONE,
} from './browser.js';

const skip = browserSkip();
let argus: ArgusProcess;
let browser: Browser;

describe('web UI shell (headless chromium)', { skip }, () => {
  before(async () => {
    argus = await startArgus();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await argus?.stop();
  });

  it('asks for a login, logs in, navigates, survives a reload on a deep link, logs out', async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${argus.url}/explore`);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.waitForURL(/\/login\?next=%2Fexplore$/);
    // A wrong password says so and stays on the page.
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Wrong username or password/);
    await logIn(page, argus.url, '/explore');
    await page.waitForURL(/\/explore$/);
    assert.equal(await page.title(), 'Explore · Argus');
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.waitForURL(/\/targets$/);
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.waitForURL(/\/targets$/);
    await screenshot(page, 'shell-desktop');
    await page.getByRole('button', { name: /admin/ }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('fits a phone: no sideways scrolling, the navigation is a drawer', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    const problems = watchProblems(page);
    await logIn(page, argus.url, '/overview');
    assert.equal(await horizontalOverflow(page), 0);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Explore' }).isVisible(), false);
    await page.getByRole('button', { name: 'Menu' }).tap();
    await nav.getByRole('link', { name: 'Explore' }).tap();
    await page.waitForURL(/\/explore$/);
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'shell-phone');
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it('follows the system colour scheme', async () => {
    const ctx = await browser.newContext({ colorScheme: 'dark' });
    const page = await ctx.newPage();
    await logIn(page, argus.url, '/overview');
    assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
    await ctx.close();
  });
});
