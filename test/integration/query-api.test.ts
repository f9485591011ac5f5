/**
 * The query API with real clients: Prometheus's own `promtool query`, the `argus query` command,
 * and the request sequence Grafana's Prometheus data source sends, against a real server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_AUTH,
  adminFetch,
  remoteWrite,
  runArgus,
  startArgus,
  tempDir,
  type ArgusProcess,
} from './helpers.js';

const PROMTOOL = '/usr/bin/promtool';
const skipPromtool = existsSync(PROMTOOL)
  ? false
  : `${PROMTOOL} not installed: run tools/scripts/ensure-debian.sh prometheus (npm test does)`;

const T0 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
type Point = [number, string];
const S0 = T0 / 1000;

let argus: ArgusProcess;
let cfgFile = '';
let readToken = '';
let writeToken = '';

function promtool(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PROMTOOL, args, { timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The server URL with the read token as HTTP Basic password (promtool 2.42 has no --http.config.file). */
function promURL(): string {
  const u = new URL(argus.url);
  u.username = 'admin';
  u.password = readToken;
  return u.toString().replace(/\/$/, '');
}

async function token(scope: string): Promise<string> {
  const r = await runArgus([
    'token',
    'create',
    '--user',
    'admin',
    '--scope',
    scope,
    '--data-dir',
    argus.dataDir,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

before(async () => {
  cfgFile = path.join(await tempDir('argus-query-'), 'argus.yml');
  await writeFile(
    cfgFile,
    'collect: { host: { enabled: false }, self: { enabled: false } }\nrules: { builtin: false }\n',
  );
  argus = await startArgus({ args: ['--config', cfgFile] });
  // http_requests_total: +10 (instance a) and +20 (b) every 15 s for 10 minutes.
  const res = await remoteWrite(
    argus.url,
    (['a', 'b'] as const).map((inst, k) => ({
      labels: [
        ['__name__', 'http_requests_total'],
        ['instance', inst],
        ['job', 'api'],
      ],
      samples: Array.from({ length: 41 }, (_, j) => ({ t: T0 + j * 15_000, v: j * 10 * (k + 1) })),
    })),
  );
  assert.equal(res.status, 204, res.body);
  readToken = await token('read');
  writeToken = await token('write');
});
after(() => argus?.stop());

describe('promtool query against Argus', () => {
  it('instant: a vector, a scalar and a range selector', { skip: skipPromtool }, async () => {
    const v = await promtool([
      'query',
      'instant',
      promURL(),
      'http_requests_total',
      `--time=${S0 + 600}`,
    ]);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(
      v.stdout,
      `http_requests_total{instance="a", job="api"} => 400 @[${S0 + 600}]\n` +
        `http_requests_total{instance="b", job="api"} => 800 @[${S0 + 600}]\n`,
    );
    const s = await promtool([
      'query',
      'instant',
      promURL(),
      'scalar(sum(http_requests_total))',
      `--time=${S0 + 600}`,
    ]);
    assert.equal(s.stdout, `scalar: 1200 @[${S0 + 600}]\n`);
    const m = await promtool([
      'query',
      'instant',
      promURL(),
      'http_requests_total{instance="a"}[30s]',
      `--time=${S0 + 600}`,
    ]);
    assert.equal(
      m.stdout,
      `http_requests_total{instance="a", job="api"} =>\n390 @[${S0 + 585}]\n400 @[${S0 + 600}]\n`,
    );
  });

  it('range: a matrix at each step', { skip: skipPromtool }, async () => {
    const r = await promtool([
      'query',
      'range',
      promURL(),
      'sum by (job) (rate(http_requests_total[1m]))',
      `--start=${S0 + 120}`,
      `--end=${S0 + 240}`,
      '--step=1m',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `{job="api"} =>\n2 @[${S0 + 120}]\n2 @[${S0 + 180}]\n2 @[${S0 + 240}]\n`,
    );
  });

  it('series and labels', { skip: skipPromtool }, async () => {
    const s = await promtool([
      'query',
      'series',
      promURL(),
      '--match=http_requests_total',
      `--start=${S0}`,
      `--end=${S0 + 600}`,
    ]);
    assert.equal(
      s.stdout,
      '{__name__="http_requests_total", instance="a", job="api"}\n{__name__="http_requests_total", instance="b", job="api"}\n',
    );
    const l = await promtool([
      'query',
      'labels',
      promURL(),
      'instance',
      `--start=${S0}`,
      `--end=${S0 + 600}`,
    ]);
    assert.equal(l.stdout, 'a\nb\n');
  });

  it('reports a parse error and a refused credential', { skip: skipPromtool }, async () => {
    const bad = await promtool(['query', 'instant', promURL(), 'sum(']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad_data: invalid parameter "query": parse error at char 5/);
    const u = new URL(argus.url);
    u.username = 'admin';
    u.password = 'not-a-token';
    const denied = await promtool(['query', 'instant', u.toString(), '1']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /401/);
    // With a token, the Basic user name must be the token's user (docs/user/promql.md).
    u.username = 'someone-else';
    u.password = readToken;
    const otherUser = await promtool(['query', 'instant', u.toString(), '1']);
    assert.equal(otherUser.code, 1);
    assert.match(otherUser.stderr, /401/);
  });
});

describe('argus query', () => {
  const env = () => ({ ARGUS_TOKEN: readToken, ARGUS_URL: argus.url });

  it('prints an instant query as a table and a range query per series', async () => {
    const i = await runArgus(['query', 'http_requests_total', '--time', String(S0 + 600)], {
      env: env(),
    });
    assert.equal(i.code, 0, i.stderr);
    assert.equal(
      i.stdout,
      'SERIES                                        VALUE\n' +
        'http_requests_total{instance="a", job="api"}  400\n' +
        'http_requests_total{instance="b", job="api"}  800\n',
    );
    const r = await runArgus(
      [
        'query',
        'sum(rate(http_requests_total[1m]))',
        '--start',
        String(S0 + 120),
        '--end',
        '2023-11-14T22:16:20Z',
        '--step',
        '1m',
      ],
      { env: env() },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{}\n  2023-11-14T22:15:20.000Z  2\n  2023-11-14T22:16:20.000Z  2\n');
  });

  it('prints JSON with --json, reaching the server with --url', async () => {
    const r = await runArgus(
      [
        'query',
        'sum(http_requests_total)',
        '--time',
        String(S0 + 600),
        '--json',
        '--url',
        argus.url,
      ],
      {
        env: { ARGUS_TOKEN: readToken },
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      resultType: 'vector',
      result: [{ metric: {}, value: [S0 + 600, '1200'] }],
    });
  });

  it('takes relative times: now, now-2m, now+1h', async () => {
    const before = Date.now() / 1000;
    const r = await runArgus(
      ['query', 'time()', '--start', 'now-2m', '--end', 'now', '--step', '1m', '--json'],
      { env: env() },
    );
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout) as { resultType: string; result: { values: Point[] }[] };
    assert.equal(data.resultType, 'matrix');
    const times = data.result[0].values.map(([t]) => t);
    assert.equal(times.length, 3);
    assert.ok(times[2] >= Math.floor(before) && times[2] <= Date.now() / 1000, String(times));
    assert.equal(times[2] - times[0], 120);
    const i = await runArgus(['query', 'time()', '--time', 'now+1h', '--json'], { env: env() });
    assert.equal(i.code, 0, i.stderr);
    const t = (JSON.parse(i.stdout) as { result: Point }).result[0];
    assert.ok(t >= before + 3600 && t <= Date.now() / 1000 + 3600, String(t));
    const bad = await runArgus(['query', 'up', '--start', 'now-2x'], { env: env() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--start: want unix seconds, RFC3339, "now" or "now-<duration>"/);
  });

  it('fails with exit code 1 and the error on stderr', async () => {
    const bad = await runArgus(['query', 'rate('], { env: env() });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.match(
      bad.stderr,
      /^argus: cannot run query: HTTP 400 bad_data: invalid parameter "query": parse error/,
    );
    const anon = await runArgus(['query', '1'], { env: { ARGUS_URL: argus.url, ARGUS_TOKEN: '' } });
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /HTTP 401 unauthorized.*set ARGUS_TOKEN/);
    const ingest = await runArgus(['query', '1'], {
      env: { ARGUS_URL: argus.url, ARGUS_TOKEN: writeToken },
    });
    assert.equal(ingest.code, 1);
    assert.match(ingest.stderr, /HTTP 403 forbidden/);
    const usage = await runArgus(['query'], { env: env() });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing EXPR/);
  });
});

/** A Grafana-parseable envelope: status success and a data object. */
async function grafana(method: 'GET' | 'POST', p: string, params: Record<string, string> = {}) {
  const form = new URLSearchParams(params).toString();
  const headers = { authorization: `Bearer ${readToken}`, 'x-grafana-org-id': '1' };
  const res =
    method === 'GET'
      ? await fetch(`${argus.url}${p}${form ? `?${form}` : ''}`, { headers })
      : await fetch(`${argus.url}${p}`, {
          method,
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        });
  assert.equal(res.status, 200, `${method} ${p}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await res.json()) as { status: string; data: unknown };
  assert.equal(body.status, 'success', `${method} ${p}: ${JSON.stringify(body)}`);
  return body.data;
}

/** Grafana parses sample values with parseFloat after mapping +Inf/-Inf/NaN. */
function isSampleValue(v: unknown): boolean {
  return (
    typeof v === 'string' && (['+Inf', '-Inf', 'NaN'].includes(v) || !Number.isNaN(parseFloat(v)))
  );
}

describe("Grafana's Prometheus data source requests", () => {
  it('answers the health check, buildinfo, labels, metadata, series, a range query and exemplars', async () => {
    const start = String(S0);
    const end = String(S0 + 600);
    // Health check: an instant `1+1`, POSTed as a form.
    const health = (await grafana('POST', '/api/v1/query', { query: '1+1', time: end })) as {
      resultType: string;
      result: [number, string];
    };
    assert.equal(health.resultType, 'scalar');
    assert.equal(health.result[1], '2');
    // Feature detection: a semver `version`.
    const build = (await grafana('GET', '/api/v1/status/buildinfo')) as { version: string };
    assert.match(build.version, /^\d+\.\d+\.\d+$/);
    // Metric browser and autocomplete.
    assert.deepEqual(await grafana('GET', '/api/v1/labels', { start, end }), [
      '__name__',
      'instance',
      'job',
    ]);
    assert.deepEqual(await grafana('GET', '/api/v1/label/__name__/values', { start, end }), [
      'http_requests_total',
    ]);
    assert.deepEqual(
      await grafana('GET', '/api/v1/label/instance/values', {
        'match[]': 'http_requests_total',
        start,
        end,
      }),
      ['a', 'b'],
    );
    const md = await grafana('GET', '/api/v1/metadata');
    assert.equal(typeof md, 'object');
    const series = (await grafana('POST', '/api/v1/series', {
      'match[]': 'http_requests_total',
      start,
      end,
    })) as unknown[];
    assert.equal(series.length, 2);
    // A panel: range query with step in seconds, start/end aligned to it.
    const range = (await grafana('POST', '/api/v1/query_range', {
      query: 'rate(http_requests_total[1m])',
      start: String(S0 + 60),
      end,
      step: '60',
    })) as {
      resultType: string;
      result: { metric: Record<string, string>; values: [number, string][] }[];
    };
    assert.equal(range.resultType, 'matrix');
    assert.equal(range.result.length, 2);
    for (const s of range.result) {
      for (const v of Object.values(s.metric)) assert.equal(typeof v, 'string');
      assert.equal(s.values.length, 10);
      for (const [t, v] of s.values) {
        assert.equal(typeof t, 'number');
        assert.ok(isSampleValue(v), v);
      }
    }
    assert.deepEqual(
      await grafana('POST', '/api/v1/query_exemplars', {
        query: 'http_requests_total',
        start,
        end,
      }),
      [],
    );
  });
});

describe('status and HTTP edges on the real server', () => {
  it('runtimeinfo shows the retention; status/tsdb the head chunks and time range', async () => {
    const rt = (await (await adminFetch(`${argus.url}/api/v1/status/runtimeinfo`)).json()) as {
      data: { storageRetention: string; corruptionCount: number };
    };
    assert.equal(rt.data.storageRetention, '15d');
    assert.equal(rt.data.corruptionCount, 0);
    const ts = (await (await adminFetch(`${argus.url}/api/v1/status/tsdb`)).json()) as {
      data: {
        headStats: { numSeries: number; chunkCount: number; minTime: number; maxTime: number };
      };
    };
    const h = ts.data.headStats;
    assert.ok(h.chunkCount >= 2, JSON.stringify(h));
    assert.equal(h.minTime, T0);
    assert.ok(h.maxTime >= T0 + 600_000, JSON.stringify(h));
  });

  it('answers a wrong method 405 and takes a multipart form (curl -F)', async () => {
    const del = await adminFetch(`${argus.url}/api/v1/query`, { method: 'DELETE' });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'GET, HEAD, POST');
    const form = new FormData();
    form.set('query', 'sum(http_requests_total)');
    form.set('time', String(S0 + 600));
    const res = await fetch(`${argus.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readToken}` },
      body: form,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { data: unknown }).data, {
      resultType: 'vector',
      result: [{ metric: {}, value: [S0 + 600, '1200'] }],
    });
  });
});

describe('query: config section', () => {
  it('applies query.max_samples on reload, and shows it in status/flags', async () => {
    await writeFile(
      cfgFile,
      'collect: { host: { enabled: false }, self: { enabled: false } }\nrules: { builtin: false }\nquery: { max_samples: 5 }\n',
    );
    const res = await adminFetch(`${argus.url}/-/reload`, { method: 'POST' });
    assert.equal(res.status, 200, await res.text());
    const flags = (await (await adminFetch(`${argus.url}/api/v1/status/flags`)).json()) as {
      data: Record<string, string>;
    };
    assert.equal(flags.data['query.max-samples'], '5');
    const q = await fetch(
      `${argus.url}/api/v1/query?query=${encodeURIComponent('http_requests_total[10m]')}&time=${S0 + 600}`,
      {
        headers: { authorization: ADMIN_AUTH },
      },
    );
    assert.equal(q.status, 422);
    const body = (await q.json()) as { errorType: string; error: string };
    assert.equal(body.errorType, 'execution');
    assert.match(body.error, /max_samples 5/);
    // A bad value is refused, and runtimeinfo says the last reload failed.
    await writeFile(
      cfgFile,
      'collect: { host: { enabled: false }, self: { enabled: false } }\nrules: { builtin: false }\nquery: { timeout: -1s }\n',
    );
    assert.notEqual((await adminFetch(`${argus.url}/-/reload`, { method: 'POST' })).status, 200);
    const rt = (await (await adminFetch(`${argus.url}/api/v1/status/runtimeinfo`)).json()) as {
      data: { reloadConfigSuccess: boolean };
    };
    assert.equal(rt.data.reloadConfigSuccess, false);
  });
});
