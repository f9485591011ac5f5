import { ChunkCorruptionError } from './chunk-q4.js';

/**
 * Loaded columns of the columnar format (the read side of chunk-columnar-cols.ts): each keeps
 * its values in their compact form and writes one value's text on demand, so a scan pays for
 * text only in the rows it rebuilds.
 */

/**
 * A column's values as UTF-8 text: value `i` is `bytes[start[i], start[i+1])` minus the
 * separator (`sep` bytes) that follows every value but the last. Made only for columns a
 * literal search needs (`ColumnValues.text`).
 */
export interface ColumnBytes {
  name: string;
  count: number;
  bytes: Uint8Array;
  /** count + 1 entries; the last is `bytes.length + sep`. */
  start: Int32Array;
  sep: number;
}

/** How a loaded column keeps its values (`ColumnValues.kind`). */
export const V_TEXT = 0;
export const V_HEX = 1;
export const V_INT = 2;
export const V_DEC = 3;
export const V_TIME = 4;
/** v3: an index byte per value into a small text column of the distinct values. */
export const V_DICT = 5;
/** v3: dotted numbers (IPv4 addresses, versions): `width` bytes per value, part-major. */
export const V_DOTTED = 6;
/** v3: Common Log Format times (`[15/Jan/2026:10:00:00`) as Unix seconds, read as UTC. */
export const V_CLF = 7;
/** v3: fixed-point decimals (exactly `width` fraction digits) as scaled integers. */
export const V_FIXED = 8;
export const CLF_MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** `[DD/Mon/YYYY:HH:MM:SS` of Unix second `sec` (UTC). */
export function clfText(sec: number): string {
  const d = new Date(sec * 1000);
  const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  return `[${p2(d.getUTCDate())}/${CLF_MONTHS[d.getUTCMonth()]}/${y}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** The range `toISOString` writes in 24 characters (years 0000–9999). */
export const MIN_ISO_MS = -62_167_219_200_000;
export const MAX_ISO_MS = 253_402_300_799_999;

/**
 * A decoded column in its compact form: text as its bytes (value starts found on first need),
 * hex as the binary bytes, numbers and times as a Float64Array, a dictionary as its distinct
 * values and an index byte per value, dotted numbers as one byte per part. `write` puts one value's text
 * into a rebuild buffer, so only the rows being rebuilt pay for text; `find` searches the values
 * for a literal, making text only for typed columns.
 */
export class ColumnValues {
  private readonly pre: Uint8Array;
  /** Bytes a typed value writes at most (text: unused). */
  private readonly typedMax: number;
  /** Text: how many entries of `start` are known (value starts, in order). */
  private known = 1;
  private lastSec = NaN;
  /** The ISO time of second `lastSec` (times of one second share its first 20 bytes). */
  private readonly iso = Buffer.alloc(24);
  private txt: ColumnBytes | undefined;
  private bareTxt: ColumnBytes | undefined;

  constructor(
    readonly name: string,
    readonly count: number,
    private readonly kind: number,
    /** Text: the values' bytes ("\n" between); hex: the binary bytes. */
    private readonly bytes: Buffer,
    /** Text: count + 1 value starts (the last is `bytes.length + 1`), `known` of them so far. */
    private readonly start: Int32Array,
    private readonly nums: Float64Array,
    /** Hex: bytes per value; decimals: the scale. */
    private readonly width: number,
    prefix: string,
    /** Dictionary: the distinct values (a text column), `bytes` indexing them. */
    private readonly dict?: ColumnValues,
  ) {
    this.pre = Buffer.from(prefix, 'utf8');
    // Dictionary: `width` is its longest value; dotted: the part count.
    this.typedMax = [0, width * 2, 17, 28, 24, width, width * 4, 21, 28][kind];
  }

  /** Checks what loading did not (a text column's value count: its starts are found lazily). */
  check(): void {
    if (this.kind === V_TEXT) this.starts(this.count + 1);
    this.dict?.check();
  }

  /** Bytes value `v` writes at most. */
  size(v: number): number {
    if (this.kind !== V_TEXT) return this.pre.length + this.typedMax;
    this.starts(v + 2);
    return this.pre.length + this.start[v + 1] - 1 - this.start[v];
  }

  /**
   * Finds text value starts until `want` are known (at most count + 1); all of them also checks
   * that there are exactly `count` values.
   */
  private starts(want: number): void {
    const { start, count, bytes } = this;
    if (want > count + 1) want = count + 1;
    let k = this.known;
    if (k >= want) return;
    let at = start[k - 1];
    for (; k < want && k < count; k++) {
      const nl = bytes.indexOf(10, at);
      if (nl < 0) throw corrupt(this.name, `${k} text values (want ${count})`);
      start[k] = at = nl + 1;
    }
    if (k === count && want > count) {
      if (bytes.indexOf(10, at) >= 0) throw corrupt(this.name, `more text values than ${count}`);
      start[k++] = bytes.length + 1;
    }
    this.known = k;
  }

  /** Appends value `v`'s UTF-8 text to `s`. */
  put(v: number, s: Sink): void {
    let need = this.pre.length + this.typedMax;
    if (this.kind === V_TEXT) {
      this.starts(v + 2);
      need = this.pre.length + this.start[v + 1] - 1 - this.start[v];
    }
    if (s.o + need > s.buf.length) s.grow(need);
    s.o = this.write(v, s.buf, s.o);
  }

  /** Writes value `v`'s UTF-8 text at `out[o]` (room for `size(v)` bytes); returns the end. */
  write(v: number, out: Uint8Array, o: number): number {
    const pre = this.pre;
    for (let k = 0; k < pre.length; k++) out[o++] = pre[k];
    return this.writeBare(v, out, o);
  }

  /** `write` without the prefix. */
  private writeBare(v: number, out: Uint8Array, o: number): number {
    switch (this.kind) {
      case V_TEXT: {
        this.starts(v + 2);
        const src = this.bytes;
        const a = this.start[v];
        const e = this.start[v + 1] - 1;
        if (e - a > 64) {
          out.set(src.subarray(a, e), o);
          return o + e - a;
        }
        for (let k = a; k < e; k++) out[o++] = src[k];
        return o;
      }
      case V_HEX: {
        const src = this.bytes;
        for (let k = v * this.width, e = k + this.width; k < e; k++) {
          const b = src[k];
          out[o++] = HEX_DIGITS[b >> 4];
          out[o++] = HEX_DIGITS[b & 15];
        }
        return o;
      }
      case V_INT:
        return writeInt(this.nums[v], out, o);
      case V_DICT:
        return this.dict!.writeBare(this.bytes[v], out, o);
      case V_DOTTED: {
        const src = this.bytes;
        const n = this.count;
        for (let p = 0; p < this.width; p++) {
          if (p > 0) out[o++] = 46;
          o = writeInt(src[p * n + v], out, o);
        }
        return o;
      }
      case V_DEC:
        return writeDec(this.nums[v], this.width, out, o);
      case V_FIXED:
        return writeFixed(this.nums[v], this.width, out, o);
      case V_CLF: {
        const sec = this.nums[v];
        if (sec !== this.lastSec) {
          this.iso.write(clfText(sec), 0, 'latin1');
          this.lastSec = sec;
        }
        for (let k = 0; k < 21; k++) out[o++] = this.iso[k];
        return o;
      }
      default:
        return this.writeTime(this.nums[v], out, o);
    }
  }

  private writeTime(ms: number, out: Uint8Array, o: number): number {
    const sec = Math.floor(ms / 1000);
    const iso = this.iso;
    if (sec !== this.lastSec) {
      iso.write(new Date(ms).toISOString(), 0, 'latin1');
      this.lastSec = sec;
    }
    for (let k = 0; k < 20; k++) out[o++] = iso[k];
    const m = ms - sec * 1000;
    out[o++] = 48 + Math.floor(m / 100);
    out[o++] = 48 + (Math.floor(m / 10) % 10);
    out[o++] = 48 + (m % 10);
    out[o++] = 90;
    return o;
  }

  /** The text of every value, with the prefix or without (`bare`), made once. */
  text(bare = false): ColumnBytes {
    const cached = bare ? this.bareTxt : this.txt;
    if (cached) return cached;
    const { name, count } = this;
    const pre = bare ? 0 : this.pre.length;
    let t: ColumnBytes;
    if (this.kind === V_TEXT) this.starts(count + 1);
    if (this.kind === V_TEXT && pre === 0)
      t = { name, count, bytes: this.bytes, start: this.start, sep: 1 };
    else {
      const start = new Int32Array(count + 1);
      const size =
        this.kind === V_TEXT ? this.bytes.length + count * pre : count * (this.typedMax + pre);
      const out = Buffer.allocUnsafe(size);
      let o = 0;
      for (let i = 0; i < count; i++) {
        start[i] = o;
        o = bare ? this.writeBare(i, out, o) : this.write(i, out, o);
      }
      start[count] = o;
      t = { name, count, bytes: out.subarray(0, o), start, sep: 0 };
    }
    if (bare) this.bareTxt = t;
    else this.txt = t;
    return t;
  }

  /**
   * One flag per value (+1 spare, 0), 1 where the value (without its prefix when `bare`)
   * contains `needle`; null when none does. Text is searched as is, value starts found only up
   * to the last hit.
   */
  find(needle: Uint8Array, bare: boolean): Uint8Array | null {
    const count = this.count;
    if (this.kind === V_DICT) return this.findInDict(needle, bare);
    let bytes: Buffer;
    let start: Int32Array;
    let sep = 1;
    const lazy = this.kind === V_TEXT && (bare || this.pre.length === 0);
    if (lazy) {
      bytes = this.bytes;
      start = this.start;
    } else {
      const t = this.text(bare);
      bytes = Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.length);
      start = t.start;
      sep = t.sep;
    }
    let out: Uint8Array | null = null;
    let v = 0;
    for (let at = bytes.indexOf(needle, 0); at >= 0;) {
      // The value holding byte `at`: the last start at or before it (values ascend).
      for (;;) {
        if (lazy) this.starts(v + 2);
        if (v + 1 <= count && start[v + 1] <= at) v++;
        else break;
      }
      if (v >= count) break;
      const end = start[v + 1] - sep;
      if (at + needle.length <= end) {
        (out ??= new Uint8Array(count + 1))[v] = 1;
        at = bytes.indexOf(needle, start[v + 1]); // one hit per value is enough
      } else at = bytes.indexOf(needle, at + 1); // straddles two values: look further
    }
    return out;
  }

  /** `find` over a dictionary: each distinct value is searched once, then mapped to the rows. */
  private findInDict(needle: Uint8Array, bare: boolean): Uint8Array | null {
    const d = this.dict!;
    const pre = bare ? 0 : this.pre.length;
    const tmp = Buffer.allocUnsafe(pre + this.width);
    if (pre > 0) tmp.set(this.pre, 0);
    const hit = new Uint8Array(d.count);
    let any = 0;
    for (let e = 0; e < d.count; e++) {
      const end = d.writeBare(e, tmp, pre);
      if (tmp.subarray(0, end).indexOf(needle) >= 0) any = hit[e] = 1;
    }
    if (!any) return null;
    const out = new Uint8Array(this.count + 1);
    const idx = this.bytes;
    for (let v = 0; v < this.count; v++) out[v] = hit[idx[v]];
    return out;
  }
}

export function corrupt(name: string, msg: string): ChunkCorruptionError {
  return new ChunkCorruptionError(
    `cannot decode log chunk columnar column ${JSON.stringify(name)}: ${msg}`,
  );
}

/** A growing output buffer lines are rebuilt into. */
export class Sink {
  buf: Buffer;
  o = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 64));
  }

  /** Makes room for `need` more bytes. */
  grow(need: number): void {
    if (this.o + need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.o + need));
    this.buf.copy(next, 0, 0, this.o);
    this.buf = next;
  }

  /** Appends `b` (short: template pieces). */
  bytes(b: Uint8Array): void {
    if (this.o + b.length > this.buf.length) this.grow(b.length);
    if (b.length > 12) {
      this.buf.set(b, this.o);
      this.o += b.length;
      return;
    }
    const out = this.buf;
    let o = this.o;
    for (let k = 0; k < b.length; k++) out[o++] = b[k];
    this.o = o;
  }
}

/** Writes the decimal digits of integer `v`; returns the end. */
function writeInt(v: number, out: Uint8Array, o: number): number {
  if (v < 0) {
    out[o++] = 45;
    v = -v;
  }
  if (v < 0x80000000) {
    // Small integer math (most values): no float division.
    let x = v | 0;
    let e = o;
    for (let y = x; y >= 10; y = (y / 10) | 0) e++;
    for (let k = e; k >= o; k--) {
      const q = (x / 10) | 0;
      out[k] = 48 + x - q * 10;
      x = q;
    }
    return e + 1;
  }
  let e = o;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) e++;
  for (let k = e; k >= o; k--) {
    out[k] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return e + 1;
}

/** Writes `v / 10^scale` with exactly `scale` (≥ 1) fraction digits; returns the end. */
function writeFixed(v: number, scale: number, out: Uint8Array, o: number): number {
  if (v < 0) {
    out[o++] = 45;
    v = -v;
  }
  const p = 10 ** scale;
  const int = Math.floor(v / p);
  let frac = v - int * p;
  o = writeInt(int, out, o);
  out[o] = 46;
  for (let k = o + scale; k > o; k--) {
    out[k] = 48 + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return o + scale + 1;
}

/** Writes `v / 10^scale` as `decText` does; returns the end. */
function writeDec(v: number, scale: number, out: Uint8Array, o: number): number {
  if (v < 0) {
    out[o++] = 45;
    v = -v;
  }
  const p = 10 ** scale;
  const int = Math.floor(v / p);
  let frac = v - int * p;
  o = writeInt(int, out, o);
  if (frac === 0) return o;
  let digits = scale;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  out[o] = 46;
  for (let k = o + digits; k > o; k--) {
    out[k] = 48 + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return o + digits + 1;
}
