import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { testApi, type TestApi } from './testing.js';

interface Entry {
  seq: number;
  time: number;
  actor: string;
  tenant: string;
  action: string;
  target: string;
  after: unknown;
}

describe('audit routes', () => {
  let t: TestApi;
  const get = async (url: string) => {
    const res = await t.app.inject({ url, headers: { authorization: t.adminAuth } });
    return { status: res.statusCode, body: res.json<{ data: unknown; error?: string }>() };
  };
  before(async () => {
    t = await testApi({ defaultAuth: false });
    await t.access.admin.createTenant('acme', 'system');
    await t.access.admin.createUser(
      { username: 'ann', password: 'ann-password-0123', tenant: 'acme', role: 'viewer' },
      'cli:test',
    );
  });
  after(() => t.close());

  it("filters by action, actor and tenant; user changes are filed under the user's tenant", async () => {
    const r = await get('/api/argus/v1/audit?action=user.create&tenant=acme');
    assert.equal(r.status, 200);
    const rows = r.body.data as Entry[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].target, 'user:ann');
    assert.equal(rows[0].actor, 'cli:test');
    const byActor = (await get('/api/argus/v1/audit?actor=cli:test')).body.data as Entry[];
    assert.deepEqual(
      byActor.map((e) => e.action),
      ['user.create'],
    );
  });

  it('takes from/to as Unix seconds or RFC 3339, and refuses bad values by name', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    assert.deepEqual((await get(`/api/argus/v1/audit?from=${future}`)).body.data, []);
    const all = (await get('/api/argus/v1/audit?from=0')).body.data as Entry[];
    assert.ok(all.length >= 3);
    const bad = await get('/api/argus/v1/audit?from=yesterday');
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /invalid parameter "from"/);
    const badTenant = await get('/api/argus/v1/audit?tenant=Not..A..Tenant');
    assert.equal(badTenant.status, 400);
    assert.equal((await get('/api/argus/v1/audit?limit=0')).status, 400);
    assert.equal((await get('/api/argus/v1/audit?limit=5000')).status, 400);
  });

  it('verifies the chain, and still lists a damaged entry while verify names it', async () => {
    const ok = await get('/api/argus/v1/audit/verify');
    assert.equal(ok.status, 200);
    assert.equal((ok.body.data as { ok: boolean }).ok, true);
    const raw = new Database(path.join(t.dir, 'state.db'));
    raw.exec(`UPDATE audit SET after = 'garbage' WHERE seq = 2`);
    raw.close();
    const list = await get('/api/argus/v1/audit?limit=1000');
    assert.equal(list.status, 200);
    const e2 = (list.body.data as Entry[]).find((e) => e.seq === 2);
    assert.deepEqual(e2?.after, {
      $corrupt: 'after of entry 2 is not JSON; run argus audit verify',
    });
    const broken = (await get('/api/argus/v1/audit/verify')).body.data as {
      ok: boolean;
      seq: number;
    };
    assert.equal(broken.ok, false);
    assert.equal(broken.seq, 2);
  });
});
