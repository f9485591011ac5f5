import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminFetch, startArgus, tempDir } from '../integration/helpers.js';
import { browserSkip, browserSuite, horizontalOverflow, screenshot } from './browser.js';

const skip = browserSkip();
let exporter: Server;
let upPort = 0;
let downPort = 0;

/** A node_exporter-like endpoint: enough for a card on the Overview. */
const METRICS = [
  '# TYPE node_load1 gauge',
  'node_load1 0.25',
  '# TYPE node_memory_MemTotal_bytes gauge',
  'node_memory_MemTotal_bytes 1000',
  '# TYPE node_memory_MemAvailable_bytes gauge',
  'node_memory_MemAvailable_bytes 400',
  '',
].join('\n');

async function listen(s: Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

async function bothScraped(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const body = (await (await adminFetch(`${url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string }[] };
    };
    const t = body.data.activeTargets;
    if (t.length === 2 && t.every((x) => x.health !== 'unknown')) return;
    if (Date.now() > deadline) throw new Error(`targets not scraped: ${JSON.stringify(t)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Targets page (headless chromium)', { skip }, () => {
  const suite = browserSuite(async () => {
    exporter = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(METRICS);
    });
    upPort = await listen(exporter);
    downPort = await closedPort();
    const config = path.join(await tempDir('u6b-targets-'), 'argus.yml');
    await writeFile(
      config,
      [
        'collect: { host: { enabled: false }, self: { enabled: false } }',
        'rules: { builtin: false }',
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: node',
        `    static_configs: [{ targets: ["127.0.0.1:${upPort}", "127.0.0.1:${downPort}"], labels: { env: "e2e-very-long-label-value-that-must-wrap-on-a-phone-screen-and-not-scroll" } }]`,
        '',
      ].join('\n'),
    );
    return startArgus({ args: ['--config', config] });
  });
  before(() => bothScraped(suite.argus.url));
  after(() => new Promise((r) => exporter?.close(r)));

  it('shows the job with 1/2 up, the down target and its error; filters by health', async () => {
    const { page, problems } = await suite.loggedInPage('/targets', {
      viewport: { width: 1280, height: 900 },
    });
    const job = page.getByRole('region', { name: 'Job node' });
    await job.waitFor();
    assert.equal(await job.getByRole('heading').innerText(), 'node');
    assert.equal(await job.locator('.job-head .badge').innerText(), '1/2 up');
    const down = job.locator('tr[data-health="down"]');
    assert.match(await down.innerText(), new RegExp(`127\\.0\\.0\\.1:${downPort}`));
    // The scraper's own error text, from the API, in full.
    const api = (await (await adminFetch(`${suite.argus.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string }[] };
    };
    const lastError = api.data.activeTargets.find((t) => t.health === 'down')!.lastError;
    assert.notEqual(lastError, '');
    assert.equal(await down.locator('.target-error').innerText(), lastError);
    const up = job.locator('tr[data-health="up"]');
    assert.match(await up.innerText(), /s ago/);
    assert.match(await up.innerText(), /env="e2e-very-long/);
    await screenshot(page, 'targets-desktop');

    // Health filter: only the down target remains; the job count still says 1/2.
    await page.getByLabel('Health').selectOption('down');
    await job.locator('tr[data-health="up"]').waitFor({ state: 'detached' });
    assert.equal(await job.locator('tbody tr').count(), 1);
    assert.equal(await job.locator('.job-head .badge').innerText(), '1/2 up');
    // Text filter with no match.
    await page.getByLabel('Health').selectOption('all');
    await page.getByLabel('Filter targets').fill('no-such-target');
    await page.getByText('No target matches the filter.').waitFor();
    await page.getByLabel('Filter targets').fill(String(upPort));
    await job.locator('tr[data-health="up"]').waitFor();
    assert.equal(await job.locator('tbody tr').count(), 1);
    // The filter is in the address: a reload (or a shared link) shows the same view.
    await page.waitForURL(new RegExp(`[?&]q=${upPort}(&|$)`));
    await page.reload();
    await job.locator('tr[data-health="up"]').waitFor();
    assert.equal(await page.getByLabel('Filter targets').inputValue(), String(upPort));
    assert.equal(await job.locator('tbody tr').count(), 1);

    // The scraped node_exporter is a card on the Overview, healthy.
    await page.getByRole('link', { name: 'Overview' }).click();
    const card = page.getByRole('article', { name: `Host 127.0.0.1:${upPort}` });
    await card.waitFor({ timeout: 15_000 });
    assert.equal(await card.locator('.badge').innerText(), 'up');
    assert.equal(await card.locator('[data-metric="memory"] .host-value').innerText(), '60%');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('fits a phone: rows stack, long labels wrap, no sideways scrolling', async () => {
    const { page, problems } = await suite.loggedInPage('/targets', { phone: true });
    await page.locator('tr[data-health="down"] .target-error').waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'targets-phone');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
