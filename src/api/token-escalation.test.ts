/**
 * A credential can never mint more than it holds: a write token (the one in prometheus.yml)
 * cannot create an admin token, and a tenant admin cannot mint a token acting as someone who
 * also lives in another tenant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, bearer, call } from './security-test-helpers.js';
import { testApi, type TestApi } from './testing.js';

const TOKENS = '/api/argus/v1/tokens';

describe('token creation never escalates', () => {
  let api: TestApi;
  before(async () => {
    api = await testApi({ defaultAuth: false });
    await api.access.admin.createTenant('acme', 'system');
    await addUser(api, 'carol', { role: 'admin' });
    await addUser(api, 'dave', { role: 'admin', tenant: 'acme' });
    await addUser(api, 'alice', { role: 'viewer' });
    await api.access.admin.setRole('alice', 'acme', 'viewer', 'system');
    await addUser(api, 'svc', { role: 'editor', tenant: 'acme', service: true });
  });
  after(() => api.close());

  const create = (auth: string, body: object) =>
    call(api, { method: 'POST', url: TOKENS, auth, body });

  it('a token creates only tokens whose scope it holds', async () => {
    const write = await bearer(api, 'carol', 'write');
    const read = await bearer(api, 'carol', 'read');
    const admin = await bearer(api, 'carol', 'admin');
    for (const [auth, scope, status] of [
      [write, 'admin', 403],
      [write, 'read', 403],
      [write, 'write', 201],
      [read, 'admin', 403],
      [read, 'write', 403],
      [read, 'read', 201],
      [admin, 'admin', 201],
    ] as const) {
      const res = await create(auth, { scope });
      assert.equal(res.statusCode, status, `${scope}: ${res.body}`);
      if (status === 403) assert.match(res.body, /your credential lacks/);
    }
  });

  it('a write token cannot read (not even the token list)', async () => {
    const write = await bearer(api, 'carol', 'write');
    assert.equal((await call(api, { url: TOKENS, auth: write })).statusCode, 403);
  });

  it('a tenant admin mints tokens only for accounts wholly inside the tenant', async () => {
    const dave = await bearer(api, 'dave', 'admin', { tenant: 'acme' });
    const forAlice = await create(dave, { scope: 'read', username: 'alice' });
    assert.equal(forAlice.statusCode, 403, forAlice.body);
    assert.match(forAlice.body, /reaches beyond tenant \\"acme\\"/);
    const forSvc = await create(dave, { scope: 'write', username: 'svc' });
    assert.equal(forSvc.statusCode, 201, forSvc.body);
  });

  it('a token cannot create one that outlives it', async () => {
    const { token } = await api.access.admin.createToken(
      { username: 'carol', scope: 'admin', expiresInMs: 3_600_000 },
      'system',
    );
    const short = `Bearer ${token}`;
    for (const body of [{ scope: 'read' }, { scope: 'read', expires_in: '100y' }]) {
      const res = await create(short, body);
      assert.equal(res.statusCode, 403, res.body);
      assert.match(res.body, /must expire by then/);
    }
    assert.equal((await create(short, { scope: 'read', expires_in: '30m' })).statusCode, 201);
  });

  it('refuses unknown fields instead of ignoring them', async () => {
    const admin = await bearer(api, 'carol', 'admin');
    const res = await create(admin, { scope: 'read', expires: '1h', tenant: 'acme' });
    assert.equal(res.statusCode, 400);
    assert.equal(
      res.json<{ error: string }>().error,
      'invalid request body: unknown fields "expires", "tenant"',
    );
  });
});
