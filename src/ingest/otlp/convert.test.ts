import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../../model/index.js';
import { MemStore } from '../../storage/testing.js';
import { OtlpMetricsIngester } from './ingester.js';
import { dump, request } from './testing.js';

const T0 = 1_700_000_000_000;
const ns = (ms: number) => `${ms}000000`;
const CFG = { max_decompressed_bytes: 1 << 20 };
const JSON_BODY = { contentType: 'application/json' };

function attrs(o: Record<string, string>) {
  return Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
}

function setup(now = () => T0) {
  const store = new MemStore();
  const ing = new OtlpMetricsIngester(store, { now });
  const send = (body: unknown) =>
    ing.write(DEFAULT_TENANT, Buffer.from(JSON.stringify(body)), JSON_BODY, CFG);
  return { store, ing, send };
}

describe('OTLP → Prometheus conversion', () => {
  it('gauge: int and double values, attributes, job/instance, unit suffix', async () => {
    const { store, send } = setup();
    const res = await send(
      request(
        [
          {
            name: 'process.memory.usage',
            unit: 'By',
            gauge: {
              dataPoints: [
                { timeUnixNano: ns(T0), asInt: '1024', attributes: attrs({ 'host.name': 'h1' }) },
                {
                  timeUnixNano: ns(T0 + 1000),
                  asDouble: 2048.5,
                  attributes: attrs({ 'host.name': 'h1' }),
                },
              ],
            },
          },
        ],
        [
          ['service.name', 'api'],
          ['service.namespace', 'shop'],
          ['service.instance.id', 'i-1'],
        ],
      ),
    );
    assert.equal(res.dataPoints, 2);
    assert.equal(res.samples, 2);
    assert.equal(res.rejectedDataPoints, 0);
    assert.deepEqual(dump(store), {
      '{__name__="process_memory_usage_bytes", host_name="h1", instance="i-1", job="shop/api"}': [
        [T0, 1024],
        [T0 + 1000, 2048.5],
      ],
    });
    assert.deepEqual(store.getMetadata(DEFAULT_TENANT).get('process_memory_usage_bytes'), {
      type: 'gauge',
      help: '',
      unit: 'bytes',
    });
  });

  it('other resource attributes → target_info at the latest timestamp', async () => {
    const { store, send } = setup();
    await send(
      request(
        [
          {
            name: 'g',
            gauge: {
              dataPoints: [
                { timeUnixNano: ns(T0), asDouble: 1 },
                { timeUnixNano: ns(T0 + 5), asDouble: 2 },
              ],
            },
          },
        ],
        [
          ['service.name', 'api'],
          ['service.instance.id', 'i-1'],
          ['host.name', 'box'],
          ['k8s.pod.uid', 'u'],
          ['cores', 8],
          ['debug', true],
        ],
      ),
    );
    const d = dump(store);
    assert.deepEqual(
      d[
        '{__name__="target_info", cores="8", debug="true", host_name="box", instance="i-1", job="api", k8s_pod_uid="u"}'
      ],
      [[T0 + 5, 1]],
    );
  });

  it('promote_resource_attributes copies chosen resource attributes onto every series', async () => {
    const store = new MemStore();
    const ing = new OtlpMetricsIngester(store, { now: () => T0 });
    const body = request(
      [{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: ns(T0), asDouble: 1 }] } }],
      [
        ['service.name', 'api'],
        ['k8s.namespace.name', 'prod'],
        ['host.name', 'box'],
        ['job', 'not-this-one'],
      ],
    );
    const decoded = ing.decode(Buffer.from(JSON.stringify(body)), JSON_BODY, CFG);
    await ing.writeRequest(DEFAULT_TENANT, decoded, new Set(['k8s.namespace.name', 'job']));
    const d = dump(store);
    // Sanitised like attributes; job from service.name wins over a promoted `job`.
    assert.deepEqual(d['{__name__="g", job="api", k8s_namespace_name="prod"}'], [[T0, 1]]);
    // target_info still carries every non-identifying attribute.
    assert.ok(
      Object.keys(d).some(
        (k) => k.startsWith('{__name__="target_info"') && k.includes('host_name="box"'),
      ),
    );
  });

  it('colliding label names join values with ";" in sorted key order; empty values dropped', async () => {
    const { store, send } = setup();
    await send(
      request([
        {
          name: 'g',
          gauge: {
            dataPoints: [
              {
                timeUnixNano: ns(T0),
                asDouble: 1,
                attributes: attrs({ 'a.b': 'dot', a_b: 'under', 'a-b': 'dash', empty: '' }),
              },
            ],
          },
        },
      ]),
    );
    assert.deepEqual(Object.keys(dump(store)), ['{__name__="g", a_b="dash;dot;under", job="svc"}']);
  });

  it('cumulative monotonic sum → _total counter; non-monotonic → gauge without _total', async () => {
    const { store, send } = setup();
    await send(
      request([
        {
          name: 'http.requests',
          unit: '{request}',
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [{ startTimeUnixNano: ns(T0 - 10), timeUnixNano: ns(T0), asInt: 7 }],
          },
        },
        {
          name: 'queue.size',
          sum: {
            aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
            isMonotonic: false,
            dataPoints: [{ timeUnixNano: ns(T0), asInt: '-3' }],
          },
        },
      ]),
    );
    assert.deepEqual(dump(store), {
      '{__name__="http_requests_total", job="svc"}': [[T0, 7]],
      '{__name__="queue_size", job="svc"}': [[T0, -3]],
    });
    assert.equal(store.getMetadata(DEFAULT_TENANT).get('http_requests_total')?.type, 'counter');
  });

  it('delta sums become cumulative across requests; overlaps dropped and reported; resets after the TTL', async () => {
    let now = T0;
    const { store, ing, send } = setup(() => now);
    const delta = (start: number, end: number, v: number) =>
      request([
        {
          name: 'jobs',
          sum: {
            aggregationTemporality: 1,
            isMonotonic: true,
            dataPoints: [{ startTimeUnixNano: ns(start), timeUnixNano: ns(end), asDouble: v }],
          },
        },
      ]);
    await send(delta(T0, T0 + 10, 5));
    await send(delta(T0 + 10, T0 + 20, 3));
    await send(delta(T0 + 30, T0 + 40, 2)); // a gap is fine
    const over = await send(delta(T0 + 35, T0 + 50, 100)); // overlaps what was counted
    assert.equal(over.rejectedDataPoints, 1);
    assert.match(over.errorMessage, /start .* overlaps the last accepted time/);
    const old = await send(delta(T0 + 10, T0 + 40, 100)); // not after the last point
    assert.equal(old.rejectedDataPoints, 1);
    now += 2 * 60 * 60_000; // idle past the TTL: a new run (a counter reset)
    await send(delta(T0 + 60, T0 + 70, 4));
    assert.deepEqual(dump(store), {
      '{__name__="jobs_total", job="svc"}': [
        [T0 + 10, 5],
        [T0 + 20, 8],
        [T0 + 40, 10],
        [T0 + 70, 4],
      ],
    });
    assert.equal(ing.deltaSeries(DEFAULT_TENANT), 1);
  });

  it('explicit histogram → cumulative _bucket{le}, _sum, _count; delta histograms accumulate', async () => {
    const { store, send } = setup();
    const h = (start: number, t: number, counts: number[], sum: number) =>
      request([
        {
          name: 'rpc.duration',
          unit: 'ms',
          histogram: {
            aggregationTemporality: 1,
            dataPoints: [
              {
                startTimeUnixNano: ns(start),
                timeUnixNano: ns(t),
                count: String(counts.reduce((a, b) => a + b)),
                sum,
                bucketCounts: counts.map(String),
                explicitBounds: [5, 10.5],
              },
            ],
          },
        },
      ]);
    await send(h(T0, T0 + 10, [1, 2, 3], 50));
    await send(h(T0 + 10, T0 + 20, [0, 1, 0], 7));
    const d = dump(store);
    const n = 'rpc_duration_milliseconds';
    assert.deepEqual(d, {
      [`{__name__="${n}_bucket", job="svc", le="+Inf"}`]: [
        [T0 + 10, 6],
        [T0 + 20, 7],
      ],
      [`{__name__="${n}_bucket", job="svc", le="10.5"}`]: [
        [T0 + 10, 3],
        [T0 + 20, 4],
      ],
      [`{__name__="${n}_bucket", job="svc", le="5"}`]: [
        [T0 + 10, 1],
        [T0 + 20, 1],
      ],
      [`{__name__="${n}_count", job="svc"}`]: [
        [T0 + 10, 6],
        [T0 + 20, 7],
      ],
      [`{__name__="${n}_sum", job="svc"}`]: [
        [T0 + 10, 50],
        [T0 + 20, 57],
      ],
    });
    assert.equal(store.getMetadata(DEFAULT_TENANT).get(n)?.type, 'histogram');
  });

  it('a histogram without bucket counts has only le="+Inf"', async () => {
    const { store, send } = setup();
    await send(
      request([
        {
          name: 'h',
          histogram: {
            aggregationTemporality: 2,
            dataPoints: [{ timeUnixNano: ns(T0), count: 3, explicitBounds: [1, 2] }],
          },
        },
      ]),
    );
    assert.deepEqual(Object.keys(dump(store)), [
      '{__name__="h_bucket", job="svc", le="+Inf"}',
      '{__name__="h_count", job="svc"}',
    ]);
  });

  it('a histogram whose bounds change starts a new delta run', async () => {
    const { store, send } = setup();
    const h = (t: number, bounds: number[], counts: number[]) =>
      request([
        {
          name: 'h',
          histogram: {
            aggregationTemporality: 1,
            dataPoints: [
              {
                startTimeUnixNano: ns(t - 10),
                timeUnixNano: ns(t),
                count: counts.reduce((a, b) => a + b),
                bucketCounts: counts,
                explicitBounds: bounds,
              },
            ],
          },
        },
      ]);
    await send(h(T0 + 10, [1], [1, 1]));
    await send(h(T0 + 20, [2], [3, 0]));
    assert.deepEqual(dump(store)['{__name__="h_count", job="svc"}'], [
      [T0 + 10, 2],
      [T0 + 20, 3],
    ]);
    assert.deepEqual(dump(store)['{__name__="h_bucket", job="svc", le="2"}'], [[T0 + 20, 3]]);
  });

  it('exponential histogram → classic buckets at the exponential boundaries', async () => {
    const { store, send } = setup();
    await send(
      request([
        {
          name: 'size',
          exponentialHistogram: {
            aggregationTemporality: 2,
            dataPoints: [
              {
                timeUnixNano: ns(T0),
                count: 9,
                sum: 20,
                scale: 1, // base √2
                zeroCount: 1,
                zeroThreshold: 0,
                positive: { offset: -1, bucketCounts: [1, 2, 0, 3] }, // (√2^-1, 1], (1, √2], (√2, 2], (2, 2√2]
                negative: { offset: 0, bucketCounts: [2] }, // [-√2, -1)
              },
            ],
          },
        },
      ]),
    );
    const b = (le: string) =>
      dump(store)[`{__name__="size_bucket", job="svc", le="${le}"}`]?.[0]?.[1];
    assert.equal(b('-1'), 2);
    assert.equal(b('0'), 3);
    assert.equal(b('1'), 4);
    assert.equal(b(String(Math.SQRT2)), 6);
    assert.equal(b(String(2 ** 1)), 6);
    assert.equal(b(String(2 ** 1.5)), 9);
    assert.equal(b('+Inf'), 9);
    assert.equal(Object.keys(dump(store)).length, 9); // 7 buckets + _sum + _count
  });

  it('delta exponential histograms merge at the lower scale', async () => {
    const { store, send } = setup();
    const e = (t: number, scale: number, offset: number, counts: number[]) =>
      request([
        {
          name: 'x',
          exponentialHistogram: {
            aggregationTemporality: 1,
            dataPoints: [
              {
                startTimeUnixNano: ns(t - 10),
                timeUnixNano: ns(t),
                count: counts.reduce((a, b) => a + b),
                scale,
                positive: { offset, bucketCounts: counts },
              },
            ],
          },
        },
      ]);
    await send(e(T0 + 10, 1, 0, [1, 1])); // (1,√2], (√2,2]
    await send(e(T0 + 20, 0, 1, [4])); // (2,4]
    const d = dump(store);
    // At scale 0 the first request's buckets merge into (1,2]: 2; then (2,4]: 4.
    assert.deepEqual(d['{__name__="x_bucket", job="svc", le="2"}'], [
      [T0 + 10, 2],
      [T0 + 20, 2],
    ]);
    assert.deepEqual(d['{__name__="x_bucket", job="svc", le="4"}'], [[T0 + 20, 6]]);
    assert.deepEqual(d['{__name__="x_count", job="svc"}'], [
      [T0 + 10, 2],
      [T0 + 20, 6],
    ]);
  });

  it('summary → {quantile}, _sum, _count', async () => {
    const { store, send } = setup();
    await send(
      request([
        {
          name: 'rt',
          unit: 's',
          summary: {
            dataPoints: [
              {
                timeUnixNano: ns(T0),
                count: '4',
                sum: 2.5,
                quantileValues: [
                  { quantile: 0.5, value: 0.4 },
                  { quantile: 0.99, value: 1.2 },
                ],
              },
            ],
          },
        },
      ]),
    );
    assert.deepEqual(dump(store), {
      '{__name__="rt_seconds", job="svc", quantile="0.5"}': [[T0, 0.4]],
      '{__name__="rt_seconds", job="svc", quantile="0.99"}': [[T0, 1.2]],
      '{__name__="rt_seconds_count", job="svc"}': [[T0, 4]],
      '{__name__="rt_seconds_sum", job="svc"}': [[T0, 2.5]],
    });
  });

  it('NO_RECORDED_VALUE → stale markers on every series of the point', async () => {
    const { store, send } = setup();
    await send(
      request([{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: ns(T0), asDouble: 1 }] } }]),
    );
    await send(
      request([
        { name: 'g', gauge: { dataPoints: [{ timeUnixNano: ns(T0 + 1), flags: 1 }] } },
        {
          name: 'h',
          histogram: {
            aggregationTemporality: 2,
            dataPoints: [{ timeUnixNano: ns(T0 + 1), flags: 1 }],
          },
        },
        {
          name: 's',
          summary: {
            dataPoints: [
              { timeUnixNano: ns(T0 + 1), flags: 1, quantileValues: [{ quantile: 0.5 }] },
            ],
          },
        },
        {
          name: 'd',
          sum: { aggregationTemporality: 1, dataPoints: [{ timeUnixNano: ns(T0 + 1), flags: 1 }] },
        },
      ]),
    );
    const d = dump(store);
    assert.deepEqual(d['{__name__="g", job="svc"}'], [
      [T0, 1],
      [T0 + 1, 'stale'],
    ]);
    assert.deepEqual(d['{__name__="h_bucket", job="svc", le="+Inf"}'], [[T0 + 1, 'stale']]);
    assert.deepEqual(d['{__name__="s", job="svc", quantile="0.5"}'], [[T0 + 1, 'stale']]);
    assert.deepEqual(d['{__name__="d", job="svc"}'], [[T0 + 1, 'stale']]);
    assert.equal(Object.keys(d).length, 7); // h has no _sum
  });

  it('points without a value, bad bucket counts and nameless metrics are rejected, not fatal', async () => {
    const { store, send } = setup();
    const res = await send(
      request([
        { name: 'ok', gauge: { dataPoints: [{ timeUnixNano: ns(T0), asDouble: 1 }] } },
        { name: 'novalue', gauge: { dataPoints: [{ timeUnixNano: ns(T0) }] } },
        {
          name: 'h',
          histogram: {
            aggregationTemporality: 2,
            dataPoints: [
              { timeUnixNano: ns(T0), count: 1, bucketCounts: [1], explicitBounds: [1, 2] },
            ],
          },
        },
        { name: '...', gauge: { dataPoints: [{ timeUnixNano: ns(T0), asDouble: 1 }] } },
        { name: 'nodata' },
      ]),
    );
    assert.equal(res.dataPoints, 4);
    assert.equal(res.rejectedDataPoints, 3);
    assert.match(res.errorMessage, /novalue has no value/);
    assert.deepEqual(Object.keys(dump(store)), ['{__name__="ok", job="svc"}']);
  });
});
