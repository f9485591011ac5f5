import assert from 'node:assert/strict';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { compressSync } from 'snappy';
import { encodeWriteRequest, type EncodeSeries } from '../ingest/remote-write/index.js';
import { Labels, Matcher, tenantId } from '../model/index.js';
import { MemStore } from '../storage/testing.js';
import { limitsConfigSchema } from '../tenancy/index.js';
import { addUser, apiError, bearer, call, data } from './security-test-helpers.js';
import { testApi, type TestApi } from './testing.js';

const T0 = Date.now() - 3_600_000;

/** `n` samples of one series `name`, starting at `from`. */
function samples(name: string, n: number, from = 0): EncodeSeries[] {
  return [
    {
      labels: [['__name__', name]],
      samples: Array.from({ length: n }, (_, i) => ({ t: T0 + (from + i) * 1000, v: from + i })),
    },
  ];
}

function write(api: TestApi, auth: string, s: EncodeSeries[]) {
  return call(api, {
    method: 'POST',
    url: '/api/v1/write',
    auth,
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    body: compressSync(Buffer.from(encodeWriteRequest(s))),
  });
}

/** Sample values stored for `name` in `tenant`, in time order. */
function values(store: MemStore, tenant: string, name: string): number[] {
  const q = store.querier(tenantId(tenant), -Infinity, Infinity);
  try {
    const out: number[] = [];
    for (const s of q.select([new Matcher('=', '__name__', name)])) {
      const it = s.iterator();
      while (it.next()) out.push(it.v);
    }
    return out;
  } finally {
    q.close();
  }
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('ingestion_rate', () => {
  let api: TestApi;
  let acme: string;
  before(async () => {
    // A refill of one sample per 1000 s: the bucket level is the burst minus what was taken.
    api = await testApi({
      defaultAuth: false,
      limits: limitsConfigSchema.parse({
        tenants: { acme: { ingestion_rate: 0.001, ingestion_burst: 10 } },
      }),
    });
    await api.access.admin.createTenant('acme', 'system');
    await addUser(api, 'ingest', { role: 'editor', tenant: 'acme' });
    acme = await bearer(api, 'ingest', 'write', { tenant: 'acme' });
  });
  after(() => api.close());

  it('a request over the bucket is 429 naming ingestion_rate and its value; nothing of it is appended', async () => {
    assert.equal((await write(api, acme, samples('m', 6))).statusCode, 204);
    const res = await write(api, acme, samples('m', 6, 6));
    assert.equal(res.statusCode, 429, res.body);
    // 2 samples missing at 0.001/s: retry in 2000 s.
    assert.equal(res.headers['retry-after'], '2000');
    assert.match(res.body, /ingestion_rate/);
    assert.match(res.body, /0\.001 samples\/s \(burst 10\)/);
    assert.match(res.body, /tenant "acme"/);
    assert.deepEqual(
      values(api.store, 'acme', 'm'),
      range(0, 6),
      'accepted data kept, refused not appended',
    );
    assert.equal(
      await api.counter('argus_tenant_limit_exceeded_total', {
        tenant: 'acme',
        limit: 'ingestion_rate',
      }),
      1,
    );
    // What is left in the bucket is still admitted.
    assert.equal((await write(api, acme, samples('m', 4, 6))).statusCode, 204);
    assert.deepEqual(values(api.store, 'acme', 'm'), range(0, 10));
  });

  it('a request larger than the burst is never accepted: 413 (not retried), and says so', async () => {
    const res = await write(api, acme, samples('big', 11));
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /ingestion_rate.*larger than the burst.*send smaller requests/);
    assert.deepEqual(values(api.store, 'acme', 'big'), []);
    assert.equal(
      await api.counter('argus_tenant_limit_exceeded_total', {
        tenant: 'acme',
        limit: 'ingestion_rate',
      }),
      2,
    );
  });

  it('other tenants keep their own (default) limits', async () => {
    assert.equal((await write(api, api.adminAuth, samples('m', 1000))).statusCode, 204);
    assert.equal(values(api.store, 'default', 'm').length, 1000);
    assert.equal(await api.counter('argus_tenant_limit_exceeded_total', { tenant: 'default' }), 0);
  });

  it('the limit is shown at /limits', async () => {
    const acmeRead = await bearer(api, 'ingest', 'read', { tenant: 'acme' });
    const l = data<Record<string, number>>(
      await call(api, { url: '/api/argus/v1/limits', auth: acmeRead }),
    );
    assert.equal(l.ingestion_rate, 0.001);
    assert.equal(l.ingestion_burst, 10);
  });
});

describe('max_body_bytes', () => {
  let api: TestApi;
  let acme: string;
  before(async () => {
    api = await testApi({
      defaultAuth: false,
      limits: limitsConfigSchema.parse({ tenants: { acme: { max_body_bytes: 200 } } }),
    });
    await api.access.admin.createTenant('acme', 'system');
    await addUser(api, 'ingest', { role: 'editor', tenant: 'acme' });
    acme = await bearer(api, 'ingest', 'write', { tenant: 'acme' });
  });
  after(() => api.close());

  it('a larger body is 413 naming max_body_bytes and its value; counted; nothing appended', async () => {
    assert.equal((await write(api, acme, samples('small', 2))).statusCode, 204);
    const big = samples('big', 100);
    const res = await write(api, acme, big);
    assert.equal(res.statusCode, 413, res.body);
    assert.match(res.body, /max_body_bytes 200/);
    assert.deepEqual(values(api.store, 'acme', 'big'), []);
    assert.deepEqual(values(api.store, 'acme', 'small'), [0, 1]);
    assert.equal(
      await api.counter('argus_tenant_limit_exceeded_total', {
        tenant: 'acme',
        limit: 'max_body_bytes',
      }),
      1,
    );
    // The same body is fine for a tenant without the override.
    assert.equal((await write(api, api.adminAuth, big)).statusCode, 204);
  });

  it('is enforced while streaming a chunked body (no Content-Length)', async () => {
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = api.app.server.address() as AddressInfo;
    const body = compressSync(Buffer.from(encodeWriteRequest(samples('chunked', 100))));
    assert.ok(body.length > 200);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/write',
          headers: {
            authorization: acme,
            'content-type': 'application/x-protobuf',
            'content-encoding': 'snappy',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < body.length; i += 64) req.write(body.subarray(i, i + 64));
      req.end();
    });
    assert.equal(status, 413);
    assert.deepEqual(values(api.store, 'acme', 'chunked'), []);
    assert.equal(
      await api.counter('argus_tenant_limit_exceeded_total', {
        tenant: 'acme',
        limit: 'max_body_bytes',
      }),
      2,
    );
  });
});

describe('max_concurrent_queries', () => {
  const SERIES = 400;
  const PER_SERIES = 2000;
  let api: TestApi;
  let port: number;
  const open: ClientRequest[] = [];
  before(async () => {
    // Enough export output (~20 MB) that a client that does not read holds the stream open.
    const store = new MemStore();
    const app = store.appender(tenantId('default'));
    for (let s = 0; s < SERIES; s++) {
      const ls = Labels.fromObject({ __name__: 'load', series: `s${s}` });
      for (let i = 0; i < PER_SERIES; i++) app.append(0, ls, T0 + i * 1000, i + 0.123456789);
    }
    await app.commit();
    api = await testApi({
      defaultAuth: false,
      store,
      limits: limitsConfigSchema.parse({ defaults: { max_concurrent_queries: 1 } }),
    });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  after(async () => {
    for (const r of open) r.destroy();
    await api.close();
  });

  /** Starts an export and returns once its headers arrived, without reading the body. */
  const startExport = () =>
    new Promise<{ req: ClientRequest; res: IncomingMessage }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: `/api/v1/export?match[]=load`,
        headers: { authorization: api.adminAuth },
      });
      open.push(req);
      req.on('response', (res) => {
        res.pause();
        resolve({ req, res });
      });
      req.on('error', reject);
      req.end();
    });

  const waitFor = async (what: string, cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await sleep(10);
    assert.ok(cond(), `timed out waiting for ${what}`);
  };

  it('a second query while an export holds the only slot is 429 naming the limit', async () => {
    const gate = api.deps.limits.queryGate(tenantId('default'));
    const held = await startExport();
    assert.equal(held.res.statusCode, 200);
    assert.equal(gate.running, 1);
    for (const url of [
      '/api/v1/labels',
      '/api/v1/series?match[]=load',
      '/api/v1/export?match[]=load',
    ]) {
      const msg = apiError(await call(api, { url, auth: api.adminAuth }), 429, 'too_many_requests');
      assert.match(msg, /max_concurrent_queries/);
      assert.match(msg, /1 queries at once/);
    }
    assert.equal(
      await api.counter('argus_tenant_limit_exceeded_total', {
        tenant: 'default',
        limit: 'max_concurrent_queries',
      }),
      3,
    );
    // Other tenants have their own slots.
    await api.access.admin.createTenant('acme', 'system');
    await addUser(api, 'reader', { tenant: 'acme' });
    const acme = await bearer(api, 'reader', 'read', { tenant: 'acme' });
    data(await call(api, { url: '/api/v1/labels', auth: acme }));
    // Still held: the refusal did not come from a stream that had ended.
    assert.equal(gate.running, 1);

    // The client going away releases the slot; nothing accepted was lost.
    held.req.destroy();
    await waitFor('the slot to be released', () => gate.running === 0);
    const labels = data<string[]>(
      await call(api, { url: '/api/v1/label/series/values', auth: api.adminAuth }),
    );
    assert.equal(labels.length, SERIES);
    const full = await call(api, { url: '/api/v1/export?match[]=load', auth: api.adminAuth });
    assert.equal(full.statusCode, 200);
    assert.equal(full.body.split('\n').filter((l) => l !== '').length, SERIES);
    assert.equal(gate.running, 0);
  });
});
