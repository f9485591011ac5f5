import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { remoteWrite, startArgus } from '../integration/helpers.js';
import { browserSkip, browserSuite, horizontalOverflow, screenshot } from './browser.js';

const skip = browserSkip();
// The host collector's default instance label is the host name.
const host = hostname();

describe('Overview and host detail (headless chromium)', { skip }, () => {
  // A fresh start with no configuration: only the built-in host collector.
  const suite = browserSuite(() => startArgus({ hostMetrics: true }));

  it('shows this host with a live CPU value within 30 s, then its detail page', async () => {
    const { page, problems } = await suite.loggedInPage('/overview', {
      viewport: { width: 1280, height: 900 },
    });
    const card = page.getByRole('article', { name: `Host ${host}` });
    await card.waitFor({ timeout: 15_000 });
    // The card exists before any rate can be computed; the CPU value follows (the collector
    // ticks every 15 s and the page refreshes every 15 s).
    const cpu = card.locator('[data-metric="cpu"] .host-value');
    await cpu.waitFor({ timeout: 30_000 });
    const cpuText = await cpu.innerText();
    assert.match(cpuText, /^\d+(\.\d+)?%$/);
    assert.ok(Number(cpuText.slice(0, -1)) <= 100, cpuText);
    // Memory is a gauge: a value at once, with units.
    assert.match(await card.locator('[data-metric="memory"] .host-value').innerText(), /%$/);
    assert.match(await card.locator('[data-metric="load1"] .host-value').innerText(), /CPUs/);
    assert.ok((await card.locator('.sparkline canvas').count()) >= 4, 'sparklines drawn');
    // The local collector has no scrape target: no up/down, said so.
    assert.equal(await card.locator('.badge').innerText(), 'no target');
    // The filter hides what does not match and says so.
    await page.getByLabel('Filter hosts').fill('no-such-host-zzz');
    await page.getByText('No host matches').waitFor();
    await page.getByLabel('Filter hosts').fill(host.slice(0, 2));
    await card.waitFor();
    await screenshot(page, 'overview-desktop');

    await card.getByRole('link', { name: host }).click();
    await page.waitForURL(new RegExp(`/overview/${encodeURIComponent(host)}$`));
    await page.getByRole('heading', { name: host, level: 1 }).waitFor();
    const cpuPanel = page.locator('[data-panel="cpu"]');
    await cpuPanel.locator('canvas').first().waitFor({ timeout: 30_000 });
    // The legend lists the CPU modes the server returned.
    assert.match(await cpuPanel.innerText(), /user|system/);
    await page.locator('[data-panel="memory"]').getByText('used').first().waitFor();
    // The shared time-range picker; the range goes into the URL and survives a reload.
    await page.locator('.time-picker > button').click();
    await page.getByRole('button', { name: 'Last 6h' }).click();
    await page.waitForURL(/from=now-6h/);
    await page.reload();
    await cpuPanel.locator('canvas').first().waitFor({ timeout: 15_000 });
    assert.match(await page.locator('.time-picker > button').innerText(), /6/);
    await screenshot(page, 'overview-host-desktop');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('live: a freshly pushed host appears without a reload', async () => {
    const { page, problems } = await suite.loggedInPage('/overview', {
      viewport: { width: 1280, height: 900 },
    });
    await page.getByRole('article', { name: `Host ${host}` }).waitFor({ timeout: 15_000 });
    // A host: load and memory (one metric alone is not a host card).
    const inst = 'pushed-host<img src=x onerror=alert(1)>';
    const t = Date.now();
    const status = await remoteWrite(
      suite.argus.url,
      [
        ['node_load1', 3.5],
        ['node_memory_MemTotal_bytes', 8e9],
        ['node_memory_MemAvailable_bytes', 2e9],
      ].map(([name, v]) => ({
        labels: [
          ['__name__', String(name)],
          ['instance', inst],
          ['job', 'push'],
        ],
        samples: [{ t, v: Number(v) }],
      })),
    );
    assert.equal(status.status, 204, status.body);
    // The page updates by itself, without a reload: on the server's live tick, or at the
    // latest on the 15 s fallback timer (a loaded CI machine can delay the tick's round trip;
    // the tick itself is tested in test/integration/live.test.ts).
    const card = page.getByRole('article', {
      name: 'Host pushed-host<img src=x onerror=alert(1)>',
    });
    await card.waitFor({ timeout: 20_000 });
    assert.equal(await card.locator('[data-metric="load1"] .host-value').innerText(), '3.5');
    assert.equal(await card.locator('[data-metric="memory"] .host-value').innerText(), '75%');
    // The label value is text, not markup.
    assert.equal(await page.locator('.host-card img').count(), 0);
    assert.equal(
      await card.locator('[data-metric="cpu"] .host-collecting').innerText(),
      'collecting…',
    );
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('fits a phone: cards stack, no sideways scrolling', async () => {
    const { page, problems } = await suite.loggedInPage('/overview', { phone: true });
    await page.getByRole('article', { name: `Host ${host}` }).waitFor({ timeout: 15_000 });
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'overview-phone');
    await page.goto(`${suite.argus.url}/overview/${encodeURIComponent(host)}`);
    await page.locator('[data-panel="cpu"]').waitFor();
    await page.locator('[data-panel="load"] canvas').first().waitFor({ timeout: 15_000 });
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'overview-host-phone');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
