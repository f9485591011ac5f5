import { brotliCompressSync, brotliDecompressSync, constants as Z } from 'node:zlib';
import { ArgusError } from '../util/index.js';
import type { ChunkData } from './types.js';

/**
 * The q4 chunk format (sealing; docs/format/logs-chunk.md) and the byte helpers the columnar
 * format shares with it: LEB128 varints, the delta-of-delta timestamp column, the fields section.
 */

export const FORMAT_Q4 = 1;
export const FORMAT_COLUMNAR = 2;
const VERSION = 1;

/** The chunk's bytes are not a chunk this code can read (damaged, truncated, unknown format). */
export class ChunkCorruptionError extends ArgusError {}

type Fields = ChunkData['fields'][number];

/** A growable byte buffer. */
export class ByteWriter {
  buf: Buffer;
  len = 0;
  constructor(size = 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }
  /** Unsigned LEB128 of a safe non-negative integer. */
  uvarint(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }
  /** Zig-zag LEB128 of any bigint (unbounded: 64-bit values take ≤ 10 bytes). */
  varintBig(v: bigint): void {
    let z = v >= 0n ? v << 1n : (-v << 1n) - 1n;
    if (z <= 0x1fffffffffffffn) return this.uvarint(Number(z));
    this.room(20);
    while (z >= 0x80n) {
      this.buf[this.len++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.len++] = Number(z);
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** uvarint byte length + UTF-8. */
  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.uvarint(n);
    this.room(n);
    this.len += this.buf.write(s, this.len, 'utf8');
  }
  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** A bounds-checked reader: every overrun is a `ChunkCorruptionError` naming `what`. */
export class ByteReader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    readonly what: string,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
  }
  fail(msg: string): never {
    throw new ChunkCorruptionError(`cannot decode log chunk ${this.what}: ${msg}`);
  }
  byte(): number {
    if (this.pos >= this.end) this.fail(`truncated at byte ${this.pos}`);
    return this.buf[this.pos++];
  }
  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 0x80;
      if (mul > 2 ** 49) this.fail(`varint at byte ${this.pos} longer than 8 bytes`);
    }
    return v;
  }
  varintBig(): bigint {
    const start = this.pos;
    let z = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      z |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7n;
      if (shift > 70n) this.fail(`varint at byte ${start} longer than 10 bytes`);
    }
    return z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
  }
  bytes(n: number): Uint8Array {
    if (n > this.end - this.pos)
      this.fail(`${n} bytes wanted at byte ${this.pos}, ${this.end - this.pos} left`);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  string(): string {
    const b = this.bytes(this.uvarint());
    return Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
  }
}

/** Timestamps as zig-zag varints: the first, then each delta-of-delta. */
export function writeTs(w: ByteWriter, ts: BigInt64Array): void {
  let prev = 0n;
  let prevD = 0n;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (i === 0) w.varintBig(t);
    else {
      const d = t - prev;
      w.varintBig(d - prevD);
      prevD = d;
    }
    prev = t;
  }
}

export function readTs(r: ByteReader, n: number): BigInt64Array {
  const ts = new BigInt64Array(n);
  let t = 0n;
  let d = 0n;
  for (let i = 0; i < n; i++) {
    if (i === 0) t = r.varintBig();
    else {
      d += r.varintBig();
      t += d;
    }
    ts[i] = t;
  }
  return ts;
}

/** Per record: uvarint pair count, then key and value strings. No fields and `[]` both give 0. */
export function writeFields(w: ByteWriter, fields: readonly Fields[]): void {
  for (const f of fields) {
    w.uvarint(f?.length ?? 0);
    if (!f) continue;
    for (const [k, v] of f) {
      w.string(k);
      w.string(v);
    }
  }
}

export function readFields(r: ByteReader, n: number): Fields[] {
  const out = new Array<Fields>(n).fill(undefined);
  for (let i = 0; i < n; i++) {
    const k = r.uvarint();
    if (k === 0) continue;
    if (k > r.end - r.pos) r.fail(`record ${i} claims ${k} fields, more than bytes left`);
    const f: (readonly [string, string])[] = [];
    for (let j = 0; j < k; j++) f.push([r.string(), r.string()]);
    out[i] = f;
  }
  return out;
}

export function brotli(b: Uint8Array, quality: number): Buffer {
  return brotliCompressSync(b, {
    params: {
      [Z.BROTLI_PARAM_QUALITY]: quality,
      [Z.BROTLI_PARAM_SIZE_HINT]: b.length,
      [Z.BROTLI_PARAM_MODE]: Z.BROTLI_MODE_TEXT,
    },
  });
}

/** Decompresses exactly `len` bytes (the header's claim caps the output: no bombs). */
export function unbrotli(r: ByteReader, len: number): Buffer {
  const z = r.bytes(r.end - r.pos);
  let out: Buffer;
  try {
    out = brotliDecompressSync(z, { maxOutputLength: Math.max(len, 1) });
  } catch (err) {
    throw new ChunkCorruptionError(
      `cannot decode log chunk ${r.what}: brotli: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (out.length !== len) r.fail(`body is ${out.length} bytes (want ${len})`);
  return out;
}

/**
 * Lines joined by "\n" as UTF-8, then the records whose line itself holds "\n" (index delta and
 * piece count), so such lines round-trip while the common case stays one split.
 */
export function writeLines(w: ByteWriter, lines: readonly string[]): void {
  const text = Buffer.from(lines.join('\n'), 'utf8');
  w.uvarint(text.length);
  w.bytes(text);
  const multi: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].includes('\n')) multi.push(i);
  w.uvarint(multi.length);
  let prev = 0;
  for (const i of multi) {
    w.uvarint(i - prev);
    w.uvarint(lines[i].split('\n').length);
    prev = i;
  }
}

/** Skips the lines section, returning where its text is (for the literal prefilter). */
export function linesText(r: ByteReader): Uint8Array {
  return r.bytes(r.uvarint());
}

export function readLines(r: ByteReader, text: Uint8Array, n: number): string[] {
  const pieces =
    n === 0
      ? []
      : Buffer.from(text.buffer, text.byteOffset, text.length).toString('utf8').split('\n');
  const multi = r.uvarint();
  if (multi === 0) {
    if (pieces.length !== n) r.fail(`${pieces.length} lines (want ${n})`);
    return pieces;
  }
  const lines = new Array<string>(n);
  let p = 0;
  let rec = 0;
  let at = 0;
  for (let m = 0; m < multi; m++) {
    at += r.uvarint();
    const k = r.uvarint();
    if (at < rec || at >= n || k < 2 || p + (at - rec) + k > pieces.length)
      r.fail(`multi-line record ${at} of ${n} with ${k} pieces does not fit`);
    while (rec < at) lines[rec++] = pieces[p++];
    lines[rec++] = pieces.slice(p, p + k).join('\n');
    p += k;
  }
  while (rec < n && p < pieces.length) lines[rec++] = pieces[p++];
  if (rec !== n || p !== pieces.length) r.fail(`${pieces.length} pieces do not make ${n} lines`);
  return lines;
}

function header(data: Uint8Array): {
  r: ByteReader;
  n: number;
  ts: BigInt64Array;
  body: ByteReader;
} {
  const r = new ByteReader(data, 'q4', 2);
  const n = r.uvarint();
  const tsLen = r.uvarint();
  if (n > tsLen) r.fail(`${n} records with ${tsLen} timestamp bytes (want at least 1 each)`);
  const tsr = new ByteReader(r.bytes(tsLen), 'q4 timestamps');
  const ts = readTs(tsr, n);
  if (tsr.pos !== tsLen) tsr.fail(`${tsLen - tsr.pos} bytes left after ${n} timestamps`);
  const bodyLen = r.uvarint();
  const body = new ByteReader(unbrotli(r, bodyLen), 'q4 body');
  return { r, n, ts, body };
}

export function encodeQ4(c: ChunkData): Uint8Array {
  const body = new ByteWriter(c.lines.length * 100 + 64);
  writeLines(body, c.lines);
  writeFields(body, c.fields);
  return q4Frame(c.ts, body.result());
}

/**
 * `encodeQ4` of records whose lines hold no "\n", given as `text`: their UTF-8 joined by "\n"
 * (what `writeLines` builds), so a caller that has the joined text encodes no line again.
 * `fields` null: no record has fields.
 */
export function encodeQ4Joined(
  ts: BigInt64Array,
  text: Uint8Array,
  fields: readonly Fields[] | null,
): Uint8Array {
  const n = ts.length;
  const body = new ByteWriter(text.length + n + 32);
  body.uvarint(text.length);
  body.bytes(text);
  body.uvarint(0); // no multi-line records
  if (fields !== null) writeFields(body, fields);
  else {
    body.buf.fill(0, body.len, body.len + n); // a zero field count per record
    body.len += n;
  }
  return q4Frame(ts, body.result());
}

function q4Frame(ts: BigInt64Array, body: Buffer): Uint8Array {
  const tsw = new ByteWriter(ts.length * 3 + 16);
  writeTs(tsw, ts);
  const z = brotli(body, 4);
  const w = new ByteWriter(z.length + tsw.len + 32);
  w.byte(FORMAT_Q4);
  w.byte(VERSION);
  w.uvarint(ts.length);
  w.uvarint(tsw.len);
  w.bytes(tsw.result());
  w.uvarint(body.length);
  w.bytes(z);
  return w.result();
}

export function decodeQ4(data: Uint8Array): ChunkData {
  const { n, ts, body } = header(data);
  const lines = readLines(body, linesText(body), n);
  const fields = readFields(body, n);
  if (body.pos !== body.end) body.fail(`${body.end - body.pos} bytes left after the fields`);
  return { ts, lines, fields };
}
