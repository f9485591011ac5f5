import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tenantId } from '../../model/index.js';
import { DEFAULT_QUERY_OPTIONS, parseExpr, PromQLEngine } from '../../promql/index.js';
import { defaultLimitsConfig } from '../../tenancy/index.js';
import { addUser, bearer } from '../security-test-helpers.js';
import { TIMEOUT_MESSAGE } from './query-common.js';
import { logsTestApi, type LogsTestApi } from './query-test-helpers.js';

const S = 1_000_000_000n;
/** Ten minutes ago, whole seconds, ns. */
const T0 = BigInt(Math.floor(Date.now() / 1000) - 600) * S;
const enc = encodeURIComponent;

describe('Loki query API', () => {
  let t: LogsTestApi;
  before(async () => {
    t = await logsTestApi({ logsOptions: { maxEntriesLimit: 50 } });
    await t.push({ app: 'api', env: 'prod' }, [
      [T0, 'GET /a 200'],
      [T0 + S, 'GET /b 500'],
      [T0 + 2n * S, 'level=error msg="boom"'],
    ]);
    await t.push({ app: 'web' }, [[T0 + S / 2n, 'hello']]);
    await t.api.access.admin.createTenant('acme', 'system');
    await t.push({ app: 'secret' }, [[T0, 'acme only']], 'acme');
  });
  after(() => t.api.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.api.app.inject({ url, headers });
  const json = async (url: string): Promise<unknown> => {
    const r = await get(url);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    return JSON.parse(r.body) as unknown;
  };
  const range = `start=${T0 - S}&end=${T0 + 10n * S}`;

  it('query_range of a log query: streams with ns string values, backward by default', async () => {
    const body = (await json(`/loki/api/v1/query_range?query=${enc('{env="prod"}')}&${range}`)) as {
      status: string;
      data: { resultType: string; result: unknown; stats: { summary: Record<string, number> } };
    };
    assert.equal(body.status, 'success');
    assert.equal(body.data.resultType, 'streams');
    assert.deepEqual(body.data.result, [
      {
        stream: { app: 'api', env: 'prod' },
        values: [
          [String(T0 + 2n * S), 'level=error msg="boom"'],
          [String(T0 + S), 'GET /b 500'],
          [String(T0), 'GET /a 200'],
        ],
      },
    ]);
    const s = body.data.stats.summary;
    assert.equal(s.totalLinesProcessed, 3);
    assert.equal(s.totalEntriesReturned, 3);
    for (const k of [
      'bytesProcessedPerSecond',
      'linesProcessedPerSecond',
      'totalBytesProcessed',
      'execTime',
      'queueTime',
    ])
      assert.equal(typeof s[k], 'number', k);
  });

  it('forward, limit, line filters and parsers; POST form as Grafana sends', async () => {
    const r = await t.api.app.inject({
      method: 'POST',
      url: '/loki/api/v1/query_range',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `query=${enc('{app=~"api|web"} |= "GET"')}&direction=forward&limit=2&${range}`,
    });
    assert.equal(r.statusCode, 200, r.body);
    const d = (JSON.parse(r.body) as { data: { result: { stream: object; values: string[][] }[] } })
      .data;
    const all = d.result.flatMap((s) => s.values.map((v) => v[1]));
    assert.deepEqual(all.sort(), ['GET /a 200', 'GET /b 500']);
    const parsed = (await json(
      `/loki/api/v1/query_range?query=${enc('{app="api"} | logfmt | level="error"')}&${range}`,
    )) as { data: { result: { stream: Record<string, string> }[] } };
    assert.deepEqual(parsed.data.result[0].stream, {
      app: 'api',
      env: 'prod',
      level: 'error',
      msg: 'boom',
    });
  });

  it('metric range query: matrix with [float seconds, "value"] points', async () => {
    const body = (await json(
      `/loki/api/v1/query_range?query=${enc('sum by (app) (count_over_time({app=~".+"}[1m]))')}&start=${T0 / S + 60n}&end=${T0 / S + 60n}&step=60`,
    )) as { data: { resultType: string; result: unknown } };
    assert.equal(body.data.resultType, 'matrix');
    assert.deepEqual(body.data.result, [
      // (t - 1m, t]: the entry at T0 is out, as in Loki.
      { metric: { app: 'api' }, values: [[Number(T0 / S) + 60, '2']] },
      { metric: { app: 'web' }, values: [[Number(T0 / S) + 60, '1']] },
    ]);
  });

  it("instant query: vector (Grafana's health check), scalar; log queries refused as Loki 3", async () => {
    const time = Number(T0 / S) + 30;
    const v = (await json(
      `/loki/api/v1/query?query=${enc('vector(1)+vector(1)')}&time=${time}`,
    )) as {
      data: { resultType: string; result: unknown };
    };
    assert.deepEqual(v.data.resultType, 'vector');
    assert.deepEqual(v.data.result, [{ metric: {}, value: [time, '2'] }]);
    const c = (await json(
      `/loki/api/v1/query?query=${enc('count_over_time({app="api"}[1m])')}&time=${time}`,
    )) as { data: { result: unknown } };
    assert.deepEqual(c.data.result, [{ metric: { app: 'api', env: 'prod' }, value: [time, '3'] }]);
    const r = await get(`/loki/api/v1/query?query=${enc('{app="api"}')}`);
    assert.equal(r.statusCode, 400);
    assert.equal(
      r.body,
      'log queries are not supported as an instant query type, please change your query to a range query type\n',
    );
  });

  it("errors are Loki's plain text: parse errors with position, bad params, limit", async () => {
    const cases: [string, number, string][] = [
      [
        `/loki/api/v1/query_range?query=${enc('{app="api"')}`,
        400,
        'parse error at line 1, col 11: syntax error: unexpected end of input',
      ],
      ['/loki/api/v1/query_range', 400, 'query parameter is required (a LogQL expression)'],
      [
        `/loki/api/v1/query_range?query=${enc('{a="b"}')}&limit=51`,
        400,
        'max entries limit per query exceeded, limit > max_entries_limit (51 > 50)',
      ],
      [
        `/loki/api/v1/query_range?query=${enc('{a="b"}')}&start=x`,
        400,
        'invalid start: cannot parse "x" as a timestamp (want ns like 1700000000000000000, seconds like 1700000000.5, or RFC3339 like 2023-11-14T22:13:20Z)',
      ],
      [
        `/loki/api/v1/query?query=${enc('{a="b"}')}&direction=sideways`,
        400,
        "invalid direction 'sideways': want forward or backward",
      ],
      [
        `/loki/api/v1/labels?query=${enc('count_over_time({a="b"}[1m])')}`,
        400,
        'invalid query: want a stream selector like {app="api"}, got a metric query',
      ],
      ['/loki/api/v1/index/stats', 400, 'query parameter is required (a LogQL expression)'],
    ];
    for (const [url, status, msg] of cases) {
      const r = await get(url);
      assert.equal(r.statusCode, status, url);
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8', url);
      assert.equal(r.body, `${msg}\n`, url);
    }
  });

  it('labels, label values, series, index/stats, detected_labels', async () => {
    assert.deepEqual(await json(`/loki/api/v1/labels?${range}`), {
      status: 'success',
      data: ['app', 'env'],
    });
    assert.deepEqual(await json(`/loki/api/v1/label?${range}`), {
      status: 'success',
      data: ['app', 'env'],
    });
    assert.deepEqual(await json(`/loki/api/v1/label/app/values?${range}`), {
      status: 'success',
      data: ['api', 'web'],
    });
    assert.deepEqual(
      await json(`/loki/api/v1/label/app/values?${range}&query=${enc('{env="prod"}')}`),
      { status: 'success', data: ['api'] },
    );
    const series = (await json(
      `/loki/api/v1/series?${range}&match[]=${enc('{app="web"}')}&match[]=${enc('{env="prod"}')}&match[]=${enc('{app="web"}')}`,
    )) as { data: object[] };
    assert.deepEqual(
      series.data.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [{ app: 'api', env: 'prod' }, { app: 'web' }],
    );
    const form = await t.api.app.inject({
      method: 'POST',
      url: '/loki/api/v1/series',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `match[]=${enc('{app="web"}')}&${range}`,
    });
    assert.deepEqual(JSON.parse(form.body), { status: 'success', data: [{ app: 'web' }] });
    assert.deepEqual(await json(`/loki/api/v1/index/stats?query=${enc('{app="api"}')}&${range}`), {
      streams: 1,
      chunks: 1,
      entries: 3,
      bytes: 42,
    });
    assert.deepEqual(await json(`/loki/api/v1/detected_labels?${range}`), {
      detectedLabels: [
        { label: 'app', cardinality: 2 },
        { label: 'env', cardinality: 1 },
      ],
    });
  });

  it('index/volume: bytes per group of streams, largest first', async () => {
    const end = Number((T0 + 10n * S) / S);
    const vol = (extra: string) =>
      json(`/loki/api/v1/index/volume?query=${enc('{app=~".+"}')}&${range}${extra}`);
    assert.deepEqual(await vol(''), {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { app: 'api' }, value: [end, '42'] },
          { metric: { app: 'web' }, value: [end, '5'] },
        ],
      },
    });
    assert.deepEqual(
      ((await vol('&targetLabels=env')) as { data: { result: unknown } }).data.result,
      [{ metric: { env: 'prod' }, value: [end, '42'] }],
    );
    assert.deepEqual(
      ((await vol('&aggregateBy=labels&limit=1')) as { data: { result: unknown } }).data.result,
      [{ metric: { app: '' }, value: [end, '47'] }],
    );
    const bad = await get(`/loki/api/v1/index/volume?query=${enc('{app=~".+"}')}&aggregateBy=x`);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.body, "invalid aggregateBy 'x': want series or labels\n");
    const badLimit = await get(`/loki/api/v1/index/volume?query=${enc('{app=~".+"}')}&limit=0`);
    assert.equal(badLimit.body, 'limit must be a positive value\n');
  });

  it('format_query and buildinfo', async () => {
    assert.deepEqual(
      await json(`/loki/api/v1/format_query?query=${enc('{app="api"}|="x"|json')}`),
      {
        status: 'success',
        data: '{app="api"} |= "x" | json',
      },
    );
    assert.deepEqual(await json('/loki/api/v1/status/buildinfo'), {
      version: '3.4.0',
      revision: 'argus-test',
      branch: '',
      buildUser: 'argus',
      buildDate: '',
      goVersion: '',
    });
  });

  it("a tenant's credential sees only its tenant's logs", async () => {
    await addUser(t.api, 'acmeviewer', { tenant: 'acme' });
    const auth = await bearer(t.api, 'acmeviewer', 'read', { tenant: 'acme' });
    const r = await get(`/loki/api/v1/query_range?query=${enc('{app=~".+"}')}&${range}`, {
      authorization: auth,
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /acme only/);
    assert.doesNotMatch(r.body, /GET \/a/);
    const labels = await get(`/loki/api/v1/label/app/values?${range}`, { authorization: auth });
    assert.deepEqual(JSON.parse(labels.body), { status: 'success', data: ['secret'] });
    const mine = await get(`/loki/api/v1/query_range?query=${enc('{app=~".+"}')}&${range}`);
    assert.doesNotMatch(mine.body, /acme only/);
  });
});

describe('Loki query API access', () => {
  it('every route answers 401 without credentials', async () => {
    const t = await logsTestApi({ defaultAuth: false });
    try {
      const urls = t.api.table.specs.filter(
        (s) => s.url.startsWith('/loki/api/v1/') && !s.url.endsWith('/push'),
      );
      assert.ok(urls.length >= 10, String(urls.length));
      for (const s of urls) {
        const r = await t.api.app.inject({
          url: s.url.replace(':name', 'app') + '?query=%7Ba%3D%22b%22%7D',
        });
        assert.equal(r.statusCode, 401, s.url);
      }
    } finally {
      await t.api.close();
    }
  });

  it('queries wait for a free slot of the tenant, and time out as Loki (504)', async () => {
    const t = await logsTestApi({
      limits: {
        ...defaultLimitsConfig(),
        defaults: { ...defaultLimitsConfig().defaults, max_concurrent_queries: 1 },
      },
      query: {
        engine: new PromQLEngine({ parse: parseExpr }),
        options: () => ({ ...DEFAULT_QUERY_OPTIONS, timeoutMs: 300 }),
      },
    });
    try {
      const gate = t.api.deps.limits.queryGate(tenantId('default'));
      gate.acquire();
      const waiting = t.api.app.inject({ url: `/loki/api/v1/query?query=${enc('vector(1)')}` });
      while (gate.waiting === 0) await new Promise((r) => setTimeout(r, 5));
      gate.release();
      assert.equal((await waiting).statusCode, 200);
      gate.acquire();
      const r = await t.api.app.inject({ url: `/loki/api/v1/query?query=${enc('vector(1)')}` });
      gate.release();
      assert.equal(r.statusCode, 504, r.body);
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(r.body, `${TIMEOUT_MESSAGE} (timeout 0.3s)\n`);
    } finally {
      await t.api.close();
    }
  });
});
