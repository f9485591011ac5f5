import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Labels, tenantId, type TenantId } from '../model/index.js';
import {
  DEFAULT_QUERY_OPTIONS,
  parseExpr,
  PromQLEngine,
  type Expr,
  type QueryEngine,
  type QueryOptions,
  type QueryResult,
} from '../promql/index.js';
import type { Queryable } from '../storage/index.js';
import { MemStore } from '../storage/testing.js';
import { defaultLimitsConfig } from '../tenancy/index.js';
import { testApi, type TestApi } from './testing.js';

const T0 = 1_700_000_000_000;
const real = new PromQLEngine({ parse: parseExpr });

/** The real engine, except that `hang` queries wait for their abort signal (and record it). */
class HangingEngine implements QueryEngine {
  aborted: unknown[] = [];
  started = 0;
  instant(
    q: Queryable,
    tenant: TenantId,
    expr: string | Expr,
    t: number,
    opts?: Partial<QueryOptions>,
  ): Promise<QueryResult> {
    const isHang =
      typeof expr !== 'string' && expr.type === 'VectorSelector' && expr.name === 'hang';
    if (!isHang) return real.instant(q, tenant, expr, t, opts);
    this.started++;
    return new Promise((_, reject) => {
      opts?.signal?.addEventListener('abort', () => {
        this.aborted.push(opts.signal?.reason);
        reject(new Error('aborted'));
      });
    });
  }
  range(
    q: Queryable,
    tenant: TenantId,
    expr: string | Expr,
    s: number,
    e: number,
    step: number,
    opts?: Partial<QueryOptions>,
  ): Promise<QueryResult> {
    return real.range(q, tenant, expr, s, e, step, opts);
  }
}

let api: TestApi;
let base: string;
const engine = new HangingEngine();

before(async () => {
  api = await testApi({
    store: new MemStore({ now: () => T0 }),
    defaultAuth: false,
    limits: { ...defaultLimitsConfig(), tenants: { narrow: { max_query_series: 50 } } },
    query: { engine, options: () => ({ ...DEFAULT_QUERY_OPTIONS }) },
  });
  for (const tenant of ['default', 'narrow']) {
    if (tenant !== 'default') await api.access.admin.createTenant(tenant, 'system');
    const app = api.store.appender(tenantId(tenant));
    for (let i = 0; i < 300; i++) {
      const ls = Labels.fromObject({ __name__: 'node_load1', instance: `host-${i}:9100` });
      for (let k = 0; k < 61; k++) app.append(0, ls, T0 + k * 60_000, i + k / 7);
    }
    await app.commit();
  }
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => api.close());

function get(
  path: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, {
      headers: { authorization: api.adminAuth, ...headers },
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
    });
    req.on('error', reject);
  });
}

const range = `/api/v1/query_range?query=node_load1&start=${T0 / 1000}&end=${T0 / 1000 + 3600}&step=60`;

describe('query responses', () => {
  it('streams a large result gzip-compressed when the client accepts gzip', async () => {
    const gz = await get(range, { 'accept-encoding': 'gzip, deflate' });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(String(gz.headers['content-type']), /^application\/json/);
    const text = gunzipSync(gz.body).toString('utf8');
    assert.ok(gz.body.length * 4 < text.length, `${gz.body.length} bytes for ${text.length}`);
    const plain = await get(range, { 'accept-encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString('utf8'), text);
    const parsed = JSON.parse(text) as { data: { result: { values: unknown[] }[] } };
    assert.equal(parsed.data.result.length, 300);
    assert.equal(parsed.data.result[0].values.length, 61);
    // q=0 refuses gzip.
    const q0 = await get(range, { 'accept-encoding': 'gzip;q=0' });
    assert.equal(q0.headers['content-encoding'], undefined);
  });

  it('sends a small result uncompressed with a content-length', async () => {
    const r = await get('/api/v1/query?query=1%2B1', { 'accept-encoding': 'gzip' });
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers['content-length'], String(r.body.length));
    assert.match(r.body.toString(), /"result":\[\d+(\.\d+)?,"2"\]/);
  });

  it('aborts the evaluation when the client closes the connection', async () => {
    const before = engine.aborted.length;
    const req = http.get(`${base}/api/v1/query?query=hang`, {
      headers: { authorization: api.adminAuth },
    });
    req.on('error', () => {});
    // Wait (bounded) until the engine runs the query, then hang up.
    for (let i = 0; i < 500 && engine.started === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(engine.started, 1);
    req.destroy();
    for (let i = 0; i < 500 && engine.aborted.length === before; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(engine.aborted.length, before + 1);
    assert.match(String(engine.aborted[before]), /client closed the connection/);
    // …and says so in the log, naming the query.
    for (let i = 0; i < 500 && !api.logs.some((l) => l.msg.startsWith('query canceled')); i++)
      await new Promise((r) => setTimeout(r, 10));
    const line = api.logs.find((l) => l.msg.startsWith('query canceled'));
    assert.equal((line?.obj as { query?: string } | undefined)?.query, 'hang');
    // The slot came back.
    assert.equal(api.deps.limits.queryGate(tenantId('default')).running, 0);
  });

  it("refuses a query touching more than the tenant's max_query_series with 422", async () => {
    const admin = api.access.admin;
    await admin.createUser(
      { username: 'q-narrow', service: true, role: 'admin', tenant: 'narrow' },
      'system',
    );
    const created = await admin.createToken(
      { username: 'q-narrow', scope: 'read', tenant: 'narrow', name: 'read' },
      'system',
    );
    const auth = `Bearer ${created.token}`;
    const r = await get(`/api/v1/query?query=count(node_load1)&time=${T0 / 1000 + 600}`, {
      authorization: auth,
    });
    assert.equal(r.status, 422);
    const body = JSON.parse(r.body.toString()) as { errorType: string; error: string };
    assert.equal(body.errorType, 'execution');
    assert.match(body.error, /300 series, more than the limit of 50 \(limits.max_query_series\)/);
    const ok = await get(`/api/v1/query?query=node_load1{instance="host-1:9100"}`, {
      authorization: auth,
    });
    assert.equal(ok.status, 200);
  });
});
