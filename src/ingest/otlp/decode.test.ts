import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DEFAULT_TENANT } from '../../model/index.js';
import { MemStore } from '../../storage/testing.js';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtoRequest } from './decode-proto.js';
import { OtlpError } from './errors.js';
import { OtlpMetricsIngester } from './ingester.js';
import { dump, encodeWithProtobufjs, loadExportRequestType, readExample } from './testing.js';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './types.js';

const ExportRequest = loadExportRequestType();
const example = readExample('metrics.json');
const skipProto = ExportRequest
  ? false
  : 'conformance OTLP protos absent (../shared/conformance/proto/opentelemetry)';
const skipExample = example
  ? false
  : 'conformance OTLP examples absent (../shared/conformance/otlp/examples)';
const skipBoth = skipProto || skipExample;
const CFG = { max_decompressed_bytes: 1 << 20 };
const PB = { contentType: 'application/x-protobuf' };
const T = 1544712660300;

/** A request exercising every field the decoders read, in OTLP/JSON form. */
const RICH = {
  resourceMetrics: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'rich' } },
          { key: 'str', value: { stringValue: 'ü ✓' } },
          { key: 'bool', value: { boolValue: true } },
          { key: 'int', value: { intValue: '-42' } },
          { key: 'big', value: { intValue: '9007199254740993' } },
          { key: 'dbl', value: { doubleValue: 1.5 } },
          { key: 'bytes', value: { bytesValue: 'AQID' } },
          {
            key: 'arr',
            value: {
              arrayValue: {
                values: [{ stringValue: 'a' }, { intValue: '1' }, { boolValue: false }],
              },
            },
          },
          {
            key: 'kv',
            value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 2.5 } }] } },
          },
          { key: 'empty', value: {} },
          {
            key: 'proto',
            value: {
              kvlistValue: {
                values: [
                  {
                    key: '__proto__',
                    value: {
                      kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] },
                    },
                  },
                ],
              },
            },
          },
        ],
      },
      scopeMetrics: [
        {
          scope: { name: 'lib', version: '2' },
          metrics: [
            {
              name: 'g',
              description: 'd',
              unit: 'ms',
              gauge: {
                dataPoints: [
                  {
                    timeUnixNano: '1544712660300123456',
                    asInt: '-7',
                    flags: 0,
                    exemplars: [{ asDouble: 1, timeUnixNano: '1' }],
                  },
                ],
              },
            },
            {
              name: 's',
              sum: {
                aggregationTemporality: 2,
                isMonotonic: true,
                dataPoints: [
                  { startTimeUnixNano: '1', timeUnixNano: '1544712660300999999', asDouble: 3.25 },
                ],
              },
            },
            {
              name: 'h',
              histogram: {
                aggregationTemporality: 2,
                dataPoints: [
                  {
                    timeUnixNano: '1544712660300000000',
                    count: '3',
                    sum: 4,
                    bucketCounts: ['1', '2'],
                    explicitBounds: [0.5],
                    flags: 1,
                  },
                ],
              },
            },
            {
              name: 'e',
              exponentialHistogram: {
                aggregationTemporality: 1,
                dataPoints: [
                  {
                    timeUnixNano: '1544712660300000000',
                    count: '4',
                    scale: -2,
                    zeroCount: '1',
                    zeroThreshold: 0.001,
                    positive: { offset: -3, bucketCounts: ['1', '0', '2'] },
                    negative: { offset: 5, bucketCounts: ['0'] },
                  },
                ],
              },
            },
            {
              name: 'q',
              summary: {
                dataPoints: [
                  {
                    timeUnixNano: '1544712660300000000',
                    count: '2',
                    sum: 1,
                    quantileValues: [
                      { quantile: 0.5, value: 0.25 },
                      { quantile: 1, value: 0.75 },
                    ],
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
};

function rejects(fn: () => unknown, status: number, msg: RegExp): OtlpError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OtlpError, `want OtlpError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.match(err.message, msg);
    return err;
  }
  assert.fail('expected an OtlpError');
}

async function rejectsAsync(p: Promise<unknown>, status: number, msg: RegExp): Promise<void> {
  await assert.rejects(p, (err) => {
    assert.ok(err instanceof OtlpError, `want OtlpError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.match(err.message, msg);
    return true;
  });
}

/** Protobuf field bytes for hand-made hostile requests. */
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
const len = (f: number, b: Buffer) => Buffer.concat([varint((f << 3) | 2), varint(b.length), b]);
/** request → resource_metrics → scope_metrics → metric{name, gauge{points}}. */
const wrapMetric = (metric: Buffer) => len(1, len(2, len(2, metric)));

describe('OTLP decoders', () => {
  it(
    'the shared metrics.json example converts to exact series',
    { skip: skipExample },
    async () => {
      const store = new MemStore();
      const ing = new OtlpMetricsIngester(store, { now: () => T });
      const res = await ing.write(
        DEFAULT_TENANT,
        Buffer.from(example!),
        { contentType: 'application/json; charset=utf-8' },
        CFG,
      );
      assert.equal(res.dataPoints, 4);
      assert.equal(res.rejectedDataPoints, 0);
      const j = 'job="my.service"';
      assert.deepEqual(dump(store), {
        [`{__name__="my_counter_total", ${j}, my_counter_attr="some value"}`]: [[T, 5]],
        [`{__name__="my_exponential_histogram_bucket", ${j}, le="+Inf", my_exponential_histogram_attr="some value"}`]:
          [[T, 3]],
        [`{__name__="my_exponential_histogram_bucket", ${j}, le="0", my_exponential_histogram_attr="some value"}`]:
          [[T, 1]],
        [`{__name__="my_exponential_histogram_bucket", ${j}, le="4", my_exponential_histogram_attr="some value"}`]:
          [[T, 1]],
        [`{__name__="my_exponential_histogram_bucket", ${j}, le="8", my_exponential_histogram_attr="some value"}`]:
          [[T, 3]],
        [`{__name__="my_exponential_histogram_count", ${j}, my_exponential_histogram_attr="some value"}`]:
          [[T, 3]],
        [`{__name__="my_exponential_histogram_sum", ${j}, my_exponential_histogram_attr="some value"}`]:
          [[T, 10]],
        [`{__name__="my_gauge_ratio", ${j}, my_gauge_attr="some value"}`]: [[T, 10]],
        [`{__name__="my_histogram_bucket", ${j}, le="+Inf", my_histogram_attr="some value"}`]: [
          [T, 2],
        ],
        [`{__name__="my_histogram_bucket", ${j}, le="1", my_histogram_attr="some value"}`]: [
          [T, 1],
        ],
        [`{__name__="my_histogram_count", ${j}, my_histogram_attr="some value"}`]: [[T, 2]],
        [`{__name__="my_histogram_sum", ${j}, my_histogram_attr="some value"}`]: [[T, 2]],
      });
      assert.equal(
        store.getMetadata(DEFAULT_TENANT).get('my_counter_total')?.help,
        'I am a Counter',
      );
    },
  );

  it(
    'protobuf (encoded by protobufjs) and JSON of the example decode identically',
    { skip: skipBoth },
    () => {
      const pb = encodeWithProtobufjs(ExportRequest!, JSON.parse(example!));
      assert.deepEqual(
        decodeProtoRequest(pb, DEFAULT_DECODE_LIMITS),
        decodeJsonRequest(example!, DEFAULT_DECODE_LIMITS),
      );
    },
  );

  it(
    'protobuf and JSON agree on every field kind (attributes of each AnyValue kind, int64, flags)',
    { skip: skipProto },
    () => {
      const pb = encodeWithProtobufjs(ExportRequest!, RICH);
      const fromPb = decodeProtoRequest(pb, DEFAULT_DECODE_LIMITS);
      assert.deepEqual(fromPb, decodeJsonRequest(JSON.stringify(RICH), DEFAULT_DECODE_LIMITS));
      assert.equal(fromPb.dataPoints, 5);
      assert.equal(fromPb.exemplars, 1);
      assert.deepEqual(fromPb.resourceMetrics[0].resource, [
        ['service.name', 'rich'],
        ['str', 'ü ✓'],
        ['bool', 'true'],
        ['int', '-42'],
        ['big', '9007199254740993'],
        ['dbl', '1.5'],
        ['bytes', 'AQID'],
        ['arr', '["a",1,false]'],
        ['kv', '{"x":2.5}'],
        ['empty', ''],
        ['proto', '{"__proto__":{"polluted":true}}'],
      ]);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      const [g, s, h, e] = fromPb.resourceMetrics[0].scopeMetrics[0].metrics;
      assert.deepEqual(g.data.kind === 'gauge' && g.data.points[0], {
        attributes: [],
        start: 0,
        time: T,
        flags: 0,
        value: -7,
      });
      assert.equal(s.data.kind === 'sum' && s.data.points[0].time, T); // floor of ns
      assert.equal(h.data.kind === 'histogram' && h.data.points[0].flags, 1);
      assert.ok(e.data.kind === 'exponential_histogram');
      assert.deepEqual(e.data.points[0].positive, { offset: -3, counts: [1, 0, 2] });
      assert.equal(e.data.points[0].scale, -2);
    },
  );

  it(
    'every truncation of a valid protobuf request is a 400 or decodes, never a crash',
    { skip: skipProto },
    () => {
      const pb = encodeWithProtobufjs(ExportRequest!, RICH);
      let errors = 0;
      for (let n = 0; n < pb.length; n++) {
        try {
          decodeProtoRequest(pb.subarray(0, n), DEFAULT_DECODE_LIMITS);
        } catch (err) {
          assert.ok(err instanceof OtlpError && err.status === 400, `prefix ${n}: ${String(err)}`);
          errors++;
        }
      }
      assert.ok(errors > pb.length / 2, `only ${errors} of ${pb.length} prefixes refused`);
    },
  );

  it('random bytes never crash the protobuf decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        try {
          decodeProtoRequest(b, DEFAULT_DECODE_LIMITS);
        } catch (err) {
          assert.ok(err instanceof OtlpError, String(err));
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('hostile protobuf: wrong wire types, overlong fields, bad UTF-8, forged counts', () => {
    const L = DEFAULT_DECODE_LIMITS;
    rejects(
      () => decodeProtoRequest(Buffer.from([0x08, 0x01]), L),
      400,
      /resource_metrics has wire type 0, want 2/,
    );
    rejects(() => decodeProtoRequest(Buffer.from([0x0a, 0x05, 0x00]), L), 400, /runs past the end/);
    rejects(
      () =>
        decodeProtoRequest(
          Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
          L,
        ),
      400,
      /varint longer than 10 bytes/,
    );
    rejects(() => decodeProtoRequest(Buffer.from([0x13]), L), 400, /unsupported wire type 3/);
    rejects(
      () => decodeProtoRequest(wrapMetric(len(1, Buffer.from([0xff, 0xfe]))), L),
      400,
      /not valid UTF-8/,
    );
    // A gauge point whose time field is a varint instead of fixed64.
    const badTime = len(5, len(1, Buffer.from([0x18, 0x01])));
    rejects(
      () => decodeProtoRequest(wrapMetric(badTime), L),
      400,
      /time_unix_nano has wire type 0, want 1/,
    );
    // A histogram point with a packed bucket_counts field claiming 10^6 fixed64 values.
    const packed = Buffer.concat([Buffer.from([0x32]), varint(8e6), Buffer.alloc(8e6)]);
    rejects(
      () => decodeProtoRequest(wrapMetric(len(9, len(1, packed))), L),
      400,
      /more than 4096 buckets/,
    );
    // Unknown fields of every wire type are skipped.
    const unknown = Buffer.concat([
      Buffer.from([0xf8, 0x01, 0x05, 0xf9, 0x01]),
      Buffer.alloc(8),
      Buffer.from([0xfd, 0x01]),
      Buffer.alloc(4),
    ]);
    assert.equal(decodeProtoRequest(unknown, L).resourceMetrics.length, 0);
  });

  it('data point and attribute limits', () => {
    const small: DecodeLimits = { maxDataPoints: 2, maxBucketsPerPoint: 2, maxAttributes: 1 };
    const points = (n: number) => ({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'g',
                  gauge: { dataPoints: Array.from({ length: n }, () => ({ asDouble: 1 })) },
                },
              ],
            },
          ],
        },
      ],
    });
    assert.equal(decodeJsonRequest(JSON.stringify(points(2)), small).dataPoints, 2);
    const e = rejects(
      () => decodeJsonRequest(JSON.stringify(points(3)), small),
      413,
      /more than 2 data points/,
    );
    assert.equal(e.reason, 'too_large');
    const many = { resourceMetrics: [{ resource: { attributes: [{ key: 'a' }, { key: 'b' }] } }] };
    rejects(() => decodeJsonRequest(JSON.stringify(many), small), 400, /more than 1 attributes/);
    const buckets = {
      resourceMetrics: [
        {
          scopeMetrics: [
            { metrics: [{ name: 'h', histogram: { dataPoints: [{ bucketCounts: [1, 2, 3] }] } }] },
          ],
        },
      ],
    };
    rejects(() => decodeJsonRequest(JSON.stringify(buckets), small), 400, /more than 2 buckets/);
    if (ExportRequest) {
      rejects(
        () => decodeProtoRequest(encodeWithProtobufjs(ExportRequest, points(3)), small),
        413,
        /more than 2 data points/,
      );
      rejects(
        () => decodeProtoRequest(encodeWithProtobufjs(ExportRequest, many), small),
        400,
        /more than 1 attributes/,
      );
    }
  });

  it('hostile JSON: syntax, wrong types, bad numbers', () => {
    const L = DEFAULT_DECODE_LIMITS;
    rejects(() => decodeJsonRequest('{', L), 400, /invalid JSON/);
    rejects(() => decodeJsonRequest('[]', L), 400, /\$: want an object, got an array/);
    rejects(
      () => decodeJsonRequest('{"resourceMetrics":{}}', L),
      400,
      /\$\.resourceMetrics: want an array/,
    );
    const metric = (m: unknown) =>
      JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [m] }] }] });
    rejects(
      () => decodeJsonRequest(metric({ name: 5 }), L),
      400,
      /metrics\[0\]\.name: want a string, got number 5/,
    );
    rejects(
      () => decodeJsonRequest(metric({ name: 'g', gauge: { dataPoints: [{ asInt: '1.5' }] } }), L),
      400,
      /asInt: want an integer, got "1.5"/,
    );
    rejects(
      () => decodeJsonRequest(metric({ name: 'g', gauge: { dataPoints: [{ asDouble: 'x' }] } }), L),
      400,
      /asDouble: want a number/,
    );
    rejects(
      () =>
        decodeJsonRequest(metric({ name: 'g', gauge: { dataPoints: [{ timeUnixNano: -1 }] } }), L),
      400,
      /timeUnixNano: want a non-negative integer/,
    );
    rejects(
      () => decodeJsonRequest(metric({ name: 's', sum: { isMonotonic: 'yes' } }), L),
      400,
      /isMonotonic: want a boolean/,
    );
    const deep = { kvlistValue: { values: [{ key: 'k', value: {} as unknown }] } };
    let v: unknown = { stringValue: 'x' };
    for (let i = 0; i < 20; i++) v = { arrayValue: { values: [v] } };
    deep.kvlistValue.values[0].value = v;
    rejects(
      () =>
        decodeJsonRequest(
          JSON.stringify({
            resourceMetrics: [{ resource: { attributes: [{ key: 'a', value: deep }] } }],
          }),
          L,
        ),
      400,
      /nested more than 16 levels/,
    );
    // Special doubles, numeric timestamps and enum names are accepted.
    const ok = decodeJsonRequest(
      metric({
        name: 'g',
        gauge: {
          dataPoints: [
            { asDouble: 'NaN', timeUnixNano: 1.5e15 },
            { asDouble: '-Infinity' },
            { asDouble: 'Infinity' },
          ],
        },
      }),
      L,
    );
    const d = ok.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    assert.ok(d.kind === 'gauge');
    assert.deepEqual(
      d.points.map((p) => p.value),
      [NaN, -Infinity, Infinity],
    );
    assert.equal(d.points[0].time, 1.5e9);
  });

  it(
    'Content-Type and Content-Encoding: gzip accepted, bombs 413, others 415',
    { skip: skipExample },
    async () => {
      const store = new MemStore();
      const ing = new OtlpMetricsIngester(store, { now: () => T });
      const json = { contentType: 'application/json' };
      const gz = gzipSync(Buffer.from(example!));
      const res = await ing.write(DEFAULT_TENANT, gz, { ...json, contentEncoding: 'gzip' }, CFG);
      assert.equal(res.dataPoints, 4);
      const bomb = gzipSync(Buffer.alloc(2 << 20, 0x20));
      await rejectsAsync(
        ing.write(DEFAULT_TENANT, bomb, { ...json, contentEncoding: 'GZIP' }, CFG),
        413,
        /decompresses to more than 1048576 bytes/,
      );
      await rejectsAsync(
        ing.write(
          DEFAULT_TENANT,
          Buffer.from('not gzip'),
          { ...json, contentEncoding: 'gzip' },
          CFG,
        ),
        400,
        /invalid gzip body/,
      );
      await rejectsAsync(
        ing.write(DEFAULT_TENANT, Buffer.alloc(10), { ...json, contentEncoding: 'br' }, CFG),
        415,
        /unsupported Content-Encoding "br"/,
      );
      await rejectsAsync(
        ing.write(DEFAULT_TENANT, Buffer.alloc(10), { contentType: 'text/plain' }, CFG),
        415,
        /unsupported Content-Type "text\/plain"/,
      );
      await rejectsAsync(
        ing.write(DEFAULT_TENANT, Buffer.alloc(10), { contentType: undefined }, CFG),
        415,
        /unsupported Content-Type ""/,
      );
      await rejectsAsync(
        ing.write(DEFAULT_TENANT, Buffer.alloc(2 << 20), PB, CFG),
        413,
        /body is 2097152 bytes/,
      );
    },
  );
});
