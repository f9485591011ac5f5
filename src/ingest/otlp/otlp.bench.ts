/**
 * Micro-benchmark: OTLP metrics decode + conversion, µs per data point.
 * Load: an SDK-like export of `--series` (default 2000) data points per request: 70% cumulative
 * counters, 20% gauges, 10% explicit histograms (10 bounds), each with 3 attributes, one resource
 * with service.name/instance.id/host.name. Encoded once with protobufjs from the shared protos.
 * Prints CPU µs per data point for: protobuf decode only, JSON decode only, decode + convert
 * into a stub appender (labels → ref through a Map; the store's own cost is not measured).
 *
 *   npm run bench -- otlp [--series 2000] [--requests 50]
 */
import { DEFAULT_TENANT, type Labels } from '../../model/index.js';
import type {
  Appendable,
  Appender,
  AppendResult,
  MetadataStore,
  SeriesRef,
} from '../../storage/index.js';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtoRequest } from './decode-proto.js';
import { OtlpMetricsIngester } from './ingester.js';
import { encodeWithProtobufjs, loadExportRequestType } from './testing.js';
import { DEFAULT_DECODE_LIMITS } from './types.js';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const SERIES = flag('series', 2000);
const REQUESTS = flag('requests', 50);
const T0 = 1_700_000_000_000;

function body(step: number): unknown {
  const metrics: unknown[] = [];
  const t = `${T0 + step * 15_000}000000`;
  const attrs = (i: number) => [
    { key: 'http.route', value: { stringValue: `/api/v1/r${i % 50}` } },
    { key: 'http.method', value: { stringValue: i % 2 ? 'GET' : 'POST' } },
    { key: 'status', value: { intValue: String(200 + (i % 5)) } },
  ];
  for (let i = 0; i < SERIES; i++) {
    const kind = i % 10;
    if (kind < 7)
      metrics.push({
        name: `app.requests.m${i % 20}`,
        unit: '{request}',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [
            {
              attributes: attrs(i),
              startTimeUnixNano: `${T0}000000`,
              timeUnixNano: t,
              asInt: String(step * 10 + i),
            },
          ],
        },
      });
    else if (kind < 9)
      metrics.push({
        name: `app.queue.m${i % 20}`,
        unit: 'By',
        gauge: { dataPoints: [{ attributes: attrs(i), timeUnixNano: t, asDouble: i * 1.5 }] },
      });
    else
      metrics.push({
        name: `app.latency.m${i % 20}`,
        unit: 'ms',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              attributes: attrs(i),
              timeUnixNano: t,
              count: '55',
              sum: 123.5,
              bucketCounts: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '0'],
              explicitBounds: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
            },
          ],
        },
      });
  }
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'bench' } },
            { key: 'service.instance.id', value: { stringValue: 'i-1' } },
            { key: 'host.name', value: { stringValue: 'h' } },
          ],
        },
        scopeMetrics: [{ scope: { name: 'bench' }, metrics }],
      },
    ],
  };
}

class StubStore implements Appendable, MetadataStore {
  private readonly byKey = new Map<string, SeriesRef>();
  private next = 1;
  appender(): Appender {
    let n = 0;
    return {
      append: (ref: SeriesRef, labels: Labels | null): SeriesRef => {
        n++;
        if (ref !== 0) return ref;
        const k = labels!.toString();
        let r = this.byKey.get(k);
        if (r === undefined) this.byKey.set(k, (r = this.next++));
        return r;
      },
      commit: async (): Promise<AppendResult> => ({ appended: n, duplicates: 0, newSeries: 0 }),
      rollback: () => {},
    };
  }
  setMetadata(): void {}
  getMetadata() {
    return new Map();
  }
}

function cpu<T>(fn: () => T): [T, number] {
  const s = process.cpuUsage();
  const r = fn();
  const d = process.cpuUsage(s);
  return [r, d.user + d.system];
}

async function main(): Promise<void> {
  const type = loadExportRequestType();
  if (type === undefined) {
    console.log(
      'otlp bench: ../shared/conformance/proto/opentelemetry absent; cannot encode requests',
    );
    return;
  }
  const jsons = Array.from({ length: REQUESTS }, (_, i) => JSON.stringify(body(i)));
  const pbs = jsons.map((j) => encodeWithProtobufjs(type, JSON.parse(j)));
  const points = SERIES * REQUESTS;
  console.log(
    `otlp: series=${SERIES} requests=${REQUESTS} (${(pbs[0].length / 1024).toFixed(0)} KiB protobuf, ${(jsons[0].length / 1024).toFixed(0)} KiB JSON per request)`,
  );
  for (let round = 0; round < 2; round++) {
    const [, pbUs] = cpu(() => pbs.forEach((b) => decodeProtoRequest(b, DEFAULT_DECODE_LIMITS)));
    const [, jsUs] = cpu(() => jsons.forEach((j) => decodeJsonRequest(j, DEFAULT_DECODE_LIMITS)));
    const ing = new OtlpMetricsIngester(new StubStore(), { now: () => T0 });
    const s = process.cpuUsage();
    for (const b of pbs)
      await ing.write(
        DEFAULT_TENANT,
        b,
        { contentType: 'application/x-protobuf' },
        { max_decompressed_bytes: 1 << 30 },
      );
    const d = process.cpuUsage(s);
    const allUs = d.user + d.system;
    console.log(
      `round ${round}: protobuf decode ${(pbUs / points).toFixed(2)} µs/point, JSON decode ${(jsUs / points).toFixed(2)} µs/point, protobuf decode+convert+append ${(allUs / points).toFixed(2)} µs/point`,
    );
  }
}

await main();
