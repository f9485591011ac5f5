import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressSync } from 'snappy';
import { DEFAULT_TENANT, Matcher } from '../../model/index.js';
import { MemStore } from '../../storage/testing.js';
import { encodeWriteRequest, varintSize } from './encode.js';
import { RemoteWriteIngester } from './ingester.js';
import { ProtoReader } from './proto-reader.js';
import { CONFORMANCE_PROTO_DIR, loadWriteRequestType, varint } from './testing.js';

const WriteRequest = loadWriteRequestType();
const skip = WriteRequest
  ? false
  : `conformance protos absent (${CONFORMANCE_PROTO_DIR}); protobufjs cross-checks skipped`;
const T0 = 1_700_000_000_000;

// Skips go on each test, not the suite: node:test counts (and reports) skipped tests only.
describe('encodeWriteRequest against protobufjs and the conformance remote.proto', () => {
  it('produces what protobufjs decodes to the same request', { skip }, () => {
    const raw = encodeWriteRequest(
      [
        {
          labels: [
            ['__name__', 'node_cpu_seconds_total'],
            ['cpu', '0'],
            ['instance', 'h-ü:9100'],
          ],
          samples: [
            { t: T0, v: 1.25 },
            { t: 0, v: 0 },
            { t: -5, v: -1 },
          ],
        },
        { labels: [], samples: [] },
      ],
      [
        { metric: 'node_cpu_seconds_total', type: 'counter', help: 'CPU.', unit: 'seconds' },
        { metric: 'x', type: 'stateset' },
      ],
    );
    const obj = WriteRequest!.toObject(WriteRequest!.decode(raw), {
      longs: Number,
      defaults: true,
    });
    assert.deepEqual(obj, {
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'node_cpu_seconds_total' },
            { name: 'cpu', value: '0' },
            { name: 'instance', value: 'h-ü:9100' },
          ],
          samples: [
            { value: 1.25, timestamp: T0 },
            { value: 0, timestamp: 0 },
            { value: -1, timestamp: -5 },
          ],
          exemplars: [],
          histograms: [],
        },
        { labels: [], samples: [], exemplars: [], histograms: [] },
      ],
      metadata: [
        { type: 1, metric_family_name: 'node_cpu_seconds_total', help: 'CPU.', unit: 'seconds' },
        { type: 7, metric_family_name: 'x', help: '', unit: '' },
      ],
    });
  });

  it('the ingester reads protobufjs output (exemplars, omitted defaults)', { skip }, async () => {
    const msg = WriteRequest!.fromObject({
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'http_requests_total' },
            { name: 'code', value: '200' },
          ],
          samples: [
            { value: 3, timestamp: T0 },
            { value: 0, timestamp: T0 + 15_000 },
          ],
          exemplars: [{ labels: [{ name: 'trace_id', value: 'abc' }], value: 1, timestamp: T0 }],
        },
      ],
      metadata: [
        { type: 1, metric_family_name: 'http_requests_total', help: 'Requests.', unit: '' },
      ],
    });
    const raw = Buffer.from(WriteRequest!.encode(msg).finish());
    const store = new MemStore();
    const res = await new RemoteWriteIngester(store, { now: () => T0 }).write(
      DEFAULT_TENANT,
      compressSync(raw),
      { max_decompressed_bytes: 1 << 20 },
    );
    assert.equal(res.samples, 2);
    assert.equal(res.exemplarsIgnored, 1);
    const q = store.querier(DEFAULT_TENANT, 0, T0 + 15_000);
    const [s] = q.select([new Matcher('=', '__name__', 'http_requests_total')]);
    assert.deepEqual(s.labels.toObject(), { __name__: 'http_requests_total', code: '200' });
    const it = s.iterator();
    const got: number[] = [];
    while (it.next()) got.push(it.t, it.v);
    assert.deepEqual(got, [T0, 3, T0 + 15_000, 0]);
    assert.deepEqual(
      store.getMetadata(DEFAULT_TENANT, 'http_requests_total').get('http_requests_total'),
      { type: 'counter', help: 'Requests.', unit: '' },
    );
  });
});

describe('varints', () => {
  it('encoder sizes and reader values agree across the int64 range we accept', () => {
    const r = new ProtoReader();
    for (const n of [
      0,
      1,
      127,
      128,
      16_383,
      16_384,
      2 ** 31,
      2 ** 32 + 5,
      T0,
      Number.MAX_SAFE_INTEGER,
      -1,
      -T0,
      -(2 ** 40),
    ]) {
      const b = varint(n);
      assert.equal(varintSize(n), b.length, `size of ${n}`);
      r.reset(b);
      assert.equal(r.int64(b.length), n, `value of ${n}`);
      const enc = Buffer.from(encodeWriteRequest([{ labels: [], samples: [{ t: n, v: 0 }] }]));
      assert.ok(enc.includes(b), `encoder writes ${n} as protobuf does`);
    }
  });

  it('uint32 accepts 10-byte negative enums and refuses 11-byte varints', () => {
    const r = new ProtoReader();
    const neg = varint(-1);
    r.reset(neg);
    assert.equal(r.uint32(neg.length), 0xffffffff);
    const long = Buffer.from([...Array<number>(10).fill(0x80), 0]);
    r.reset(long);
    assert.throws(() => r.uint32(long.length), /varint longer than 10 bytes/);
    r.reset(long);
    assert.throws(() => r.int64(long.length), /varint longer than 10 bytes/);
    r.reset(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80]));
    assert.throws(() => r.uint32(6), /truncated varint/);
    r.reset(Buffer.from([0x80]));
    assert.throws(() => r.int64(1), /truncated varint/);
  });
});
