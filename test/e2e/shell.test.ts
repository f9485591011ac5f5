import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browserSkip,
  browserSuite,
  horizontalOverflow,
  logIn,
  screenshot,
  watchProblems,
} from './browser.js';

const skip = browserSkip();

describe('web UI shell (headless chromium)', { skip }, () => {
  const suite = browserSuite();

  it('asks for a login, logs in, navigates, survives a reload on a deep link, logs out', async () => {
    const page = await suite.browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${suite.argus.url}/explore`);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.waitForURL(/\/login\?next=%2Fexplore$/);
    // A wrong password says so and stays on the page.
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Wrong username or password/);
    await logIn(page, suite.argus.url, '/explore');
    await page.waitForURL(/\/explore$/);
    assert.equal(await page.title(), 'Explore · Argus');
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.waitForURL(/\/targets$/);
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.waitForURL(/\/targets$/);
    await screenshot(page, 'shell-desktop');
    // The user menu by keyboard: ArrowDown opens it on its first item, arrows move, Escape
    // closes it and gives the focus back to the button.
    await page.getByRole('button', { name: /admin/ }).focus();
    await page.keyboard.press('ArrowDown');
    const focused = () => page.evaluate('document.activeElement?.textContent');
    // The menu renders, then takes the focus (bounded wait).
    await page.waitForFunction(
      "document.activeElement?.textContent === 'Account: password and API tokens'",
    );
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'System theme');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp'); // wraps to the last item
    assert.equal(await focused(), 'Log out');
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
    assert.match(String(await focused()), /admin/);
    await page.getByRole('button', { name: /admin/ }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('fits a phone: no sideways scrolling, the navigation is a drawer', async () => {
    const { page, problems } = await suite.loggedInPage('/overview', { phone: true });
    assert.equal(await horizontalOverflow(page), 0);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Explore' }).isVisible(), false);
    await page.getByRole('button', { name: 'Menu' }).tap();
    await nav.getByRole('link', { name: 'Explore' }).tap();
    await page.waitForURL(/\/explore$/);
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'shell-phone');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('follows the system colour scheme', async () => {
    const { page } = await suite.loggedInPage('/overview', { colorScheme: 'dark' });
    assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
    await page.context().close();
  });
});
