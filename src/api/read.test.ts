import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staleNaN } from '../model/index.js';
import { QueryError, StorageUnavailableError, type Querier } from '../storage/index.js';
import { MemStore } from '../storage/testing.js';
import { testApi, type TestApi } from './testing.js';

const T0 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
let api: TestApi;

async function get(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await api.app.inject({ method: 'GET', url });
  return { status: res.statusCode, json: res.json() };
}

async function post(
  url: string,
  form: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await api.app.inject({
    method: 'POST',
    url,
    payload: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.statusCode, json: res.json() };
}

const q = encodeURIComponent;

before(async () => {
  api = await testApi({ store: new MemStore({ now: () => T0 }) });
  const res = await api.write([
    {
      labels: [
        ['__name__', 'up'],
        ['job', 'node'],
        ['instance', 'a'],
      ],
      samples: [
        { t: T0, v: 1 },
        { t: T0 + 60_000, v: 1 },
      ],
    },
    {
      labels: [
        ['__name__', 'up'],
        ['job', 'node'],
        ['instance', 'b'],
      ],
      samples: [{ t: T0 + 120_000, v: 0 }],
    },
    {
      labels: [
        ['__name__', 'up'],
        ['job', 'prom'],
        ['instance', 'c'],
      ],
      samples: [{ t: T0, v: 1 }],
    },
    {
      labels: [
        ['__name__', 'weird'],
        ['a.b', 'ü'],
      ],
      samples: [
        { t: T0, v: NaN },
        { t: T0 + 1, v: staleNaN },
        { t: T0 + 2, v: Infinity },
        { t: T0 + 3, v: -Infinity },
        { t: T0 + 4, v: 1e-7 },
      ],
    },
  ]);
  assert.equal(res.status, 204, res.body);
});

describe('GET|POST /api/v1/series', () => {
  it('returns matching series, sorted and deduplicated across match[]', async () => {
    const r = await get(
      `/api/v1/series?match[]=${q('up{job="node"}')}&match[]=${q('{instance=~"a|c"}')}`,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      status: 'success',
      data: [
        { __name__: 'up', instance: 'a', job: 'node' },
        { __name__: 'up', instance: 'b', job: 'node' },
        { __name__: 'up', instance: 'c', job: 'prom' },
      ],
    });
  });

  it('honours start/end (unix seconds and RFC3339) and limit with a warning', async () => {
    const r = await get(
      `/api/v1/series?match[]=up&start=${(T0 + 100_000) / 1000}&end=2023-11-14T22:20:00Z`,
    );
    assert.deepEqual(r.json.data, [{ __name__: 'up', instance: 'b', job: 'node' }]);
    const l = await get(`/api/v1/series?match[]=up&limit=1`);
    assert.deepEqual(l.json, {
      status: 'success',
      data: [{ __name__: 'up', instance: 'a', job: 'node' }],
      warnings: ['results truncated due to limit'],
    });
  });

  it('accepts a form-encoded POST body merged with the query', async () => {
    const r = await post(
      '/api/v1/series?match[]=weird',
      `match[]=${q('{"up", instance="b"}')}&start=0`,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.data, [
      { __name__: 'up', instance: 'b', job: 'node' },
      { __name__: 'weird', 'a.b': 'ü' },
    ]);
  });

  const bad: [string, RegExp][] = [
    ['/api/v1/series', /invalid parameter "match\[\]": no match\[\] parameter provided/],
    [
      `/api/v1/series?match[]=${q('up{')}`,
      /invalid parameter "match\[\]": "up\{": parse error at char 4: unexpected end of input/,
    ],
    [`/api/v1/series?match[]=${q('{job=~".*"}')}`, /at least one non-empty matcher/],
    [
      '/api/v1/series?match[]=up&start=yesterday',
      /invalid parameter "start": cannot parse "yesterday" to a valid timestamp/,
    ],
    ['/api/v1/series?match[]=up&end=2023-13-45', /invalid parameter "end": cannot parse/],
    [
      '/api/v1/series?match[]=up&start=10&end=5',
      /invalid parameter "end": end timestamp 5 must not be before start time 10/,
    ],
    [
      '/api/v1/series?match[]=up&limit=-1',
      /invalid parameter "limit": want a non-negative integer, got "-1"/,
    ],
    ['/api/v1/series?match[]=up&start=1e400', /invalid parameter "start"/],
  ];
  for (const [url, msg] of bad) {
    it(`400 bad_data for ${decodeURIComponent(url)}`, async () => {
      const r = await get(url);
      assert.equal(r.status, 400);
      assert.equal(r.json.status, 'error');
      assert.equal(r.json.errorType, 'bad_data');
      assert.match(String(r.json.error), msg);
    });
  }
});

describe('GET|POST /api/v1/labels and /api/v1/label/:name/values', () => {
  it('lists label names, optionally filtered by match[]', async () => {
    assert.deepEqual((await get('/api/v1/labels')).json.data, [
      '__name__',
      'a.b',
      'instance',
      'job',
    ]);
    assert.deepEqual(
      (await get(`/api/v1/labels?match[]=weird&match[]=${q('up{job="prom"}')}`)).json.data,
      ['__name__', 'a.b', 'instance', 'job'],
    );
    assert.deepEqual((await post('/api/v1/labels', 'match[]=weird')).json.data, [
      '__name__',
      'a.b',
    ]);
    assert.deepEqual((await get('/api/v1/labels?limit=2')).json, {
      status: 'success',
      data: ['__name__', 'a.b'],
      warnings: ['results truncated due to limit'],
    });
  });

  it('lists label values, with match[] and U__-escaped UTF-8 names', async () => {
    assert.deepEqual((await get('/api/v1/label/job/values')).json.data, ['node', 'prom']);
    assert.deepEqual((await get('/api/v1/label/__name__/values')).json.data, ['up', 'weird']);
    assert.deepEqual(
      (
        await get(
          `/api/v1/label/instance/values?match[]=${q('up{job="node"}')}&match[]=${q('up{job="prom"}')}`,
        )
      ).json.data,
      ['a', 'b', 'c'],
    );
    assert.deepEqual((await get('/api/v1/label/U__a_2e_b/values')).json.data, ['ü']);
    assert.deepEqual((await get('/api/v1/label/U__j__o_62_/values')).json.data, []);
    assert.deepEqual((await get('/api/v1/label/job/values?limit=1')).json.warnings, [
      'results truncated due to limit',
    ]);
  });

  it('rejects invalid label names', async () => {
    for (const name of ['U__a_zz_b', 'U__a_d800_', 'U__']) {
      const r = await get(`/api/v1/label/${name}/values`);
      assert.equal(r.status, 400, name);
      assert.match(String(r.json.error), /invalid label name/);
    }
  });
});

describe('GET|POST /api/v1/export', () => {
  it('streams one JSON line per series with special values spelled out', async () => {
    const res = await api.app.inject({
      method: 'GET',
      url: `/api/v1/export?match[]=weird&match[]=${q('up{instance="a"}')}`,
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/x-ndjson; charset=utf-8');
    assert.equal(
      res.body,
      `{"metric":{"__name__":"up","instance":"a","job":"node"},"values":[1,1],"timestamps":[${T0},${T0 + 60_000}]}\n` +
        `{"metric":{"__name__":"weird","a.b":"ü"},"values":["NaN","stale","+Inf","-Inf",1e-7],"timestamps":[${T0},${T0 + 1},${T0 + 2},${T0 + 3},${T0 + 4}]}\n`,
    );
  });

  it('limits to [start, end] and accepts POST', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/export',
      payload: `match[]=up&start=${(T0 + 30_000) / 1000}&end=${(T0 + 60_000) / 1000}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(
      res.body,
      `{"metric":{"__name__":"up","instance":"a","job":"node"},"values":[1],"timestamps":[${T0 + 60_000}]}\n`,
    );
  });

  it('streams large results in chunks and closes the querier', async () => {
    const store = new MemStore();
    let closed = 0;
    const orig = store.querier.bind(store);
    store.querier = (t, a, b): Querier => {
      const inner = orig(t, a, b);
      return { ...inner, select: inner.select.bind(inner), close: () => void closed++ };
    };
    const big = await testApi({ store });
    const series = Array.from({ length: 2000 }, (_, i) => ({
      labels: [
        ['__name__', 'm'],
        ['i', String(i).padStart(4, '0')],
      ] as [string, string][],
      samples: [{ t: T0, v: i }],
    }));
    assert.equal((await big.write(series)).status, 204);
    const res = await big.app.inject({ method: 'GET', url: '/api/v1/export?match[]=m' });
    const lines = res.body.trimEnd().split('\n');
    assert.equal(lines.length, 2000);
    assert.deepEqual(JSON.parse(lines[1999]), {
      metric: { __name__: 'm', i: '1999' },
      values: [1999],
      timestamps: [T0],
    });
    assert.equal(closed, 1);
  });

  it('answers bad parameters with a JSON error', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/export' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().errorType, 'bad_data');
    const r2 = await api.app.inject({ method: 'GET', url: '/api/v1/export?match[]=up&end=x' });
    assert.match(String(r2.json<{ error: string }>().error), /invalid parameter "end"/);
  });
});

describe('storage errors map to the closed error set', () => {
  const failing = (err: Error) => {
    const store = new MemStore();
    store.querier = () => {
      throw err;
    };
    return testApi({ store });
  };
  const cases: [Error, number, string][] = [
    [new StorageUnavailableError('store is closing'), 503, 'unavailable'],
    [new QueryError('cannot read block'), 422, 'execution'],
    [new Error('boom'), 500, 'internal'],
  ];
  for (const [err, status, type] of cases) {
    it(`${err.name} → ${status} ${type}`, async () => {
      const a = await failing(err);
      const urls = [
        '/api/v1/series?match[]=up',
        '/api/v1/labels',
        '/api/v1/label/job/values',
        '/api/v1/export?match[]=up',
      ];
      // label values is GET only (as in Prometheus).
      const reqs = urls.flatMap((u) =>
        u.includes('/label/') ? [['GET', u] as const] : [['GET', u] as const, ['POST', u] as const],
      );
      for (const [method, url] of reqs) {
        const r = await a.app.inject({ method, url });
        assert.equal(r.statusCode, status, `${method} ${url}`);
        assert.deepEqual(r.json(), {
          status: 'error',
          errorType: type,
          error: type === 'internal' ? `internal error: ${err.message}` : err.message,
        });
      }
      const errors = a.logs.filter((l) => l.level === 'error').length;
      assert.equal(errors, type === 'internal' ? reqs.length : 0);
    });
  }
});

describe('POST|PUT /api/v1/admin/tsdb/snapshot', () => {
  it('snapshots with or without the head', async () => {
    const calls: boolean[] = [];
    const a = await testApi({
      snapshot: (withHead) => (calls.push(withHead), Promise.resolve(`snap-${calls.length}`)),
    });
    const r1 = await a.app.inject({ method: 'POST', url: '/api/v1/admin/tsdb/snapshot' });
    assert.deepEqual(r1.json(), { status: 'success', data: { name: 'snap-1' } });
    const r2 = await a.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/tsdb/snapshot?skip_head=true',
    });
    assert.deepEqual(r2.json(), { status: 'success', data: { name: 'snap-2' } });
    const r3 = await a.app.inject({
      method: 'POST',
      url: '/api/v1/admin/tsdb/snapshot',
      payload: 'skip_head=0',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(r3.statusCode, 200);
    assert.deepEqual(calls, [true, false, true]);
    const bad = await a.app.inject({
      method: 'POST',
      url: '/api/v1/admin/tsdb/snapshot?skip_head=maybe',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(
      bad.json<{ error: string }>().error,
      /invalid parameter "skip_head": want true or false, got "maybe"/,
    );
  });

  it('reports a failing snapshot as an internal error', async () => {
    const a = await testApi({ snapshot: () => Promise.reject(new Error('disk full')) });
    const r = await a.app.inject({ method: 'POST', url: '/api/v1/admin/tsdb/snapshot' });
    assert.equal(r.statusCode, 500);
    assert.deepEqual(r.json(), {
      status: 'error',
      errorType: 'internal',
      error: 'internal error: disk full',
    });
  });
});
