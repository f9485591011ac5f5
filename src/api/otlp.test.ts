import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  encodeWithProtobufjs,
  loadExportRequestType,
  readExample,
  request,
} from '../ingest/otlp/testing.js';
import { DEFAULT_TENANT, Matcher } from '../model/index.js';
import { readSeries } from '../storage/testing.js';
import { encodeExportResponse, encodeStatus } from './otlp.js';
import { testApi, type TestApi } from './testing.js';

const protoType = loadExportRequestType();
const example = readExample('metrics.json');
const noCorpus = '../shared/conformance (OTLP protos and examples) absent';

function gauge(name: string, value: number, t = Date.now()) {
  return request([
    {
      name,
      gauge: { dataPoints: [{ asDouble: value, timeUnixNano: String(BigInt(t) * 1_000_000n) }] },
    },
  ]);
}

describe('POST /v1/metrics', () => {
  let t: TestApi;
  before(async () => {
    t = await testApi();
  });
  after(() => t.close());

  const post = (body: Buffer | string, ct: string, extra: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': ct, ...extra },
      payload: body,
    });

  it(
    'takes OTLP/JSON (the shared example) and answers {}',
    { skip: example ? false : noCorpus },
    async () => {
      const res = await post(example!, 'application/json');
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), {});
      assert.ok(
        t.store.querier(DEFAULT_TENANT, 0, Number.MAX_SAFE_INTEGER).labelNames().includes('job'),
      );
    },
  );

  it(
    'takes protobuf, gzipped or not, and answers an empty ExportMetricsServiceResponse',
    { skip: protoType ? false : noCorpus },
    async () => {
      const body = encodeWithProtobufjs(protoType!, gauge('otlp.test.temp', 21.5));
      const res = await post(body, 'application/x-protobuf');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.rawPayload.length, 0);
      const gz = await post(
        gzipSync(encodeWithProtobufjs(protoType!, gauge('otlp.test.gz', 1))),
        'application/x-protobuf',
        {
          'content-encoding': 'gzip',
        },
      );
      assert.equal(gz.statusCode, 200, gz.body);
      const s = readSeries(t.store, [new Matcher('=', '__name__', 'otlp_test_temp')]);
      assert.deepEqual(s[0].vs, [21.5]);
      assert.match(s[0].labels, /job="svc"/);
    },
  );

  it('answers errors as google.rpc.Status in the request encoding', async () => {
    const bad = await post('{"resourceMetrics": 5}', 'application/json');
    assert.equal(bad.statusCode, 400);
    const b = bad.json<{ code: number; message: string }>();
    assert.equal(b.code, 3);
    assert.match(b.message, /cannot decode OTLP metrics request/);
    const pb = await post(Buffer.from([0x0a, 0xff]), 'application/x-protobuf');
    assert.equal(pb.statusCode, 400);
    assert.equal(pb.headers['content-type'], 'application/x-protobuf');
    assert.equal(pb.rawPayload[0], 0x08, 'field 1 (code), varint');
    const wrong = await post('x', 'text/plain');
    assert.equal(wrong.statusCode, 415);
  });

  it('encodes partial success and status messages as protobuf', () => {
    assert.deepEqual(encodeExportResponse(0, ''), Buffer.alloc(0));
    // partial_success (1, LEN) { rejected_data_points (1, varint) 300, error_message (2, LEN) "x" }
    assert.deepEqual(
      [...encodeExportResponse(300, 'x')],
      [0x0a, 0x06, 0x08, 0xac, 0x02, 0x12, 0x01, 0x78],
    );
    assert.deepEqual([...encodeStatus(8, 'no')], [0x08, 0x08, 0x12, 0x02, 0x6e, 0x6f]);
  });
});

describe('POST /v1/metrics limits', () => {
  let t: TestApi;
  before(async () => {
    t = await testApi({
      limits: { defaults: { ingestion_rate: 0.001, ingestion_burst: 1 }, tenants: {} },
    });
  });
  after(() => t.close());

  it('refuses a request over the tenant ingestion rate with 429', async () => {
    const body = JSON.stringify(
      request([
        {
          name: 'many',
          gauge: { dataPoints: [{ asDouble: 1 }, { asDouble: 2 }] },
        },
      ]),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(res.statusCode, 429, res.body);
    assert.match(res.json<{ message: string }>().message, /ingestion_rate/);
  });
});
