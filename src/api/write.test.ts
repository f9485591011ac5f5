import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { compressSync } from 'snappy';
import { DEFAULT_TENANT } from '../model/index.js';
import { encodeWriteRequest } from '../ingest/remote-write/index.js';
import { label, len, sample, timeseries, varint } from '../ingest/remote-write/testing.js';
import type { Appender } from '../storage/index.js';
import { MemStore } from '../storage/testing.js';
import { testApi, type TestApi } from './testing.js';

const T0 = Date.now() - 3_600_000;
const raw = (...parts: Buffer[]) => compressSync(Buffer.concat(parts));

async function exported(api: TestApi, match = '{__name__=~".+"}'): Promise<string[]> {
  const res = await api.app.inject({
    method: 'GET',
    url: `/api/v1/export?match[]=${encodeURIComponent(match)}`,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.body.split('\n').filter((l) => l !== '');
}

describe('POST /api/v1/write', () => {
  it('answers 204 after commit; data is readable; counters move', async () => {
    const api = await testApi();
    const res = await api.write([
      {
        labels: [
          ['__name__', 'up'],
          ['job', 'a'],
        ],
        samples: [
          { t: T0, v: 1 },
          { t: T0 + 15_000, v: 0 },
        ],
      },
    ]);
    assert.deepEqual(res, { status: 204, body: '' });
    assert.deepEqual(await exported(api), [
      `{"metric":{"__name__":"up","job":"a"},"values":[1,0],"timestamps":[${T0},${T0 + 15_000}]}`,
    ]);
    assert.equal(
      await api.counter('argus_ingested_samples_total', { protocol: 'remote_write' }),
      2,
    );
    assert.equal(await api.counter('argus_remote_write_requests_total', { code: '204' }), 1);
  });

  it('stores metadata entries', async () => {
    const api = await testApi();
    const body = raw(
      len(3, Buffer.concat([Buffer.from([0x08, 0x01]), len(2, 'x_total'), len(4, 'Help.')])),
    );
    assert.equal((await api.writeBody(body)).status, 204);
    assert.deepEqual(api.store.getMetadata(DEFAULT_TENANT).get('x_total'), {
      type: 'counter',
      help: 'Help.',
      unit: '',
    });
  });

  describe('hostile bodies: 4xx with a reason, server stays up, earlier data intact', async () => {
    const api = await testApi({
      remoteWrite: { max_body_bytes: 64 * 1024, max_decompressed_bytes: 1024 * 1024 },
    });
    const before = {
      labels: [['__name__', 'before']] as [string, string][],
      samples: [{ t: T0, v: 42 }],
    };
    const cases: [string, Buffer, number, RegExp, string?][] = [
      ['bad snappy', Buffer.from('definitely not snappy'), 400, /invalid snappy data/],
      ['bad protobuf: truncated varint', raw(Buffer.from([0x0a, 0x80])), 400, /truncated varint/],
      ['bad protobuf: wrong wire type', raw(Buffer.from([0x08, 0x01])), 400, /wire type 0, want 2/],
      [
        'bad protobuf: length past end',
        raw(Buffer.from([0x0a, 0x7f, 0x00])),
        400,
        /runs past the end/,
      ],
      ['empty body', Buffer.alloc(0), 400, /empty body/],
      [
        'empty label name',
        raw(timeseries(label('__name__', 'm'), label('', 'v'), sample(T0, 1))),
        400,
        /series #0 .*: empty label name/,
        'invalid_labels',
      ],
      [
        'empty labels',
        raw(timeseries(label('', ''), sample(T0, 1))),
        400,
        /empty label name/,
        'invalid_labels',
      ],
      [
        'duplicate label names',
        raw(timeseries(label('__name__', 'm'), label('a', '1'), label('a', '1'), sample(T0, 1))),
        400,
        /duplicate label name "a"/,
        'invalid_labels',
      ],
      [
        'invalid UTF-8',
        raw(timeseries(label('__name__', Buffer.from([0xed, 0xa0, 0x80])), sample(T0, 1))),
        400,
        /value of label "__name__" is not valid UTF-8/,
        'invalid_labels',
      ],
      [
        'gigantic label value',
        raw(timeseries(label('__name__', 'm'), label('a', 'v'.repeat(50_000)), sample(T0, 1))),
        400,
        /more than the limit of 4096/,
        'invalid_labels',
      ],
      [
        'negative timestamp',
        raw(timeseries(label('__name__', 'm'), sample(-1000, 1))),
        400,
        /invalid timestamp -1000/,
        'invalid_timestamp',
      ],
      [
        'future timestamp',
        raw(timeseries(label('__name__', 'm'), sample(Date.now() + 3_600_000, 1))),
        400,
        /in the future/,
        'too_far_in_future',
      ],
      [
        'native histogram',
        raw(timeseries(label('__name__', 'm'), len(4, Buffer.from([0x08, 0x01])))),
        400,
        /native histograms are not supported yet/,
        'native_histograms',
      ],
      [
        'decompression bomb (header claims 4 GB)',
        Buffer.concat([varint(4e9), Buffer.alloc(64)]),
        413,
        /decompressed size 4000000000 bytes exceeds max_decompressed_bytes 1048576/,
      ],
      [
        'huge body',
        Buffer.alloc(200 * 1024),
        413,
        /body of 204800 bytes exceeds max_body_bytes 65536/,
      ],
    ];
    await api.write([before]);
    for (const [name, body, status, msg, reason] of cases) {
      it(name, async () => {
        const res = await api.writeBody(body);
        assert.equal(res.status, status, res.body);
        assert.match(res.body, msg);
        if (reason)
          assert.ok(
            (await api.counter('argus_rejected_samples_total', { reason })) >= 1,
            `rejected counted as ${reason}`,
          );
        assert.deepEqual(await exported(api, 'before'), [
          `{"metric":{"__name__":"before"},"values":[42],"timestamps":[${T0}]}`,
        ]);
        assert.equal(
          (
            await api.write([
              { labels: [['__name__', 'probe']], samples: [{ t: Date.now(), v: 1 }] },
            ])
          ).status,
          204,
          'still serving',
        );
        await api.app.inject({ method: 'GET', url: '/api/v1/labels' });
      });
    }
    it('counted every answer by code', async () => {
      assert.ok((await api.counter('argus_remote_write_requests_total', { code: '400' })) >= 10);
      assert.ok((await api.counter('argus_remote_write_requests_total', { code: '413' })) >= 2);
    });
  });

  it('refuses other content types and encodings, remote_write 2.0, other methods; 404 when disabled', async () => {
    const api = await testApi();
    const json = await api.app.inject({ method: 'POST', url: '/api/v1/write', payload: { a: 1 } });
    assert.equal(json.statusCode, 415);
    assert.match(json.body, /application\/x-protobuf/);
    const v2 = await api.writeBody(Buffer.from([0]), {
      'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
    });
    assert.equal(v2.status, 415);
    assert.match(v2.body, /remote_write 2.0/);
    const gzip = await api.writeBody(Buffer.from([0]), { 'content-encoding': 'gzip' });
    assert.equal(gzip.status, 415);
    assert.equal(
      gzip.body,
      'cannot read remote_write request: Content-Encoding "gzip" is not supported; want snappy\n',
    );
    // No Content-Encoding means snappy (as Prometheus); the case does not matter.
    const body = compressSync(Buffer.from(encodeWriteRequest([])));
    assert.equal((await api.writeBody(body, { 'content-encoding': '' })).status, 204);
    assert.equal((await api.writeBody(body, { 'content-encoding': 'Snappy' })).status, 204);
    const none = await api.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      payload: body,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    assert.equal(none.statusCode, 204);
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const r = await api.app.inject({ method, url: '/api/v1/write' });
      assert.equal(r.statusCode, 405, method);
      assert.equal(r.headers.allow, 'POST');
    }
    const off = await testApi({ remoteWrite: { enabled: false } });
    const res = await off.write([{ labels: [['__name__', 'x']], samples: [{ t: T0, v: 1 }] }]);
    assert.equal(res.status, 404);
  });

  it('reads max_body_bytes per request (config reload)', async () => {
    const api = await testApi();
    const body = compressSync(Buffer.alloc(10_000, 0));
    api.deps.remoteWrite = { ...api.deps.remoteWrite, max_body_bytes: 10 };
    const res = await api.writeBody(body);
    assert.equal(res.status, 413);
    assert.match(res.body, /max_body_bytes 10\b/);
  });

  it('maps limits to 429 and unexpected store failures to 500, then keeps serving', async () => {
    const limited = await testApi({ store: new MemStore({ maxSeriesPerTenant: 1 }) });
    const two = [
      { labels: [['__name__', 'a']] as [string, string][], samples: [{ t: T0, v: 1 }] },
      { labels: [['__name__', 'b']] as [string, string][], samples: [{ t: T0, v: 1 }] },
    ];
    const r429 = await limited.write(two);
    assert.equal(r429.status, 429);
    assert.match(r429.body, /limit of 1 series/);
    assert.equal(
      await limited.counter('argus_rejected_samples_total', { reason: 'limit_exceeded' }),
      2,
    );

    const store = new MemStore();
    let explode = true;
    const orig = store.appender.bind(store);
    store.appender = (t) => {
      const a: Appender = orig(t);
      return {
        append: a.append.bind(a),
        rollback: a.rollback.bind(a),
        commit: () => (explode ? Promise.reject(new Error('disk on fire')) : a.commit()),
      };
    };
    const api = await testApi({ store });
    const r500 = await api.write(two);
    assert.equal(r500.status, 500);
    assert.match(r500.body, /disk on fire/);
    assert.equal(api.logs.filter((l) => l.level === 'error').length, 1);
    explode = false;
    assert.equal((await api.write(two)).status, 204);
  });
});

describe('over real HTTP on 127.0.0.1', () => {
  let api: TestApi;
  let base = '';
  after(() => api?.app.close());

  it('accepts a write and exports it with fetch', async () => {
    api = await testApi({ remoteWrite: { max_body_bytes: 4096 } });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
    const body = compressSync(
      Buffer.concat([timeseries(label('__name__', 'net'), label('host', 'h1'), sample(T0, 2.5))]),
    );
    const res = await fetch(`${base}/api/v1/write`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      },
    });
    assert.equal(res.status, 204);
    const exp = await fetch(`${base}/api/v1/export?match[]=net`);
    assert.equal(exp.headers.get('content-type'), 'application/x-ndjson; charset=utf-8');
    assert.equal(
      await exp.text(),
      `{"metric":{"__name__":"net","host":"h1"},"values":[2.5],"timestamps":[${T0}]}\n`,
    );
  });

  it('refuses an oversized chunked body (no Content-Length) while streaming it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(`${base}/api/v1/write`);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(1024, 1));
      req.end();
    });
    assert.equal(status, 413);
    const ok = await fetch(`${base}/api/v1/labels`);
    assert.equal(ok.status, 200, 'server keeps running');
  });
});
