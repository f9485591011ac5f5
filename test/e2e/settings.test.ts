import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminFetch } from '../integration/helpers.js';
import { browserSkip, browserSuite, horizontalOverflow, screenshot } from './browser.js';

const skip = browserSkip();

const VIEWER = 'vera.viewer';
const VIEWER_PASSWORD = 'viewer-password-one';
const VIEWER_NEW_PASSWORD = 'viewer-password-two';
/** `loggedInPage` options that log in as the viewer with `password`. */
const asViewer = (password: string) => ({ user: { username: VIEWER, password } });

describe('account and settings pages (headless chromium)', { skip }, () => {
  const suite = browserSuite();

  /** The API's answer to a bearer token (status only). */
  async function statusWithToken(token: string): Promise<number> {
    const r = await fetch(`${suite.argus.url}/api/argus/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return r.status;
  }

  it('admin creates a viewer, creates a token (secret shown once) and revokes it', async () => {
    const { page, problems } = await suite.loggedInPage('/settings');
    await page.getByRole('heading', { name: 'Create a user' }).waitFor();

    // Inline validation before anything is sent.
    await page.getByLabel('Username').fill('bad name!');
    await page.getByLabel('Initial password').fill('short');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('1–64 of letters').waitFor();
    await page.getByText('at least 12 characters').waitFor();

    await page.getByLabel('Username').fill(VIEWER);
    await page.getByLabel('Initial password').fill(VIEWER_PASSWORD);
    await page.getByLabel(/^Role in tenant/).selectOption('viewer');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Created ${VIEWER}` })
      .waitFor();
    const row = page.getByRole('table', { name: 'Users' }).getByRole('row', { name: VIEWER });
    await row.waitFor();
    assert.match(await row.innerText(), /viewer/);

    // The API's refusal is shown as it says it: the username is taken.
    await page.getByLabel('Username').fill(VIEWER);
    await page.getByLabel('Initial password').fill(VIEWER_PASSWORD);
    await page.getByRole('button', { name: 'Create user' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'already exists' });
    await refused.waitFor();

    // A destructive action asks first; Escape cancels (keyboard) and nothing is deleted.
    await page.getByRole('button', { name: `Delete ${VIEWER}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${VIEWER}?` });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await row.count(), 1);
    await screenshot(page, 'settings-users');

    // A token of my own: the secret is shown once, then never again.
    await page.getByRole('button', { name: /^admin/ }).click();
    await page.getByRole('menuitem', { name: /Account/ }).click();
    await page.waitForURL(/\/account$/);
    await page.getByLabel('Name').fill('ci-job');
    await page.getByLabel('Scope').selectOption('read');
    await page.getByLabel('Expires in').fill('30d');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secretBox = page.getByRole('status', { name: /New token “ci-job”/ });
    await secretBox.waitFor();
    assert.match(await secretBox.innerText(), /shown only this once/);
    const secret = (await secretBox.locator('code').innerText()).trim();
    assert.match(secret, /^argus_/);
    assert.equal(await statusWithToken(secret), 200);
    const tokens = page.getByRole('table', { name: 'API tokens' });
    const tokenRow = tokens.getByRole('row', { name: /ci-job/ });
    await tokenRow.waitFor();
    assert.match(await tokenRow.innerText(), /read[\s\S]*never[\s\S]*active/);
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    await secretBox.waitFor({ state: 'detached' });
    assert.equal(await page.getByText(secret).count(), 0);

    // Settings › Tokens lists every token of the tenant, with its user.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings' })
      .click();
    await page.getByRole('link', { name: 'Tokens' }).click();
    const all = page
      .getByRole('table', { name: 'API tokens' })
      .getByRole('row', { name: /ci-job/ });
    await all.waitFor();
    assert.match(await all.innerText(), /admin[\s\S]*read[\s\S]*active/);

    // Revoking asks first; the token stops working at once and leaves the list.
    await all.getByRole('button', { name: 'Revoke token ci-job' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this token?' });
    assert.match(await confirm.innerText(), /ci-job[\s\S]*cannot be undone/);
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Revoked token ci-job' }).waitFor();
    await all.waitFor({ state: 'detached' });
    assert.equal(await statusWithToken(secret), 401);

    // Limits and the audit trail (with the chain verified) come from the server.
    await page.getByRole('link', { name: 'Limits' }).click();
    await page.getByText('max_series', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByText(/Chain verified/).waitFor();
    await page.getByRole('table', { name: 'Audit entries' }).getByText(VIEWER).first().waitFor();
    await screenshot(page, 'settings-audit');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('a viewer does not see Settings and is told why when opening it', async () => {
    const { page, problems } = await suite.loggedInPage('/overview', asViewer(VIEWER_PASSWORD));
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Overview' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Settings' }).count(), 0);
    await page.goto(`${suite.argus.url}/settings/users`);
    const msg = page.getByRole('alert').filter({ hasText: 'Settings are for administrators' });
    await msg.waitFor();
    assert.match(await msg.innerText(), /a viewer in tenant default/);
    assert.equal(await page.getByRole('table', { name: 'Users' }).count(), 0);
    // A new-dashboard link says what it needs instead of an empty editor.
    await page.goto(`${suite.argus.url}/dashboards/new`);
    await page.getByText('Creating dashboards needs the editor role').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0);
    // The Account page shows who they are, from the server.
    await page.goto(`${suite.argus.url}/account`);
    const who = page.getByRole('definition').filter({ hasText: 'viewer in default' });
    await who.waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('changing the password ends the session, says so, and the new password works', async () => {
    const { page, problems } = await suite.loggedInPage('/account', asViewer(VIEWER_PASSWORD));
    await page.getByLabel('Current password').fill(VIEWER_PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(VIEWER_NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill('not-the-same-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('It does not match the new password.').waitFor();

    // A wrong current password: the server's refusal is shown.
    await page.getByLabel('Current password').fill('wrong-current-password');
    await page.getByLabel('Confirm new password').fill(VIEWER_NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').waitFor();

    await page.getByLabel('Current password').fill(VIEWER_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    const done = page.getByRole('dialog', { name: 'Password changed' });
    await done.waitFor();
    assert.match(await done.innerText(), /Log in again with your new password/);
    await screenshot(page, 'account-password-changed');
    await done.getByRole('button', { name: 'Log in again' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    // The login form can show a moment before the address bar says /login (bounded wait).
    await page.waitForURL(/\/login\?next=%2Faccount$/);

    // The old password no longer works; the new one does.
    await page.getByLabel('Username').fill(VIEWER);
    await page.getByLabel('Password').fill(VIEWER_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
    await page.getByLabel('Password').fill(VIEWER_NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    await page.waitForURL(/\/account$/);
    // Only the 401s of the ended session and of the wrong password reach the console.
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('a system admin creates a tenant; a user with roles in two tenants switches', async () => {
    const { page, problems } = await suite.loggedInPage('/settings/tenants');
    await page.getByLabel('Tenant id').fill('Team B');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByText('1–63 of lowercase letters').waitFor();
    await page.getByLabel('Tenant id').fill('team-b');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('status').filter({ hasText: 'Created tenant team-b' }).waitFor();
    await page
      .getByRole('table', { name: 'Tenants' })
      .getByRole('row', { name: /team-b/ })
      .waitFor();
    await page.context().close();

    // A role in the new tenant (the UI acts in one tenant; the API's cross-tenant way).
    const tok = await adminFetch(`${suite.argus.url}/api/argus/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'xt', scope: 'admin', cross_tenant: true, expires_in: '1h' }),
    });
    assert.equal(tok.status, 201);
    const { token } = ((await tok.json()) as { data: { token: string } }).data;
    const role = await fetch(`${suite.argus.url}/api/argus/v1/users/${VIEWER}/role`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'x-scope-orgid': 'team-b',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ role: 'editor' }),
    });
    assert.equal(role.status, 200, await role.text());

    const { page: vp, problems: vProblems } = await suite.loggedInPage(
      '/account',
      asViewer(VIEWER_NEW_PASSWORD),
    );
    const card = vp
      .locator('.card')
      .filter({ has: vp.getByRole('heading', { name: 'Switch tenant' }) });
    await card.getByLabel('Tenant').selectOption('team-b');
    // A wrong password is said so, and the current session goes on.
    await card.getByLabel('Your password').fill('not-my-password-at-all');
    await card.getByRole('button', { name: 'Switch tenant' }).click();
    await card.getByRole('alert').filter({ hasText: 'Wrong password.' }).waitFor();
    assert.match(vp.url(), /\/account$/);
    await card.getByLabel('Your password').fill(VIEWER_NEW_PASSWORD);
    await card.getByRole('button', { name: 'Switch tenant' }).click();
    await vp
      .getByRole('definition')
      .filter({ hasText: /^team-b$/ })
      .waitFor();
    assert.equal(await vp.locator('.topbar .tenant').innerText(), 'team-b');
    // An editor there, with an editor's permissions (from the new session's /me).
    await vp.getByRole('definition').filter({ hasText: 'editor in team-b' }).waitFor();
    await vp
      .getByRole('definition')
      .filter({ hasText: /^read, ingest, edit$/ })
      .waitFor();
    assert.deepEqual([...problems, ...vProblems], []);
    await vp.context().close();
  });

  it('fits a phone: tables stack, no sideways scrolling, dialogs fit', async () => {
    const { page, problems } = await suite.loggedInPage('/settings/users', { phone: true });
    await page.getByRole('table', { name: 'Users' }).getByRole('row', { name: VIEWER }).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await page.getByRole('button', { name: `Reset password of ${VIEWER}` }).tap();
    await page.getByRole('dialog', { name: `Reset the password of ${VIEWER}` }).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'settings-phone-dialog');
    await page.getByRole('button', { name: 'Cancel' }).tap();
    for (const path of ['/settings/tokens', '/settings/audit', '/settings/tenants', '/account']) {
      await page.goto(`${suite.argus.url}${path}`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await horizontalOverflow(page), 0, `sideways scrolling on ${path}`);
    }
    await screenshot(page, 'account-phone');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
