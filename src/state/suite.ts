import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InvalidTenantError } from '../model/index.js';
import { StateConflictError, StateNotFoundError } from './errors.js';
import type { AuditSigner, SessionRow, StateStore, TokenRow } from './types.js';

/** An HMAC-SHA256 signer for tests (the real one is keyed by the data dir's key). */
export function testSigner(key = 'test-audit-key'): AuditSigner {
  const sign = (data: string): string => createHmac('sha256', key).update(data).digest('hex');
  return {
    sign,
    verify: (data, signature) => {
      const want = Buffer.from(sign(data), 'hex');
      const got = Buffer.from(signature, 'hex');
      return got.length === want.length && timingSafeEqual(got, want);
    },
  };
}

const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$CANARYSALT$CANARYPASSWORDHASH';
const TOKEN_HASH = 'c'.repeat(64);
const CIPHERTEXT = Buffer.from('CANARY-CIPHERTEXT');

function token(
  over: Partial<TokenRow> & { userId: number },
): Omit<TokenRow, 'lastUsedAt' | 'revokedAt'> {
  return {
    id: 'tok_a1',
    tenant: 'default',
    name: 'grafana',
    scope: 'read',
    crossTenant: false,
    hash: TOKEN_HASH,
    createdAt: 1000,
    expiresAt: null,
    ...over,
  };
}

function session(over: Partial<SessionRow> & { userId: number; idHash: string }): SessionRow {
  return {
    tenant: 'default',
    csrfToken: 'csrf',
    createdAt: 1000,
    expiresAt: 10_000,
    lastSeenAt: 1000,
    address: '127.0.0.1',
    userAgent: 'test',
    ...over,
  };
}

/** Everything the audit trail holds, as text: to grep for secrets. */
async function auditText(s: StateStore): Promise<string> {
  return JSON.stringify(await s.audit.list({ limit: 1000 }));
}

/**
 * The StateStore conformance suite: every implementation (SQLite now, PostgreSQL later) must
 * pass it. `open` returns a fresh, empty store (only the `default` tenant) for each test.
 */
export function runStateSuite(name: string, open: () => Promise<StateStore>): void {
  describe(`StateStore conformance: ${name}`, () => {
    let s: StateStore;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    const alice = async (
      roles = [{ tenant: 'default', role: 'admin' as const }],
    ): Promise<number> =>
      (await s.users.create({ username: 'alice', passwordHash: PASSWORD_HASH, roles }, 'cli:root'))
        .id;

    it('tenants: default exists, create, get, list, conflict, invalid id', async () => {
      assert.deepEqual(
        (await s.tenants.list()).map((t) => t.id),
        ['default'],
      );
      const acme = await s.tenants.create('acme', 'user:root');
      assert.equal(acme.id, 'acme');
      assert.deepEqual(await s.tenants.get('acme'), acme);
      assert.equal(await s.tenants.get('nope'), undefined);
      assert.deepEqual(
        (await s.tenants.list()).map((t) => t.id),
        ['acme', 'default'],
      );
      await assert.rejects(s.tenants.create('acme', 'user:root'), {
        name: 'StateConflictError',
        message: 'cannot create tenant: tenant "acme" already exists',
      });
      await assert.rejects(s.tenants.create('Bad Id', 'user:root'), InvalidTenantError);
      const [e] = await s.audit.list();
      assert.deepEqual(
        {
          actor: e.actor,
          tenant: e.tenant,
          action: e.action,
          target: e.target,
          after: e.after,
        },
        {
          actor: 'user:root',
          tenant: '',
          action: 'tenant.create',
          target: 'tenant:acme',
          after: { id: 'acme' },
        },
      );
      assert.equal((await s.audit.list()).length, 1, 'failed creates write no entry');
    });

    it('users: create, get, byName, list, count, memberships, audit without the hash', async () => {
      await s.tenants.create('acme', 'system');
      const u = await s.users.create(
        {
          username: 'alice',
          passwordHash: PASSWORD_HASH,
          systemAdmin: true,
          roles: [
            { tenant: 'default', role: 'viewer' },
            { tenant: 'acme', role: 'admin' },
          ],
        },
        'cli:root',
      );
      assert.equal(u.username, 'alice');
      assert.equal(u.passwordHash, PASSWORD_HASH);
      assert.equal(u.kind, 'user');
      assert.equal(u.systemAdmin, true);
      assert.equal(u.disabled, false);
      assert.equal(u.passwordChangedAt, u.createdAt);
      const bot = await s.users.create(
        { username: 'ci-bot', passwordHash: null, kind: 'service' },
        'cli:root',
      );
      assert.equal(bot.kind, 'service');
      assert.equal(bot.passwordHash, null);
      assert.notEqual(bot.id, u.id);
      assert.deepEqual(await s.users.get(u.id), u);
      assert.deepEqual(await s.users.byName('alice'), u);
      assert.equal(await s.users.get(9999), undefined);
      assert.equal(await s.users.byName('nobody'), undefined);
      assert.deepEqual(
        (await s.users.list()).map((x) => x.username),
        ['alice', 'ci-bot'],
      );
      assert.deepEqual(
        (await s.users.list('acme')).map((x) => x.username),
        ['alice'],
      );
      assert.equal(await s.users.count(), 2);
      assert.deepEqual(await s.users.memberships(u.id), [
        { userId: u.id, tenant: 'acme', role: 'admin' },
        { userId: u.id, tenant: 'default', role: 'viewer' },
      ]);
      assert.deepEqual(await s.users.memberships(bot.id), []);
      const entries = await s.audit.list({ action: 'user.create' });
      assert.equal(entries.length, 2);
      const e = entries[1];
      assert.deepEqual(
        { actor: e.actor, tenant: e.tenant, target: e.target, before: e.before },
        { actor: 'cli:root', tenant: '', target: 'user:alice', before: null },
      );
      assert.deepEqual(e.after, {
        username: 'alice',
        kind: 'user',
        systemAdmin: true,
        disabled: false,
        password: '<set>',
        roles: [
          { tenant: 'acme', role: 'admin' },
          { tenant: 'default', role: 'viewer' },
        ],
      });
      assert.doesNotMatch(await auditText(s), /CANARY/);
    });

    it('users: conflict and unknown tenant leave nothing behind', async () => {
      await alice();
      await assert.rejects(s.users.create({ username: 'alice', passwordHash: null }, 'cli:root'), {
        name: 'StateConflictError',
        message: 'cannot create user: user "alice" already exists',
      });
      const err = await s.users
        .create(
          { username: 'bob', passwordHash: null, roles: [{ tenant: 'nope', role: 'viewer' }] },
          'cli:root',
        )
        .catch((e: unknown) => e);
      assert.ok(err instanceof StateNotFoundError);
      assert.equal(err.message, 'cannot create user "bob": tenant "nope" not found');
      assert.equal(err.thing, 'tenant');
      assert.equal(await s.users.byName('bob'), undefined);
      assert.equal((await s.audit.list()).length, 1);
    });

    it('users: setPassword replaces the hash and revokes every session of the user', async () => {
      const a = await alice();
      const b = (await s.users.create({ username: 'bob', passwordHash: null }, 'cli:root')).id;
      await s.sessions.create(session({ userId: a, idHash: 'sa1' }));
      await s.sessions.create(session({ userId: a, idHash: 'sa2' }));
      await s.sessions.create(session({ userId: b, idHash: 'sb1' }));
      const before = (await s.users.get(a))!;
      assert.equal(await s.users.setPassword(a, '$argon2id$NEWCANARY', 'user:alice'), 2);
      const after = (await s.users.get(a))!;
      assert.equal(after.passwordHash, '$argon2id$NEWCANARY');
      assert.ok(after.passwordChangedAt >= before.passwordChangedAt);
      assert.equal(await s.sessions.byHash('sa1'), undefined);
      assert.equal(await s.sessions.byHash('sa2'), undefined);
      assert.ok(await s.sessions.byHash('sb1'), "another user's session survives");
      const [e] = await s.audit.list();
      assert.deepEqual(
        {
          action: e.action,
          target: e.target,
          actor: e.actor,
          before: e.before,
          after: e.after,
        },
        {
          action: 'user.password',
          target: 'user:alice',
          actor: 'user:alice',
          before: { password: '<set>' },
          after: { password: '<changed>', sessionsRevoked: 2 },
        },
      );
      assert.doesNotMatch(await auditText(s), /CANARY/);
      await assert.rejects(s.users.setPassword(999, 'x', 'cli:root'), {
        name: 'StateNotFoundError',
        message: 'cannot set password: user id 999 not found',
      });
    });

    it('users: setRole grants, changes and removes; no-ops are not audited', async () => {
      await s.tenants.create('acme', 'system');
      const a = await alice();
      await s.users.setRole(a, 'acme', 'editor', 'user:root');
      await s.users.setRole(a, 'acme', 'editor', 'user:root');
      await s.users.setRole(a, 'acme', 'admin', 'user:root');
      assert.deepEqual(
        (await s.users.memberships(a)).find((m) => m.tenant === 'acme'),
        { userId: a, tenant: 'acme', role: 'admin' },
      );
      await s.users.setRole(a, 'acme', null, 'user:root');
      await s.users.setRole(a, 'acme', null, 'user:root');
      assert.deepEqual(
        (await s.users.memberships(a)).map((m) => m.tenant),
        ['default'],
      );
      const roles = await s.audit.list({ action: 'user.role' });
      assert.deepEqual(
        roles.map((e) => [e.tenant, e.target, e.before, e.after]),
        [
          ['acme', 'user:alice', { role: 'admin' }, { role: null }],
          ['acme', 'user:alice', { role: 'editor' }, { role: 'admin' }],
          ['acme', 'user:alice', { role: null }, { role: 'editor' }],
        ],
      );
      await assert.rejects(s.users.setRole(a, 'nope', 'viewer', 'user:root'), {
        message: 'cannot set role: tenant "nope" not found',
      });
      await assert.rejects(s.users.setRole(42, 'acme', 'viewer', 'user:root'), {
        message: 'cannot set role: user id 42 not found',
      });
    });

    it('users: setSystemAdmin and setDisabled', async () => {
      const a = await alice();
      await s.users.setSystemAdmin(a, true, 'user:root');
      await s.users.setDisabled(a, true, 'user:root');
      await s.users.setDisabled(a, true, 'user:root');
      const u = (await s.users.get(a))!;
      assert.equal(u.systemAdmin, true);
      assert.equal(u.disabled, true);
      await s.users.setDisabled(a, false, 'user:root');
      assert.equal((await s.users.get(a))!.disabled, false);
      assert.deepEqual(
        (await s.audit.list({ limit: 3 })).map((e) => [e.action, e.before, e.after]),
        [
          ['user.disabled', { disabled: true }, { disabled: false }],
          ['user.disabled', { disabled: false }, { disabled: true }],
          ['user.system_admin', { systemAdmin: false }, { systemAdmin: true }],
        ],
      );
      await assert.rejects(s.users.setDisabled(77, true, 'user:root'), {
        message: 'cannot set disabled: user id 77 not found',
      });
    });

    it('users: delete removes memberships, tokens (revoked too) and sessions', async () => {
      const a = await alice();
      await s.tokens.create(token({ userId: a }), 'user:alice');
      await s.tokens.create(
        token({ userId: a, id: 'tok_a2', name: 'old', hash: 'd'.repeat(64) }),
        'user:alice',
      );
      await s.tokens.revoke('tok_a2', 'user:alice');
      await s.sessions.create(session({ userId: a, idHash: 'sa1' }));
      await s.users.delete(a, 'user:root');
      assert.equal(await s.users.get(a), undefined);
      assert.deepEqual(await s.users.memberships(a), []);
      assert.equal(await s.tokens.get('tok_a1'), undefined);
      assert.equal(await s.tokens.byHash(TOKEN_HASH), undefined);
      assert.deepEqual(await s.tokens.list({ includeRevoked: true }), []);
      assert.equal(await s.sessions.byHash('sa1'), undefined);
      const [e] = await s.audit.list();
      assert.equal(e.action, 'user.delete');
      assert.equal(e.target, 'user:alice');
      assert.deepEqual(e.after, null);
      assert.deepEqual((e.before as { roles: unknown }).roles, [
        { tenant: 'default', role: 'admin' },
      ]);
      assert.doesNotMatch(await auditText(s), /CANARY/);
      const again = await s.users.create({ username: 'alice', passwordHash: null }, 'user:root');
      assert.notEqual(again.id, a, 'ids are never reused');
      await assert.rejects(s.users.delete(a, 'user:root'), {
        message: `cannot delete user: user id ${a} not found`,
      });
    });

    it('tokens: create, lookups, list filters, touch', async () => {
      await s.tenants.create('acme', 'system');
      const a = await alice();
      const t = await s.tokens.create(token({ userId: a, expiresAt: 5000 }), 'user:alice');
      assert.deepEqual(t, {
        ...token({ userId: a, expiresAt: 5000 }),
        lastUsedAt: null,
        revokedAt: null,
      });
      const t2 = await s.tokens.create(
        token({
          userId: a,
          id: 'tok_b2',
          name: 'prom',
          tenant: 'acme',
          scope: 'write',
          crossTenant: true,
          hash: 'e'.repeat(64),
          createdAt: 2000,
        }),
        'user:alice',
      );
      assert.deepEqual(await s.tokens.byHash(TOKEN_HASH), t);
      assert.deepEqual(await s.tokens.get('tok_b2'), t2);
      assert.equal(await s.tokens.get('tok_zz'), undefined);
      assert.equal(await s.tokens.byHash('f'.repeat(64)), undefined);
      assert.deepEqual(
        (await s.tokens.list()).map((x) => x.id),
        ['tok_a1', 'tok_b2'],
      );
      assert.deepEqual(
        (await s.tokens.list({ tenant: 'acme' })).map((x) => x.id),
        ['tok_b2'],
      );
      assert.deepEqual(
        (await s.tokens.list({ userId: a + 100 })).map((x) => x.id),
        [],
      );
      await s.tokens.touch('tok_a1', 4242);
      assert.equal((await s.tokens.get('tok_a1'))!.lastUsedAt, 4242);
      await s.tokens.touch('tok_unknown', 4242);
      const [e] = await s.audit.list({ action: 'token.create' });
      assert.deepEqual(
        { tenant: e.tenant, target: e.target, actor: e.actor, after: e.after },
        {
          tenant: 'acme',
          target: 'token:tok_b2',
          actor: 'user:alice',
          after: {
            name: 'prom',
            user: 'alice',
            scope: 'write',
            crossTenant: true,
            expiresAt: null,
          },
        },
      );
      assert.doesNotMatch(await auditText(s), new RegExp(TOKEN_HASH));
    });

    it('tokens: conflicts and unknown user or tenant', async () => {
      const a = await alice();
      await s.tokens.create(token({ userId: a }), 'user:alice');
      await assert.rejects(
        s.tokens.create(token({ userId: a, name: 'other', hash: '1'.repeat(64) }), 'x'),
        {
          name: 'StateConflictError',
          message: 'cannot create token: token "tok_a1" already exists',
        },
      );
      await assert.rejects(
        s.tokens.create(token({ userId: a, id: 'tok_a9', hash: '1'.repeat(64) }), 'x'),
        {
          name: 'StateConflictError',
          message: 'cannot create token: token "grafana" of user "alice" already exists',
        },
      );
      const dupHash = await s.tokens
        .create(token({ userId: a, id: 'tok_a9', name: 'n' }), 'x')
        .catch((e: unknown) => e);
      assert.ok(dupHash instanceof StateConflictError);
      assert.doesNotMatch(dupHash.message, new RegExp(TOKEN_HASH), 'the hash is never echoed');
      await assert.rejects(s.tokens.create(token({ userId: 404, id: 'tok_x' }), 'x'), {
        name: 'StateNotFoundError',
        message: 'cannot create token "grafana": user id 404 not found',
      });
      await assert.rejects(
        s.tokens.create(token({ userId: a, id: 'tok_x', tenant: 'nope' }), 'x'),
        {
          name: 'StateNotFoundError',
          message: 'cannot create token "grafana": tenant "nope" not found',
        },
      );
      assert.equal((await s.audit.list({ action: 'token.create' })).length, 1);
    });

    it('tokens: revoke is kept for the record, idempotent, and frees the name', async () => {
      const a = await alice();
      await s.tokens.create(token({ userId: a }), 'user:alice');
      await s.tokens.revoke('tok_a1', 'user:root');
      await s.tokens.revoke('tok_a1', 'user:root');
      const t = (await s.tokens.get('tok_a1'))!;
      assert.equal(typeof t.revokedAt, 'number');
      assert.deepEqual(
        await s.tokens.byHash(TOKEN_HASH),
        t,
        'byHash returns revoked tokens for the caller to refuse',
      );
      assert.deepEqual(await s.tokens.list(), []);
      assert.deepEqual(
        (await s.tokens.list({ includeRevoked: true, userId: a })).map((x) => x.id),
        ['tok_a1'],
      );
      const revokes = await s.audit.list({ action: 'token.revoke' });
      assert.equal(revokes.length, 1);
      assert.deepEqual(
        { target: revokes[0].target, before: revokes[0].before, after: revokes[0].after },
        {
          target: 'token:tok_a1',
          before: { name: 'grafana', revokedAt: null },
          after: { name: 'grafana', revokedAt: t.revokedAt },
        },
      );
      await s.tokens.create(token({ userId: a, id: 'tok_a2', hash: '2'.repeat(64) }), 'user:alice');
      await assert.rejects(s.tokens.revoke('tok_nope', 'user:root'), {
        name: 'StateNotFoundError',
        message: 'cannot revoke token: token "tok_nope" not found',
      });
    });

    it('sessions: create, byHash, touch, delete, deleteForUser, deleteExpired; not audited', async () => {
      const a = await alice();
      const row = session({ userId: a, idHash: 's1' });
      await s.sessions.create(row);
      await s.sessions.create(session({ userId: a, idHash: 's2', expiresAt: 500 }));
      await s.sessions.create(session({ userId: a, idHash: 's3', expiresAt: 900 }));
      assert.deepEqual(await s.sessions.byHash('s1'), row);
      assert.equal(await s.sessions.byHash('nope'), undefined);
      await s.sessions.touch('s1', 2000, 20_000);
      assert.deepEqual(await s.sessions.byHash('s1'), {
        ...row,
        lastSeenAt: 2000,
        expiresAt: 20_000,
      });
      assert.equal(await s.sessions.deleteExpired(900), 2);
      assert.equal(await s.sessions.byHash('s2'), undefined);
      await s.sessions.delete('s1');
      assert.equal(await s.sessions.byHash('s1'), undefined);
      await s.sessions.create(session({ userId: a, idHash: 's4' }));
      await s.sessions.create(session({ userId: a, idHash: 's5' }));
      assert.equal(await s.sessions.deleteForUser(a), 2);
      assert.equal(await s.sessions.deleteForUser(a), 0);
      await assert.rejects(s.sessions.create(session({ userId: 999, idHash: 'x' })), {
        message: 'cannot create session: user id 999 not found',
      });
      await assert.rejects(s.sessions.create(session({ userId: a, idHash: 'x', tenant: 'nope' })), {
        message: 'cannot create session: tenant "nope" not found',
      });
      await s.sessions.create(session({ userId: a, idHash: 'dup' }));
      await assert.rejects(s.sessions.create(session({ userId: a, idHash: 'dup' })), {
        name: 'StateConflictError',
        message: 'cannot create session: session with this id already exists',
      });
      assert.deepEqual(
        (await s.audit.list()).map((e) => e.action),
        ['user.create'],
      );
    });

    it('secrets: put, get, list, overwrite, delete; audit redacted', async () => {
      await s.tenants.create('acme', 'system');
      await s.secrets.put('default', 'smtp', CIPHERTEXT, 'user:alice');
      await s.secrets.put('default', 'slack', Buffer.from('x'), 'user:alice');
      await s.secrets.put('acme', 'smtp', Buffer.from('y'), 'user:alice');
      const got = (await s.secrets.get('default', 'smtp'))!;
      assert.deepEqual(got.ciphertext, CIPHERTEXT);
      assert.equal(got.tenant, 'default');
      assert.equal(got.name, 'smtp');
      assert.equal(await s.secrets.get('default', 'nope'), undefined);
      const listed = await s.secrets.list('default');
      assert.deepEqual(
        listed.map((x) => x.name),
        ['slack', 'smtp'],
      );
      assert.ok(listed.every((x) => !('ciphertext' in x)));
      await s.secrets.put('default', 'smtp', Buffer.from('CANARY-2'), 'user:alice');
      assert.deepEqual(
        (await s.secrets.get('default', 'smtp'))!.ciphertext,
        Buffer.from('CANARY-2'),
      );
      assert.equal(await s.secrets.delete('default', 'smtp', 'user:bob'), true);
      assert.equal(await s.secrets.delete('default', 'smtp', 'user:bob'), false);
      assert.equal(await s.secrets.get('default', 'smtp'), undefined);
      assert.deepEqual(
        (await s.secrets.list('acme')).map((x) => x.name),
        ['smtp'],
      );
      await assert.rejects(s.secrets.put('nope', 'k', CIPHERTEXT, 'x'), {
        message: 'cannot put secret "k": tenant "nope" not found',
      });
      const entries = await s.audit.list({ tenant: 'default' });
      assert.deepEqual(
        entries.map((e) => [e.action, e.target, e.actor, e.before, e.after]),
        [
          ['secret.delete', 'secret:smtp', 'user:bob', { value: '<secret>' }, null],
          ['secret.put', 'secret:smtp', 'user:alice', { value: '<secret>' }, { value: '<secret>' }],
          ['secret.put', 'secret:slack', 'user:alice', null, { value: '<secret>' }],
          ['secret.put', 'secret:smtp', 'user:alice', null, { value: '<secret>' }],
        ],
      );
      assert.doesNotMatch(await auditText(s), /CANARY/);
    });

    it('audit: append, chain fields, list filters newest first, paging', async () => {
      const e1 = await s.audit.append({
        actor: 'user:a',
        tenant: 't1',
        action: 'rule.create',
        target: 'rule:x',
        after: { n: 1 },
        time: 100,
      });
      assert.equal(e1.seq, 1);
      assert.equal(e1.prevHash, '0'.repeat(64));
      assert.match(e1.hash, /^[0-9a-f]{64}$/);
      assert.equal(e1.before, null);
      const e2 = await s.audit.append({
        actor: 'user:b',
        tenant: 't2',
        action: 'rule.delete',
        target: 'rule:x',
        before: { n: 1 },
        time: 200,
      });
      assert.equal(e2.seq, 2);
      assert.equal(e2.prevHash, e1.hash);
      await s.audit.append({
        actor: 'user:a',
        tenant: 't2',
        action: 'rule.create',
        target: 'rule:y',
        time: 300,
      });
      const seqs = async (f: Parameters<StateStore['audit']['list']>[0]): Promise<number[]> =>
        (await s.audit.list(f)).map((e) => e.seq);
      assert.deepEqual(await s.audit.list({ limit: 1, beforeSeq: 3 }), [e2]);
      assert.deepEqual(await seqs({}), [3, 2, 1]);
      assert.deepEqual(await seqs({ tenant: 't2' }), [3, 2]);
      assert.deepEqual(await seqs({ actor: 'user:a' }), [3, 1]);
      assert.deepEqual(await seqs({ action: 'rule.create', tenant: 't2' }), [3]);
      assert.deepEqual(await seqs({ from: 200 }), [3, 2]);
      assert.deepEqual(await seqs({ to: 200 }), [2, 1]);
      assert.deepEqual(await seqs({ from: 150, to: 250 }), [2]);
      assert.deepEqual(await seqs({ limit: 2 }), [3, 2]);
      assert.deepEqual(await seqs({ beforeSeq: 2 }), [1]);
      assert.deepEqual(await seqs({ limit: 0 }), [3], 'limit is at least 1');
      assert.deepEqual(await s.audit.verify(testSigner()), {
        ok: true,
        entries: 3,
        firstSeq: 1,
        lastSeq: 3,
      });
    });

    it('audit: empty chain verifies; prune keeps a signed checkpoint and the rest verifies', async () => {
      const signer = testSigner();
      assert.deepEqual(await s.audit.verify(signer), {
        ok: true,
        entries: 0,
        firstSeq: null,
        lastSeq: null,
      });
      assert.equal(await s.audit.prune(1e15, signer), 0);
      assert.equal(await s.audit.checkpoint(), undefined);
      for (let i = 1; i <= 10; i++) {
        await s.audit.append({
          actor: 'system',
          tenant: '',
          action: 'x.test',
          target: `x:${i}`,
          time: i * 100,
        });
      }
      const all = await s.audit.list();
      assert.equal(await s.audit.prune(450, signer), 4);
      const cp = (await s.audit.checkpoint())!;
      const e4 = all.find((e) => e.seq === 4)!;
      assert.deepEqual(cp, {
        seq: 4,
        hash: e4.hash,
        time: 400,
        signature: signer.sign(`4:${e4.hash}:400`),
      });
      assert.deepEqual(await s.audit.verify(signer), {
        ok: true,
        entries: 6,
        firstSeq: 5,
        lastSeq: 10,
      });
      assert.equal(await s.audit.prune(450, signer), 0, 'nothing older is left');
      assert.equal(await s.audit.prune(750, signer), 3);
      assert.equal((await s.audit.checkpoint())!.seq, 7);
      const next = await s.audit.append({
        actor: 'system',
        tenant: '',
        action: 'x.test',
        target: 'x:11',
      });
      assert.equal(next.seq, 11);
      assert.deepEqual(await s.audit.verify(signer), {
        ok: true,
        entries: 4,
        firstSeq: 8,
        lastSeq: 11,
      });
      assert.equal(await s.audit.prune(Number.MAX_SAFE_INTEGER, signer), 4, 'prune everything');
      assert.deepEqual(await s.audit.verify(signer), {
        ok: true,
        entries: 0,
        firstSeq: null,
        lastSeq: null,
      });
      const after = await s.audit.append({
        actor: 'system',
        tenant: '',
        action: 'x.test',
        target: 'x:12',
      });
      assert.equal(after.seq, 12);
      assert.equal(after.prevHash, (await s.audit.checkpoint())!.hash);
      assert.equal((await s.audit.verify(signer)).ok, true);
      const wrongKey = await s.audit.verify(testSigner('another key'));
      assert.equal(wrongKey.ok, false);
    });

    it('audit: values are stored as JSON (undefined dropped) and hash the same on verify', async () => {
      const e = await s.audit.append({
        actor: 'system',
        tenant: '',
        action: 'x.test',
        target: 'x:1',
        after: { b: 1, a: [1, 'two', { z: null, y: true }], skip: undefined, when: new Date(0) },
      });
      assert.deepEqual(e.after, {
        b: 1,
        a: [1, 'two', { z: null, y: true }],
        when: '1970-01-01T00:00:00.000Z',
      });
      assert.deepEqual((await s.audit.list())[0], e);
      assert.equal((await s.audit.verify(testSigner())).ok, true);
    });

    it('changeVersion moves on every commit of this store', async () => {
      const v0 = s.changeVersion();
      assert.equal(s.changeVersion(), v0, 'stable without changes');
      const a = await alice();
      const v1 = s.changeVersion();
      assert.notEqual(v1, v0);
      await s.tokens.create(token({ userId: a }), 'user:alice');
      await s.tokens.revoke('tok_a1', 'user:alice');
      assert.notEqual(s.changeVersion(), v1);
    });
  });
}
