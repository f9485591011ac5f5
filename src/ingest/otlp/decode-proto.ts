import { malformed, tooLarge, OtlpError } from './errors.js';
import { ProtoReader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js';
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
  ResourceMetrics,
  ScopeMetrics,
  SummaryPoint,
} from './types.js';

/**
 * Decodes a binary ExportMetricsServiceRequest by walking its bytes (no .proto files, no
 * protobufjs at runtime). Unknown fields are skipped; known fields with the wrong wire type,
 * truncations and invalid UTF-8 are 400s; limits are 400/413.
 */
export function decodeProtoRequest(buf: Uint8Array, limits: DecodeLimits): OtlpRequest {
  return new ProtoDecoder(buf, limits).request();
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

class ProtoDecoder {
  private readonly r: ProtoReader;
  private readonly req: OtlpRequest = { resourceMetrics: [], dataPoints: 0, exemplars: 0 };

  constructor(
    buf: Uint8Array,
    private readonly limits: DecodeLimits,
  ) {
    this.r = new ProtoReader(buf);
  }

  /** Calls `field(tag, end)` for each field of the message ending at `end`; it must consume it. */
  private each(end: number, field: (f: number, wire: number) => boolean): void {
    const r = this.r;
    while (r.pos < end) {
      const tag = r.varint(end);
      const wire = tag % 8;
      if (!field(Math.floor(tag / 8), wire)) r.skip(wire, end);
    }
  }

  /** Runs `fn` over a length-delimited sub-message and leaves the cursor after it. */
  private sub<T>(end: number, name: string, wire: number, fn: (e: number) => T): T {
    this.r.expect(name, wire, WIRE_LEN);
    const e = this.r.lenEnd(end);
    const v = fn(e);
    this.r.pos = e;
    return v;
  }

  request(): OtlpRequest {
    const end = this.r.buf.length;
    this.each(end, (f, w) => {
      if (f !== 1) return false;
      this.req.resourceMetrics.push(
        this.sub(end, 'ExportMetricsServiceRequest.resource_metrics', w, (e) =>
          this.resourceMetrics(e),
        ),
      );
      return true;
    });
    return this.req;
  }

  private resourceMetrics(end: number): ResourceMetrics {
    const rm: ResourceMetrics = { resource: [], scopeMetrics: [] };
    this.each(end, (f, w) => {
      if (f === 1)
        this.sub(end, 'ResourceMetrics.resource', w, (e) =>
          this.each(e, (g, w2) => {
            if (g !== 1) return false;
            this.attr(e, w2, rm.resource, 'Resource.attributes');
            return true;
          }),
        );
      else if (f === 2)
        rm.scopeMetrics.push(
          this.sub(end, 'ResourceMetrics.scope_metrics', w, (e) => this.scopeMetrics(e)),
        );
      else return false;
      return true;
    });
    return rm;
  }

  private scopeMetrics(end: number): ScopeMetrics {
    const sm: ScopeMetrics = { scopeName: '', scopeVersion: '', metrics: [] };
    const r = this.r;
    this.each(end, (f, w) => {
      if (f === 1)
        this.sub(end, 'ScopeMetrics.scope', w, (e) =>
          this.each(e, (g, w2) => {
            if (g === 1 || g === 2) {
              r.expect(`InstrumentationScope field ${g}`, w2, WIRE_LEN);
              const s = r.string(e, 'InstrumentationScope name/version');
              if (g === 1) sm.scopeName = s;
              else sm.scopeVersion = s;
              return true;
            }
            return false;
          }),
        );
      else if (f === 2)
        sm.metrics.push(this.sub(end, 'ScopeMetrics.metrics', w, (e) => this.metric(e)));
      else return false;
      return true;
    });
    return sm;
  }

  private metric(end: number): Metric {
    const m: Metric = { name: '', description: '', unit: '', data: { kind: 'none' } };
    const r = this.r;
    this.each(end, (f, w) => {
      if (f >= 1 && f <= 3) {
        r.expect(`Metric field ${f}`, w, WIRE_LEN);
        const s = r.string(end, `Metric field ${f}`);
        if (f === 1) m.name = s;
        else if (f === 2) m.description = s;
        else m.unit = s;
      } else if (f === 5 || f === 7 || f === 9 || f === 10 || f === 11) {
        m.data = this.sub(end, `Metric field ${f}`, w, (e) => this.data(f, e));
      } else return false;
      return true;
    });
    return m;
  }

  private data(kind: number, end: number): MetricData {
    const r = this.r;
    let temporality = 0;
    let monotonic = false;
    const points: unknown[] = [];
    this.each(end, (f, w) => {
      if (f === 1) {
        this.countPoint();
        points.push(this.sub(end, 'data_points', w, (e) => this.point(kind, e)));
      } else if (f === 2 && kind !== 5 && kind !== 11) {
        r.expect('aggregation_temporality', w, WIRE_VARINT);
        temporality = r.varint(end);
      } else if (f === 3 && kind === 7) {
        r.expect('Sum.is_monotonic', w, WIRE_VARINT);
        monotonic = r.varint(end) !== 0;
      } else return false;
      return true;
    });
    switch (kind) {
      case 5:
        return { kind: 'gauge', points: points as NumberPoint[] };
      case 7:
        return { kind: 'sum', points: points as NumberPoint[], temporality, monotonic };
      case 9:
        return { kind: 'histogram', points: points as HistogramPoint[], temporality };
      case 10:
        return {
          kind: 'exponential_histogram',
          points: points as ExpHistogramPoint[],
          temporality,
        };
      default:
        return { kind: 'summary', points: points as SummaryPoint[] };
    }
  }

  private countPoint(): void {
    if (++this.req.dataPoints > this.limits.maxDataPoints)
      throw tooLarge(`more than ${this.limits.maxDataPoints} data points in one request`);
  }

  private point(kind: number, end: number): unknown {
    switch (kind) {
      case 5:
      case 7:
        return this.numberPoint(end);
      case 9:
        return this.histogramPoint(end);
      case 10:
        return this.expPoint(end);
      default:
        return this.summaryPoint(end);
    }
  }

  /** Fields 2 and 3 (start/time) of every point type: fixed64 ns → ms. */
  private time(f: number, w: number, end: number, p: { start: number; time: number }): boolean {
    if (f !== 2 && f !== 3) return false;
    this.r.expect(f === 2 ? 'start_time_unix_nano' : 'time_unix_nano', w, WIRE_I64);
    const ms = this.r.nanosToMs(end);
    if (f === 2) p.start = ms;
    else p.time = ms;
    return true;
  }

  private numberPoint(end: number): NumberPoint {
    const r = this.r;
    const p: NumberPoint = { attributes: [], start: 0, time: 0, flags: 0, value: undefined };
    this.each(end, (f, w) => {
      if (this.time(f, w, end, p)) return true;
      if (f === 4) {
        r.expect('NumberDataPoint.as_double', w, WIRE_I64);
        p.value = r.double(end);
      } else if (f === 6) {
        r.expect('NumberDataPoint.as_int', w, WIRE_I64);
        p.value = r.sfixed64(end);
      } else if (f === 7) this.attr(end, w, p.attributes, 'NumberDataPoint.attributes');
      else if (f === 8) p.flags = this.flags(end, w);
      else if (f === 5) this.exemplar(end, w);
      else return false;
      return true;
    });
    return p;
  }

  private histogramPoint(end: number): HistogramPoint {
    const r = this.r;
    const p: HistogramPoint = {
      attributes: [],
      start: 0,
      time: 0,
      flags: 0,
      count: 0,
      sum: undefined,
      bucketCounts: [],
      bounds: [],
    };
    this.each(end, (f, w) => {
      if (this.time(f, w, end, p)) return true;
      if (f === 4) {
        r.expect('HistogramDataPoint.count', w, WIRE_I64);
        p.count = r.fixed64(end);
      } else if (f === 5) {
        r.expect('HistogramDataPoint.sum', w, WIRE_I64);
        p.sum = r.double(end);
      } else if (f === 6) this.repeated(end, w, WIRE_I64, p.bucketCounts, () => r.fixed64(end));
      else if (f === 7) this.repeated(end, w, WIRE_I64, p.bounds, () => r.double(end));
      else if (f === 9) this.attr(end, w, p.attributes, 'HistogramDataPoint.attributes');
      else if (f === 10) p.flags = this.flags(end, w);
      else if (f === 8) this.exemplar(end, w);
      else return false;
      return true;
    });
    return p;
  }

  private expPoint(end: number): ExpHistogramPoint {
    const r = this.r;
    const p: ExpHistogramPoint = {
      attributes: [],
      start: 0,
      time: 0,
      flags: 0,
      count: 0,
      sum: undefined,
      scale: 0,
      zeroCount: 0,
      zeroThreshold: 0,
      positive: { offset: 0, counts: [] },
      negative: { offset: 0, counts: [] },
    };
    this.each(end, (f, w) => {
      if (this.time(f, w, end, p)) return true;
      if (f === 4 || f === 7) {
        r.expect(f === 4 ? 'count' : 'zero_count', w, WIRE_I64);
        if (f === 4) p.count = r.fixed64(end);
        else p.zeroCount = r.fixed64(end);
      } else if (f === 5 || f === 14) {
        r.expect(f === 5 ? 'sum' : 'zero_threshold', w, WIRE_I64);
        if (f === 5) p.sum = r.double(end);
        else p.zeroThreshold = r.double(end);
      } else if (f === 6) {
        r.expect('ExponentialHistogramDataPoint.scale', w, WIRE_VARINT);
        p.scale = r.sint32(end);
      } else if (f === 8 || f === 9) {
        const b = this.sub(end, 'ExponentialHistogramDataPoint.Buckets', w, (e) => this.buckets(e));
        if (f === 8) p.positive = b;
        else p.negative = b;
      } else if (f === 1)
        this.attr(end, w, p.attributes, 'ExponentialHistogramDataPoint.attributes');
      else if (f === 10) p.flags = this.flags(end, w);
      else if (f === 11) this.exemplar(end, w);
      else return false;
      return true;
    });
    return p;
  }

  private buckets(end: number): Buckets {
    const r = this.r;
    const b: Buckets = { offset: 0, counts: [] };
    this.each(end, (f, w) => {
      if (f === 1) {
        r.expect('Buckets.offset', w, WIRE_VARINT);
        b.offset = r.sint32(end);
      } else if (f === 2) this.repeated(end, w, WIRE_VARINT, b.counts, () => r.varint(end));
      else return false;
      return true;
    });
    return b;
  }

  private summaryPoint(end: number): SummaryPoint {
    const r = this.r;
    const p: SummaryPoint = {
      attributes: [],
      start: 0,
      time: 0,
      flags: 0,
      count: 0,
      sum: 0,
      quantiles: [],
    };
    this.each(end, (f, w) => {
      if (this.time(f, w, end, p)) return true;
      if (f === 4) {
        r.expect('SummaryDataPoint.count', w, WIRE_I64);
        p.count = r.fixed64(end);
      } else if (f === 5) {
        r.expect('SummaryDataPoint.sum', w, WIRE_I64);
        p.sum = r.double(end);
      } else if (f === 6) {
        const q: [number, number] = [0, 0];
        this.sub(end, 'SummaryDataPoint.quantile_values', w, (e) =>
          this.each(e, (g, w2) => {
            if (g !== 1 && g !== 2) return false;
            r.expect('ValueAtQuantile field', w2, WIRE_I64);
            q[g - 1] = r.double(e);
            return true;
          }),
        );
        this.checkBuckets(p.quantiles.length + 1);
        p.quantiles.push(q);
      } else if (f === 7) this.attr(end, w, p.attributes, 'SummaryDataPoint.attributes');
      else if (f === 8) p.flags = this.flags(end, w);
      else return false;
      return true;
    });
    return p;
  }

  private flags(end: number, w: number): number {
    this.r.expect('flags', w, WIRE_VARINT);
    return this.r.varint(end);
  }

  private exemplar(end: number, w: number): void {
    this.r.expect('exemplars', w, WIRE_LEN);
    this.r.pos = this.r.lenEnd(end);
    this.req.exemplars++;
  }

  /** A repeated scalar, packed (LEN) or not; `read` reads one element. */
  private repeated(end: number, w: number, elem: number, out: number[], read: () => number): void {
    const r = this.r;
    if (w === elem) {
      out.push(read());
    } else {
      r.expect('repeated field', w, WIRE_LEN);
      const e = r.lenEnd(end);
      const save = r.pos;
      // Bound the element count before allocating: fixed-size elements are exact, varints ≥ 1 byte.
      const n = elem === WIRE_I64 ? (e - save) / 8 : e - save;
      this.checkBuckets(out.length + Math.ceil(n));
      while (r.pos < e) {
        out.push(this.within(e, read));
        this.checkBuckets(out.length);
      }
    }
    this.checkBuckets(out.length);
  }

  /** Runs a read bounded by a packed field's end (reads take `end` of the message). */
  private within(e: number, read: () => number): number {
    const before = this.r.pos;
    const v = read();
    if (this.r.pos > e) throw malformed(`packed element at byte ${before} runs past its field`);
    return v;
  }

  private checkBuckets(n: number): void {
    if (n > this.limits.maxBucketsPerPoint)
      throw new OtlpError(
        400,
        'malformed',
        `cannot decode OTLP metrics request: a data point has more than ${this.limits.maxBucketsPerPoint} buckets or quantiles`,
      );
  }

  /** One KeyValue into `out`, its value rendered as a string. */
  private attr(end: number, w: number, out: Attrs, what: string): void {
    if (out.length >= this.limits.maxAttributes)
      throw malformed(`${what}: more than ${this.limits.maxAttributes} attributes`);
    let key = '';
    let value = '';
    this.sub(end, what, w, (e) =>
      this.each(e, (f, w2) => {
        if (f === 1) {
          this.r.expect('KeyValue.key', w2, WIRE_LEN);
          key = this.r.string(e, 'attribute key');
        } else if (f === 2) value = this.sub(e, 'KeyValue.value', w2, (ve) => this.anyValue(ve, 0));
        else return false;
        return true;
      }),
    );
    out.push([key, value]);
  }

  /**
   * An AnyValue rendered as Prometheus renders attribute values: strings as they are, numbers
   * and booleans in decimal, bytes base64, arrays and maps as JSON.
   */
  private anyValue(end: number, depth: number): string {
    const v = this.anyJson(end, depth);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    return v === null ? '' : JSON.stringify(v);
  }

  /** AnyValue as a JSON-able value (int64 beyond 2^53 as a decimal string). */
  private anyJson(end: number, depth: number): unknown {
    const r = this.r;
    let v: unknown = null;
    this.each(end, (f, w) => {
      switch (f) {
        case 1:
          r.expect('AnyValue.string_value', w, WIRE_LEN);
          v = r.string(end, 'string attribute value');
          return true;
        case 2:
          r.expect('AnyValue.bool_value', w, WIRE_VARINT);
          v = r.varint(end) !== 0;
          return true;
        case 3: {
          r.expect('AnyValue.int_value', w, WIRE_VARINT);
          const n = r.int64Big(end);
          v = n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n.toString();
          return true;
        }
        case 4:
          r.expect('AnyValue.double_value', w, WIRE_I64);
          v = r.double(end);
          return true;
        case 5:
        case 6: {
          const list: unknown[] = [];
          const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" keys stay data
          this.sub(end, 'AnyValue array/kvlist', w, (e) =>
            this.each(e, (g, w2) => {
              if (g !== 1) return false;
              if (f === 5)
                list.push(
                  this.sub(e, 'ArrayValue.values', w2, (ve) => this.anyJson(ve, depth + 1)),
                );
              else {
                const kv: Attrs = [];
                this.attrNested(e, w2, kv, depth + 1);
                obj[kv[0][0]] = kv[0][1];
              }
              return true;
            }),
          );
          v = f === 5 ? list : obj;
          return true;
        }
        case 7:
          r.expect('AnyValue.bytes_value', w, WIRE_LEN);
          v = Buffer.from(r.bytes(end)).toString('base64');
          return true;
        case 8:
          if (w !== WIRE_I32 && w !== WIRE_VARINT) return false;
          throw malformed('AnyValue.string_value_strindex (profiles dictionary) is not supported');
        default:
          return false;
      }
    });
    return v;
  }

  private attrNested(end: number, w: number, out: Attrs, depth: number): void {
    let key = '';
    let value: unknown = null;
    this.sub(end, 'KeyValueList.values', w, (e) =>
      this.each(e, (f, w2) => {
        if (f === 1) {
          this.r.expect('KeyValue.key', w2, WIRE_LEN);
          key = this.r.string(e, 'attribute key');
        } else if (f === 2)
          value = this.sub(e, 'KeyValue.value', w2, (ve) => this.anyJson(ve, depth));
        else return false;
        return true;
      }),
    );
    out.push([key, value as string]);
  }
}
