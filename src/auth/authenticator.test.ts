import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessAdmin } from './admin.js';
import { Authenticator } from './authenticator.js';
import { Clock, openState, recordingLogger, tempDir } from './auth-test-helpers.js';
import {
  AccessNotFoundError,
  ForbiddenError,
  RateLimitedError,
  UnauthenticatedError,
} from './errors.js';
import { verifyPassword } from './passwords.js';
import type { Principal } from './permissions.js';

const PW = 'alice-password-1';
const ctx = { address: '192.0.2.1', userAgent: 'test' };

/** An authenticator over a fresh store with alice (editor in default), counting argon2 verifications. */
async function setup(opts: { clock?: Clock; dir?: string } = {}) {
  const clock = opts.clock ?? new Clock();
  const state = openState(opts.dir ?? tempDir(), clock);
  const admin = new AccessAdmin(state, clock.now);
  await admin.createUser({ username: 'alice', password: PW, role: 'editor' }, 'cli:test');
  const counter = { verifications: 0 };
  const auth = new Authenticator({
    state,
    now: clock.now,
    logger: recordingLogger(),
    loginLimits: { perUser: 3, perAddress: 10, windowMs: 60_000 },
    verifyPassword: (h, p) => {
      counter.verifications++;
      return verifyPassword(h, p);
    },
  });
  return { clock, state, admin, auth, counter };
}

const perms = (p: Principal | undefined) => [...(p?.permissions ?? [])].sort();

describe('Authenticator.bearer', () => {
  it('resolves a token to its user, tenant and scope ∩ role', async () => {
    const { admin, auth } = await setup();
    const cases: [string, string, string[]][] = [
      ['viewer', 'read', ['read']],
      ['viewer', 'write', []],
      ['viewer', 'admin', ['read']],
      ['editor', 'read', ['read']],
      ['editor', 'write', ['ingest']],
      ['editor', 'admin', ['edit', 'ingest', 'read']],
      ['admin', 'write', ['ingest']],
      ['admin', 'admin', ['admin', 'edit', 'ingest', 'read']],
    ];
    for (const [role, scope, want] of cases) {
      const name = `u-${role}-${scope}`;
      await admin.createUser({ username: name, password: PW, role }, 'cli:test');
      const { token, row } = await admin.createToken({ username: name, scope }, 'cli:test');
      const p = await auth.bearer(token);
      assert.deepEqual(perms(p), want, `${role} ∩ ${scope}`);
      assert.equal(p?.kind, 'token');
      assert.equal(p?.tenant, 'default');
      assert.equal(p?.tokenId, row.id);
      assert.equal(p?.systemAdmin, false);
    }
  });

  it('systemAdmin only for a system admin with admin permission', async () => {
    const { admin, auth } = await setup();
    await admin.createUser(
      { username: 'root', password: PW, role: 'admin', systemAdmin: true },
      'cli:test',
    );
    const a = await admin.createToken({ username: 'root', scope: 'admin' }, 'cli:test');
    const r = await admin.createToken({ username: 'root', scope: 'read' }, 'cli:test');
    assert.equal((await auth.bearer(a.token))?.systemAdmin, true);
    assert.equal((await auth.bearer(r.token))?.systemAdmin, false);
  });

  it('refuses unknown, malformed, revoked and expired tokens and disabled users', async () => {
    const { admin, auth, clock } = await setup();
    const { token, row } = await admin.createToken(
      { username: 'alice', scope: 'read' },
      'cli:test',
    );
    const short = await admin.createToken(
      { username: 'alice', scope: 'read', expiresInMs: 60_000 },
      'cli:test',
    );
    assert.ok(await auth.bearer(token));
    assert.ok(await auth.bearer(short.token));
    assert.equal(await auth.bearer(`argus_${'x'.repeat(40)}`), undefined);
    assert.equal(await auth.bearer('nonsense'), undefined);
    clock.advance(60_000);
    assert.equal(await auth.bearer(short.token), undefined, 'expired (even though cached before)');
    await admin.revokeToken(row.id, 'cli:test');
    assert.equal(await auth.bearer(token), undefined, 'revoked');
    const t2 = await admin.createToken({ username: 'alice', scope: 'read' }, 'cli:test');
    assert.ok(await auth.bearer(t2.token));
    await admin.setDisabled('alice', true, 'cli:test');
    assert.equal(await auth.bearer(t2.token), undefined, 'disabled user');
  });

  it('records last use at most once a minute', async () => {
    const { admin, auth, clock, state } = await setup();
    const { token, row } = await admin.createToken(
      { username: 'alice', scope: 'read' },
      'cli:test',
    );
    const t0 = clock.t;
    await auth.bearer(token);
    assert.equal((await state.tokens.get(row.id))?.lastUsedAt, t0);
    clock.advance(30_000);
    await auth.bearer(token);
    assert.equal((await state.tokens.get(row.id))?.lastUsedAt, t0, 'throttled');
    clock.advance(30_000);
    await auth.bearer(token);
    assert.equal((await state.tokens.get(row.id))?.lastUsedAt, t0 + 60_000);
  });

  it('drops its cache when another connection revokes a token or changes a password', async () => {
    const dir = tempDir();
    const { auth, admin, counter } = await setup({ dir });
    const other = new AccessAdmin(openState(dir));
    const { token, row } = await admin.createToken(
      { username: 'alice', scope: 'read' },
      'cli:test',
    );
    assert.ok(await auth.bearer(token));
    assert.ok(await auth.basic('alice', PW));
    assert.ok(await auth.basic('alice', PW));
    assert.equal(counter.verifications, 1, 'the second Basic request was served from the cache');
    await other.revokeToken(row.id, 'cli:other');
    assert.equal(
      await auth.bearer(token),
      undefined,
      'revoke by another process takes effect at once',
    );
    await other.setPassword('alice', 'a-new-password-2', 'cli:other');
    assert.equal(await auth.basic('alice', PW), undefined, 'old password no longer accepted');
    assert.ok(await auth.basic('alice', 'a-new-password-2'));
  });
});

describe('Authenticator.basic', () => {
  it('accepts the password or a token of that user, nothing else', async () => {
    const { admin, auth } = await setup();
    await admin.createUser({ username: 'bob', password: PW, role: 'viewer' }, 'cli:test');
    const { token } = await admin.createToken({ username: 'alice', scope: 'write' }, 'cli:test');
    const p = await auth.basic('alice', PW);
    assert.equal(p?.kind, 'password');
    assert.deepEqual(perms(p), ['edit', 'ingest', 'read']);
    assert.equal((await auth.basic('alice', token))?.kind, 'token');
    assert.equal(await auth.basic('bob', token), undefined, "another user's token");
    assert.equal(await auth.basic('alice', 'wrong-password-0'), undefined);
    assert.equal(await auth.basic('nobody', PW), undefined);
  });

  it('a service account has no password; a cached principal is frozen', async () => {
    const { admin, auth } = await setup();
    await admin.createUser({ username: 'svc', service: true, role: 'editor' }, 'cli:test');
    assert.equal(await auth.basic('svc', PW), undefined);
    const p = await auth.basic('alice', PW);
    assert.throws(() => {
      (p as { tenant: string }).tenant = 'other';
    }, TypeError);
  });

  it('limits password failures per address, then refuses without checking', async () => {
    const { auth, counter } = await setup();
    for (let i = 0; i < 10; i++)
      assert.equal(
        await auth.basic(`nobody-${i}`, `wrong-${i}-xxxxxx`, { address: '198.51.100.1' }),
        undefined,
      );
    const before = counter.verifications;
    await assert.rejects(auth.basic('alice', PW, { address: '198.51.100.1' }), RateLimitedError);
    assert.equal(counter.verifications, before, 'no argon2 once limited');
    assert.ok(
      await auth.basic('alice', PW, { address: '198.51.100.2' }),
      'other addresses are fine',
    );
  });

  it('limits password failures per user across addresses, as /login does', async () => {
    const { auth, counter } = await setup();
    for (let i = 0; i < 3; i++)
      assert.equal(
        await auth.basic('alice', `wrong-${i}-xxxxxx`, { address: `198.51.100.${i}` }),
        undefined,
      );
    const before = counter.verifications;
    await assert.rejects(auth.basic('alice', PW, { address: '203.0.113.9' }), RateLimitedError);
    await assert.rejects(
      auth.login('alice', PW, { ...ctx, address: '203.0.113.9' }),
      RateLimitedError,
    );
    assert.equal(counter.verifications, before, 'no argon2 once limited');
  });
});

describe('Authenticator sessions', () => {
  it('login opens a session the cookie resolves to, with the CSRF token; logout ends it', async () => {
    const { auth, state } = await setup();
    const r = await auth.login('alice', PW, ctx);
    assert.match(r.cookie, /^[A-Za-z0-9_-]{43}$/);
    assert.match(r.session.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(r.session.idHash, r.cookie, 'stored hashed');
    assert.ok(await state.sessions.byHash(r.session.idHash));
    const p = await auth.session(r.cookie);
    assert.equal(p?.kind, 'session');
    assert.equal(p?.username, 'alice');
    assert.equal(p?.csrfToken, r.session.csrfToken);
    assert.deepEqual(perms(p), ['edit', 'ingest', 'read']);
    await auth.logout(p);
    assert.equal(await auth.session(r.cookie), undefined);
    assert.equal(await auth.session(''), undefined);
    assert.equal(await auth.session('x'.repeat(300)), undefined);
  });

  it('a failed login says the same whatever was wrong', async () => {
    const { auth } = await setup();
    await assert.rejects(auth.login('alice', 'wrong-password', ctx), {
      name: 'UnauthenticatedError',
      message: 'invalid username or password',
    });
    await assert.rejects(auth.login('nobody', PW, ctx), {
      name: 'UnauthenticatedError',
      message: 'invalid username or password',
    });
  });

  it('all sessions are revoked when the password changes (own change or admin reset)', async () => {
    const { auth, admin } = await setup();
    const a = await auth.login('alice', PW, ctx);
    const b = await auth.login('alice', PW, { ...ctx, address: '192.0.2.2' });
    const p = (await auth.session(a.cookie))!;
    await assert.rejects(
      auth.changePassword(p.userId!, 'wrong-current-pw', 'next-password-1', 'user:alice'),
      ForbiddenError,
    );
    assert.ok(await auth.session(a.cookie), 'a failed change revokes nothing');
    assert.equal(await auth.changePassword(p.userId!, PW, 'next-password-1', 'user:alice'), 2);
    assert.equal(await auth.session(a.cookie), undefined);
    assert.equal(await auth.session(b.cookie), undefined);
    await assert.rejects(auth.login('alice', PW, ctx), UnauthenticatedError);
    const c = await auth.login('alice', 'next-password-1', ctx);
    assert.ok(await auth.session(c.cookie));
    await admin.setPassword('alice', 'reset-by-admin-1', 'cli:test');
    assert.equal(await auth.session(c.cookie), undefined, 'admin reset revokes too');
  });

  it('expires after the idle timeout, slides on use, and ends at the absolute lifetime', async () => {
    const clock = new Clock();
    const { auth } = await setup({ clock });
    auth.applyConfig({
      session_ttl: 8 * 3_600_000,
      session_idle_timeout: 3_600_000,
      login_rate_limit: { per_user: 3, per_address: 10, window: 60_000 },
      open: { metrics: false, ingest: [] },
    });
    const idle = await auth.login('alice', PW, ctx);
    const active = await auth.login('alice', PW, ctx);
    for (let h = 0; h < 9; h++) {
      clock.advance(50 * 60_000);
      assert.ok(await auth.session(active.cookie), `active session alive after ${h + 1} × 50 min`);
    }
    assert.equal(await auth.session(idle.cookie), undefined, 'idle session expired');
    clock.advance(50 * 60_000);
    assert.equal(await auth.session(active.cookie), undefined, 'absolute lifetime reached');
  });

  it('a session used more often than its (short) idle timeout never looks idle', async () => {
    const clock = new Clock();
    const { auth } = await setup({ clock });
    auth.applyConfig({
      session_ttl: 3_600_000,
      session_idle_timeout: 60_000,
      login_rate_limit: { per_user: 3, per_address: 10, window: 60_000 },
      open: { metrics: false, ingest: [] },
    });
    const s = await auth.login('alice', PW, ctx);
    for (let t = 20; t <= 300; t += 20) {
      clock.advance(20_000);
      assert.ok(await auth.session(s.cookie), `alive at ${t} s with use every 20 s`);
    }
    clock.advance(61_000);
    assert.equal(await auth.session(s.cookie), undefined, 'expired after 61 s unused');
  });

  it('login picks the requested tenant if the user has a role there, else default, else the first', async () => {
    const { auth, admin } = await setup();
    for (const t of ['zeta', 'acme', 'ops']) await admin.createTenant(t, 'cli:test');
    await admin.setRole('alice', 'ops', 'viewer', 'cli:test');
    assert.equal(
      (await auth.login('alice', PW, { ...ctx, tenant: 'ops' })).principal.tenant,
      'ops',
    );
    await assert.rejects(auth.login('alice', PW, { ...ctx, tenant: 'acme' }), /no role there/);
    assert.equal((await auth.login('alice', PW, ctx)).principal.tenant, 'default');
    await admin.createUser(
      { username: 'zoe', password: PW, tenant: 'zeta', role: 'admin' },
      'cli:test',
    );
    await admin.setRole('zoe', 'acme', 'viewer', 'cli:test');
    const z = await auth.login('zoe', PW, ctx);
    assert.equal(z.principal.tenant, 'acme');
    assert.deepEqual(perms(z.principal), ['read']);
  });
});

describe('Authenticator login rate limit', () => {
  it('refuses after N failures without calling argon2, and a success clears the user', async () => {
    const { auth, counter } = await setup();
    for (let i = 0; i < 3; i++)
      await assert.rejects(auth.login('alice', `wrong-${i}-xxxxxxx`, ctx), UnauthenticatedError);
    const before = counter.verifications;
    await assert.rejects(
      auth.login('alice', PW, { ...ctx, address: '192.0.2.99' }),
      (e: unknown) => {
        assert.ok(e instanceof RateLimitedError);
        assert.equal(e.retryAfterSeconds, 60);
        assert.match(e.message, /too many failed logins: try again in 60 seconds/);
        return true;
      },
    );
    assert.equal(counter.verifications, before, 'the correct password was not even checked');
  });

  it('unlocks when the window passes; success resets the count', async () => {
    const clock = new Clock();
    const { auth } = await setup({ clock });
    for (let i = 0; i < 3; i++) await assert.rejects(auth.login('alice', 'wrong-password-x', ctx));
    clock.advance(60_000);
    await auth.login('alice', PW, ctx);
    for (let i = 0; i < 2; i++)
      await assert.rejects(auth.login('alice', 'wrong-password-x', ctx), UnauthenticatedError);
    await auth.login('alice', PW, ctx);
  });
});

describe('Authenticator.forTenant', () => {
  async function crossSetup() {
    const s = await setup();
    await s.admin.createTenant('acme', 'cli:test');
    await s.admin.createUser(
      { username: 'root', password: PW, role: 'admin', systemAdmin: true },
      'cli:test',
    );
    return s;
  }

  it('lets a cross-tenant token act in another existing tenant with its scope', async () => {
    const { admin, auth } = await crossSetup();
    const { token } = await admin.createToken(
      { username: 'root', scope: 'write', crossTenant: true },
      'cli:test',
    );
    const p = (await auth.bearer(token))!;
    assert.equal(p.crossTenant, true);
    const q = await auth.forTenant(p, 'acme');
    assert.equal(q.tenant, 'acme');
    assert.deepEqual(perms(q), ['ingest']);
    assert.equal(q.systemAdmin, false);
    assert.equal(p.tenant, 'default', 'the original is unchanged');
    assert.equal(await auth.forTenant(p, 'default'), p);
    await assert.rejects(auth.forTenant(p, 'nope'), AccessNotFoundError);
    await assert.rejects(auth.forTenant(p, '../x'), { name: 'AccessValidationError' });
  });

  it('refuses everyone else, and cross-tenant tokens of users who lost system admin', async () => {
    const { admin, auth } = await crossSetup();
    const plain = await admin.createToken({ username: 'root', scope: 'admin' }, 'cli:test');
    await assert.rejects(auth.forTenant((await auth.bearer(plain.token))!, 'acme'), ForbiddenError);
    const session = await auth.login('root', PW, ctx);
    await assert.rejects(auth.forTenant(session.principal, 'acme'), ForbiddenError);
    const cross = await admin.createToken(
      { username: 'root', scope: 'admin', crossTenant: true },
      'cli:test',
    );
    await admin.createUser({ username: 'root2', password: PW, systemAdmin: true }, 'cli:test');
    await admin.setSystemAdmin('root', false, 'cli:test');
    const p = (await auth.bearer(cross.token))!;
    assert.equal(p.crossTenant, false);
    await assert.rejects(auth.forTenant(p, 'acme'), ForbiddenError);
  });
});
