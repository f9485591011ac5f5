import { BugError } from '../../util/index.js';
import type { MetricType } from '../../storage/index.js';

/** One series of a WriteRequest to encode. */
export interface EncodeSeries {
  labels: readonly (readonly [string, string])[];
  samples: readonly { t: number; v: number }[];
}

/** One metric-metadata entry of a WriteRequest to encode. */
export interface EncodeMetadata {
  metric: string;
  type: MetricType;
  help?: string;
  unit?: string;
}

/** MetricMetadata.MetricType enum numbers in types.proto. */
export const METRIC_TYPE_NUMBERS: Readonly<Record<MetricType, number>> = {
  unknown: 0,
  counter: 1,
  gauge: 2,
  histogram: 3,
  gaugehistogram: 4,
  summary: 5,
  info: 6,
  stateset: 7,
};

/** Bytes a varint of the non-negative or negative (10-byte two's complement) integer `n` takes. */
export function varintSize(n: number): number {
  if (n < 0) return 10;
  let s = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    s++;
  }
  return s;
}

function strFieldSize(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  return 1 + varintSize(n) + n;
}

function labelSize(name: string, value: string): number {
  return strFieldSize(name) + strFieldSize(value);
}

function sampleSize(t: number): number {
  return 9 + 1 + varintSize(t);
}

/**
 * Encodes a remote_write 1.0 `WriteRequest` (uncompressed protobuf; callers snappy it).
 * Sizes are computed first so the output is written once into one exact-size buffer.
 * Timestamps are integer milliseconds (negative ones are encoded as int64 two's complement).
 */
export function encodeWriteRequest(
  series: readonly EncodeSeries[],
  metadata: readonly EncodeMetadata[] = [],
): Uint8Array {
  let total = 0;
  const tsSizes = new Array<number>(series.length);
  for (let i = 0; i < series.length; i++) {
    const s = series[i];
    let n = 0;
    for (const [name, value] of s.labels) {
      const l = labelSize(name, value);
      n += 1 + varintSize(l) + l;
    }
    for (const smp of s.samples) {
      const l = sampleSize(smp.t);
      n += 1 + varintSize(l) + l;
    }
    tsSizes[i] = n;
    total += 1 + varintSize(n) + n;
  }
  const mdSizes = new Array<number>(metadata.length);
  for (let i = 0; i < metadata.length; i++) {
    const m = metadata[i];
    const n =
      1 +
      varintSize(METRIC_TYPE_NUMBERS[m.type]) +
      strFieldSize(m.metric) +
      strFieldSize(m.help ?? '') +
      strFieldSize(m.unit ?? '');
    mdSizes[i] = n;
    total += 1 + varintSize(n) + n;
  }

  const w = new Writer(Buffer.allocUnsafe(total));
  for (let i = 0; i < series.length; i++) {
    const s = series[i];
    w.tag(1, 2);
    w.varint(tsSizes[i]);
    for (const [name, value] of s.labels) {
      w.tag(1, 2);
      w.varint(labelSize(name, value));
      w.string(1, name);
      w.string(2, value);
    }
    for (const smp of s.samples) {
      w.tag(2, 2);
      w.varint(sampleSize(smp.t));
      w.tag(1, 1);
      w.double(smp.v);
      w.tag(2, 0);
      w.varint(smp.t);
    }
  }
  for (let i = 0; i < metadata.length; i++) {
    const m = metadata[i];
    w.tag(3, 2);
    w.varint(mdSizes[i]);
    w.tag(1, 0);
    w.varint(METRIC_TYPE_NUMBERS[m.type]);
    w.string(2, m.metric);
    w.string(4, m.help ?? '');
    w.string(5, m.unit ?? '');
  }
  if (w.pos !== total) throw new BugError(`encoded ${w.pos} bytes, computed ${total}`);
  return w.buf;
}

/** Minimal protobuf writer over a pre-sized Buffer. */
class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  varint(n: number): void {
    const b = this.buf;
    if (n < 0) {
      // int64 two's complement over 10 bytes: split into 32-bit halves of 2^64 + n.
      const hi = Math.floor(n / 4294967296);
      let lo = n - hi * 4294967296;
      let h = hi >>> 0;
      for (let i = 0; i < 9; i++) {
        b[this.pos++] = (lo & 0x7f) | 0x80;
        lo = (lo >>> 7) | ((h & 0x7f) << 25);
        h >>>= 7;
      }
      b[this.pos++] = lo & 0x01;
      return;
    }
    while (n >= 128) {
      b[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    b[this.pos++] = n;
  }

  double(v: number): void {
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(field: number, s: string): void {
    this.tag(field, 2);
    const n = Buffer.byteLength(s, 'utf8');
    this.varint(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }
}
