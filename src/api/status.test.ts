import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Labels, tenantId } from '../model/index.js';
import { MemStore } from '../storage/testing.js';
import { PROMETHEUS_COMPAT_VERSION } from './status.js';
import { testApi, type TestApi } from './testing.js';

const T0 = 1_700_000_000_000;
let api: TestApi;
let base: string;

interface Body {
  status: string;
  errorType?: string;
  error?: string;
  data: Record<string, unknown>;
}

async function get(path: string, auth?: string): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: auth ?? api.adminAuth } });
  return { status: res.status, body: (await res.json()) as Body };
}

async function post(path: string, form: Record<string, string>) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: api.adminAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

before(async () => {
  api = await testApi({ store: new MemStore({ now: () => T0 }), defaultAuth: false });
  const app = api.store.appender(tenantId('default'));
  for (let i = 0; i < 12; i++)
    app.append(0, Labels.fromObject({ __name__: 'many', i: String(i), job: 'j' }), T0, i);
  app.append(0, Labels.fromObject({ __name__: 'few', job: 'j' }), T0, 1);
  await app.commit();
  api.store.setMetadata(tenantId('default'), 'many', {
    type: 'gauge',
    help: 'Many things.',
    unit: '',
  });
  api.store.setMetadata(tenantId('default'), 'few', {
    type: 'counter',
    help: 'Few.',
    unit: 'seconds',
  });
  await api.access.admin.createTenant('other', 'system');
  const o = api.store.appender(tenantId('other'));
  o.append(0, Labels.fromObject({ __name__: 'theirs' }), T0, 1);
  await o.commit();
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => api.close());

describe('status routes', () => {
  it('buildinfo reports the Prometheus-compatible version and Argus its own', async () => {
    const r = await get('/api/v1/status/buildinfo');
    assert.equal(r.status, 200);
    assert.equal(r.body.data.version, PROMETHEUS_COMPAT_VERSION);
    assert.equal(r.body.data.argusVersion, 'test');
    assert.equal(r.body.data.goVersion, `node ${process.version}`);
    for (const k of ['revision', 'branch', 'buildUser', 'buildDate'])
      assert.equal(typeof r.body.data[k], 'string', k);
  });

  it('runtimeinfo and flags have Prometheus field names', async () => {
    const rt = await get('/api/v1/status/runtimeinfo');
    assert.equal(rt.body.data.reloadConfigSuccess, true);
    assert.ok(!Number.isNaN(Date.parse(String(rt.body.data.startTime))));
    assert.equal(typeof rt.body.data.GOMAXPROCS, 'number');
    const f = await get('/api/v1/status/flags');
    assert.deepEqual(f.body.data, {
      'query.lookback-delta': '5m',
      'query.max-samples': '50000000',
      'query.timeout': '2m',
      'enable-feature': '',
    });
  });

  it("tsdb: the tenant's cardinality, top N", async () => {
    const r = await get('/api/v1/status/tsdb?limit=1');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data.headStats, {
      numSeries: 13,
      numLabelPairs: 12 + 2 + 1,
      chunkCount: 0,
      minTime: 0,
      maxTime: 0,
    });
    assert.deepEqual(r.body.data.seriesCountByMetricName, [{ name: 'many', value: 12 }]);
    assert.deepEqual(r.body.data.seriesCountByLabelValuePair, [{ name: 'job=j', value: 13 }]);
    assert.deepEqual(r.body.data.labelValueCountByLabelName, [{ name: 'i', value: 12 }]);
    assert.deepEqual(r.body.data.memoryInBytesByLabelName, [{ name: 'i', value: 10 + 2 * 2 }]);
    const all = await get('/api/v1/status/tsdb');
    assert.deepEqual(
      (all.body.data.seriesCountByMetricName as { name: string }[]).map(
        (x: { name: string }) => x.name,
      ),
      ['many', 'few'],
    );
    const bad = await get('/api/v1/status/tsdb?limit=0');
    assert.equal(bad.status, 400);
  });
});

describe('parse_query, format_query, query_exemplars, metadata', () => {
  it('parse_query returns the tree; format_query the pretty text; errors are bad_data', async () => {
    const p = await post('/api/v1/parse_query', { query: 'sum by (job) (rate(x[5m]))' });
    assert.equal(p.status, 200);
    assert.equal(p.body.data.type, 'aggregation');
    assert.equal(p.body.data.op, 'sum');
    const f = await get(
      `/api/v1/format_query?query=${encodeURIComponent('sum(rate(x[5m]))by(job)')}`,
    );
    assert.deepEqual(f.body, { status: 'success', data: 'sum by (job) (rate(x[5m]))' });
    const bad = await get('/api/v1/format_query?query=sum(');
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /^invalid parameter "query": parse error at char/);
  });

  it('query_exemplars is empty for a valid query, 400 for a bad one', async () => {
    const ok = await post('/api/v1/query_exemplars', { query: 'many', start: '0', end: '10' });
    assert.deepEqual(ok.body, { status: 'success', data: [] });
    const bad = await post('/api/v1/query_exemplars', { query: 'many{', start: '0', end: '10' });
    assert.equal(bad.status, 400);
  });

  it('metadata lists TYPE/HELP/UNIT by name, with metric and limit', async () => {
    const all = await get('/api/v1/metadata');
    assert.deepEqual(all.body.data, {
      few: [{ type: 'counter', help: 'Few.', unit: 'seconds' }],
      many: [{ type: 'gauge', help: 'Many things.', unit: '' }],
    });
    assert.deepEqual(Object.keys((await get('/api/v1/metadata?limit=1')).body.data), ['few']);
    assert.deepEqual(Object.keys((await get('/api/v1/metadata?metric=many')).body.data), ['many']);
    assert.equal((await get('/api/v1/metadata?limit=x')).status, 400);
  });

  it('status and metadata are per tenant and need a credential', async () => {
    assert.equal((await fetch(`${base}/api/v1/status/tsdb`)).status, 401);
    const admin = api.access.admin;
    await admin.createUser(
      { username: 'o', service: true, role: 'viewer', tenant: 'other' },
      'system',
    );
    const auth = `Bearer ${(await admin.createToken({ username: 'o', scope: 'read', tenant: 'other', name: 'r' }, 'system')).token}`;
    const r = await get('/api/v1/status/tsdb', auth);
    assert.deepEqual(r.body.data.seriesCountByMetricName, [{ name: 'theirs', value: 1 }]);
    assert.deepEqual((await get('/api/v1/metadata', auth)).body.data, {});
  });
});
