import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessAdmin } from './admin.js';
import { Clock, openState } from './auth-test-helpers.js';
import {
  AccessConflictError,
  AccessNotFoundError,
  AccessValidationError,
  ForbiddenError,
} from './errors.js';
import { verifyPassword } from './passwords.js';
import type { Principal } from './permissions.js';

const PW = 'a-good-password';
const CLI = 'cli:test';

async function setup() {
  const clock = new Clock();
  const state = openState(undefined, clock);
  const admin = new AccessAdmin(state, clock.now);
  await admin.createTenant('acme', CLI);
  return { clock, state, admin };
}

/** A tenant admin of `tenant` acting through the API. */
function tenantAdmin(tenant: string, username = 'ta'): Principal {
  return {
    kind: 'session',
    userId: 999,
    username,
    tenant,
    permissions: new Set(['read', 'ingest', 'edit', 'admin']),
    systemAdmin: false,
    crossTenant: false,
  };
}

const field = (f: string) => (e: unknown) => e instanceof AccessValidationError && e.field === f;

describe('AccessAdmin users', () => {
  it('creates users with a hashed password, a role, and lists them without hashes', async () => {
    const { admin, state } = await setup();
    const r = await admin.createUser(
      { username: 'alice', password: PW, role: 'editor', tenant: 'acme' },
      CLI,
    );
    assert.equal(r.generatedPassword, undefined);
    assert.deepEqual(r.user.roles, [{ tenant: 'acme', role: 'editor' }]);
    const row = (await state.users.byName('alice'))!;
    assert.ok(await verifyPassword(row.passwordHash!, PW));
    const g = await admin.createUser({ username: 'bob' }, CLI);
    assert.match(g.generatedPassword!, /^[A-Za-z0-9_-]{24}$/);
    assert.ok(
      await verifyPassword((await state.users.byName('bob'))!.passwordHash!, g.generatedPassword!),
    );
    const svc = await admin.createUser(
      { username: 'grafana.svc', service: true, role: 'viewer' },
      CLI,
    );
    assert.equal(svc.user.kind, 'service');
    assert.equal((await state.users.byName('grafana.svc'))!.passwordHash, null);
    const list = await admin.listUsers();
    assert.deepEqual(
      list.map((u) => [u.username, u.roles]),
      [
        ['alice', [{ tenant: 'acme', role: 'editor' }]],
        ['bob', [{ tenant: 'default', role: 'viewer' }]],
        ['grafana.svc', [{ tenant: 'default', role: 'viewer' }]],
      ],
    );
    assert.ok(!JSON.stringify(list).includes('argon2'), 'no hashes in listings');
    assert.deepEqual(
      (await admin.listUsers('acme')).map((u) => u.username),
      ['alice'],
    );
    const audit = await state.audit.list({ action: 'user.create' });
    assert.equal(audit.length, 3);
    assert.equal(audit[0].actor, CLI);
    assert.ok(!JSON.stringify(audit).includes('argon2'), 'no hashes in the audit trail');
  });

  it('validates input and maps state conflicts', async () => {
    const { admin } = await setup();
    await admin.createUser({ username: 'alice', password: PW }, CLI);
    await assert.rejects(
      admin.createUser({ username: '-x', password: PW }, CLI),
      field('username'),
    );
    await assert.rejects(
      admin.createUser({ username: 'a'.repeat(65), password: PW }, CLI),
      field('username'),
    );
    await assert.rejects(
      admin.createUser({ username: 'x', password: 'short' }, CLI),
      field('password'),
    );
    await assert.rejects(
      admin.createUser({ username: 'x', password: PW, role: 'owner' }, CLI),
      field('role'),
    );
    await assert.rejects(
      admin.createUser({ username: 'x', password: PW, tenant: 'Bad!' }, CLI),
      field('tenant'),
    );
    await assert.rejects(
      admin.createUser({ username: 'x', service: true, password: PW }, CLI),
      field('password'),
    );
    await assert.rejects(
      admin.createUser({ username: 'x', password: PW, tenant: 'nope' }, CLI),
      AccessNotFoundError,
    );
    await assert.rejects(
      admin.createUser({ username: 'alice', password: PW }, CLI),
      (e: unknown) => e instanceof AccessConflictError && /already exists/.test(e.message),
    );
    await assert.rejects(admin.setPassword('ghost', PW, CLI), AccessNotFoundError);
    await admin.createUser({ username: 'svc', service: true }, CLI);
    await assert.rejects(admin.setPassword('svc', PW, CLI), field('username'));
  });

  it('never removes, disables or demotes the last system admin', async () => {
    const { admin } = await setup();
    await admin.createUser(
      { username: 'root', password: PW, systemAdmin: true, role: 'admin' },
      CLI,
    );
    await assert.rejects(admin.deleteUser('root', CLI), AccessConflictError);
    await assert.rejects(admin.setDisabled('root', true, CLI), AccessConflictError);
    await assert.rejects(admin.setSystemAdmin('root', false, CLI), /last system admin/);
    await admin.createUser({ username: 'root2', password: PW, systemAdmin: true }, CLI);
    await admin.deleteUser('root', CLI);
    await assert.rejects(admin.deleteUser('root2', CLI), AccessConflictError);
    assert.deepEqual(
      (await admin.listUsers()).map((u) => u.username),
      ['root2'],
    );
  });

  it('a tenant admin stays inside their tenant', async () => {
    const { admin } = await setup();
    const ta = tenantAdmin('acme');
    await admin.createUser({ username: 'local', password: PW, tenant: 'acme' }, ta);
    await assert.rejects(
      admin.createUser({ username: 'x', password: PW, tenant: 'default' }, ta),
      ForbiddenError,
    );
    await assert.rejects(
      admin.createUser({ username: 'x', password: PW, tenant: 'acme', systemAdmin: true }, ta),
      /only a system admin can make a system admin/,
    );
    await admin.createUser(
      { username: 'wide', password: PW, tenant: 'default', role: 'admin' },
      CLI,
    );
    // A user of another tenant does not exist for acme's admin (no probing, no pulling them in:
    // a role here would move where their password logins land).
    await assert.rejects(
      admin.setRole('wide', 'acme', 'viewer', ta),
      /no user "wide" in tenant "acme"/,
    );
    await assert.rejects(
      admin.setRole('nobody', 'acme', 'viewer', ta),
      /no user "nobody" in tenant "acme"/,
    );
    await admin.setRole('wide', 'acme', 'viewer', CLI); // a system admin may
    // `wide` is also admin in default: resetting their password would reach into default.
    await assert.rejects(
      admin.setPassword('wide', 'taken-over-pw1', ta),
      /reaches beyond tenant "acme"/,
    );
    await assert.rejects(admin.deleteUser('wide', ta), ForbiddenError);
    await assert.rejects(admin.setRole('wide', 'default', null, ta), ForbiddenError);
    await admin.createUser(
      { username: 'root', password: PW, systemAdmin: true, tenant: 'acme' },
      CLI,
    );
    await assert.rejects(admin.setPassword('root', 'taken-over-pw1', ta), ForbiddenError);
    await assert.rejects(admin.setRole('root', 'acme', 'viewer', ta), ForbiddenError);
    await assert.rejects(admin.setSystemAdmin('local', true, ta), ForbiddenError);
    await assert.rejects(admin.createTenant('mine', ta), ForbiddenError);
    assert.equal(await admin.setPassword('local', 'new-password-1', ta), 0);
    await admin.setRole('local', 'acme', 'admin', ta);
    await admin.deleteUser('local', ta);
  });

  it('setRole grants, changes and removes memberships', async () => {
    const { admin } = await setup();
    await admin.createUser({ username: 'alice', password: PW }, CLI);
    await admin.setRole('alice', 'acme', 'admin', CLI);
    await admin.setRole('alice', 'default', null, CLI);
    assert.deepEqual((await admin.listUsers())[0].roles, [{ tenant: 'acme', role: 'admin' }]);
    await assert.rejects(admin.setRole('alice', 'nope', 'viewer', CLI), AccessNotFoundError);
  });
});

describe('AccessAdmin tokens', () => {
  it('creates a token shown once and stored hashed; lists and revokes it', async () => {
    const { admin, state, clock } = await setup();
    await admin.createUser({ username: 'alice', password: PW, role: 'editor' }, CLI);
    const { token, row } = await admin.createToken(
      { username: 'alice', scope: 'write', name: 'prometheus', expiresInMs: 86_400_000 },
      CLI,
    );
    assert.match(token, /^argus_/);
    assert.equal(row.name, 'prometheus');
    assert.equal(row.expiresAt, clock.t + 86_400_000);
    assert.equal(row.username, 'alice');
    assert.ok(!('hash' in row));
    const stored = (await state.tokens.get(row.id))!;
    assert.notEqual(stored.hash, token);
    const list = await admin.listTokens({ username: 'alice' });
    assert.deepEqual(
      list.map((t) => t.id),
      [row.id],
    );
    assert.ok(!JSON.stringify(list).includes(stored.hash));
    const revoked = await admin.revokeToken(row.id, CLI);
    assert.equal(revoked.revokedAt, clock.t);
    assert.deepEqual(await admin.listTokens(), []);
    assert.equal((await admin.listTokens({ includeRevoked: true })).length, 1);
    const audit = await state.audit.list({});
    assert.ok(!JSON.stringify(audit).includes(token), 'the secret is not in the audit trail');
    assert.ok(!JSON.stringify(audit).includes(stored.hash), 'nor its hash');
  });

  it('refuses a tenant without a role, bad scopes/expiry/names, and duplicate names', async () => {
    const { admin } = await setup();
    await admin.createUser({ username: 'alice', password: PW }, CLI);
    await assert.rejects(
      admin.createToken({ username: 'alice', scope: 'read', tenant: 'acme' }, CLI),
      /has no role in tenant "acme"/,
    );
    await assert.rejects(
      admin.createToken({ username: 'alice', scope: 'root' }, CLI),
      field('scope'),
    );
    await assert.rejects(
      admin.createToken({ username: 'alice', scope: 'read', expiresInMs: 0 }, CLI),
      field('expires'),
    );
    await assert.rejects(
      admin.createToken({ username: 'alice', scope: 'read', name: 'a\nb' }, CLI),
      field('name'),
    );
    await assert.rejects(
      admin.createToken({ username: 'ghost', scope: 'read' }, CLI),
      AccessNotFoundError,
    );
    await admin.createToken({ username: 'alice', scope: 'read', name: 'g' }, CLI);
    await assert.rejects(
      admin.createToken({ username: 'alice', scope: 'read', name: 'g' }, CLI),
      AccessConflictError,
    );
    await assert.rejects(admin.revokeToken('tok_nonexistent1', CLI), AccessNotFoundError);
    await assert.rejects(admin.revokeToken('garbage', CLI), AccessNotFoundError);
  });

  it('cross-tenant tokens only by and for system admins; tenant admins only in their tenant', async () => {
    const { admin } = await setup();
    await admin.createUser({ username: 'alice', password: PW, role: 'admin', tenant: 'acme' }, CLI);
    await admin.createUser(
      { username: 'root', password: PW, systemAdmin: true, tenant: 'acme', role: 'admin' },
      CLI,
    );
    await assert.rejects(
      admin.createToken(
        { username: 'alice', scope: 'admin', tenant: 'acme', crossTenant: true },
        CLI,
      ),
      ForbiddenError,
    );
    const ta = tenantAdmin('acme');
    await assert.rejects(
      admin.createToken({ username: 'root', scope: 'admin', crossTenant: true }, ta),
      ForbiddenError,
    );
    await assert.rejects(
      admin.createToken({ username: 'root', scope: 'read' }, ta),
      /reaches beyond tenant "acme"/,
    );
    const cross = await admin.createToken(
      { username: 'root', scope: 'admin', tenant: 'acme', crossTenant: true },
      CLI,
    );
    assert.equal(cross.row.crossTenant, true);
    const own = await admin.createToken({ username: 'alice', scope: 'read' }, ta);
    assert.equal(own.row.tenant, 'acme', "defaults to the caller's tenant");
    await admin.createUser({ username: 'dflt', password: PW }, CLI);
    const other = await admin.createToken({ username: 'dflt', scope: 'read' }, CLI);
    await assert.rejects(
      admin.revokeToken(other.row.id, ta),
      AccessNotFoundError,
      "another tenant's token looks absent",
    );
    await admin.revokeToken(own.row.id, ta);
  });
});

describe('AccessAdmin tenants', () => {
  it('creates and lists tenants; validates ids; refuses duplicates', async () => {
    const { admin } = await setup();
    assert.deepEqual((await admin.listTenants()).map((t) => t.id).sort(), ['acme', 'default']);
    await assert.rejects(admin.createTenant('acme', CLI), AccessConflictError);
    await assert.rejects(admin.createTenant('Not_Valid!', CLI), field('tenant'));
  });
});
