/**
 * Readers for the messages of `io.prometheus.client` (metrics.proto, the protobuf exposition
 * format) into plain objects. Unknown fields are skipped (forward compatibility, as protobuf
 * wants); known fields with the wrong wire type fail.
 */
import { type ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js';

export interface PExemplar {
  labels: [string, string][];
  value: number;
  timestampMs?: number;
}

export interface PBucket {
  count: number;
  countFloat: number;
  upper: number;
  exemplar?: PExemplar;
}

export interface PHistogram {
  count: number;
  countFloat: number;
  sum: number;
  buckets: PBucket[];
  /** Any native-histogram field (schema, zero bucket, spans, deltas, counts) was set. */
  native: boolean;
}

export interface PSummary {
  count: number;
  sum: number;
  quantiles: [number, number][];
}

export interface PMetric {
  /** Byte offset of the message (for errors). */
  at: number;
  labels: [string, string][];
  gauge?: number;
  counter?: { value: number; exemplar?: PExemplar };
  summary?: PSummary;
  untyped?: number;
  histogram?: PHistogram;
  timestampMs: number;
}

/** Calls `field(number, wire, at)` for each field of the message ending at `end`. */
function fields(r: ProtoReader, end: number, field: (f: number, w: number, at: number) => void) {
  while (r.pos < end) {
    const at = r.pos;
    const [f, w] = r.tag(end);
    field(f, w, at);
  }
}

/** A message with one double at field 1 (Gauge, Untyped; Counter reads more). */
function singleDouble(r: ProtoReader, end: number, what: string): number {
  let v = 0;
  fields(r, end, (f, w, at) => {
    if (f === 1) {
      r.expect(`${what}.value`, w, WIRE_I64, at);
      v = r.double(end);
    } else r.skip(w, end);
  });
  return v;
}

function labelPair(r: ProtoReader, end: number): [string, string] {
  let name = '';
  let value = '';
  fields(r, end, (f, w, at) => {
    if (f === 1 || f === 2) {
      r.expect(f === 1 ? 'LabelPair.name' : 'LabelPair.value', w, WIRE_LEN, at);
      if (f === 1) name = r.string(end, 'a label name');
      else value = r.string(end, `the value of label "${name}"`);
    } else r.skip(w, end);
  });
  return [name, value];
}

function timestampMs(r: ProtoReader, end: number): number {
  let s = 0;
  let ns = 0;
  fields(r, end, (f, w, at) => {
    if (f === 1) {
      r.expect('Timestamp.seconds', w, WIRE_VARINT, at);
      s = r.int64(end);
    } else if (f === 2) {
      r.expect('Timestamp.nanos', w, WIRE_VARINT, at);
      ns = r.int64(end) | 0;
    } else r.skip(w, end);
  });
  return s * 1000 + Math.floor(ns / 1e6);
}

function exemplar(r: ProtoReader, end: number): PExemplar {
  const ex: PExemplar = { labels: [], value: 0 };
  fields(r, end, (f, w, at) => {
    if (f === 1) {
      r.expect('Exemplar.label', w, WIRE_LEN, at);
      ex.labels.push(labelPair(r, r.lenEnd(end)));
    } else if (f === 2) {
      r.expect('Exemplar.value', w, WIRE_I64, at);
      ex.value = r.double(end);
    } else if (f === 3) {
      r.expect('Exemplar.timestamp', w, WIRE_LEN, at);
      ex.timestampMs = timestampMs(r, r.lenEnd(end));
    } else r.skip(w, end);
  });
  return ex;
}

function counter(r: ProtoReader, end: number): { value: number; exemplar?: PExemplar } {
  const c: { value: number; exemplar?: PExemplar } = { value: 0 };
  fields(r, end, (f, w, at) => {
    if (f === 1) {
      r.expect('Counter.value', w, WIRE_I64, at);
      c.value = r.double(end);
    } else if (f === 2) {
      r.expect('Counter.exemplar', w, WIRE_LEN, at);
      c.exemplar = exemplar(r, r.lenEnd(end));
    } else r.skip(w, end);
  });
  return c;
}

function summary(r: ProtoReader, end: number): PSummary {
  const s: PSummary = { count: 0, sum: 0, quantiles: [] };
  fields(r, end, (f, w, at) => {
    if (f === 1) {
      r.expect('Summary.sample_count', w, WIRE_VARINT, at);
      s.count = r.varint(end);
    } else if (f === 2) {
      r.expect('Summary.sample_sum', w, WIRE_I64, at);
      s.sum = r.double(end);
    } else if (f === 3) {
      r.expect('Summary.quantile', w, WIRE_LEN, at);
      const qe = r.lenEnd(end);
      const q: [number, number] = [0, 0];
      fields(r, qe, (qf, qw, qat) => {
        if (qf === 1 || qf === 2) {
          r.expect(qf === 1 ? 'Quantile.quantile' : 'Quantile.value', qw, WIRE_I64, qat);
          q[qf - 1] = r.double(qe);
        } else r.skip(qw, qe);
      });
      s.quantiles.push(q);
    } else r.skip(w, end);
  });
  return s;
}

function bucket(r: ProtoReader, end: number): PBucket {
  const b: PBucket = { count: 0, countFloat: 0, upper: 0 };
  fields(r, end, (f, w, at) => {
    if (f === 1) {
      r.expect('Bucket.cumulative_count', w, WIRE_VARINT, at);
      b.count = r.varint(end);
    } else if (f === 2 || f === 4) {
      r.expect(f === 2 ? 'Bucket.upper_bound' : 'Bucket.cumulative_count_float', w, WIRE_I64, at);
      if (f === 2) b.upper = r.double(end);
      else b.countFloat = r.double(end);
    } else if (f === 3) {
      r.expect('Bucket.exemplar', w, WIRE_LEN, at);
      b.exemplar = exemplar(r, r.lenEnd(end));
    } else r.skip(w, end);
  });
  return b;
}

function histogram(r: ProtoReader, end: number): PHistogram {
  const h: PHistogram = { count: 0, countFloat: 0, sum: 0, buckets: [], native: false };
  fields(r, end, (f, w, at) => {
    switch (f) {
      case 1:
        r.expect('Histogram.sample_count', w, WIRE_VARINT, at);
        h.count = r.varint(end);
        return;
      case 2:
      case 4:
        r.expect(
          f === 2 ? 'Histogram.sample_sum' : 'Histogram.sample_count_float',
          w,
          WIRE_I64,
          at,
        );
        if (f === 2) h.sum = r.double(end);
        else h.countFloat = r.double(end);
        return;
      case 3:
        r.expect('Histogram.bucket', w, WIRE_LEN, at);
        h.buckets.push(bucket(r, r.lenEnd(end)));
        return;
      case 5: // schema
      case 7: // zero_count
        r.expect(f === 5 ? 'Histogram.schema' : 'Histogram.zero_count', w, WIRE_VARINT, at);
        if (r.varint(end) !== 0) h.native = true;
        return;
      case 6: // zero_threshold
      case 8: // zero_count_float
        r.expect(
          f === 6 ? 'Histogram.zero_threshold' : 'Histogram.zero_count_float',
          w,
          WIRE_I64,
          at,
        );
        if (r.double(end) !== 0) h.native = true;
        return;
      default:
        // 9–14: spans, deltas and counts (packed or not): their presence alone marks a native
        // histogram (a no-op span is how an empty one is told from a classic one).
        if (f >= 9 && f <= 14) h.native = true;
        r.skip(w, end);
    }
  });
  return h;
}

/** Reads one Metric message ending at `end`. */
export function readMetric(r: ProtoReader, end: number): PMetric {
  const m: PMetric = { at: r.pos, labels: [], timestampMs: 0 };
  fields(r, end, (f, w, at) => {
    if (f === 6) {
      r.expect('Metric.timestamp_ms', w, WIRE_VARINT, at);
      m.timestampMs = r.int64(end);
      return;
    }
    if (f < 1 || f > 7) return r.skip(w, end);
    r.expect(METRIC_FIELDS[f], w, WIRE_LEN, at);
    const e = r.lenEnd(end);
    if (f === 1) m.labels.push(labelPair(r, e));
    else if (f === 2) m.gauge = singleDouble(r, e, 'Gauge');
    else if (f === 3) m.counter = counter(r, e);
    else if (f === 4) m.summary = summary(r, e);
    else if (f === 5) m.untyped = singleDouble(r, e, 'Untyped');
    else m.histogram = histogram(r, e);
  });
  return m;
}

const METRIC_FIELDS = [
  '',
  'Metric.label',
  'Metric.gauge',
  'Metric.counter',
  'Metric.summary',
  'Metric.untyped',
  'Metric.timestamp_ms',
  'Metric.histogram',
];
