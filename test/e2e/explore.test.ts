/**
 * Explore in a real browser: known series pushed with remote_write, queried through the editor;
 * the graph's legend, the table's values (from the server), a syntax error, a reloaded URL and
 * the phone layout.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { EncodeSeries } from '../../src/ingest/remote-write/index.js';
import { remoteWrite } from '../integration/helpers.js';
import {
  browserSkip,
  browserSuite,
  horizontalOverflow,
  screenshot,
  watchProblems,
} from './browser.js';

const skip = browserSkip();

const METRIC = 'explore_test_temp';
const ROOMS = ['attic', 'hall', 'kitchen'];
/** The last value of each room (the table shows these, formatted, with the exact value as its title). */
const LAST: Record<string, number> = { attic: 17.25, hall: 19.5, kitchen: 21.75 };
const SHOWN: Record<string, string> = { attic: '17.3%', hall: '19.5%', kitchen: '21.8%' };

/** 30 minutes of samples every 15 s, ending now (inside the default "last 1h"). */
function samples(): EncodeSeries[] {
  const now = Date.now();
  return ROOMS.map((room, r) => ({
    labels: [
      ['__name__', METRIC],
      ['room', room],
    ] as const,
    samples: Array.from({ length: 120 }, (_, k) => ({
      t: now - (119 - k) * 15_000,
      v: k === 119 ? LAST[room] : 10 + r + Math.sin(k / 10),
    })),
  }));
}

/** Replaces the editor's text with `query` (CodeMirror's content is a textbox). */
async function typeQuery(page: Page, query: string, name = 'Query'): Promise<void> {
  const editor = page.getByRole('textbox', { name });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.type(query);
  // Close the completion list so Enter runs the query.
  await page.keyboard.press('Escape');
}

describe('explore page (headless chromium)', { skip }, () => {
  const suite = browserSuite();
  before(async () => {
    const res = await remoteWrite(suite.argus.url, samples());
    assert.equal(res.status, 204, res.body);
  });

  it('completes, graphs, tables, reports a syntax error, and reproduces the view from its URL', async () => {
    const { page, problems } = await suite.loggedInPage('/explore', {
      viewport: { width: 1280, height: 900 },
      timeout: 15_000,
    });
    const ctx = page.context();

    // Completion of metric names comes from the server.
    const editor = page.getByRole('textbox', { name: 'Query' });
    await editor.click();
    await page.keyboard.type('explore_te');
    await page
      .getByRole('option', { name: new RegExp(METRIC) })
      .first()
      .waitFor();
    await page.keyboard.press('Escape');

    await typeQuery(page, METRIC);
    await page.keyboard.press('Enter');
    const legend = page.getByRole('list', { name: 'Legend' });
    await legend.getByRole('button').nth(2).waitFor();
    assert.equal(await legend.getByRole('button').count(), 3);
    const names = await legend.locator('.name').allInnerTexts();
    assert.deepEqual(
      names,
      ROOMS.map((r) => `${METRIC}{room="${r}"}`),
    );
    assert.match(await page.locator('.series-count').innerText(), /^3 series$/);
    assert.equal(await page.locator('.ts-chart-plot canvas').count(), 1);
    await page.waitForURL(new RegExp(`[?&]q=${METRIC}(&|$)`));

    // Clicking a legend entry hides its series; shift-click isolates one.
    const attic = legend.getByRole('button', { name: /attic/ });
    await attic.click();
    assert.equal(await attic.getAttribute('aria-pressed'), 'false');
    await legend.getByRole('button', { name: /hall/ }).click({ modifiers: ['Shift'] });
    const pressed = await Promise.all(
      (await legend.getByRole('button').all()).map((b) => b.getAttribute('aria-pressed')),
    );
    assert.deepEqual(pressed, ['false', 'true', 'false']);
    // The unit and stacking are part of the URL.
    await page.getByLabel('Unit').selectOption('percent');
    await page.getByLabel('Stacked').check();
    await page.waitForURL(/unit=percent/);
    await page.waitForURL(/stacked=1/);
    await screenshot(page, 'explore-graph');

    // Table view: an instant query; the values are the server's.
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    const table = page.getByRole('table');
    await table.waitFor();
    await page.getByLabel('Unit').waitFor({ state: 'detached' });
    const rows = await Promise.all(
      (await table.locator('tbody tr').all()).map((tr) => tr.locator('td').allInnerTexts()),
    );
    assert.deepEqual(
      rows,
      ROOMS.map((r) => [`${METRIC}{room="${r}"}`, SHOWN[r]]),
    );
    const exact = await Promise.all(
      (await table.locator('tbody td.value-cell').all()).map((td) => td.getAttribute('title')),
    );
    assert.deepEqual(
      exact,
      ROOMS.map((r) => String(LAST[r])),
    );
    // Sorting by value, largest first.
    await table.getByRole('button', { name: /Value/ }).click();
    assert.match(await table.locator('tbody tr').first().innerText(), /kitchen/);
    await screenshot(page, 'explore-table');

    // The copied URL reproduces the view in a fresh tab.
    const url = page.url();
    const again = await ctx.newPage();
    const problems2 = watchProblems(again);
    await again.goto(url);
    await again.getByRole('table').locator('tbody tr').nth(2).waitFor();
    assert.equal(
      await again.getByRole('button', { name: 'Table', exact: true }).getAttribute('aria-pressed'),
      'true',
    );
    assert.equal(await again.getByRole('textbox', { name: 'Query' }).innerText(), METRIC);
    assert.match(await again.getByRole('table').innerText(), /21\.8%/);
    await again.close();

    // A syntax error shows the server's message with its position.
    await typeQuery(page, `${METRIC} + on(`);
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /parse error/);
    assert.match(await alert.locator('.error-caret').innerText(), /\^$/);
    await screenshot(page, 'explore-error');

    assert.deepEqual([...problems, ...problems2], []);
    await ctx.close();
  });

  it('fits a phone and inspects values by touch', async () => {
    const { page, problems } = await suite.loggedInPage('/explore', {
      phone: true,
      timeout: 15_000,
    });
    await page.goto(`${suite.argus.url}/explore?q=${METRIC}&from=now-1h&to=now&unit=short`);
    const legend = page.getByRole('list', { name: 'Legend' });
    await legend.getByRole('button').nth(2).waitFor();
    assert.equal(await horizontalOverflow(page), 0);

    // A tap on the plot shows the time and the values under the finger.
    const plot = page.locator('.ts-chart-plot .u-over');
    const box = await plot.boundingBox();
    assert.ok(box);
    await page.touchscreen.tap(box.x + box.width * 0.9, box.y + box.height / 2);
    await page.locator('.ts-legend .value').first().waitFor();
    assert.match(
      await page.locator('.ts-chart-hover').innerText(),
      /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/,
    );
    assert.equal(await page.locator('.ts-legend .value').count(), 3);

    // The time-range panel fits too, and a quick pick changes the URL.
    await page.getByRole('button', { name: /Last 1h/ }).tap();
    await page.getByRole('dialog', { name: 'Time range' }).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'explore-phone');
    await page.getByRole('button', { name: 'Last 15m' }).tap();
    await page.waitForURL(/from=now-15m/);
    await legend.getByRole('button').nth(2).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
