/**
 * The Health pages against a real `argus server` whose argus.yml has an http check against a
 * local server we switch between 200 and 500, and a tcp check against a port we open and close:
 * service `web` (the http check) depends on `db` (the tcp check).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttp } from 'node:http';
import { createServer as createTcp, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { adminFetch, startArgus, tempDir } from '../integration/helpers.js';
import { browserSkip, browserSuite, horizontalOverflow, screenshot } from './browser.js';

const skip = browserSkip();

// Data that must render as text.
const XSS = '<img src=x onerror="window.__xss=1">';

let httpStatus = 200;
const http = createHttp((_req, res) => {
  res.writeHead(httpStatus, { 'content-type': 'text/plain' }).end(`status ${httpStatus}`);
});
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
const httpPort = (http.address() as AddressInfo).port;

/** The "database": a TCP port we can close and open again. */
let tcp: Server | undefined;
async function openTcp(port = 0): Promise<number> {
  const s = createTcp((c) => c.end());
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  tcp = s;
  return (s.address() as AddressInfo).port;
}
async function closeTcp(): Promise<void> {
  const s = tcp;
  tcp = undefined;
  if (s) await new Promise<void>((r) => s.close(() => r()));
}
const tcpPort = await openTcp();

async function startWithChecks() {
  const dir = await tempDir('argus-health-e2e-');
  const cfg = path.join(dir, 'argus.yml');
  await writeFile(
    cfg,
    `collect: { host: { enabled: false }, self: { enabled: false } }
rules: { builtin: false }
# The test's servers listen on loopback: API checks made in the UI may probe them.
outbound: { allow: [127.0.0.1] }
checks:
  - name: site
    kind: http
    url: http://127.0.0.1:${httpPort}/
    interval: 1s
    failure_threshold: 1
    description: '${XSS} check'
  - name: dbport
    kind: tcp
    host: 127.0.0.1
    port: ${tcpPort}
    interval: 1s
    failure_threshold: 1
  - name: beat
    kind: heartbeat
    period: 1h
    grace: 10m
services:
  - name: web
    checks: [site]
    depends_on: [db]
    description: '${XSS} service'
  - name: db
    checks: [dbport]
`,
  );
  return startArgus({ args: ['--config', cfg] });
}

const card = (page: Page, name: string) => page.locator(`article[aria-label="Service ${name}"]`);

async function cardStatus(page: Page, name: string, status: string): Promise<void> {
  await card(page, name)
    .locator(`.hs-card-head [data-status="${status}"]`)
    .waitFor({ timeout: 20_000 });
}

async function assertNoXss(page: Page): Promise<void> {
  assert.equal(await page.evaluate('window.__xss === undefined'), true);
  assert.equal(await page.locator('.content img').count(), 0);
}

describe('health pages in the browser', { skip }, () => {
  const suite = browserSuite(startWithChecks);
  after(async () => {
    await closeTcp();
    await new Promise<void>((r) => http.close(() => r()));
  });

  it('shows the services with the statuses from the server, data as text', async () => {
    const { page, problems } = await suite.loggedInPage('/health');
    await cardStatus(page, 'web', 'up');
    await cardStatus(page, 'db', 'up');
    await page.getByText('All services are up').waitFor();
    // The description renders as text, the payload visible and inert.
    await card(page, 'web').getByText(`${XSS} service`).waitFor();
    await assertNoXss(page);
    // 90 uptime bars, each named by its day.
    const bars = card(page, 'web').locator('.uptime-bars li');
    // The bars come with the uptime request, after the card itself: wait for them (count() does not).
    await bars.nth(89).waitFor();
    assert.equal(await bars.count(), 90);
    assert.match((await bars.last().getAttribute('aria-label')) ?? '', /^\d{4}-\d{2}-\d{2}: /);
    // The nav entry leads here.
    assert.equal(
      await page
        .getByRole('link', { name: /Health/ })
        .first()
        .getAttribute('href'),
      '/health',
    );
    await screenshot(page, 'health-services');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows the root cause when the database fails', async () => {
    const { page, problems } = await suite.loggedInPage('/health');
    await cardStatus(page, 'db', 'up');
    await closeTcp();
    await cardStatus(page, 'db', 'down');
    await card(page, 'web').locator('.impacted', { hasText: 'impacted by db' }).waitFor();
    await page.locator('.hs-banner', { hasText: 'Root cause: db' }).waitFor();
    await screenshot(page, 'health-root-cause');

    await page.getByRole('link', { name: 'Dependencies' }).click();
    const db = page.locator('svg.hs-graph a[data-service="db"]');
    await db.waitFor();
    assert.match((await db.getAttribute('class')) ?? '', /hs-root/);
    assert.match((await db.getAttribute('aria-label')) ?? '', /db: down, root cause/);
    const web = page.locator('svg.hs-graph a[data-service="web"]');
    assert.doesNotMatch((await web.getAttribute('class')) ?? '', /hs-root/);
    // The edge runs from web (left) to db (right).
    const wx = Number(await web.locator('rect').getAttribute('x'));
    const dx = Number(await db.locator('rect').getAttribute('x'));
    assert.ok(wx < dx, `web (${wx}) left of db (${dx})`);
    await page
      .locator('.hs-dep-list li', { hasText: 'root cause' })
      .getByText('db')
      .first()
      .waitFor();
    await screenshot(page, 'health-dependencies');
    // Clicking a node opens the service.
    await db.click();
    await page.waitForURL(/\/health\/services\/db$/);
    await page.getByRole('heading', { name: /Service db/ }).waitFor();
    await page.locator('.hs-title [data-status="down"]').waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
    await openTcp(tcpPort);
  });

  it('creates an API check through the form: Test shows a result, Save lists it', async () => {
    const { page, problems } = await suite.loggedInPage('/health/checks');
    await page.locator('tr[data-check="site"]').waitFor();
    await page.getByRole('button', { name: 'New check' }).click();
    const dialog = page.locator('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('api-site');
    await dialog.getByLabel('Interval').fill('1s');
    await dialog.getByLabel('Description').fill(`${XSS} api`);
    await dialog
      .getByLabel(/http fields/)
      .fill(`url: http://127.0.0.1:${httpPort}/\nvalid_status: 200-499\n`);
    // A server-side problem lands beside its field.
    await dialog.getByLabel('Timeout').fill('5s');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.locator('.field-problems', { hasText: 'timeout' }).waitFor();
    await dialog.getByLabel('Timeout').fill('');
    await dialog.getByRole('button', { name: 'Test' }).click();
    const result = dialog.getByRole('status', { name: 'Test result' });
    await result.waitFor();
    await result.locator('[data-status="up"]').waitFor();
    await screenshot(page, 'health-check-editor');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator('tr[data-check="api-site"]');
    await row.waitFor();
    assert.match(await row.innerText(), /api/);
    // The filter (in the URL) narrows the table.
    await page.getByLabel('Filter checks').fill('api-site');
    await page.waitForURL(/q=api-site/);
    assert.equal(await page.locator('tbody tr').count(), 1);
    await assertNoXss(page);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows a check’s history after a state change, and Run now', async () => {
    const { page, problems } = await suite.loggedInPage('/health/checks/site');
    await page.locator('.hs-title [data-status="up"]').waitFor({ timeout: 20_000 });
    await page.getByText(`${XSS} check`).waitFor();
    httpStatus = 500;
    await page.locator('.hs-title [data-status="down"]').waitFor({ timeout: 20_000 });
    const history = page.getByRole('region', { name: 'State history' });
    await history.locator('[data-status="down"]').first().waitFor({ timeout: 20_000 });
    assert.match(await history.innerText(), /500/);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page
      .getByRole('status', { name: 'Run now result' })
      .locator('[data-status="down"]')
      .waitFor();
    // A config check is read-only: no edit or delete.
    assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0);
    await page.locator('.uplot').first().waitFor();
    await assertNoXss(page);
    await screenshot(page, 'health-check-detail');
    httpStatus = 200;
    // A heartbeat check shows the URL its job pings, with curl lines.
    await page.goto(`${suite.argus.url}/health/checks/beat`);
    const beat = page.getByRole('region', { name: 'Heartbeat URL' });
    const url = await beat.locator('code').innerText();
    assert.match(url, /^https?:\/\/.+\/ping\/\S+$/);
    assert.match(await beat.locator('pre').innerText(), /curl -fsS -m 10 .*\/start/);
    await beat.getByRole('button', { name: 'Copy URL' }).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('creates services through the form; a dependency cycle is refused by name', async () => {
    const { page, problems } = await suite.loggedInPage('/health');
    await cardStatus(page, 'web', 'up');
    const create = async (name: string, deps: string[]) => {
      await page.getByRole('button', { name: 'New service' }).click();
      const dialog = page.locator('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill(name);
      await dialog.getByLabel('Description').fill(`${XSS} ${name}`);
      await dialog.getByRole('checkbox', { name: 'api-site' }).check();
      for (const d of deps) await dialog.getByRole('checkbox', { name: d, exact: true }).check();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await card(page, name).waitFor();
    };
    await create('edge-x', []);
    await create('edge-y', ['edge-x']);
    await page.goto(`${suite.argus.url}/health/services/edge-x`);
    await page.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.locator('dialog');
    await dialog.getByRole('checkbox', { name: 'edge-y', exact: true }).check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').filter({ hasText: /cycle/ }).waitFor();
    assert.match(await dialog.getByRole('alert').innerText(), /edge-x → edge-y → edge-x/);
    await screenshot(page, 'health-service-cycle');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText(`${XSS} edge-x`).waitFor();
    // A maintenance window: scheduled, shown (the service's status too), deleted.
    await page.getByRole('button', { name: 'Schedule maintenance' }).click();
    await dialog.getByLabel('Comment').fill(`${XSS} upgrade`);
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await dialog.waitFor({ state: 'detached' });
    const windows = page.getByRole('region', { name: 'Maintenance' });
    await windows.getByText(`${XSS} upgrade`).waitFor();
    await page.locator('.hs-title [data-status="maintenance"]').waitFor({ timeout: 20_000 });
    await windows.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await windows.getByText('No current or upcoming windows.').waitFor();
    await assertNoXss(page);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows viewers no edit buttons', async () => {
    const res = await adminFetch(`${suite.argus.url}/api/argus/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'vic', password: 'viewer-password-1', role: 'viewer' }),
    });
    assert.equal(res.status, 201, await res.text());
    const user = { username: 'vic', password: 'viewer-password-1' };
    const { page, problems } = await suite.loggedInPage('/health', { user });
    await cardStatus(page, 'web', 'up');
    assert.equal(await page.getByRole('button', { name: 'New service' }).count(), 0);
    await page.goto(`${suite.argus.url}/health/checks/api-site`);
    await page.locator('.hs-title [data-status]').waitFor();
    for (const name of ['Run now', 'Edit', 'Delete'])
      assert.equal(await page.getByRole('button', { name }).count(), 0, name);
    await page.goto(`${suite.argus.url}/health/services/db`);
    await page.getByRole('heading', { name: 'Maintenance' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Schedule maintenance' }).count(), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('fits a phone without sideways scrolling', async () => {
    const { page, problems } = await suite.loggedInPage('/health', { phone: true });
    await cardStatus(page, 'web', 'up');
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'health-phone-services');
    for (const p of [
      '/health/checks',
      '/health/dependencies',
      '/health/checks/site',
      '/health/services/web',
    ]) {
      await page.goto(`${suite.argus.url}${p}`);
      await page.locator('.health-page h1').waitFor();
      // The page's content has loaded (a card or the table).
      await page.locator('.health-page .card, .health-page table').first().waitFor();
      assert.equal(await horizontalOverflow(page), 0, p);
    }
    await screenshot(page, 'health-phone-service');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
