import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SqliteDashboards, parseDashboard } from '../dashboards/index.js';
import { addUser, basic, PASSWORD } from './security-test-helpers.js';
import { testApi, type TestApi } from './testing.js';

const D = '/api/argus/v1/dashboards';
const grafana: unknown = JSON.parse(
  readFileSync(
    new URL('../../../src/dashboards/testdata/grafana-node-exporter.json', import.meta.url),
    'utf8',
  ),
);

const board = (over: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  uid: 'web',
  title: 'Web',
  tags: ['team-a'],
  panels: [
    {
      id: 1,
      type: 'timeseries',
      title: 'Requests',
      gridPos: { x: 0, y: 0, w: 12, h: 8 },
      targets: [{ expr: 'sum(rate(http_requests_total[5m]))', legend: '{{job}}', refId: 'A' }],
    },
  ],
  ...over,
});

interface Res<T> {
  status: number;
  body: { status: string; data: T; error?: string; errorType?: string; warnings?: string[] };
  headers: Headers;
  text: string;
}

describe('dashboards API over HTTP', () => {
  let api: TestApi;
  let base: string;
  const as = (user: string) => basic(user, PASSWORD);
  async function req<T = Record<string, unknown>>(
    method: string,
    url: string,
    user: string,
    body?: unknown,
  ): Promise<Res<T>> {
    const r = await fetch(base + url, {
      method,
      headers: {
        authorization: as(user),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    let parsed: Res<T>['body'];
    try {
      parsed = JSON.parse(text) as Res<T>['body'];
    } catch {
      parsed = { status: 'not json', data: undefined as T };
    }
    return { status: r.status, body: parsed, headers: r.headers, text };
  }

  before(async () => {
    api = await testApi({ defaultAuth: false });
    await addUser(api, 'ed', { role: 'editor' });
    await addUser(api, 'vi', { role: 'viewer' });
    await api.state.tenants.create('acme', 'system');
    await addUser(api, 'acme-ed', { role: 'editor', tenant: 'acme' });
    base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => api.close());

  it('create → get → list; viewers read but cannot write', async () => {
    const c = await req<{ uid: string; version: number; created_by: string; provisioned: boolean }>(
      'POST',
      D,
      'ed',
      { dashboard: board(), message: 'first' },
    );
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(
      [c.body.data.uid, c.body.data.version, c.body.data.created_by, c.body.data.provisioned],
      ['web', 1, 'user:ed', false],
    );
    const g = await req<{ dashboard: unknown; version: number }>('GET', `${D}/web`, 'vi');
    assert.equal(g.status, 200);
    assert.deepEqual(g.body.data.dashboard, parseDashboard(board()));
    const l = await req<{ uid: string; title: string; tags: string[] }[]>(
      'GET',
      `${D}?tag=team-a`,
      'vi',
    );
    assert.deepEqual(
      l.body.data.map((m) => [m.uid, m.title, m.tags]),
      [['web', 'Web', ['team-a']]],
    );
    assert.deepEqual((await req<unknown[]>('GET', `${D}?q=nomatch`, 'vi')).body.data, []);
    for (const [method, url, body] of [
      ['POST', D, { dashboard: board({ uid: 'v' }) }],
      ['PUT', `${D}/web`, { dashboard: board(), version: 1 }],
      ['DELETE', `${D}/web`, undefined],
      ['POST', `${D}/web/versions/1/restore`, undefined],
      ['POST', `${D}/import`, board({ uid: 'v2' })],
    ] as const) {
      const r = await req(method, url, 'vi', body);
      assert.equal(r.status, 403, `${method} ${url}: ${r.text}`);
      assert.equal(r.body.errorType, 'forbidden');
    }
    const dup = await req('POST', D, 'ed', { dashboard: board() });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error, 'cannot create dashboard: uid "web" is taken');
  });

  it('update with version; a stale version is 409; versions, one version, restore', async () => {
    await req('POST', D, 'ed', { dashboard: board({ uid: 'ver', title: 'v1' }) });
    const u = await req<{ version: number }>('PUT', `${D}/ver`, 'ed', {
      dashboard: board({ uid: 'ver', title: 'v2' }),
      version: 1,
      message: 'rename',
    });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.body.data.version, 2);
    const stale = await req('PUT', `${D}/ver`, 'admin-less', {
      dashboard: board({ uid: 'ver' }),
      version: 1,
    });
    assert.equal(stale.status, 401, 'unknown user');
    const conflict = await req('PUT', `${D}/ver`, 'ed', {
      dashboard: board({ uid: 'ver', title: 'lost' }),
      version: 1,
    });
    assert.equal(conflict.status, 409);
    assert.match(conflict.body.error!, /saved by user:ed since \(version 2, yours is 1\)/);
    const mismatch = await req('PUT', `${D}/ver`, 'ed', {
      dashboard: board({ uid: 'other' }),
      version: 2,
    });
    assert.equal(mismatch.status, 400);
    const vs = await req<{ version: number; author: string; message: string }[]>(
      'GET',
      `${D}/ver/versions`,
      'vi',
    );
    assert.deepEqual(
      vs.body.data.map((v) => [v.version, v.author, v.message]),
      [
        [2, 'user:ed', 'rename'],
        [1, 'user:ed', ''],
      ],
    );
    const v1 = await req<{ dashboard: { title: string } }>('GET', `${D}/ver/versions/1`, 'vi');
    assert.equal(v1.body.data.dashboard.title, 'v1');
    assert.equal((await req('GET', `${D}/ver/versions/9`, 'vi')).status, 404);
    assert.equal((await req('GET', `${D}/ver/versions/x`, 'vi')).status, 400);
    const r = await req<{ version: number; dashboard: { title: string } }>(
      'POST',
      `${D}/ver/versions/1/restore`,
      'ed',
    );
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.data.version, r.body.data.dashboard.title], [3, 'v1']);
    const audit = await api.state.audit.list({ tenant: 'default', limit: 3 });
    assert.deepEqual(
      audit.map((e) => [e.actor, e.action, e.target]),
      [
        ['user:ed', 'dashboard.restore', 'dashboard:ver'],
        ['user:ed', 'dashboard.update', 'dashboard:ver'],
        ['user:ed', 'dashboard.create', 'dashboard:ver'],
      ],
    );
  });

  it('validation errors name the path', async () => {
    const bad = board({
      uid: 'bad',
      panels: [{ ...board().panels[0], gridPos: { x: 0, y: 0, w: 0, h: 8 } }],
    });
    const r = await req('POST', D, 'ed', { dashboard: bad });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid dashboard: panels[0].gridPos.w: expected at least 1');
    const unknown = await req('POST', D, 'ed', { dashboard: board(), extra: 1 });
    assert.equal(unknown.body.error, 'invalid request body: unknown field "extra"');
  });

  it('export downloads the JSON; import of it elsewhere round-trips', async () => {
    await req('POST', D, 'ed', { dashboard: board({ uid: 'exp' }) });
    const e = await fetch(`${base}${D}/exp/export`, { headers: { authorization: as('vi') } });
    assert.equal(e.status, 200);
    assert.equal(e.headers.get('content-disposition'), 'attachment; filename="exp.json"');
    assert.match(e.headers.get('content-type')!, /^application\/json/);
    const json = (await e.json()) as Record<string, unknown>;
    assert.deepEqual(json, parseDashboard(board({ uid: 'exp' })));
    const imp = await req<{
      uid: string;
      version: number;
      uid_changed: boolean;
      converted_from: null;
    }>('POST', `${D}/import`, 'acme-ed', json);
    assert.equal(imp.status, 201, imp.text);
    assert.deepEqual(
      [imp.body.data.uid, imp.body.data.uid_changed, imp.body.data.converted_from],
      ['exp', false, null],
    );
    assert.equal((await req('GET', `${D}/nope/export`, 'vi')).status, 404);
  });

  it('imports Grafana JSON with warnings; a taken uid gets a new one unless overwrite', async () => {
    const a = await req<{
      uid: string;
      converted_from: string;
      uid_changed: boolean;
      dashboard: { panels: unknown[]; title: string };
    }>('POST', `${D}/import`, 'ed', grafana);
    assert.equal(a.status, 201, a.text);
    assert.deepEqual(
      [a.body.data.uid, a.body.data.converted_from, a.body.data.uid_changed],
      ['rYdddlPWk', 'grafana', false],
    );
    assert.equal(a.body.data.dashboard.panels.length, 7);
    assert.ok(
      a.body.warnings!.includes('panel "CPU modes" dropped: type "piechart" is not supported'),
    );
    const b = await req<{ uid: string; uid_changed: boolean; dashboard: { title: string } }>(
      'POST',
      `${D}/import`,
      'ed',
      { dashboard: grafana },
    );
    assert.equal(b.body.data.uid_changed, true);
    assert.notEqual(b.body.data.uid, 'rYdddlPWk');
    assert.match(b.body.data.uid, /^[A-Za-z0-9_-]{11}$/);
    // The copy gets a title the list can tell apart from the original's.
    const title = a.body.data.dashboard.title;
    assert.equal(b.body.data.dashboard.title, `${title} (copy)`);
    assert.equal(
      b.body.warnings!.at(-1),
      `uid "rYdddlPWk" is taken by "${title}"; imported as ${b.body.data.uid} titled "… (copy)"`,
    );
    const c = await req<{ uid: string; version: number }>('POST', `${D}/import`, 'ed', {
      dashboard: grafana,
      overwrite: true,
    });
    assert.deepEqual([c.body.data.uid, c.body.data.version], ['rYdddlPWk', 2]);
    const d = await req<{ uid: string; version: number }>(
      'POST',
      `${D}/import?overwrite=true`,
      'ed',
      { dashboard: grafana, meta: {} },
    );
    assert.deepEqual([d.body.data.uid, d.body.data.version], ['rYdddlPWk', 3]);
  });

  it('provisioned dashboards are read-only through the API (403 naming the file)', async () => {
    await new SqliteDashboards(api.state).provision(
      'default',
      parseDashboard(board({ uid: 'prov' })),
      '/etc/argus/dashboards/prov.json',
    );
    const g = await req<{ provisioned: boolean; provisioned_file: string }>(
      'GET',
      `${D}/prov`,
      'vi',
    );
    assert.deepEqual(
      [g.body.data.provisioned, g.body.data.provisioned_file],
      [true, '/etc/argus/dashboards/prov.json'],
    );
    for (const [method, url, body] of [
      ['PUT', `${D}/prov`, { dashboard: board({ uid: 'prov' }), version: 1 }],
      ['DELETE', `${D}/prov`, undefined],
      ['POST', `${D}/prov/versions/1/restore`, undefined],
      ['POST', `${D}/import`, { dashboard: board({ uid: 'prov' }), overwrite: true }],
    ] as const) {
      const r = await req(method, url, 'ed', body);
      assert.equal(r.status, 403, `${method} ${url}`);
      assert.match(
        r.body.error!,
        /provisioned dashboards are read-only: edit \/etc\/argus\/dashboards\/prov\.json$/,
      );
    }
  });

  it('tenants are isolated', async () => {
    await req('POST', D, 'ed', {
      dashboard: board({ uid: 'secret-board', title: 'default only' }),
    });
    const l = await req<{ uid: string }[]>('GET', D, 'acme-ed');
    assert.ok(!l.body.data.some((m) => m.uid === 'secret-board'));
    assert.equal((await req('GET', `${D}/secret-board`, 'acme-ed')).status, 404);
    assert.equal((await req('GET', `${D}/secret-board/versions`, 'acme-ed')).status, 404);
    assert.equal((await req('GET', `${D}/secret-board/export`, 'acme-ed')).status, 404);
    assert.equal((await req('DELETE', `${D}/secret-board`, 'acme-ed')).status, 404);
    assert.equal((await req('GET', `${D}/secret-board`, 'vi')).status, 200);
  });

  it('XSS-ish strings are stored and returned verbatim, as JSON', async () => {
    const evil = '<img src=x onerror=alert(1)><svg onload=alert(1)>{{7*7}}${alert(1)}';
    const d = board({
      uid: 'xss',
      title: evil,
      description: 'javascript:alert(1)',
      panels: [
        {
          id: 1,
          type: 'text',
          title: evil,
          gridPos: { x: 0, y: 0, w: 6, h: 4 },
          text: '[click](javascript:alert(1))',
        },
      ],
    });
    await req('POST', D, 'ed', { dashboard: d });
    const g = await req<{
      title: string;
      dashboard: { title: string; panels: { text: string }[] };
    }>('GET', `${D}/xss`, 'vi');
    assert.match(g.headers.get('content-type')!, /^application\/json/);
    assert.equal(g.body.data.title, evil);
    assert.equal(g.body.data.dashboard.panels[0].text, '[click](javascript:alert(1))');
    await req('DELETE', `${D}/xss`, 'ed');
    assert.equal((await req('GET', `${D}/xss`, 'vi')).status, 404);
    const last = (await api.state.audit.list({ limit: 1 }))[0];
    assert.deepEqual(
      [last.action, last.before],
      ['dashboard.delete', { uid: 'xss', title: evil, version: 1 }],
    );
  });
});
