import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { compressSync } from 'snappy';
import { authConfigSchema } from '../auth/index.js';
import { encodeWriteRequest, type EncodeSeries } from '../ingest/remote-write/index.js';
import { tenantId } from '../model/index.js';
import type { MemStore } from '../storage/testing.js';
import { CONTENT_SECURITY_POLICY } from './http-security.js';
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
} from './security-test-helpers.js';
import { TEST_ADMIN_PASSWORD, testApi, type TestApi } from './testing.js';

const T0 = Date.now() - 60_000;

function series(name: string, v = 1): EncodeSeries[] {
  return [{ labels: [['__name__', name]], samples: [{ t: T0, v }] }];
}

function writeCall(
  auth: string | undefined,
  s: EncodeSeries[],
  extra: Record<string, string> = {},
) {
  return {
    method: 'POST' as const,
    url: '/api/v1/write',
    ...(auth !== undefined ? { auth } : {}),
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      ...extra,
    },
    body: compressSync(Buffer.from(encodeWriteRequest(s))),
  };
}

/** Metric names stored for a tenant. */
function names(store: MemStore, tenant: string): string[] {
  const q = store.querier(tenantId(tenant), -Infinity, Infinity);
  try {
    return q.labelValues('__name__', []).sort();
  } finally {
    q.close();
  }
}

function assertSecurityHeaders(res: LightMyRequestResponse, what: string): void {
  const h = res.headers;
  assert.equal(h['content-security-policy'], CONTENT_SECURITY_POLICY, what);
  const csp = String(h['content-security-policy']);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), what);
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.match(csp, /script-src 'self'(;|$)/, what);
  assert.equal(h['x-content-type-options'], 'nosniff', what);
  assert.equal(h['x-frame-options'], 'DENY', what);
  assert.equal(h['referrer-policy'], 'no-referrer', what);
}

describe('security headers', () => {
  let api: TestApi;
  let viewer: string;
  before(async () => {
    api = await testApi({ defaultAuth: false });
    await addUser(api, 'vic');
    viewer = await bearer(api, 'vic', 'read');
  });
  after(() => api.close());

  it('are on 200, 204, 401, 403, 404, 405 and 400 responses', async () => {
    const cases: [string, LightMyRequestResponse, number][] = [
      ['public 200', await call(api, { url: '/-/healthy' }), 200],
      ['JSON 200', await call(api, { url: `${V1}/me`, auth: viewer }), 200],
      ['remote_write 204', await call(api, writeCall(api.adminAuth, series('up'))), 204],
      ['401', await call(api, { url: `${V1}/me` }), 401],
      ['403', await call(api, { url: `${V1}/users`, auth: viewer }), 403],
      ['404 unknown route', await call(api, { url: '/nope/../etc/passwd' }), 404],
      ['405', await call(api, { url: '/api/v1/write' }), 405],
      ['400', await call(api, { url: '/api/v1/series', auth: viewer }), 400],
    ];
    for (const [what, res, status] of cases) {
      assert.equal(res.statusCode, status, `${what}: ${res.body}`);
      assertSecurityHeaders(res, what);
    }
  });

  it('authenticated responses are private, not stored, and vary on the credential', async () => {
    for (const res of [
      await call(api, { url: `${V1}/me`, auth: viewer }),
      await call(api, { url: '/api/v1/labels', auth: viewer }),
      await call(api, { url: '/api/v1/export?match[]=up', auth: viewer }),
      await call(api, { url: `${V1}/users`, auth: viewer }), // 403
    ]) {
      assert.equal(res.headers['cache-control'], 'private, no-store', res.body);
      const vary = String(res.headers.vary);
      for (const h of ['Authorization', 'Cookie', 'X-Scope-OrgID'])
        assert.ok(vary.includes(h), vary);
    }
    const s = await login(api, 'vic');
    const res = await call(api, { url: `${V1}/me`, cookie: s.cookie });
    assert.equal(res.headers['cache-control'], 'private, no-store');
    // A 401 is not cached either.
    assert.match(
      String((await call(api, { url: `${V1}/me` })).headers['cache-control']),
      /no-store/,
    );
  });

  it('HSTS only over https', async () => {
    assert.equal(
      (await call(api, { url: '/-/healthy' })).headers['strict-transport-security'],
      undefined,
    );
    const proxied = await testApi({ defaultAuth: false, trustProxy: ['127.0.0.1'] });
    after(() => proxied.close());
    const res = await call(proxied, {
      url: '/-/healthy',
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => ({
    method: 'OPTIONS' as const,
    url: `${V1}/me`,
    headers: { origin, 'access-control-request-method': 'GET' },
  });

  it('is off by default: no Access-Control-Allow-Origin, preflight not answered', async () => {
    const api = await testApi({ defaultAuth: false });
    after(() => api.close());
    const res = await call(api, {
      url: `${V1}/me`,
      auth: api.adminAuth,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    const pre = await call(api, preflight('https://evil.example'));
    assert.notEqual(pre.statusCode, 204);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
    assert.equal(pre.headers['access-control-allow-methods'], undefined);
  });

  it('answers a configured origin only', async () => {
    const api = await testApi({
      defaultAuth: false,
      cors: () => ({ allowed_origins: ['https://grafana.example'] }),
    });
    after(() => api.close());
    const ok = await call(api, {
      url: `${V1}/me`,
      auth: api.adminAuth,
      headers: { origin: 'https://grafana.example' },
    });
    assert.equal(ok.headers['access-control-allow-origin'], 'https://grafana.example');
    assert.match(String(ok.headers.vary), /Origin/);
    const pre = await call(api, preflight('https://grafana.example'));
    assert.equal(pre.statusCode, 204);
    assert.equal(pre.headers['access-control-allow-origin'], 'https://grafana.example');
    assert.match(String(pre.headers['access-control-allow-headers']), /Authorization/);
    for (const origin of ['https://evil.example', 'https://grafana.example.evil', 'null']) {
      const res = await call(api, { url: `${V1}/me`, auth: api.adminAuth, headers: { origin } });
      assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
      assert.equal(
        (await call(api, preflight(origin))).headers['access-control-allow-origin'],
        undefined,
      );
    }
  });
});

describe('tenant of a request', () => {
  let api: TestApi;
  let acmeWrite: string;
  let acmeRead: string;
  let cross: string;
  before(async () => {
    api = await testApi({ defaultAuth: false });
    await api.access.admin.createTenant('acme', 'system');
    await api.access.admin.createTenant('other', 'system');
    await addUser(api, 'ann', { role: 'admin', tenant: 'acme' });
    acmeWrite = await bearer(api, 'ann', 'write', { tenant: 'acme' });
    acmeRead = await bearer(api, 'ann', 'read', { tenant: 'acme' });
    await api.access.admin.setRole('admin', 'acme', 'viewer', 'system');
    cross = await bearer(api, 'admin', 'admin', { crossTenant: true });
  });
  after(() => api.close());

  it('X-Scope-OrgID naming another tenant with a normal credential is 403', async () => {
    const s = await login(api, 'ann');
    const attempts = [
      call(api, { url: '/api/v1/labels', auth: acmeRead, headers: { 'x-scope-orgid': 'other' } }),
      call(api, {
        url: `${V1}/me`,
        auth: basic('ann', PASSWORD),
        headers: { 'x-scope-orgid': 'default' },
      }),
      call(api, { url: `${V1}/me`, cookie: s.cookie, headers: { 'x-scope-orgid': 'other' } }),
      call(api, writeCall(acmeWrite, series('leak'), { 'x-scope-orgid': 'other' })),
      // The system admin's ordinary token is bound to its tenant too.
      call(api, { url: `${V1}/me`, auth: api.adminAuth, headers: { 'x-scope-orgid': 'acme' } }),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.match(apiError(res, 403, 'forbidden'), /X-Scope-OrgID/);
    }
    assert.deepEqual(names(api.store, 'other'), []);
    // Naming its own tenant is fine.
    const me = data<{ tenant: string }>(
      await call(api, { url: `${V1}/me`, auth: acmeRead, headers: { 'x-scope-orgid': 'acme' } }),
    );
    assert.equal(me.tenant, 'acme');
  });

  it('a cross-tenant token acts in the tenant X-Scope-OrgID names', async () => {
    const w = await call(
      api,
      writeCall(cross, series('cross_metric'), { 'x-scope-orgid': 'other' }),
    );
    assert.equal(w.statusCode, 204, w.body);
    assert.deepEqual(names(api.store, 'other'), ['cross_metric']);
    const labels = data<string[]>(
      await call(api, {
        url: '/api/v1/label/__name__/values',
        auth: cross,
        headers: { 'x-scope-orgid': 'other' },
      }),
    );
    assert.deepEqual(labels, ['cross_metric']);
    const me = data<{ tenant: string; cross_tenant: boolean }>(
      await call(api, { url: `${V1}/me`, auth: cross, headers: { 'x-scope-orgid': 'acme' } }),
    );
    assert.deepEqual([me.tenant, me.cross_tenant], ['acme', true]);
    // Without the header it acts in its own tenant; an unknown tenant is not found.
    assert.equal(
      data<{ tenant: string }>(await call(api, { url: `${V1}/me`, auth: cross })).tenant,
      'default',
    );
    apiError(
      await call(api, { url: `${V1}/me`, auth: cross, headers: { 'x-scope-orgid': 'nope' } }),
      404,
    );
    apiError(
      await call(api, { url: `${V1}/me`, auth: cross, headers: { 'x-scope-orgid': '../etc' } }),
      400,
    );
  });

  it('a cross-tenant token needs a system admin on both sides', async () => {
    await assert.rejects(bearer(api, 'ann', 'admin', { tenant: 'acme', crossTenant: true }));
  });

  it('the URL, query and body never set the tenant', async () => {
    const tricks: Record<string, string>[] = [
      { 'x-tenant': 'other' },
      { 'x-org-id': 'other' },
      { 'x-scope-org-id': 'other' },
      { 'x-grafana-org-id': 'other' },
      { tenant: 'other' },
      { 'x-forwarded-tenant': 'other' },
    ];
    for (const h of tricks) {
      const w = await call(api, {
        ...writeCall(acmeWrite, series('acme_metric'), h),
        url: '/api/v1/write?tenant=other&orgId=other&X-Scope-OrgID=other',
      });
      assert.equal(w.statusCode, 204, w.body);
    }
    assert.deepEqual(names(api.store, 'other'), ['cross_metric']);
    assert.ok(names(api.store, 'acme').includes('acme_metric'));
    for (const url of [
      '/api/v1/label/__name__/values?tenant=other',
      '/api/v1/label/__name__/values?X-Scope-OrgID=other&orgId=other&tenant_id=other',
      '/api/v1/series?match[]=cross_metric&tenant=other',
    ]) {
      const got = JSON.stringify(
        data(await call(api, { url, auth: acmeRead, headers: { 'x-tenant': 'other' } })),
      );
      assert.ok(!got.includes('cross_metric'), `${url}: ${got}`);
    }
    const me = data<{ tenant: string }>(
      await call(api, { url: `${V1}/me?tenant=other`, auth: acmeRead }),
    );
    assert.equal(me.tenant, 'acme');
    // A login's tenant field picks among the user's own tenants only.
    const res = await call(api, {
      method: 'POST',
      url: `${V1}/login`,
      body: { username: 'ann', password: PASSWORD, tenant: 'other' },
    });
    assert.equal(res.statusCode, 403, res.body);
    assert.match(res.body, /no role there/);
    // A tenant admin's audit filter cannot name another tenant.
    const annAdmin = await bearer(api, 'ann', 'admin', { tenant: 'acme' });
    apiError(await call(api, { url: `${V1}/audit?tenant=other`, auth: annAdmin }), 403);
  });
});

describe('open access from config', () => {
  const open = authConfigSchema.parse({
    open: { metrics: true, ingest: [{ cidrs: ['10.1.0.0/16'], tenant: 'acme' }] },
  }).open;

  it('ingest from a configured CIDR lands in the configured tenant and opens nothing else', async () => {
    const api = await testApi({ defaultAuth: false, open: () => open });
    after(() => api.close());
    const inside = await call(api, {
      ...writeCall(undefined, series('opened')),
      remoteAddress: '10.1.2.3',
    });
    assert.equal(inside.statusCode, 204, inside.body);
    assert.deepEqual(names(api.store, 'acme'), ['opened']);
    assert.deepEqual(names(api.store, 'default'), []);
    const mapped = await call(api, {
      ...writeCall(undefined, series('mapped')),
      remoteAddress: '::ffff:10.1.9.9',
    });
    assert.equal(mapped.statusCode, 204, mapped.body);
    const outside = await call(api, {
      ...writeCall(undefined, series('outside')),
      remoteAddress: '10.2.0.1',
    });
    assert.equal(outside.statusCode, 401);
    // A header cannot move open ingestion to another tenant.
    const moved = await call(api, {
      ...writeCall(undefined, series('moved'), { 'x-scope-orgid': 'default' }),
      remoteAddress: '10.1.2.3',
    });
    assert.equal(moved.statusCode, 204);
    assert.deepEqual(names(api.store, 'acme'), ['mapped', 'moved', 'opened']);
    assert.deepEqual(names(api.store, 'default'), []);
    for (const url of [
      '/api/v1/labels',
      '/api/v1/export?match[]=opened',
      `${V1}/me`,
      `${V1}/secrets`,
    ]) {
      apiError(await call(api, { url, remoteAddress: '10.1.2.3' }), 401);
    }
  });

  it('/metrics is open only when the config says so', async () => {
    const closed = await testApi({ defaultAuth: false });
    after(() => closed.close());
    apiError(await call(closed, { url: '/metrics' }), 401);
    const opened = await testApi({ defaultAuth: false, open: () => open });
    after(() => opened.close());
    const res = await call(opened, { url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /argus_/);
    apiError(await call(opened, { method: 'POST', url: '/-/reload' }), 401);
  });
});

describe('hostile credentials', () => {
  let api: TestApi;
  before(async () => {
    api = await testApi({ defaultAuth: false });
    // Many failures from one address: keep the login rate limit out of the way here.
    api.access.authenticator.applyConfig(
      authConfigSchema.parse({ login_rate_limit: { per_user: 1000, per_address: 1000 } }),
    );
  });
  after(() => api.close());

  it('401 carries a Bearer challenge (never Basic: browsers would prompt and remember it)', async () => {
    const res = await call(api, { url: `${V1}/me` });
    apiError(res, 401, 'unauthorized');
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="argus"');
  });

  it('refuses unsafe cross-site requests carrying HTTP Basic credentials', async () => {
    const auth = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;
    const url = '/api/v1/admin/tsdb/snapshot';
    const cross = await call(api, {
      method: 'POST',
      url,
      auth,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    apiError(cross, 403, 'forbidden');
    assert.match(cross.body, /cross-site/);
    const same = await call(api, {
      method: 'POST',
      url,
      auth,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(same.statusCode, 200, same.body);
    const tool = await call(api, { method: 'POST', url, auth });
    assert.equal(tool.statusCode, 200, 'non-browser clients send no Sec-Fetch-Site');
    // Browsers without Sec-Fetch-Site: a foreign (or null) Origin counts as cross-site.
    for (const origin of ['https://evil.example', 'null']) {
      const old = await call(api, { method: 'POST', url, auth, headers: { origin } });
      apiError(old, 403, 'forbidden');
    }
    const own = await call(api, {
      method: 'POST',
      url,
      auth,
      headers: { origin: 'http://localhost:80' },
    });
    assert.equal(own.statusCode, 200, `same origin: ${own.body}`);
    const read = await call(api, {
      url: '/api/v1/labels',
      auth,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(read.statusCode, 200, 'safe methods are unaffected');
  });

  it('an unsupported scheme is 401 JSON naming it', async () => {
    for (const [auth, scheme] of [
      ['Digest username="admin"', 'digest'],
      ['Token abc', 'token'],
      ['NTLM', 'ntlm'],
      ['Negotiate YII=', 'negotiate'],
    ]) {
      const msg = apiError(await call(api, { url: `${V1}/me`, auth }), 401, 'unauthorized');
      assert.ok(msg.includes(`"${scheme}"`), msg);
    }
  });

  it('malformed Basic and Bearer are 401, never a crash', async () => {
    for (const auth of [
      'Basic !!!!',
      'Basic bm9jb2xvbg==', // "nocolon"
      'Basic Og==', // ":"
      `Basic ${Buffer.from('admin:').toString('base64')}`,
      `Basic ${Buffer.from(':x').toString('base64')}`,
      'Basic ====',
      'Basic',
      'Bearer',
      'Bearer  ',
      'Bearer argus_notatoken',
      'bearer ' + 'x'.repeat(100),
    ]) {
      const res = await call(api, { url: `${V1}/me`, auth });
      apiError(res, 401, 'unauthorized');
    }
  });

  it('hostile strings (10 KB, NUL bytes, unicode) in usernames, passwords and tokens are 401/400, never 500', async () => {
    const hostile = [
      'x'.repeat(10 * 1024),
      'admin\u0000',
      '\u0000\u0000',
      'ädmin',
      '管理者',
      '😀'.repeat(100),
      '\u202eadmin',
      "admin' OR '1'='1",
      '../../etc/passwd',
      '%00admin',
    ];
    for (const h of hostile) {
      const tried = [
        await call(api, { url: `${V1}/me`, auth: basic(h, PASSWORD) }),
        await call(api, { url: `${V1}/me`, auth: basic('admin', h) }),
        await call(api, { url: `${V1}/me`, auth: `Bearer ${Buffer.from(h).toString('latin1')}` }),
        await call(api, { method: 'POST', url: `${V1}/login`, body: { username: h, password: h } }),
        await call(api, { url: `${V1}/me`, cookie: h }),
      ];
      for (const res of tried) {
        assert.ok(
          [400, 401].includes(res.statusCode),
          `${JSON.stringify(h.slice(0, 20))}: ${res.statusCode} ${res.body}`,
        );
        assert.equal(res.json<{ status: string }>().status, 'error');
      }
    }
    assert.ok(
      !api.logs.some((l) => l.level === 'error'),
      JSON.stringify(api.logs.filter((l) => l.level === 'error')),
    );
  });

  it('over a real socket: raw NUL and oversized headers are refused by the HTTP parser, the server lives on', async () => {
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = api.app.server.address() as AddressInfo;
    const raw = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const sock = connect(port, '127.0.0.1', () => sock.end(head));
        let got = '';
        sock.on('data', (b) => (got += b.toString('latin1')));
        sock.on('end', () => resolve(got));
        sock.on('error', reject);
      });
    const nul = await raw(
      `GET ${V1}/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0000b\r\n\r\n`,
    );
    assert.match(nul, /^HTTP\/1\.1 (400|401)/);
    const huge = await raw(
      `GET ${V1}/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assert.match(huge, /^HTTP\/1\.1 431/);
    const ok = await raw(
      `GET ${V1}/me HTTP/1.1\r\nHost: x\r\nAuthorization: ${api.adminAuth}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(ok, /^HTTP\/1\.1 200/);
  });
});

describe('CORS with "*"', () => {
  let api: TestApi;
  before(async () => {
    api = await testApi({ defaultAuth: false, cors: () => ({ allowed_origins: ['*'] }) });
  });
  after(() => api.close());

  it('allows any origin without credentials, never echoing it with credentials', async () => {
    const res = await call(api, {
      url: '/api/v1/labels',
      auth: api.adminAuth,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
  });
});
