import { malformed, tooLarge } from './errors.js';
import type {
  Attrs,
  Buckets,
  DecodeLimits,
  ExpHistogramPoint,
  HistogramPoint,
  Metric,
  MetricData,
  NumberPoint,
  OtlpRequest,
  SummaryPoint,
} from './types.js';

type Obj = Record<string, unknown>;

const TEMPORALITY_NAMES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

/**
 * Decodes an OTLP/JSON ExportMetricsServiceRequest (proto3 JSON mapping with OTLP's rules:
 * lowerCamelCase keys, 64-bit integers as decimal strings or numbers, enums as integers (names
 * accepted too), unknown fields ignored). Type errors are 400s naming the JSON path.
 */
export function decodeJsonRequest(text: string, limits: DecodeLimits): OtlpRequest {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw malformed(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const req: OtlpRequest = { resourceMetrics: [], dataPoints: 0, exemplars: 0 };
  const count = (): void => {
    if (++req.dataPoints > limits.maxDataPoints)
      throw tooLarge(`more than ${limits.maxDataPoints} data points in one request`);
  };
  const top = obj(root, '$');
  for (const [i, rmv] of arr(top.resourceMetrics, '$.resourceMetrics').entries()) {
    const path = `$.resourceMetrics[${i}]`;
    const rm = obj(rmv, path);
    const res = rm.resource === undefined ? {} : obj(rm.resource, `${path}.resource`);
    const out = {
      resource: attrs(res.attributes, `${path}.resource.attributes`, limits),
      scopeMetrics: [] as OtlpRequest['resourceMetrics'][0]['scopeMetrics'],
    };
    for (const [j, smv] of arr(rm.scopeMetrics, `${path}.scopeMetrics`).entries()) {
      const sp = `${path}.scopeMetrics[${j}]`;
      const sm = obj(smv, sp);
      const scope = sm.scope === undefined ? {} : obj(sm.scope, `${sp}.scope`);
      const metrics: Metric[] = [];
      for (const [k, mv] of arr(sm.metrics, `${sp}.metrics`).entries())
        metrics.push(metric(obj(mv, `${sp}.metrics[${k}]`), `${sp}.metrics[${k}]`));
      out.scopeMetrics.push({
        scopeName: str(scope.name, `${sp}.scope.name`),
        scopeVersion: str(scope.version, `${sp}.scope.version`),
        metrics,
      });
    }
    req.resourceMetrics.push(out);
  }
  return req;

  function metric(m: Obj, path: string): Metric {
    return {
      name: str(m.name, `${path}.name`),
      description: str(m.description, `${path}.description`),
      unit: str(m.unit, `${path}.unit`),
      data: data(m, path),
    };
  }

  function data(m: Obj, path: string): MetricData {
    if (m.gauge !== undefined) {
      const d = obj(m.gauge, `${path}.gauge`);
      return { kind: 'gauge', points: points(d, `${path}.gauge`, numberPoint) };
    }
    if (m.sum !== undefined) {
      const d = obj(m.sum, `${path}.sum`);
      return {
        kind: 'sum',
        points: points(d, `${path}.sum`, numberPoint),
        temporality: temporality(d, `${path}.sum`),
        monotonic: bool(d.isMonotonic, `${path}.sum.isMonotonic`),
      };
    }
    if (m.histogram !== undefined) {
      const d = obj(m.histogram, `${path}.histogram`);
      return {
        kind: 'histogram',
        points: points(d, `${path}.histogram`, histogramPoint),
        temporality: temporality(d, `${path}.histogram`),
      };
    }
    if (m.exponentialHistogram !== undefined) {
      const d = obj(m.exponentialHistogram, `${path}.exponentialHistogram`);
      return {
        kind: 'exponential_histogram',
        points: points(d, `${path}.exponentialHistogram`, expPoint),
        temporality: temporality(d, `${path}.exponentialHistogram`),
      };
    }
    if (m.summary !== undefined) {
      const d = obj(m.summary, `${path}.summary`);
      return { kind: 'summary', points: points(d, `${path}.summary`, summaryPoint) };
    }
    return { kind: 'none' };
  }

  function points<T>(d: Obj, path: string, f: (p: Obj, path: string) => T): T[] {
    return arr(d.dataPoints, `${path}.dataPoints`).map((p, i) => {
      count();
      const pp = `${path}.dataPoints[${i}]`;
      const o = obj(p, pp);
      if (o.exemplars !== undefined) req.exemplars += arr(o.exemplars, `${pp}.exemplars`).length;
      return f(o, pp);
    });
  }

  function base(p: Obj, path: string) {
    return {
      attributes: attrs(p.attributes, `${path}.attributes`, limits),
      start: nanosToMs(p.startTimeUnixNano, `${path}.startTimeUnixNano`),
      time: nanosToMs(p.timeUnixNano, `${path}.timeUnixNano`),
      flags: int(p.flags, `${path}.flags`),
    };
  }

  function numberPoint(p: Obj, path: string): NumberPoint {
    let value: number | undefined;
    if (p.asDouble !== undefined) value = double(p.asDouble, `${path}.asDouble`);
    else if (p.asInt !== undefined) value = int(p.asInt, `${path}.asInt`);
    return { ...base(p, path), value };
  }

  function histogramPoint(p: Obj, path: string): HistogramPoint {
    return {
      ...base(p, path),
      count: int(p.count, `${path}.count`),
      sum: p.sum === undefined ? undefined : double(p.sum, `${path}.sum`),
      bucketCounts: list(p.bucketCounts, `${path}.bucketCounts`, int),
      bounds: list(p.explicitBounds, `${path}.explicitBounds`, double),
    };
  }

  function expPoint(p: Obj, path: string): ExpHistogramPoint {
    return {
      ...base(p, path),
      count: int(p.count, `${path}.count`),
      sum: p.sum === undefined ? undefined : double(p.sum, `${path}.sum`),
      scale: int(p.scale, `${path}.scale`),
      zeroCount: int(p.zeroCount, `${path}.zeroCount`),
      zeroThreshold: double(p.zeroThreshold ?? 0, `${path}.zeroThreshold`),
      positive: buckets(p.positive, `${path}.positive`),
      negative: buckets(p.negative, `${path}.negative`),
    };
  }

  function buckets(b: unknown, path: string): Buckets {
    if (b === undefined) return { offset: 0, counts: [] };
    const o = obj(b, path);
    return {
      offset: int(o.offset, `${path}.offset`),
      counts: list(o.bucketCounts, `${path}.bucketCounts`, int),
    };
  }

  function summaryPoint(p: Obj, path: string): SummaryPoint {
    const qs = arr(p.quantileValues, `${path}.quantileValues`);
    if (qs.length > limits.maxBucketsPerPoint) tooManyBuckets(path);
    return {
      ...base(p, path),
      count: int(p.count, `${path}.count`),
      sum: double(p.sum ?? 0, `${path}.sum`),
      quantiles: qs.map((q, i) => {
        const o = obj(q, `${path}.quantileValues[${i}]`);
        return [double(o.quantile ?? 0, 'quantile'), double(o.value ?? 0, 'value')];
      }),
    };
  }

  function list<T>(v: unknown, path: string, f: (x: unknown, path: string) => T): T[] {
    const a = arr(v, path);
    if (a.length > limits.maxBucketsPerPoint) tooManyBuckets(path);
    return a.map((x, i) => f(x, `${path}[${i}]`));
  }

  function tooManyBuckets(path: string): never {
    throw malformed(`${path}: more than ${limits.maxBucketsPerPoint} buckets or quantiles`);
  }
}

function temporality(d: Obj, path: string): number {
  const v = d.aggregationTemporality;
  if (typeof v === 'string' && v in TEMPORALITY_NAMES) return TEMPORALITY_NAMES[v];
  return int(v, `${path}.aggregationTemporality`);
}

function obj(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw malformed(`${path}: want an object, got ${describe(v)}`);
  return v as Obj;
}

function arr(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw malformed(`${path}: want an array, got ${describe(v)}`);
  return v;
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw malformed(`${path}: want a string, got ${describe(v)}`);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw malformed(`${path}: want a boolean, got ${describe(v)}`);
  return v;
}

/** An integer field: a JSON number or a decimal string (64-bit integers). */
function int(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw malformed(`${path}: want an integer, got ${describe(v)}`);
  return n;
}

/** A double field: a JSON number or "NaN"/"Infinity"/"-Infinity" (or a numeric string). */
function double(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw malformed(`${path}: want a number, got ${describe(v)}`);
}

/** A nanosecond timestamp (string or number) → integer ms, exactly for strings. */
function nanosToMs(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string' && /^\d+$/.test(v))
    return v.length <= 6 ? 0 : Number(v.slice(0, v.length - 6));
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return Math.floor(v / 1e6);
  throw malformed(`${path}: want a non-negative integer (ns), got ${describe(v)}`);
}

/** Renders attributes; AnyValue as in the protobuf decoder (scalars as strings, rest JSON). */
function attrs(v: unknown, path: string, limits: DecodeLimits): Attrs {
  const a = arr(v, path);
  if (a.length > limits.maxAttributes)
    throw malformed(`${path}: more than ${limits.maxAttributes} attributes`);
  return a.map((kv, i) => {
    const o = obj(kv, `${path}[${i}]`);
    const val = anyJson(o.value, `${path}[${i}].value`, 0);
    const s =
      typeof val === 'string'
        ? val
        : val === null
          ? ''
          : typeof val === 'object'
            ? JSON.stringify(val)
            : scalar(val);
    return [str(o.key, `${path}[${i}].key`), s];
  });
}

function anyJson(v: unknown, path: string, depth: number): unknown {
  if (v === undefined || v === null) return null;
  if (depth > 16) throw malformed(`${path}: nested more than 16 levels deep`);
  const o = obj(v, path);
  if (o.stringValue !== undefined) return str(o.stringValue, `${path}.stringValue`);
  if (o.boolValue !== undefined) return bool(o.boolValue, `${path}.boolValue`);
  if (o.intValue !== undefined) {
    const s = o.intValue;
    if (typeof s === 'string' && /^-?\d+$/.test(s))
      return Number.isSafeInteger(Number(s)) ? Number(s) : s;
    return int(s, `${path}.intValue`);
  }
  if (o.doubleValue !== undefined) return double(o.doubleValue, `${path}.doubleValue`);
  if (o.bytesValue !== undefined) return str(o.bytesValue, `${path}.bytesValue`);
  if (o.arrayValue !== undefined) {
    const a = obj(o.arrayValue, `${path}.arrayValue`);
    return arr(a.values, `${path}.arrayValue.values`).map((x, i) =>
      anyJson(x, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if (o.kvlistValue !== undefined) {
    const k = obj(o.kvlistValue, `${path}.kvlistValue`);
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" keys stay data
    for (const [i, kv] of arr(k.values, `${path}.kvlistValue.values`).entries()) {
      const e = obj(kv, `${path}.kvlistValue.values[${i}]`);
      out[str(e.key, 'key')] = anyJson(
        e.value,
        `${path}.kvlistValue.values[${i}].value`,
        depth + 1,
      );
    }
    return out;
  }
  return null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${scalar(v)}`;
}

function scalar(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
    ? String(v)
    : typeof v;
}
