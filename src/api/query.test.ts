import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Labels, tenantId, type TenantId } from '../model/index.js';
import {
  DEFAULT_QUERY_OPTIONS,
  parseExpr,
  PromQLEngine,
  type QueryOptions,
} from '../promql/index.js';
import { MemStore } from '../storage/testing.js';
import { defaultLimitsConfig } from '../tenancy/index.js';
import { testApi, type TestApi } from './testing.js';

const T0 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
let api: TestApi;
let base: string;
let options: QueryOptions = { ...DEFAULT_QUERY_OPTIONS };

interface Env {
  status: string;
  data?: { resultType: string; result: unknown; stats?: unknown };
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
}

async function call(
  path: string,
  params: Record<string, string>,
  init: { method?: 'GET' | 'POST'; auth?: string } = {},
): Promise<{ status: number; body: Env }> {
  const form = new URLSearchParams(params).toString();
  const headers: Record<string, string> = { authorization: init.auth ?? api.adminAuth };
  const res =
    init.method === 'POST'
      ? await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        })
      : await fetch(`${base}${path}?${form}`, { headers });
  return { status: res.status, body: (await res.json()) as Env };
}

async function load(
  tenant: TenantId,
  name: string,
  labels: Record<string, string>,
  step: number,
  vals: number[],
) {
  const app = api.store.appender(tenant);
  const ls = Labels.fromObject({ __name__: name, ...labels });
  vals.forEach((v, i) => app.append(0, ls, T0 + i * step, v));
  await app.commit();
}

before(async () => {
  api = await testApi({
    store: new MemStore({ now: () => T0 }),
    defaultAuth: false,
    limits: { ...defaultLimitsConfig(), tenants: { tiny: { max_concurrent_queries: 1 } } },
    query: { engine: new PromQLEngine({ parse: parseExpr }), options: () => options },
  });
  await api.access.admin.createTenant('other', 'system');
  // http_requests_total: a counter +10 every 15s for 10 minutes, two instances.
  const counter = Array.from({ length: 41 }, (_, i) => i * 10);
  await load(
    tenantId('default'),
    'http_requests_total',
    { instance: 'a', job: 'api' },
    15_000,
    counter,
  );
  await load(
    tenantId('default'),
    'http_requests_total',
    { instance: 'b', job: 'api' },
    15_000,
    counter.map((v) => v * 2),
  );
  await load(tenantId('default'), 'temp', { room: 'x' }, 60_000, [
    0.1,
    NaN,
    Infinity,
    -0,
    1e-7,
    2.5e21,
  ]);
  await load(tenantId('other'), 'secret_metric', { k: 'v' }, 15_000, [42]);
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => api.close());

const at = (ms: number) => String((T0 + ms) / 1000);

describe('GET|POST /api/v1/query', () => {
  it('answers an instant vector query, GET and form POST alike', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const r = await call(
        '/api/v1/query',
        { query: 'http_requests_total', time: at(600_000) },
        { method },
      );
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            {
              metric: { __name__: 'http_requests_total', instance: 'a', job: 'api' },
              value: [(T0 + 600_000) / 1000, '400'],
            },
            {
              metric: { __name__: 'http_requests_total', instance: 'b', job: 'api' },
              value: [(T0 + 600_000) / 1000, '800'],
            },
          ],
        },
      });
    }
  });

  it('formats values as Prometheus does (NaN, +Inf, -0, exponents) with ms timestamps', async () => {
    const vals = [];
    for (let i = 0; i < 6; i++) {
      const r = await call('/api/v1/query', {
        query: 'temp',
        time: String((T0 + i * 60_000 + 500) / 1000),
      });
      const res = r.body.data!.result as { value: [number, string] }[];
      assert.equal(res[0].value[0], (T0 + i * 60_000 + 500) / 1000);
      vals.push(res[0].value[1]);
    }
    assert.deepEqual(vals, ['0.1', 'NaN', '+Inf', '-0', '1e-07', '2.5e+21']);
  });

  it('answers scalar and string results, and a range selector as a matrix', async () => {
    const s = await call('/api/v1/query', { query: '1+1', time: '100.5' });
    assert.deepEqual(s.body.data, { resultType: 'scalar', result: [100.5, '2'] });
    const str = await call('/api/v1/query', { query: '"hello"', time: '100' });
    assert.deepEqual(str.body.data, { resultType: 'string', result: [100, 'hello'] });
    const m = await call('/api/v1/query', {
      query: 'http_requests_total{instance="a"}[30s]',
      time: at(600_000),
    });
    assert.deepEqual(m.body.data, {
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'http_requests_total', instance: 'a', job: 'api' },
          values: [
            [(T0 + 585_000) / 1000, '390'],
            [(T0 + 600_000) / 1000, '400'],
          ],
        },
      ],
    });
  });

  it('defaults time to now, honours limit with a warning, and returns stats on request', async () => {
    const now = await call('/api/v1/query', { query: 'time()' });
    const [t] = now.body.data!.result as [number, string];
    assert.ok(Math.abs(t * 1000 - Date.now()) < 60_000, `time() ${t} is not now`);
    const r = await call('/api/v1/query', {
      query: 'http_requests_total',
      time: at(600_000),
      limit: '1',
      stats: 'all',
    });
    assert.equal((r.body.data!.result as unknown[]).length, 1);
    assert.deepEqual(r.body.warnings, ['results truncated due to limit']);
    const stats = r.body.data!.stats as {
      samples: { totalQueryableSamples: number; peakSamples: number };
      timings: Record<string, number>;
    };
    // Two series, one sample each at the evaluation time (not the lookback window loaded).
    assert.equal(stats.samples.totalQueryableSamples, 2);
    assert.equal(typeof stats.timings.evalTotalTime, 'number');
  });

  it('passes PromQL warnings and infos through', async () => {
    const r = await call('/api/v1/query', { query: 'rate(temp[5m])', time: at(300_000) });
    assert.equal(r.status, 200);
    assert.ok(
      r.body.infos?.some((s) => s.includes('temp')),
      JSON.stringify(r.body),
    );
  });

  it('refuses a bad query with 400 bad_data naming the parameter and position', async () => {
    const r = await call('/api/v1/query', { query: 'sum(up', time: '0' });
    assert.equal(r.status, 400);
    assert.equal(r.body.errorType, 'bad_data');
    assert.match(r.body.error!, /^invalid parameter "query": parse error at char \d+: /);
    const t = await call('/api/v1/query', { query: 'up', time: 'yesterday' });
    assert.equal(t.status, 400);
    assert.match(t.body.error!, /invalid parameter "time"/);
    const to = await call('/api/v1/query', { query: 'up', timeout: 'soon' });
    assert.equal(to.status, 400);
    assert.equal(
      to.body.error,
      'invalid parameter "timeout": cannot parse "soon" to a valid duration',
    );
  });

  it('reports an execution error as 422', async () => {
    const r = await call('/api/v1/query', {
      query: 'http_requests_total + on() group_left http_requests_total',
      time: at(600_000),
    });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.errorType, 'execution');
  });

  it('refuses too many samples (query.max_samples) with 422 execution naming the limit', async () => {
    options = { ...DEFAULT_QUERY_OPTIONS, maxSamples: 5 };
    try {
      const r = await call('/api/v1/query', {
        query: 'http_requests_total[10m]',
        time: at(600_000),
      });
      assert.equal(r.status, 422);
      assert.equal(r.body.errorType, 'execution');
      assert.match(r.body.error!, /too many samples.*max_samples 5/);
    } finally {
      options = { ...DEFAULT_QUERY_OPTIONS };
    }
  });

  it('times out (query.timeout) with 503 timeout; the timeout parameter cannot raise it', async () => {
    options = { ...DEFAULT_QUERY_OPTIONS, timeoutMs: 1e-9 };
    try {
      const r = await call('/api/v1/query_range', {
        query: 'sum(rate(http_requests_total[1m]))',
        start: at(0),
        end: at(600_000),
        step: '1',
        timeout: '1h',
      });
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.equal(r.body.errorType, 'timeout');
      assert.match(r.body.error!, /timed out/);
    } finally {
      options = { ...DEFAULT_QUERY_OPTIONS };
    }
  });
});

describe('GET|POST /api/v1/query_range', () => {
  it('answers a matrix with [seconds, "value"] pairs at each step', async () => {
    const r = await call(
      '/api/v1/query_range',
      {
        query: 'sum by (job) (rate(http_requests_total[1m]))',
        start: at(120_000),
        end: at(240_000),
        step: '1m',
      },
      { method: 'POST' },
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data, {
      resultType: 'matrix',
      result: [
        {
          metric: { job: 'api' },
          values: [
            [(T0 + 120_000) / 1000, '2'],
            [(T0 + 180_000) / 1000, '2'],
            [(T0 + 240_000) / 1000, '2'],
          ],
        },
      ],
    });
  });

  it('takes step as float seconds too', async () => {
    const r = await call('/api/v1/query_range', {
      query: 'vector(1)',
      start: '0',
      end: '2',
      step: '0.5',
    });
    const [series] = r.body.data!.result as { values: [number, string][] }[];
    assert.deepEqual(
      series.values.map((p) => p[0]),
      [0, 0.5, 1, 1.5, 2],
    );
  });

  it("applies Prometheus's parameter checks with its error texts", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ start: '10', end: '5', step: '1' }, 'end timestamp must not be before start time'],
      [
        { start: '0', end: '5', step: '0' },
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      ],
      [
        { start: '0', end: '5', step: '-1' },
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      ],
      [
        { start: '0', end: '11001', step: '1' },
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      ],
      [
        { start: '0', end: '5', step: 'often' },
        'invalid parameter "step": cannot parse "often" to a valid duration',
      ],
      [{ end: '5', step: '1' }, 'invalid parameter "start": cannot parse "" (missing start)'],
    ];
    for (const [p, want] of cases) {
      const r = await call('/api/v1/query_range', { query: 'up', ...p });
      assert.equal(r.status, 400, JSON.stringify(p));
      assert.deepEqual(r.body, { status: 'error', errorType: 'bad_data', error: want });
    }
  });

  it('refuses a range selector as the range query expression', async () => {
    const r = await call('/api/v1/query_range', {
      query: 'up[5m]',
      start: '0',
      end: '5',
      step: '1',
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.errorType, 'bad_data');
    // A string, too: Prometheus's type error (bad_data), not an execution error.
    const str = await call('/api/v1/query_range', {
      query: '"a"',
      start: '0',
      end: '5',
      step: '1',
    });
    assert.equal(str.status, 400);
    assert.equal(
      str.body.error,
      'invalid expression type "string" for range query, must be Scalar or instant Vector',
    );
  });
});

describe('query access and tenants', () => {
  async function token(tenant: string, scope: string): Promise<string> {
    const admin = api.access.admin;
    const user = `q-${tenant}-${scope}`;
    await admin.createUser({ username: user, service: true, role: 'admin', tenant }, 'system');
    return `Bearer ${(await admin.createToken({ username: user, scope, tenant, name: scope }, 'system')).token}`;
  }

  it('needs read: no credential is 401, a write (ingest) token 403, a read token works', async () => {
    const res = await fetch(`${base}/api/v1/query?query=up`);
    assert.equal(res.status, 401);
    const w = await call(
      '/api/v1/query',
      { query: 'up' },
      { auth: await token('default', 'write') },
    );
    assert.equal(w.status, 403);
    assert.equal(w.body.errorType, 'forbidden');
    const r = await call(
      '/api/v1/query',
      { query: 'count(http_requests_total)', time: at(600_000) },
      { auth: await token('default', 'read') },
    );
    assert.equal(r.status, 200);
  });

  it("sees only the credential's tenant", async () => {
    const other = await token('other', 'read');
    const mine = await call(
      '/api/v1/query',
      { query: '{__name__=~".+"}', time: at(0) },
      { auth: other },
    );
    assert.deepEqual(
      (mine.body.data!.result as { metric: Record<string, string> }[]).map(
        (s) => s.metric.__name__,
      ),
      ['secret_metric'],
    );
    const theirs = await call('/api/v1/query', { query: 'secret_metric', time: at(0) });
    assert.deepEqual(theirs.body.data!.result, []);
  });

  it("holds one of the tenant's query slots while running", async () => {
    await api.access.admin.createTenant('tiny', 'system');
    const auth = await token('tiny', 'read');
    const gate = api.deps.limits.queryGate(tenantId('tiny'));
    gate.acquire();
    try {
      // All slots taken: the query waits in line up to its timeout, then gets 429.
      const r = await call('/api/v1/query', { query: '1', timeout: '0.2' }, { auth });
      assert.equal(r.status, 429);
      assert.equal(r.body.errorType, 'too_many_requests');
      assert.match(r.body.error!, /max_concurrent_queries: 1 queries at once; waited 0.2s/);
      // A waiting query runs as soon as the slot is free.
      const waiting = call('/api/v1/query', { query: '1', stats: '1' }, { auth });
      for (let i = 0; i < 500 && gate.waiting === 0; i++)
        await new Promise((res) => setTimeout(res, 5));
      assert.equal(gate.waiting, 1);
      gate.release();
      const w = await waiting;
      assert.equal(w.status, 200);
      const timings = (w.body.data!.stats as { timings: Record<string, number> }).timings;
      assert.ok(timings.execQueueTime > 0, `queued ${timings.execQueueTime}s`);
      gate.acquire();
    } finally {
      gate.release();
    }
    assert.equal((await call('/api/v1/query', { query: '1' }, { auth })).status, 200);
    assert.equal(gate.running, 0);
  });
});
