import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { adminFetch, remoteWrite, tempDir } from '../integration/helpers.js';
import { browserSkip, browserSuite, horizontalOverflow, screenshot } from './browser.js';

const skip = browserSkip();

const XSS = '<img src=x onerror="window.__xss=1">';

describe('dashboards in the browser', { skip }, () => {
  const suite = browserSuite();

  async function push(name: string, labels: Record<string, string>, v: number, t = Date.now()) {
    const r = await remoteWrite(suite.argus.url, [
      { labels: [['__name__', name], ...Object.entries(labels)], samples: [{ t, v }] },
    ]);
    assert.equal(r.status, 204, r.body);
  }

  async function createDashboard(dashboard: unknown): Promise<string> {
    const res = await adminFetch(`${suite.argus.url}/api/argus/v1/dashboards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dashboard }),
    });
    const body = (await res.json()) as { data: { uid: string }; error?: string };
    assert.equal(res.status, 201, body.error);
    return body.data.uid;
  }

  before(async () => {
    // A minute of two series, 15 s apart, ending now.
    const now = Date.now();
    for (let i = 4; i >= 0; i--) {
      for (const inst of ['a:9100', 'b:9100'])
        await push(
          'e2e_load',
          { instance: inst, job: 'node' },
          i + (inst === 'a:9100' ? 1 : 2),
          now - i * 15_000,
        );
    }
  });

  it('creates, edits, saves, reloads and versions a dashboard', async () => {
    const { page, problems } = await suite.loggedInPage('/dashboards');
    await page.getByRole('button', { name: 'New dashboard' }).click();
    await page.waitForURL(/\/dashboards\/new$/);
    await page.getByLabel('Dashboard title').fill('E2E hosts');
    await page.getByRole('button', { name: 'Add panel' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit panel' });
    await editor.getByLabel('Title').fill('Load by host');
    // The query box is the PromQL editor: metric names come from Argus's own API.
    await editor.getByLabel('Query A').click();
    await page.keyboard.type('e2e_lo');
    await page
      .getByRole('option', { name: /e2e_load/ })
      .first()
      .waitFor();
    // CodeMirror ignores Enter for 75 ms after the list opens (interactionDelay), so that a
    // fast typist's Enter is a newline; on a loaded CI machine we can be that fast.
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter'); // picks the completion
    assert.equal(await editor.getByLabel('Query A').innerText(), 'e2e_load');
    await editor.getByLabel('Legend').fill('{{instance}}');
    await editor.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    // The first save creates it (version 1) under its new uid.
    await page.waitForURL(/\/dashboards\/(?!new)[A-Za-z0-9_-]+$/);
    await page.reload();
    await page.getByRole('heading', { name: 'E2E hosts' }).waitFor();
    const panel = page.getByRole('region', { name: 'Load by host' });
    // The legend lists the two series by their legend template.
    await panel.getByRole('button', { name: /a:9100/ }).waitFor();
    await panel.getByRole('button', { name: /b:9100/ }).waitFor();
    await screenshot(page, 'dashboard-edited');
    // Edit again: the panel becomes a stat; versions list three.
    await page.getByRole('button', { name: 'Edit' }).click();
    await panel.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('dialog', { name: 'Edit panel' }).getByLabel('Type').selectOption('stat');
    await page
      .getByRole('dialog', { name: 'Edit panel' })
      .getByRole('button', { name: 'Apply' })
      .click();
    await page.getByLabel('Change note').fill('load as a stat');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 2.' }).waitFor();
    await page.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByRole('dialog', { name: 'Versions' });
    await versions.getByRole('cell', { name: '2', exact: true }).waitFor();
    await versions.getByRole('cell', { name: 'load as a stat' }).waitFor();
    assert.equal(await versions.getByRole('row').count(), 3); // header + 2 versions
    await versions.getByRole('button', { name: 'Close' }).click();
    // Delete asks in a dialog: Escape keeps it, Delete removes it.
    await page.getByRole('button', { name: 'Delete' }).click();
    const ask = page.getByRole('dialog', { name: 'Delete dashboard' });
    await ask.waitFor();
    await page.keyboard.press('Escape');
    await ask.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete dashboard' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.waitForURL(/\/dashboards$/);
    await page.getByRole('heading', { name: 'Dashboards' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'E2E hosts' }).count(), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('imports a dashboard JSON file and shows its panels', async () => {
    const dir = await tempDir('argus-e2e-dash-');
    const file = path.join(dir, 'imported.json');
    writeFileSync(
      file,
      JSON.stringify({
        schemaVersion: 1,
        uid: 'e2e-imported',
        title: 'Imported board',
        panels: [
          {
            id: 1,
            type: 'table',
            title: 'Loads',
            gridPos: { x: 0, y: 0, w: 24, h: 8 },
            targets: [{ refId: 'A', expr: 'e2e_load' }],
          },
        ],
      }),
    );
    const { page, problems } = await suite.loggedInPage('/dashboards');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import JSON' }).click();
    await (await chooser).setFiles(file);
    await page.waitForURL(/\/dashboards\/e2e-imported$/);
    const table = page.getByRole('region', { name: 'Loads' }).getByRole('table');
    await table.getByRole('cell', { name: 'a:9100' }).waitFor();
    assert.equal(await table.getByRole('row').count(), 3);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('live mode shows a freshly pushed sample without a reload', async () => {
    await push('e2e_live', { job: 'live' }, 1);
    const uid = await createDashboard({
      schemaVersion: 1,
      title: 'Live board',
      time: { from: 'now-15m', to: 'now' },
      panels: [
        {
          id: 1,
          type: 'stat',
          title: 'Live value',
          gridPos: { x: 0, y: 0, w: 6, h: 4 },
          targets: [{ refId: 'A', expr: 'e2e_live' }],
          options: { graphMode: 'none' },
        },
      ],
    });
    const { page, problems } = await suite.loggedInPage('/dashboards');
    await page.goto(`${suite.argus.url}/dashboards/${uid}`);
    const stat = page.getByRole('region', { name: 'Live value' });
    await stat.getByText('1', { exact: true }).waitFor();
    await page.getByRole('button', { name: '● Live' }).waitFor();
    const pushed = Date.now();
    await push('e2e_live', { job: 'live' }, 4242);
    await stat.getByText('4242', { exact: true }).waitFor({ timeout: 15_000 });
    const latency = Date.now() - pushed;
    console.log(`live: the pushed sample was on screen ${latency} ms after the push`);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('renders hostile strings from data and dashboards as text: nothing executes', async () => {
    await push('e2e_xss', { victim: XSS, other: '<svg onload="window.__xss=2">' }, 7);
    const uid = await createDashboard({
      schemaVersion: 1,
      title: `Board ${XSS}`,
      tags: [XSS],
      variables: [{ name: 'v', label: XSS, query: 'label_values(e2e_xss, victim)' }],
      panels: [
        {
          id: 1,
          type: 'text',
          title: `Notes ${XSS}`,
          gridPos: { x: 0, y: 0, w: 12, h: 8 },
          text: [
            '# Notes',
            '<script>window.__xss=3</script>',
            '<img src=x onerror="window.__xss=4">',
            '<svg><script>window.__xss=5</script></svg>',
            '[click me](javascript:window.__xss=6)',
            '<a href="javascript:window.__xss=7">raw link</a>',
            '<iframe src="javascript:window.__xss=8"></iframe>',
            '{{constructor.constructor("window.__xss=9")()}}',
          ].join('\n\n'),
        },
        {
          id: 2,
          type: 'table',
          title: 'Hostile labels',
          gridPos: { x: 12, y: 0, w: 12, h: 8 },
          targets: [{ refId: 'A', expr: 'e2e_xss', legend: '{{victim}} {{constructor}}' }],
        },
        {
          id: 3,
          type: 'timeseries',
          title: 'Hostile legend',
          gridPos: { x: 0, y: 8, w: 24, h: 8 },
          targets: [{ refId: 'A', expr: 'e2e_xss', legend: '{{victim}}' }],
        },
      ],
    });
    const { page, problems } = await suite.loggedInPage('/dashboards');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${suite.argus.url}/dashboards/${uid}`);
    const table = page.getByRole('region', { name: 'Hostile labels' }).getByRole('table');
    // The payload is shown, as text.
    await table.getByRole('cell', { name: XSS }).waitFor();
    await page.getByRole('heading', { name: `Board ${XSS}` }).waitFor();
    await page
      .getByRole('region', { name: 'Hostile legend' })
      .getByRole('button', { name: XSS })
      .waitFor();
    const md = page.getByRole('region', { name: `Notes ${XSS}` });
    await md.getByRole('heading', { name: 'Notes', exact: true }).waitFor();
    // Links that were javascript: lost their href; clicking does nothing.
    await md.getByText('click me').click();
    await md.getByText('raw link').click();
    assert.equal(await md.locator('script, iframe, svg, img[onerror]').count(), 0);
    assert.equal(await page.evaluate('window.__xss'), undefined);
    assert.equal(dialogs, 0);
    await screenshot(page, 'dashboard-xss');
    // The list shows the hostile title and tag as text too.
    await page.goto(`${suite.argus.url}/dashboards`);
    await page.getByRole('link', { name: `Board ${XSS}` }).waitFor();
    assert.equal(await page.evaluate('window.__xss'), undefined);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('fills a variable whose selector uses another variable (chained label_values)', async () => {
    const uid = await createDashboard({
      schemaVersion: 1,
      title: 'Chained variables',
      variables: [
        { name: 'job', query: 'label_values(e2e_load, job)' },
        { name: 'instance', query: 'label_values(e2e_load{job="$job"}, instance)', multi: true },
      ],
      panels: [
        {
          id: 1,
          type: 'table',
          title: 'Selected',
          gridPos: { x: 0, y: 0, w: 24, h: 8 },
          targets: [{ refId: 'A', expr: 'e2e_load{job="$job", instance=~"$instance"}' }],
        },
      ],
    });
    const { page, problems } = await suite.loggedInPage('/dashboards');
    await page.goto(`${suite.argus.url}/dashboards/${uid}`);
    const instance = page
      .getByRole('group', { name: 'Variables' })
      .locator('label', { hasText: /^instance/ })
      .locator('select');
    await instance.locator('option', { hasText: 'b:9100' }).waitFor({ state: 'attached' });
    assert.deepEqual(await instance.locator('option').allTextContents(), ['a:9100', 'b:9100']);
    await instance.selectOption(['b:9100']);
    const table = page.getByRole('region', { name: 'Selected' }).getByRole('table');
    await table.getByRole('cell', { name: 'b:9100' }).waitFor();
    for (let i = 0; i < 100 && (await table.getByRole('row').count()) !== 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(await table.getByRole('row').count(), 2, 'one series: instance b only');
    // The selection is in the URL (a shared link shows the same), not saved in the dashboard.
    await page.waitForURL(/[?&]var-instance=b%3A9100(&|$)/);

    // The variables form: a bad query is named beside its field; a fixed one applies.
    await page.getByRole('button', { name: 'Edit' }).first().click();
    await page.getByRole('button', { name: 'Variables' }).click();
    const form = page.getByRole('dialog', { name: 'Edit variables' });
    await form.getByRole('button', { name: 'Add variable' }).click();
    const added = form.getByRole('group', { name: 'var3' });
    await added.getByLabel('Query').fill('up');
    await added.getByLabel('Name').fill('env'); // the group is named after it from here
    await form.getByRole('button', { name: 'Apply' }).click();
    await form.getByText('label_values(label) or label_values(selector, label).').waitFor();
    await form
      .getByRole('group', { name: 'env' })
      .getByLabel('Query')
      .fill('label_values(e2e_load, job)');
    await form.getByRole('button', { name: 'Apply' }).click();
    await form.waitFor({ state: 'detached' });
    await page
      .getByRole('group', { name: 'Variables' })
      .locator('label', { hasText: /^env/ })
      .locator('option', { hasText: 'node' })
      .waitFor({ state: 'attached' });
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('stacks panels on a phone without sideways scrolling', async () => {
    const uid = await createDashboard({
      schemaVersion: 1,
      title: 'Phone board',
      panels: [1, 2, 3].map((id) => ({
        id,
        type: 'timeseries',
        title: `Panel ${id}`,
        gridPos: { x: (id - 1) * 8, y: 0, w: 8, h: 8 },
        targets: [{ refId: 'A', expr: 'e2e_load' }],
      })),
    });
    const { page } = await suite.loggedInPage('/dashboards', { phone: true });
    await page.goto(`${suite.argus.url}/dashboards/${uid}`);
    await page.getByRole('region', { name: 'Panel 3' }).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'dashboard-phone');
    await page.context().close();
  });
});
