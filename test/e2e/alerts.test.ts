import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { adminFetch, startArgus, tempDir } from '../integration/helpers.js';
import { browserSkip, browserSuite, horizontalOverflow, screenshot } from './browser.js';

const skip = browserSkip();

// Data that must render as text: in a label and in annotations of a firing alert.
const XSS = '<img src=x onerror="window.__xss=1">';

const RULES = `groups:
  - name: always
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels:
          severity: page
          payload: '${XSS}'
        annotations:
          summary: '${XSS} is firing'
          description: 'Always true; <b>not bold</b>'
          runbook_url: 'javascript:window.__xss=2'
      - alert: SlowBurn
        expr: vector(2)
        for: 1h
        labels:
          severity: ticket
`;

/** A webhook receiver on loopback that keeps what it is sent. */
async function webhookServer(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hook`, bodies };
}

const hook = await webhookServer();

async function startWithAlerting() {
  const dir = await tempDir('argus-alerts-e2e-');
  await writeFile(path.join(dir, 'rules.yml'), RULES);
  const cfg = path.join(dir, 'argus.yml');
  await writeFile(
    cfg,
    `collect: { host: { enabled: false } }
rule_files: [rules.yml]
# The test webhook listens on loopback: a tenant config made in the UI may send there too.
outbound: { allow: [127.0.0.1] }
alertmanager:
  route:
    receiver: hook
    group_by: [alertname]
    group_wait: 0s
    group_interval: 1s
    repeat_interval: 1h
    routes:
      - matchers: ['severity="ticket"']
        receiver: hook
        escalation_policy: oncall
  escalation_policies:
    - name: oncall
      levels:
        - receiver: hook
        - receiver: pager
          delay: 15m
  receivers:
    - name: hook
      webhook_configs:
        - url: ${hook.url}
    - name: pager
      opsgenie_configs:
        - api_key: not-a-real-key
`,
  );
  return startArgus({ args: ['--config', cfg] });
}

async function api<T>(url: string): Promise<T> {
  const res = await adminFetch(url);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const body = JSON.parse(text) as T | { status: string; data: T };
  return typeof body === 'object' && body !== null && 'status' in body && 'data' in body
    ? body.data
    : body;
}

/** Polls `get` until `ok` holds (bounded); returns the last value. */
async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let v = await get();
  for (let i = 0; i < 200 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await get();
  }
  assert.ok(ok(v), `${what}: ${JSON.stringify(v)}`);
  return v;
}

const alertRow = (page: Page, name: string) =>
  page.locator('li.alert-row').filter({ has: page.locator('.alert-name', { hasText: name }) });

async function assertNoXss(page: Page): Promise<void> {
  assert.equal(await page.evaluate('window.__xss === undefined'), true);
  assert.equal(await page.locator('.content img').count(), 0);
}

describe('alerting pages in the browser', { skip }, () => {
  const suite = browserSuite(startWithAlerting);
  after(() => new Promise<void>((r) => hook.server.close(() => r())));

  interface GettableAlert {
    fingerprint: string;
    labels: Record<string, string>;
    status: { silencedBy: string[] };
  }
  const firing = () =>
    until(
      () =>
        api<GettableAlert[]>(
          `${suite.argus.url}/api/v2/alerts?filter=alertname%3D%22AlwaysFiring%22`,
        ),
      (a) => a.length === 1,
      'AlwaysFiring in /api/v2/alerts',
    ).then((a) => a[0]);

  it('shows the firing alert grouped as routed, its data as text, the pending one, and acks it', async () => {
    const alert = await firing();
    const { page, problems } = await suite.loggedInPage('/alerts');
    const group = page.getByRole('region', { name: 'Group alertname="AlwaysFiring"' });
    await group.waitFor();
    assert.match(await group.locator('.receiver-badge').innerText(), /hook/);
    const row = alertRow(page, 'AlwaysFiring');
    // The label and the summary hold markup: shown as typed, never parsed.
    await row.getByText(`"${XSS}"`).waitFor();
    await row.getByText(`${XSS} is firing`).waitFor();
    await row.getByText('Always true; <b>not bold</b>').waitFor();
    // A javascript: runbook is no link.
    assert.equal(await row.getByRole('link', { name: 'Runbook' }).count(), 0);
    await row.getByText('runbook: javascript:window.__xss=2').waitFor();
    // The `for: 1h` rule is pending: listed apart, not routed yet.
    await page.getByRole('region', { name: 'Pending alerts' }).getByText('SlowBurn').waitFor();
    await assertNoXss(page);

    // The filter is matchers, kept in the URL.
    await page.getByLabel('Filter alerts by matchers').fill('alertname="Nope"');
    await page.waitForURL(/filter=alertname/);
    await group.waitFor({ state: 'detached' });
    await page.getByLabel('Filter alerts by matchers').fill('severity=~"pa.*"');
    await group.waitFor();
    await page.getByLabel('Filter alerts by matchers').fill('');

    await row.getByRole('button', { name: 'Ack' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acknowledge' });
    await dialog.getByLabel('Comment (optional)').fill('looking into it');
    await dialog.getByRole('button', { name: 'Ack' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.locator('.badge-acknowledged').waitFor();
    await row.getByText('Acknowledged by admin: looking into it').waitFor();
    await row.getByRole('button', { name: 'Unack' }).waitFor();
    // The API says so too.
    type Entry = { kind: string; fingerprint: string; detail: { by?: string; comment?: string } };
    const acks = await api<Entry[]>(`${suite.argus.url}/api/argus/v1/alerts/history?kind=ack`);
    const mine = acks.find((e) => e.fingerprint === alert.fingerprint);
    assert.equal(mine?.detail.by, 'user:admin');
    assert.equal(mine?.detail.comment, 'looking into it');
    await screenshot(page, 'alerts-desktop');
    // By keyboard: Unack, Enter in the comment field confirms, the badge goes.
    await row.getByRole('button', { name: 'Unack' }).focus();
    await page.keyboard.press('Enter');
    const undo = page.getByRole('dialog', { name: 'Withdraw acknowledgement' });
    await undo.getByLabel('Comment (optional)').focus();
    await page.keyboard.press('Enter');
    await undo.waitFor({ state: 'detached' });
    await row.locator('.badge-acknowledged').waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Ack' }).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('silences an alert from its row: the preview lists it, then it shows as silenced', async () => {
    const alert = await firing();
    const { page, problems } = await suite.loggedInPage('/alerts');
    const row = alertRow(page, 'AlwaysFiring');
    await row.getByRole('link', { name: 'Silence' }).click();
    await page.waitForURL(/\/alerts\/silences\?editor=new/);
    const editor = page.getByRole('form', { name: 'Silence editor' });
    // Prefilled with the alert's labels, alertname first.
    assert.equal(await editor.getByLabel('Matcher 1 label name').inputValue(), 'alertname');
    assert.equal(await editor.getByLabel('Matcher 1 value').inputValue(), 'AlwaysFiring');
    const preview = editor.getByRole('region', { name: 'Matcher preview' });
    await preview.getByText('Would mute 1 current alert:').waitFor();
    await preview.getByText(/^AlwaysFiring /).waitFor();
    // A regex matcher that matches nothing empties the preview.
    await editor.getByLabel('Matcher 1 operator').selectOption('=~');
    await editor.getByLabel('Matcher 1 value').fill('Always.*|Other');
    await preview.getByText('Would mute 1 current alert:').waitFor();
    await editor.getByLabel('Matcher 1 value').fill('Nothing.*');
    await preview.getByText(/would mute nothing now/).waitFor();
    await editor.getByLabel('Matcher 1 value').fill('Always.*');
    await preview.getByText('Would mute 1 current alert:').waitFor();
    // Creator defaults to the user; the comment is required, said by the field.
    assert.equal(await editor.getByLabel('Creator').inputValue(), 'admin');
    await editor.getByRole('button', { name: 'Create silence' }).click();
    await editor.getByText('Say why (a comment is required).').waitFor();
    await editor.getByLabel('Comment').fill('maintenance window');
    await editor.getByLabel('Duration').fill('1h');
    await editor.getByRole('button', { name: 'Create silence' }).click();
    await page
      .getByRole('status')
      .getByText(/Silence .+ saved\./)
      .waitFor();
    const active = page.getByRole('region', { name: 'Active silences' });
    await active.getByText('maintenance window').waitFor();
    await active.getByText('alertname=~"Always.*"').waitFor();
    await screenshot(page, 'alerts-silences');

    // The API applies it; the Alerts page hides it unless asked, then badges it.
    await until(
      () =>
        api<GettableAlert[]>(
          `${suite.argus.url}/api/v2/alerts?filter=alertname%3D%22AlwaysFiring%22`,
        ),
      (a) => (a[0]?.status.silencedBy.length ?? 0) > 0,
      'the alert silenced',
    );
    await page.getByRole('link', { name: 'Alerts', exact: true }).first().click();
    await page.waitForURL(/\/alerts$/);
    await page.getByText(/1 silenced or inhibited hidden/).waitFor({ timeout: 20_000 });
    await page.getByLabel('Show silenced').check();
    await page.waitForURL(/silenced=1/);
    await alertRow(page, 'AlwaysFiring').locator('.badge-silenced').waitFor();
    assert.ok(alert.fingerprint.length > 0);

    // Edit it (POST with its id): the editor holds its values.
    await page.getByRole('link', { name: 'Silences' }).click();
    await active.getByRole('button', { name: 'Edit' }).click();
    await page.waitForURL(/editor=[0-9a-f-]{8,}/);
    const edit = page.getByRole('form', { name: 'Silence editor' });
    assert.equal(await edit.getByLabel('Comment').inputValue(), 'maintenance window');
    assert.equal(await edit.getByLabel('Matcher 1 operator').inputValue(), '=~');
    await edit.getByLabel('Comment').fill('maintenance window, extended');
    await edit.getByRole('button', { name: 'Save silence' }).click();
    await active.getByText('maintenance window, extended').waitFor();
    assert.equal(await active.locator('li.silence-row').count(), 1);

    // Expire it, with a confirmation.
    await active.getByRole('button', { name: 'Expire' }).click();
    const confirm = page.getByRole('dialog', { name: 'Expire silence' });
    await confirm.getByRole('button', { name: 'Expire' }).click();
    await page
      .getByRole('status')
      .getByText(/Silence .+ expired\./)
      .waitFor();
    await active.getByText('None.').waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('lists the rules with state, query and an Explore link; file groups read-only', async () => {
    const { page, problems } = await suite.loggedInPage('/alerts/rules');
    const rule = page.locator('li.rule-row[data-rule="AlwaysFiring"]');
    await rule.locator('.badge.state-firing').waitFor();
    await rule.locator('.rule-query', { hasText: 'vector(1)' }).waitFor();
    assert.equal(
      await rule.getByRole('link', { name: 'Open in Explore' }).getAttribute('href'),
      '/explore?q=vector%281%29',
    );
    await page.locator('li.rule-row[data-rule="SlowBurn"] .badge.state-pending').waitFor();
    await page
      .getByRole('region', { name: 'Rule group always' })
      .getByText(/read-only here: edit the file/)
      .waitFor();
    await page.getByLabel('Filter rules').fill('slow');
    await page.locator('li.rule-row[data-rule="AlwaysFiring"]').waitFor({ state: 'detached' });
    await screenshot(page, 'alerts-rules');
    await assertNoXss(page);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('creates, edits (a bad expression is refused with its position) and deletes a rule group', async () => {
    const { page, problems } = await suite.loggedInPage('/alerts/rules');
    await page.getByRole('button', { name: 'New rule group' }).click();
    const dlg = page.getByRole('dialog', { name: 'New rule group' });
    await dlg.getByLabel('Name').fill('ui-made');
    await dlg
      .getByLabel(/Group \(rule-file YAML/)
      .fill('interval: 1s\nrules:\n  - record: ui:made\n    expr: vector(42)\n');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    const group = page.getByRole('region', { name: 'Rule group ui-made' });
    await group.locator('li.rule-row[data-rule="ui:made"]').waitFor();
    // Evaluated at once: the series exists (bounded wait).
    let value: string | undefined;
    for (let n = 0; n < 100 && value === undefined; n++) {
      const r = (await (
        await adminFetch(`${suite.argus.url}/api/v1/query?query=ui:made`)
      ).json()) as { data: { result: { value: [number, string] }[] } };
      value = r.data.result[0]?.value[1];
      if (value === undefined) await page.waitForTimeout(100);
    }
    assert.equal(value, '42');

    await group.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit rule group ui-made' });
    const yaml = edit.getByLabel(/Group \(rule-file YAML/);
    for (let i = 0; i < 50 && !(await yaml.inputValue()).includes('vector(42)'); i++)
      await page.waitForTimeout(50);
    await yaml.fill('interval: 1s\nrules:\n  - record: ui:made\n    expr: vector(\n');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit
      .getByRole('alert')
      .filter({ hasText: /rule 1, "ui:made": could not parse expression/ })
      .waitFor();
    await edit.getByRole('button', { name: 'Cancel' }).click();

    await group.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete rule group ui-made' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await group.waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('sends a test notification to the webhook and shows channels and escalation', async () => {
    const { page, problems } = await suite.loggedInPage('/alerts/receivers');
    const hookCard = page.getByRole('region', { name: 'Receiver hook' });
    await hookCard.getByText('webhook', { exact: true }).first().waitFor();
    const pager = page.getByRole('region', { name: 'Receiver pager' });
    await pager.getByText('not implemented').waitFor();
    const policy = page.getByRole('group', { name: 'Policy oncall' });
    assert.equal(
      await policy.getByRole('textbox', { name: 'Delay unacknowledged' }).inputValue(),
      '15m',
    );
    await page
      .getByText('Saving creates this tenant’s own configuration from the file one.')
      .waitFor();
    const before = hook.bodies.filter((b) => b.includes('ArgusTestNotification')).length;
    await hookCard.getByRole('button', { name: 'Send test notification' }).click();
    const results = hookCard.getByRole('status', { name: 'Test results for hook' });
    await results.getByText('delivered').waitFor();
    assert.equal(hook.bodies.filter((b) => b.includes('ArgusTestNotification')).length, before + 1);
    await screenshot(page, 'alerts-receivers');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('creates an escalation policy in the editor, attaches it to a route, then resets to the file config', async () => {
    const { page, problems } = await suite.loggedInPage('/alerts/receivers');
    const status = () =>
      api<{ config: { original: string } }>(`${suite.argus.url}/api/v2/status`).then(
        (s) => s.config.original,
      );
    const editor = page.getByRole('form', { name: 'Escalation policies editor' });
    await editor.getByRole('group', { name: 'Policy oncall' }).waitFor();
    await editor.getByRole('button', { name: 'Add policy' }).click();
    const fresh = editor.getByRole('group', { name: 'Policy new policy 2' });
    // A name the config already has: the server's error shows by the name field.
    await fresh.getByRole('textbox', { name: 'Name' }).fill('oncall');
    const mine = editor.getByRole('group', { name: 'Policy oncall' }).nth(1);
    await mine.getByRole('combobox', { name: 'Level 1 receiver' }).selectOption('hook');
    await mine.getByRole('button', { name: 'Add level' }).click();
    await mine.getByRole('combobox', { name: 'Level 2 receiver' }).selectOption('pager');
    // A delay the server would refuse is caught by the field before sending.
    await mine.getByRole('textbox', { name: 'Delay unacknowledged' }).fill('10 minutes');
    await mine.getByRole('spinbutton', { name: 'Repeat (extra runs)' }).fill('1');
    await editor.getByRole('button', { name: 'Save policies' }).click();
    await mine.getByText('"10 minutes" is not a duration').waitFor();
    await mine.getByRole('textbox', { name: 'Delay unacknowledged' }).fill('10m');
    await editor.getByRole('button', { name: 'Save policies' }).click();
    await mine.getByText('escalation policy "oncall" is not unique').waitFor();
    await mine.getByRole('textbox', { name: 'Name' }).fill('ui-escalation');
    const root = editor.getByRole('combobox', { name: 'Escalation policy of route root → hook' });
    await root.selectOption('ui-escalation');
    await page.keyboard.press('Tab');
    await editor.getByRole('button', { name: 'Save policies' }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .getByText(/Saved \(version 1\); applied at once\./)
      .waitFor();
    const original = await until(
      status,
      (o) => o.includes('ui-escalation'),
      'the policy in /api/v2/status',
    );
    assert.match(
      original,
      /- name: ui-escalation\n\s+levels:\n\s+- receiver: hook\n\s+delay: 0s\n\s+- receiver: pager\n\s+delay: 10m\n\s+repeat: 1/,
    );
    assert.match(original, /^route:\n(?:  .*\n)*?  escalation_policy: ui-escalation$/m);
    const cfg = page.getByRole('region', { name: 'Configuration' });
    await cfg.getByText("This tenant's own configuration").waitFor();
    const yaml = await cfg
      .getByRole('textbox', { name: 'Alertmanager configuration (YAML)' })
      .inputValue();
    assert.match(yaml, /escalation_policy: ui-escalation/);
    assert.match(yaml, /api_key: <secret>/);
    assert.doesNotMatch(yaml, /not-a-real-key/);
    await screenshot(page, 'alerts-escalation-editor');
    await cfg.getByRole('button', { name: 'Reset to file config' }).click();
    await page
      .getByRole('dialog', { name: 'Reset to file config' })
      .getByRole('button', { name: 'Reset' })
      .click();
    await cfg.getByText('The configuration from argus.yml').waitFor();
    await until(
      status,
      (o) => !o.includes('ui-escalation'),
      'the file config back in /api/v2/status',
    );
    await editor.getByRole('group', { name: 'Policy oncall' }).waitFor();
    assert.equal(await editor.getByRole('group', { name: 'Policy ui-escalation' }).count(), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows the history timeline and response times', async () => {
    const { page, problems } = await suite.loggedInPage('/alerts/history');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.locator('[data-kind="firing"]').first().waitFor();
    await timeline.locator('[data-kind="ack"]', { hasText: 'looking into it' }).waitFor();
    await timeline
      .locator('[data-kind="attempt"]', { hasText: 'Notification delivered' })
      .first()
      .waitFor();
    const times = page.getByRole('region', { name: 'Response times' });
    await times.getByRole('button', { name: 'AlwaysFiring' }).click();
    await page.waitForURL(/alertname=AlwaysFiring/);
    await screenshot(page, 'alerts-history');
    await assertNoXss(page);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('fits a phone on every section', async () => {
    const { page, problems } = await suite.loggedInPage('/alerts', { phone: true });
    await alertRow(page, 'SlowBurn')
      .or(page.getByRole('region', { name: /^Group / }))
      .first()
      .waitFor();
    for (const [p, name] of [
      ['/alerts?silenced=1', 'alerts-phone'],
      ['/alerts/silences?editor=new&m=alertname%3D%22AlwaysFiring%22', 'alerts-silences-phone'],
      ['/alerts/rules', 'alerts-rules-phone'],
      ['/alerts/history', 'alerts-history-phone'],
      ['/alerts/receivers', 'alerts-receivers-phone'],
    ] as const) {
      await page.goto(`${suite.argus.url}${p}`);
      await page.locator('.alerts-tabs').waitFor();
      await page.locator('.content .card').first().waitFor();
      assert.equal(await horizontalOverflow(page), 0, p);
      await screenshot(page, name);
    }
    await assertNoXss(page);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
