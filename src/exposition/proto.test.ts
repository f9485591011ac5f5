import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { mulberry32 } from '../util/index.js';
import {
  decodeMetricFamilies,
  ExpositionError,
  ExpositionLimitError,
  ProtoExpositionError,
  type ParsedBody,
} from './index.js';
import { formatFloat } from './proto.js';
import { encodeDelimited, loadMetricFamilyType, METRICS_PROTO } from './proto-testing.js';

/**
 * testdata/families.pb is FAMILIES encoded by protobufjs from the conformance metrics.proto.
 * Regenerate (with ../shared present): `PROTO_FIXTURE_WRITE=1 npx tsx --test
 * src/exposition/proto.test.ts`. The "matches protobufjs" test keeps the two in step.
 */
const FIXTURE = resolve(process.cwd(), 'src/exposition/testdata/families.pb');
const MF = loadMetricFamilyType();
const NO_SCHEMA = MF === undefined ? `conformance schema absent (${METRICS_PROTO})` : false;

const FAMILIES = [
  {
    name: 'jobs_total',
    help: 'Jobs run.',
    type: 0,
    metric: [
      {
        label: [{ name: 'kind', value: 'full' }],
        counter: {
          value: 3,
          exemplar: {
            label: [{ name: 'trace_id', value: 'abc' }],
            value: 1,
            timestamp: { seconds: 1700000000, nanos: 500_000_000 },
          },
        },
      },
    ],
  },
  { name: 'temp_celsius', type: 1, unit: 'celsius', metric: [{ gauge: { value: -1.5 } }] },
  { name: 'legacy', type: 3, metric: [{ untyped: { value: 7 }, timestamp_ms: 1700000000123 }] },
  {
    name: 'rpc_seconds',
    type: 2,
    metric: [
      {
        label: [{ name: 'le_not', value: 'x' }],
        summary: {
          sample_count: 10,
          sample_sum: 4.5,
          quantile: [
            { quantile: 0.5, value: 0.25 },
            { quantile: 0.99, value: 1.25 },
          ],
        },
      },
    ],
  },
  {
    name: 'size_bytes',
    type: 4,
    metric: [
      {
        histogram: {
          sample_count: 5,
          sample_sum: 2.5,
          bucket: [
            { upper_bound: 0.005, cumulative_count: 1 },
            { upper_bound: 1e6, cumulative_count: 4 },
          ],
        },
      },
    ],
  },
  {
    name: 'queue_depth',
    type: 5,
    metric: [
      {
        histogram: {
          sample_count_float: 2.5,
          sample_sum: 3,
          bucket: [
            { upper_bound: 1, cumulative_count_float: 1.5 },
            { upper_bound: Infinity, cumulative_count_float: 2.5 },
          ],
        },
      },
    ],
  },
];

/** Each sample as `labels value [@ts] [# exemplar]`, one line each: easy to compare exactly. */
function lines(b: ParsedBody): string[] {
  return b.samples.map((s) => {
    let l = `${s.labels.toString()} ${s.value}`;
    if (s.timestampMs !== undefined) l += ` @${s.timestampMs}`;
    if (s.exemplar !== undefined)
      l += ` # ${s.exemplar.labels.toString()} ${s.exemplar.value} @${s.exemplar.timestampMs}`;
    return l;
  });
}

describe('decodeMetricFamilies', () => {
  it(
    'fixture matches protobufjs (regenerates it on PROTO_FIXTURE_WRITE=1)',
    { skip: NO_SCHEMA },
    () => {
      const body = encodeDelimited(MF!, FAMILIES);
      if (process.env.PROTO_FIXTURE_WRITE === '1') writeFileSync(FIXTURE, body);
      assert.deepEqual(body, readFileSync(FIXTURE));
    },
  );

  it('maps every type as Prometheus does (fixture; no ../shared needed)', () => {
    const got = decodeMetricFamilies(readFileSync(FIXTURE));
    assert.deepEqual(lines(got), [
      '{__name__="jobs_total", kind="full"} 3 # {trace_id="abc"} 1 @1700000000500',
      '{__name__="temp_celsius"} -1.5',
      '{__name__="legacy"} 7 @1700000000123',
      '{__name__="rpc_seconds", le_not="x", quantile="0.5"} 0.25',
      '{__name__="rpc_seconds", le_not="x", quantile="0.99"} 1.25',
      '{__name__="rpc_seconds_sum", le_not="x"} 4.5',
      '{__name__="rpc_seconds_count", le_not="x"} 10',
      '{__name__="size_bytes_bucket", le="0.005"} 1',
      '{__name__="size_bytes_bucket", le="1e+06"} 4',
      '{__name__="size_bytes_bucket", le="+Inf"} 5',
      '{__name__="size_bytes_sum"} 2.5',
      '{__name__="size_bytes_count"} 5',
      '{__name__="queue_depth_bucket", le="1"} 1.5',
      '{__name__="queue_depth_bucket", le="+Inf"} 2.5',
      '{__name__="queue_depth_sum"} 3',
      '{__name__="queue_depth_count"} 2.5',
    ]);
    assert.deepEqual(got.metadata, [
      { name: 'jobs_total', type: 'counter', help: 'Jobs run.', unit: '' },
      { name: 'temp_celsius', type: 'gauge', help: '', unit: 'celsius' },
      { name: 'legacy', type: 'unknown', help: '', unit: '' },
      { name: 'rpc_seconds', type: 'summary', help: '', unit: '' },
      { name: 'size_bytes', type: 'histogram', help: '', unit: '' },
      { name: 'queue_depth', type: 'gaugehistogram', help: '', unit: '' },
    ]);
    assert.equal(got.samples[0].name, 'jobs_total');
  });

  it('an empty body is no families', () => {
    assert.deepEqual(decodeMetricFamilies(Buffer.alloc(0)), { samples: [], metadata: [] });
  });

  const native = {
    schema: 3,
    zero_threshold: 1e-128,
    positive_span: [{ offset: 0, length: 1 }],
    positive_delta: [2],
  };
  it('refuses native-only histograms, naming the family', { skip: NO_SCHEMA }, () => {
    const body = encodeDelimited(MF!, [
      { name: 'lat', type: 4, metric: [{ histogram: { sample_count: 2, ...native } }] },
    ]);
    assert.throws(
      () => decodeMetricFamilies(body),
      (e: unknown) =>
        e instanceof ProtoExpositionError &&
        /metric family "lat": native histograms are not supported yet/.test(e.message),
    );
    // An empty native histogram is told apart by its no-op span alone.
    const empty = encodeDelimited(MF!, [
      {
        name: 'e',
        type: 4,
        metric: [{ histogram: { positive_span: [{ offset: 0, length: 0 }] } }],
      },
    ]);
    assert.throws(() => decodeMetricFamilies(empty), /native histograms/);
  });

  it('reads the classic buckets of a histogram that has both', { skip: NO_SCHEMA }, () => {
    const body = encodeDelimited(MF!, [
      {
        name: 'lat',
        type: 4,
        metric: [
          {
            histogram: {
              sample_count: 2,
              sample_sum: 1,
              bucket: [{ upper_bound: 0.1, cumulative_count: 1 }],
              ...native,
            },
          },
        ],
      },
    ]);
    assert.deepEqual(lines(decodeMetricFamilies(body)), [
      '{__name__="lat_bucket", le="0.1"} 1',
      '{__name__="lat_bucket", le="+Inf"} 2',
      '{__name__="lat_sum"} 1',
      '{__name__="lat_count"} 2',
    ]);
  });

  it('skips unknown fields and reads fields in any order', () => {
    // metric {gauge{value=2}} first, then an unknown varint field 9, then name, then type=GAUGE.
    const body = delimited([
      0x22,
      0x0b,
      0x12,
      0x09,
      0x09,
      ...f64(2),
      0x48,
      0x01,
      0x0a,
      0x01,
      0x67,
      0x18,
      0x01,
    ]);
    assert.deepEqual(lines(decodeMetricFamilies(body)), ['{__name__="g"} 2']);
  });
});

function f64(v: number): number[] {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [...b];
}

/** One delimited message (length < 128). */
function delimited(msg: number[]): Buffer {
  return Buffer.from([msg.length, ...msg]);
}

/** A family named `m` (type GAUGE) with one metric whose labels are `labels` (raw LabelPairs). */
function withLabels(...pairs: [string, string | number[]][]): Buffer {
  const lp = pairs.flatMap(([n, v]) => {
    const nb = [...Buffer.from(n)];
    const vb = typeof v === 'string' ? [...Buffer.from(v)] : v;
    const inner = [0x0a, nb.length, ...nb, 0x12, vb.length, ...vb];
    return [0x0a, inner.length, ...inner];
  });
  const metric = [...lp, 0x12, 0x09, 0x09, ...f64(1)];
  return delimited([0x0a, 0x01, 0x6d, 0x18, 0x01, 0x22, metric.length, ...metric]);
}

describe('decodeMetricFamilies errors', () => {
  const cases: [string, Buffer, RegExp, object?][] = [
    ['truncated length varint', Buffer.from([0x80]), /byte 0: truncated varint/],
    [
      'length past the end',
      Buffer.from([0x05, 0x0a]),
      /byte 2: length 5 at byte 0 runs past the end/,
    ],
    ['varint over 10 bytes', Buffer.from([0x0b, ...Array(11).fill(0xff)]), /varint longer than 10/],
    [
      'wrong wire type',
      delimited([0x09, ...f64(1)]),
      /byte 1: field MetricFamily.name has wire type 1, want 2/,
    ],
    ['group wire type', delimited([0x4b]), /unsupported wire type 3/],
    ['field number 0', delimited([0x00, 0x00]), /field number 0/],
    ['missing name', delimited([0x18, 0x01]), /byte 1: a metric family has no name/],
    [
      'invalid UTF-8 name',
      delimited([0x0a, 0x02, 0xc3, 0x28]),
      /byte 3: the metric family name is not valid UTF-8/,
    ],
    [
      'unknown type',
      delimited([0x0a, 0x01, 0x6d, 0x18, 0x09]),
      /metric family "m": unknown metric type 9/,
    ],
    [
      'invalid UTF-8 label value',
      withLabels(['a', [0x61, 0xff]]),
      /the value of label "a" is not valid UTF-8/,
    ],
    [
      'reserved label',
      withLabels(['__name__', 'x']),
      /metric family "m": label name "__name__" is reserved/,
    ],
    ['empty label name', withLabels(['', 'x']), /a label has an empty name/],
    ['duplicate label', withLabels(['a', '1'], ['a', '2']), /duplicate label name "a"/],
  ];
  for (const [what, body, want] of cases) {
    it(what, () =>
      assert.throws(
        () => decodeMetricFamilies(body),
        (e: unknown) =>
          e instanceof ProtoExpositionError &&
          want.test(e.message) &&
          e.message.startsWith('cannot decode protobuf exposition: byte '),
      ),
    );
  }

  it('limits: samples, labels, name and value lengths (ExpositionLimitError)', () => {
    const body = withLabels(['abc', 'value'], ['b', '1']);
    const limit = (l: object, want: RegExp) =>
      assert.throws(
        () => decodeMetricFamilies(Buffer.concat([body, body]), l),
        (e: unknown) => e instanceof ExpositionLimitError && want.test(e.message),
      );
    limit({ maxSamples: 1 }, /more than 1 samples/);
    limit({ maxLabels: 1 }, /2 labels on one metric, over the limit of 1/);
    limit({ maxLabelNameLength: 2 }, /label name "abc" is over the length limit of 2/);
    limit({ maxLabelValueLength: 4 }, /the value of label "abc" is over the length limit of 4/);
    assert.equal(
      decodeMetricFamilies(Buffer.concat([body, body]), { maxSamples: 2 }).samples.length,
      2,
    );
  });
});

describe('decodeMetricFamilies on hostile bytes', () => {
  const ok = (b: Uint8Array) => {
    try {
      decodeMetricFamilies(b);
    } catch (e) {
      if (!(e instanceof ExpositionError)) throw e;
    }
  };
  it('random bytes, truncations and byte flips only ever throw ExpositionError', () => {
    const rnd = mulberry32(4);
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.alloc(Math.floor(rnd() * 64));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
      ok(b);
    }
    const fixture = readFileSync(FIXTURE);
    for (let n = 0; n < fixture.length; n++) ok(fixture.subarray(0, n));
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(fixture);
      b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      ok(b);
    }
  });
});

describe('formatFloat (Go strconv "g", -1)', () => {
  for (const [v, want] of [
    [0.005, '0.005'],
    [1, '1'],
    [2.5, '2.5'],
    [0.0001, '0.0001'],
    [0.000025, '2.5e-05'],
    [100000, '100000'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [1e21, '1e+21'],
    [1e-300, '1e-300'],
    [-0.5, '-0.5'],
    [0, '0'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ] as const) {
    it(`${v} -> ${want}`, () => assert.equal(formatFloat(v), want));
  }
});
