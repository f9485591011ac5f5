/**
 * The protobuf exposition format: a sequence of varint-length-delimited
 * `io.prometheus.client.MetricFamily` messages (client_golang's push default). Decoded straight
 * from the wire into the samples and metadata `parseBody` gives for the text format, mapped as
 * Prometheus's protobuf parser and expfmt do. Format notes: docs/format/exposition.md.
 */
import { InvalidLabelsError, Labels, METRIC_NAME } from '../model/index.js';
import type { ParsedBody } from './collect.js';
import { type PExemplar, type PMetric, readMetric } from './proto-messages.js';
import {
  ProtoExpositionError,
  ProtoExpositionLimitError,
  ProtoReader,
  WIRE_LEN,
  WIRE_VARINT,
} from './proto-reader.js';
import type { Exemplar, MetricType, ParseLimits, Sample } from './types.js';

/** The Content-Type of the delimited protobuf format (what client_golang's push sends). */
export const PROTO_DELIMITED_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** MetricType enum values of metrics.proto, in order. */
const TYPES: readonly MetricType[] = [
  'counter',
  'gauge',
  'summary',
  'unknown', // UNTYPED
  'histogram',
  'gaugehistogram',
];

type Limits = Pick<
  ParseLimits,
  'maxLabels' | 'maxLabelNameLength' | 'maxLabelValueLength' | 'maxSamples'
>;

/**
 * Decodes a delimited protobuf body. Limits default to none (0), like ParseLimits. Throws
 * ProtoExpositionError (an ExpositionError) naming the problem and its byte offset, or
 * ProtoExpositionLimitError; nothing else, whatever the bytes.
 */
export function decodeMetricFamilies(buf: Uint8Array, limits: Partial<Limits> = {}): ParsedBody {
  const lim: Limits = {
    maxLabels: 0,
    maxLabelNameLength: 0,
    maxLabelValueLength: 0,
    maxSamples: 0,
    ...limits,
  };
  const out: ParsedBody = { samples: [], metadata: [] };
  const r = new ProtoReader(buf);
  while (r.pos < buf.length) {
    r.ctx = '';
    const end = r.lenEnd(buf.length);
    family(r, end, lim, out);
  }
  return out;
}

function family(r: ProtoReader, end: number, lim: Limits, out: ParsedBody): void {
  const start = r.pos;
  let name = '';
  let help = '';
  let unit = '';
  let typeNum = 0;
  const metrics: [number, number][] = []; // [start, end]: decoded once the name and type are known
  while (r.pos < end) {
    const at = r.pos;
    const [f, w] = r.tag(end);
    if (f === 1 || f === 2 || f === 5) {
      r.expect(
        ['', 'MetricFamily.name', 'MetricFamily.help', '', '', 'MetricFamily.unit'][f],
        w,
        WIRE_LEN,
        at,
      );
      if (f === 1) name = r.string(end, 'the metric family name');
      else if (f === 2) help = r.string(end, 'the HELP text');
      else unit = r.string(end, 'the unit');
    } else if (f === 3) {
      r.expect('MetricFamily.type', w, WIRE_VARINT, at);
      typeNum = r.varint(end);
    } else if (f === 4) {
      r.expect('MetricFamily.metric', w, WIRE_LEN, at);
      const e = r.lenEnd(end);
      metrics.push([r.pos, e]);
      r.pos = e;
    } else r.skip(w, end);
  }
  if (name === '') r.fail('a metric family has no name', start);
  r.ctx = `metric family ${JSON.stringify(name)}`;
  const type = TYPES[typeNum] as MetricType | undefined;
  if (type === undefined) r.fail(`unknown metric type ${typeNum}, want 0..5`, start);
  out.metadata.push({ name, type, help, unit });
  for (const [s, e] of metrics) {
    r.pos = s;
    const m = readMetric(r, e);
    new Emitter(r, name, m, lim, out).emit(type);
  }
  r.pos = end;
}

/** Builds the samples of one Metric (checked against the limits) into `out`. */
class Emitter {
  constructor(
    private readonly r: ProtoReader,
    private readonly name: string,
    private readonly m: PMetric,
    private readonly lim: Limits,
    private readonly out: ParsedBody,
  ) {
    if (lim.maxLabels > 0 && m.labels.length > lim.maxLabels)
      this.limit(`${m.labels.length} labels on one metric, over the limit of ${lim.maxLabels}`);
    for (const [n, v] of m.labels) {
      if (n === '') r.fail('a label has an empty name', m.at);
      if (n === METRIC_NAME)
        r.fail(`label name "${METRIC_NAME}" is reserved for the metric name`, m.at);
      if (lim.maxLabelNameLength > 0 && Buffer.byteLength(n) > lim.maxLabelNameLength)
        this.limit(`label name "${n}" is over the length limit of ${lim.maxLabelNameLength}`);
      if (lim.maxLabelValueLength > 0 && Buffer.byteLength(v) > lim.maxLabelValueLength)
        this.limit(
          `the value of label "${n}" is over the length limit of ${lim.maxLabelValueLength}`,
        );
    }
  }

  emit(type: MetricType): void {
    const { m, name } = this;
    switch (type) {
      case 'counter':
        return this.add(name, m.counter?.value ?? 0, undefined, m.counter?.exemplar);
      case 'gauge':
        return this.add(name, m.gauge ?? 0);
      case 'summary': {
        const s = m.summary ?? { count: 0, sum: 0, quantiles: [] };
        for (const [q, v] of s.quantiles) this.add(name, v, ['quantile', formatFloat(q)]);
        this.add(`${name}_sum`, s.sum);
        return this.add(`${name}_count`, s.count);
      }
      case 'histogram':
      case 'gaugehistogram': {
        const h = m.histogram ?? { count: 0, countFloat: 0, sum: 0, buckets: [], native: false };
        // A family with classic buckets too is read as classic; the native part is ignored.
        if (h.native && h.buckets.length === 0)
          this.r.fail(
            'native histograms are not supported yet (no classic buckets to fall back on)',
            m.at,
          );
        const count = h.countFloat > 0 ? h.countFloat : h.count;
        let inf = false;
        for (const b of h.buckets) {
          if (b.upper === Infinity) inf = true;
          const c = b.countFloat > 0 ? b.countFloat : b.count;
          this.add(`${name}_bucket`, c, ['le', formatFloat(b.upper)], b.exemplar);
        }
        if (!inf) this.add(`${name}_bucket`, count, ['le', '+Inf']);
        this.add(`${name}_sum`, h.sum);
        return this.add(`${name}_count`, count);
      }
      default:
        return this.add(name, m.untyped ?? 0);
    }
  }

  private add(sampleName: string, value: number, extra?: [string, string], ex?: PExemplar): void {
    const { lim, out, m } = this;
    if (lim.maxSamples > 0 && out.samples.length >= lim.maxSamples)
      this.limit(`more than ${lim.maxSamples} samples`);
    const pairs: [string, string][] = [[METRIC_NAME, sampleName], ...m.labels];
    if (extra !== undefined) pairs.push(extra);
    const s: Sample = { name: sampleName, labels: this.labels(pairs), value };
    if (m.timestampMs !== 0) s.timestampMs = m.timestampMs;
    if (ex !== undefined) {
      const e: Exemplar = { labels: this.labels(ex.labels), value: ex.value };
      if (ex.timestampMs !== undefined) e.timestampMs = ex.timestampMs;
      s.exemplar = e;
    }
    out.samples.push(s);
  }

  private labels(pairs: [string, string][]): Labels {
    try {
      return Labels.fromPairs(pairs);
    } catch (err) {
      if (err instanceof InvalidLabelsError) return this.r.fail(err.message, this.m.at, err);
      throw err;
    }
  }

  private limit(reason: string): never {
    throw new ProtoExpositionLimitError(this.m.at, `${this.r.ctx}: ${reason}`);
  }
}

/**
 * A float as Go's `strconv.FormatFloat(v, 'g', -1, 64)` writes it (expfmt's `le` and
 * `quantile` values), so a protobuf push names the same series as the text push of the same
 * registry: `0.005`, `1`, `2.5e-05`, `1e+06`, `+Inf`.
 */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, e] = v.toExponential().split('e');
  const exp = Number(e);
  // Go's shortest 'g' uses the exponent form below 1e-4 and from 1e6 (its precision 6).
  if (exp < -4 || exp >= 6) return goExp(mant, exp);
  return String(v);
}

function goExp(mant: string, exp: number): string {
  const a = Math.abs(exp);
  return `${mant}e${exp < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
}

export { ProtoExpositionError, ProtoExpositionLimitError };
