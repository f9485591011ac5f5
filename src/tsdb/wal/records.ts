/**
 * WAL record payloads written by the head (spec: docs/format/wal.md). Each starts with a type
 * byte. Decoders are the restart hot path: no per-sample objects, bound-checked reads, and any
 * malformed input throws WalCorruptionError.
 */
import { InvalidLabelsError, Labels } from '../../model/index.js';
import { WalCorruptionError, WalUsageError } from './errors.js';
import { ByteReader, MAX_VARINT_LEN, putUvarint, zigzag } from './varint.js';

export const RecordType = { Series: 1, Samples: 2, Metadata: 3 } as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export interface SeriesEntry {
  ref: number;
  labels: Labels;
}

export interface MetadataEntry {
  metric: string;
  type: string;
  help: string;
  unit: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The record's type byte (one of RecordType, or unknown to this version). */
export function recordType(rec: Uint8Array): number {
  if (rec.length === 0)
    throw new WalCorruptionError('cannot read WAL record type: record is empty');
  return rec[0];
}

/** Growable output buffer for the string-bearing records (not a hot path). */
class Out {
  buf: Uint8Array;
  pos = 0;

  constructor(cap: number) {
    this.buf = new Uint8Array(cap);
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  uvarint(v: number): void {
    this.reserve(MAX_VARINT_LEN);
    this.pos = putUvarint(this.buf, this.pos, v);
  }

  string(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(MAX_VARINT_LEN + s.length * 3);
    const lenPos = this.pos;
    const { written } = encoder.encodeInto(s, this.buf.subarray(lenPos + MAX_VARINT_LEN));
    const end = putUvarint(this.buf, lenPos, written);
    this.buf.copyWithin(end, lenPos + MAX_VARINT_LEN, lenPos + MAX_VARINT_LEN + written);
    this.pos = end + written;
  }

  done(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Series: type | count | (ref | nLabels | (name | value)*)*, strings as uvarint length + UTF-8. */
export function encodeSeries(entries: readonly SeriesEntry[]): Uint8Array {
  const out = new Out(64 + entries.length * 128);
  out.buf[out.pos++] = RecordType.Series;
  out.uvarint(entries.length);
  for (const e of entries) {
    checkUint(e.ref, 'series ref');
    out.uvarint(e.ref);
    const flat = e.labels.flat;
    out.uvarint(flat.length >> 1);
    for (const s of flat) out.string(s);
  }
  return out.done();
}

/** Calls `sink` per series, in record order. */
export function decodeSeries(rec: Uint8Array, sink: (ref: number, labels: Labels) => void): void {
  const r = reader(rec, RecordType.Series);
  const n = r.uvarint();
  // Each entry takes at least 2 bytes: a cheap bound before looping on a corrupt count.
  if (n > r.left / 2) throw r.corrupt(`series count ${n} exceeds record size`);
  for (let i = 0; i < n; i++) {
    const ref = r.uvarint();
    const pairs = r.uvarint();
    if (pairs > r.left / 4) throw r.corrupt(`label count ${pairs} exceeds record size`);
    const flat = new Array<string>(pairs * 2);
    for (let j = 0; j < flat.length; j++) flat[j] = readString(r);
    let labels: Labels;
    try {
      labels = Labels.fromSortedFlat(flat);
    } catch (err) {
      if (!(err instanceof InvalidLabelsError)) throw err;
      throw new WalCorruptionError(`cannot decode WAL series ref ${ref}: ${err.message}`, {
        cause: err,
      });
    }
    sink(ref, labels);
  }
  end(r);
}

/**
 * Samples: type | n | baseRef | baseT (zigzag) | n × (ref-baseRef zigzag | t-baseT zigzag |
 * value f64 LE). Values are copied bit-exact (stale NaN survives).
 */
export function encodeSamples(
  refs: ArrayLike<number>,
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  n: number,
): Uint8Array {
  if (!(n >= 0 && n <= refs.length && n <= ts.length && n <= vs.length) || !Number.isInteger(n)) {
    throw new WalUsageError(
      `cannot encode WAL samples: n=${n} for arrays of ${refs.length}/${ts.length}/${vs.length}`,
    );
  }
  const buf = new Uint8Array(1 + 3 * MAX_VARINT_LEN + n * (2 * MAX_VARINT_LEN + 8));
  const dv = new DataView(buf.buffer);
  buf[0] = RecordType.Samples;
  let p = putUvarint(buf, 1, n);
  if (n === 0) return buf.subarray(0, p);
  const baseRef = refs[0];
  const baseT = ts[0];
  checkUint(baseRef, 'series ref');
  checkInt(baseT, 'timestamp');
  p = putUvarint(buf, p, baseRef);
  p = putUvarint(buf, p, zigzag(baseT));
  for (let i = 0; i < n; i++) {
    const ref = refs[i];
    const t = ts[i];
    if (!(ref >= 0 && ref < LIMIT) || ref % 1 !== 0) checkUint(ref, 'series ref');
    if (!(t > -LIMIT && t < LIMIT) || t % 1 !== 0) checkInt(t, 'timestamp');
    const dr = ref - baseRef;
    const dt = t - baseT;
    p = dr >= 0 && dr < 64 ? ((buf[p] = dr * 2), p + 1) : putUvarint(buf, p, zigzag(dr));
    p = dt >= 0 && dt < 64 ? ((buf[p] = dt * 2), p + 1) : putUvarint(buf, p, zigzag(dt));
    dv.setFloat64(p, vs[i], true);
    p += 8;
  }
  return buf.subarray(0, p);
}

/** Number of samples in a Samples record (to size typed arrays before decodeSamplesInto). */
export function sampleCount(rec: Uint8Array): number {
  return reader(rec, RecordType.Samples).uvarint();
}

/** Calls `sink(ref, t, v)` per sample, in record order. */
export function decodeSamples(
  rec: Uint8Array,
  sink: (ref: number, t: number, v: number) => void,
): void {
  const r = reader(rec, RecordType.Samples);
  const n = r.uvarint();
  if (n === 0) return end(r);
  if (n > r.left / 10) throw r.corrupt(`sample count ${n} exceeds record size`);
  const baseRef = r.uvarint();
  const baseT = r.varint();
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  for (let i = 0; i < n; i++) {
    const ref = baseRef + r.varint();
    const t = baseT + r.varint();
    if (r.pos + 8 > r.end) throw r.corrupt('sample value past end of record');
    const v = dv.getFloat64(r.pos, true);
    r.pos += 8;
    sink(ref, t, v);
  }
  end(r);
}

/** Decodes into caller-owned arrays (each at least sampleCount(rec) long); returns the count. */
export function decodeSamplesInto(
  rec: Uint8Array,
  refs: { [i: number]: number; length: number },
  ts: { [i: number]: number; length: number },
  vs: { [i: number]: number; length: number },
): number {
  const r = reader(rec, RecordType.Samples);
  const n = r.uvarint();
  if (n === 0) {
    end(r);
    return 0;
  }
  if (n > r.left / 10) throw r.corrupt(`sample count ${n} exceeds record size`);
  if (refs.length < n || ts.length < n || vs.length < n) {
    throw new WalUsageError(
      `cannot decode WAL samples: ${n} samples, arrays hold ${refs.length}/${ts.length}/${vs.length}`,
    );
  }
  const baseRef = r.uvarint();
  const baseT = r.varint();
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  for (let i = 0; i < n; i++) {
    refs[i] = baseRef + r.varint();
    ts[i] = baseT + r.varint();
    if (r.pos + 8 > r.end) throw r.corrupt('sample value past end of record');
    vs[i] = dv.getFloat64(r.pos, true);
    r.pos += 8;
  }
  end(r);
  return n;
}

/** Metadata: type | count | (metric | type | help | unit)*, strings as uvarint length + UTF-8. */
export function encodeMetadata(entries: readonly MetadataEntry[]): Uint8Array {
  const out = new Out(64 + entries.length * 96);
  out.buf[out.pos++] = RecordType.Metadata;
  out.uvarint(entries.length);
  for (const e of entries) {
    out.string(e.metric);
    out.string(e.type);
    out.string(e.help);
    out.string(e.unit);
  }
  return out.done();
}

export function decodeMetadata(rec: Uint8Array): MetadataEntry[] {
  const r = reader(rec, RecordType.Metadata);
  const n = r.uvarint();
  if (n > r.left / 4) throw r.corrupt(`metadata count ${n} exceeds record size`);
  const out: MetadataEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      metric: readString(r),
      type: readString(r),
      help: readString(r),
      unit: readString(r),
    });
  }
  end(r);
  return out;
}

function reader(rec: Uint8Array, want: RecordType): ByteReader {
  const t = recordType(rec);
  if (t !== want) throw new WalCorruptionError(`cannot decode WAL record: type ${t}, want ${want}`);
  return new ByteReader(rec, 1, rec.length);
}

function end(r: ByteReader): void {
  if (r.pos !== r.end) throw r.corrupt(`${r.end - r.pos} trailing bytes`);
}

function readString(r: ByteReader): string {
  const len = r.uvarint();
  if (len > r.left) throw r.corrupt(`string of ${len} bytes past end of record`);
  const start = r.pos;
  r.pos += len;
  const b = r.buf;
  // ASCII fast path: most label names and values; TextDecoder has a high per-call cost.
  if (len <= 32) {
    let s = '';
    for (let i = start; i < start + len; i++) {
      const c = b[i];
      if (c >= 0x80) return utf8(r, start, len);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8(r, start, len);
}

function utf8(r: ByteReader, start: number, len: number): string {
  try {
    return decoder.decode(r.buf.subarray(start, start + len));
  } catch (err) {
    throw new WalCorruptionError(`cannot decode WAL record: invalid UTF-8 at offset ${start}`, {
      cause: err,
    });
  }
}

// Refs and timestamps stay below 2^51 in magnitude so that their deltas, zigzagged, stay exact.
const LIMIT = 2 ** 51;

function checkUint(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v >= LIMIT) {
    throw new WalUsageError(`cannot encode WAL ${what}: got ${v}, want an integer in [0, 2^51)`);
  }
}

function checkInt(v: number, what: string): void {
  if (!Number.isInteger(v) || Math.abs(v) >= LIMIT) {
    throw new WalUsageError(
      `cannot encode WAL ${what}: got ${v}, want an integer in (-2^51, 2^51)`,
    );
  }
}
