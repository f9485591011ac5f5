import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { authConfigSchema, hashToken, INVALID_LOGIN } from '../auth/index.js';
import {
  addUser,
  apiError,
  basic,
  bearer,
  call,
  data,
  login,
  PASSWORD,
  V1,
  type Session,
} from './security-test-helpers.js';
import { testApi, type TestApi } from './testing.js';

const NEW_PASSWORD = 'another-horse-battery-2';

function cookieAttrs(setCookie: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of setCookie.split(';').slice(1)) {
    const [k, v = ''] = part.trim().split('=');
    attrs.set(k.toLowerCase(), v);
  }
  return attrs;
}

async function me(api: TestApi, s: Session) {
  return call(api, { url: `${V1}/me`, cookie: s.cookie });
}

describe('session cookie', () => {
  let api: TestApi;
  before(async () => {
    api = await testApi({ defaultAuth: false });
    await addUser(api, 'alice', { role: 'admin' });
  });
  after(() => api.close());

  it('is HttpOnly, SameSite=Strict, Path=/, not Secure over http; /me shows the CSRF token', async () => {
    const s = await login(api, 'alice');
    const a = cookieAttrs(s.setCookie);
    assert.ok(a.has('httponly'), s.setCookie);
    assert.equal(a.get('samesite'), 'Strict');
    assert.equal(a.get('path'), '/');
    assert.ok(!a.has('secure'), s.setCookie);
    // Max-Age = the session's absolute lifetime (7 d by default): the browser keeps the cookie
    // while the session is in use; the server ends it after the idle timeout.
    const maxAge = Number(a.get('max-age'));
    assert.ok(maxAge > 604_000 && maxAge <= 604_800, s.setCookie);
    assert.match(s.cookie, /^[A-Za-z0-9_-]{43}$/);
    const d = data<{ username: string; kind: string; csrf_token: string; tenant: string }>(
      await me(api, s),
    );
    assert.equal(d.username, 'alice');
    assert.equal(d.kind, 'session');
    assert.equal(d.tenant, 'default');
    assert.equal(d.csrf_token, s.csrf);
    assert.notEqual(s.csrf, s.cookie);
  });

  it('a token credential shows no CSRF token', async () => {
    const d = data<Record<string, unknown>>(
      await call(api, { url: `${V1}/me`, auth: api.adminAuth }),
    );
    assert.equal(d.kind, 'token');
    assert.ok(!('csrf_token' in d));
  });

  it("ignores an untrusted client's X-Forwarded-Proto", async () => {
    const s = await login(api, 'alice', PASSWORD, { headers: { 'x-forwarded-proto': 'https' } });
    assert.ok(!cookieAttrs(s.setCookie).has('secure'), s.setCookie);
  });

  it('logout needs the CSRF token, then clears the cookie and the session stops working', async () => {
    const s = await login(api, 'alice');
    apiError(await call(api, { method: 'POST', url: `${V1}/logout`, cookie: s.cookie }), 403);
    data(await me(api, s));
    const res = await call(api, {
      method: 'POST',
      url: `${V1}/logout`,
      cookie: s.cookie,
      csrf: s.csrf,
    });
    data(res);
    const cleared = String(res.headers['set-cookie']);
    assert.match(cleared, /^argus_session=;/);
    assert.equal(cookieAttrs(cleared).get('max-age'), '0');
    apiError(await me(api, s), 401, 'unauthorized');
  });

  it('a random or oversized cookie is 401, never 500', async () => {
    for (const cookie of [
      'x',
      randomBytes(32).toString('base64url'),
      'a'.repeat(4000),
      '\u00e9\u2603',
    ]) {
      apiError(await call(api, { url: `${V1}/me`, cookie }), 401);
    }
  });
});

describe('session cookie behind a trusted proxy', () => {
  it('is Secure when the proxy says the request came over https', async () => {
    const api = await testApi({ defaultAuth: false, trustProxy: ['127.0.0.1'] });
    after(() => api.close());
    await addUser(api, 'alice');
    const s = await login(api, 'alice', PASSWORD, { headers: { 'x-forwarded-proto': 'https' } });
    assert.ok(cookieAttrs(s.setCookie).has('secure'), s.setCookie);
    const plain = await login(api, 'alice', PASSWORD, { headers: { 'x-forwarded-proto': 'http' } });
    assert.ok(!cookieAttrs(plain.setCookie).has('secure'), plain.setCookie);
    // A proxy that is not trusted is not believed.
    const other = await login(api, 'alice', PASSWORD, {
      headers: { 'x-forwarded-proto': 'https' },
      remoteAddress: '10.9.9.9',
    });
    assert.ok(!cookieAttrs(other.setCookie).has('secure'), other.setCookie);
  });
});

describe('CSRF', () => {
  let api: TestApi;
  let s: Session;
  before(async () => {
    api = await testApi({ defaultAuth: false });
    await addUser(api, 'alice', { role: 'admin' });
    s = await login(api, 'alice');
  });
  after(() => api.close());

  const unsafe = [
    { method: 'POST' as const, url: `${V1}/tokens`, body: { scope: 'read', name: 'csrf-t' } },
    { method: 'PUT' as const, url: `${V1}/secrets/csrf-s`, body: { value: 'v' } },
    { method: 'DELETE' as const, url: `${V1}/secrets/csrf-d` },
  ];

  it('refuses cookie-authenticated unsafe requests without the token, with 403 JSON', async () => {
    for (const u of unsafe) {
      const msg = apiError(await call(api, { ...u, cookie: s.cookie }), 403, 'forbidden');
      assert.match(msg, /CSRF/, `${u.method} ${u.url}`);
    }
    assert.deepEqual(await api.access.admin.listTokens({ username: 'alice' }), []);
    assert.deepEqual(await api.state.secrets.list('default'), []);
  });

  it('refuses a wrong token, an empty one, and the token of another session', async () => {
    const other = await login(api, 'alice');
    const wrong = [
      randomBytes(32).toString('base64url'),
      '',
      s.csrf.slice(1),
      other.csrf,
      s.cookie,
    ];
    for (const u of unsafe) {
      for (const csrf of wrong) {
        apiError(await call(api, { ...u, cookie: s.cookie, csrf }), 403, 'forbidden');
      }
    }
    assert.deepEqual(await api.state.secrets.list('default'), []);
  });

  it('accepts the right token', async () => {
    await api.state.secrets.put('default', 'csrf-d', Buffer.from('x'), 'test');
    const codes = [];
    for (const u of unsafe) {
      codes.push((await call(api, { ...u, cookie: s.cookie, csrf: s.csrf })).statusCode);
    }
    assert.deepEqual(codes, [201, 200, 200]);
    assert.deepEqual(
      (await api.state.secrets.list('default')).map((r) => r.name),
      ['csrf-s'],
    );
  });

  it('is not needed for Bearer or Basic credentials', async () => {
    const token = await bearer(api, 'alice', 'admin');
    const auths = [token, basic('alice', PASSWORD), basic('alice', token.slice('Bearer '.length))];
    for (const [i, auth] of auths.entries()) {
      data(
        await call(api, { method: 'PUT', url: `${V1}/secrets/b${i}`, auth, body: { value: 'v' } }),
      );
      data(await call(api, { method: 'DELETE', url: `${V1}/secrets/b${i}`, auth }));
    }
  });

  it('is not needed for safe methods and read-only POST queries', async () => {
    data(await call(api, { url: `${V1}/secrets`, cookie: s.cookie }));
    const res = await call(api, {
      method: 'POST',
      url: '/api/v1/labels',
      cookie: s.cookie,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    data(res);
  });
});

describe('sessions end on a password change', () => {
  let api: TestApi;
  before(async () => {
    api = await testApi({ defaultAuth: false });
  });
  after(() => api.close());

  it('changing your own password revokes every session of yours (and cached Basic)', async () => {
    await addUser(api, 'bob');
    await addUser(api, 'carol');
    const s1 = await login(api, 'bob');
    const s2 = await login(api, 'bob');
    const carol = await login(api, 'carol');
    data(await call(api, { url: `${V1}/me`, auth: basic('bob', PASSWORD) })); // now cached
    const body = { current_password: PASSWORD, new_password: NEW_PASSWORD };
    apiError(
      await call(api, { method: 'POST', url: `${V1}/me/password`, cookie: s1.cookie, body }),
      403,
    );
    const res = await call(api, {
      method: 'POST',
      url: `${V1}/me/password`,
      cookie: s1.cookie,
      csrf: s1.csrf,
      body,
    });
    assert.deepEqual(data(res), { sessions_revoked: 2 });
    assert.match(String(res.headers['set-cookie']), /^argus_session=;/);
    apiError(await me(api, s1), 401);
    apiError(await me(api, s2), 401);
    apiError(await call(api, { url: `${V1}/me`, auth: basic('bob', PASSWORD) }), 401);
    data(await me(api, carol)); // other users keep their sessions
    apiError(
      await call(api, {
        method: 'POST',
        url: `${V1}/login`,
        body: { username: 'bob', password: PASSWORD },
      }),
      401,
    );
    const s3 = await login(api, 'bob', NEW_PASSWORD);
    data(await me(api, s3));
  });

  it('the current password must be right; an API token cannot change it', async () => {
    await addUser(api, 'dora');
    const s = await login(api, 'dora');
    const wrong = { current_password: 'not-the-password-1', new_password: NEW_PASSWORD };
    apiError(
      await call(api, {
        method: 'POST',
        url: `${V1}/me/password`,
        cookie: s.cookie,
        csrf: s.csrf,
        body: wrong,
      }),
      403,
    );
    data(await me(api, s));
    const token = await bearer(api, 'dora', 'read');
    const body = { current_password: PASSWORD, new_password: NEW_PASSWORD };
    const msg = apiError(
      await call(api, { method: 'POST', url: `${V1}/me/password`, auth: token, body }),
      403,
    );
    assert.match(msg, /API token/);
    data(await me(api, s));
  });

  it("an admin's reset revokes every session of the user", async () => {
    await addUser(api, 'erin');
    const s1 = await login(api, 'erin');
    const s2 = await login(api, 'erin');
    const res = await call(api, {
      method: 'PUT',
      url: `${V1}/users/erin/password`,
      auth: api.adminAuth,
      body: { password: NEW_PASSWORD },
    });
    assert.deepEqual(data(res), { sessions_revoked: 2 });
    apiError(await me(api, s1), 401);
    apiError(await me(api, s2), 401);
    data(await me(api, await login(api, 'erin', NEW_PASSWORD)));
  });
});

describe('login', () => {
  let api: TestApi;
  before(async () => {
    api = await testApi({ defaultAuth: false });
    api.access.authenticator.applyConfig(
      authConfigSchema.parse({ login_rate_limit: { per_user: 3, per_address: 5, window: '1h' } }),
    );
    await addUser(api, 'frank');
    await addUser(api, 'gina');
    await addUser(api, 'svc', { service: true });
    await addUser(api, 'off');
    await api.access.admin.setDisabled('off', true, 'system');
  });
  after(() => api.close());

  const attempt = (username: string, password: string, remoteAddress = '10.0.0.1') =>
    call(api, { method: 'POST', url: `${V1}/login`, body: { username, password }, remoteAddress });

  it('a failed login says only "invalid username or password"', async () => {
    const cases: [string, string][] = [
      ['frank', 'wrong-password-1'],
      ['nobody', PASSWORD],
      ['svc', PASSWORD],
      ['off', PASSWORD],
    ];
    for (const [i, [u, p]] of cases.entries()) {
      const res = await attempt(u, p, `10.0.1.${i}`);
      assert.equal(apiError(res, 401, 'unauthorized'), INVALID_LOGIN, `${u}`);
      assert.equal(res.headers['set-cookie'], undefined);
    }
  });

  it('is rate-limited per user: 429 with Retry-After, and the right password is refused too', async () => {
    for (let i = 0; i < 3; i++)
      apiError(await attempt('gina', `wrong-${i}-password`, `10.0.2.${i}`), 401);
    for (const password of ['wrong-3-password', PASSWORD]) {
      const res = await attempt('gina', password, '10.0.2.9');
      const msg = apiError(res, 429, 'too_many_requests');
      assert.match(msg, /too many failed logins/);
      const retry = Number(res.headers['retry-after']);
      assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 3600, String(retry));
    }
    // Other users are not affected.
    await login(api, 'frank', PASSWORD, { remoteAddress: '10.0.2.9' });
  });

  it('is rate-limited per address across usernames, for logins and Basic', async () => {
    const addr = '10.0.3.1';
    for (let i = 0; i < 5; i++) apiError(await attempt(`user${i}`, 'wrong-password-x', addr), 401);
    const res = await attempt('frank', PASSWORD, addr);
    apiError(res, 429, 'too_many_requests');
    assert.ok(Number(res.headers['retry-after']) >= 1);
    const b = await call(api, {
      url: `${V1}/me`,
      auth: basic('frank', PASSWORD),
      remoteAddress: addr,
    });
    apiError(b, 429, 'too_many_requests');
    assert.ok(Number(b.headers['retry-after']) >= 1, 'Basic 429 carries Retry-After');
    // Another address is not affected.
    await login(api, 'frank', PASSWORD, { remoteAddress: '10.0.3.2' });
  });
});

describe('session expiry', () => {
  let api: TestApi;
  before(async () => {
    api = await testApi({ defaultAuth: false });
    await addUser(api, 'hank');
  });
  after(() => api.close());

  it('a session unused for longer than the idle timeout is refused and deleted', async () => {
    const s = await login(api, 'hank');
    data(await me(api, s));
    const idHash = hashToken(s.cookie);
    const row = await api.state.sessions.byHash(idHash);
    assert.ok(row);
    const long = Date.now() - 25 * 3_600_000;
    await api.state.sessions.touch(idHash, long, row.expiresAt);
    // Backdating the row is not a change of access (touch does not move changeVersion), so
    // the authenticator may still hold the session in its cache until the expiry it read;
    // a real idle expiry needs no state change. Drop caches the way any audited change does.
    await api.access.admin.createTenant('expiry-bump', 'system');
    apiError(await me(api, s), 401);
    assert.equal(await api.state.sessions.byHash(idHash), undefined);
  });

  it('a session older than its absolute lifetime is refused even when recently used', async () => {
    const user = await api.state.users.byName('hank');
    assert.ok(user);
    const make = async (createdAt: number) => {
      const cookie = randomBytes(32).toString('base64url');
      await api.state.sessions.create({
        idHash: hashToken(cookie),
        userId: user.id,
        tenant: 'default',
        csrfToken: randomBytes(32).toString('base64url'),
        createdAt,
        expiresAt: Date.now() + 3_600_000,
        lastSeenAt: Date.now(),
        address: '127.0.0.1',
        userAgent: 'test',
      });
      return { cookie, csrf: '', setCookie: '' };
    };
    data(await me(api, await make(Date.now() - 6 * 86_400_000)));
    apiError(await me(api, await make(Date.now() - 8 * 86_400_000)), 401);
  });
});
