import { brotliDecompressSync } from 'node:zlib';
import { ByteReader, ByteWriter, ChunkCorruptionError, brotli } from './chunk-q4.js';

/**
 * One typed column of the columnar format (ADR 0005 §4): the values of one JSON key or one field
 * position, in line order. The type is picked per column from what every value allows, and
 * each type restores the exact text: `hex` (same even length, lowercase) as bytes, `int`
 * (canonical decimal: no leading zeros, no "-0", ≤ 15 digits) as zig-zag delta varints, and
 * anything else as `text` ("\n"-joined; values never hold "\n": such lines stay raw).
 */

export const COL_TEXT = 0;
export const COL_HEX = 1;
export const COL_INT = 2;
/** v2: integers as zig-zag varints without deltas (random ids, sizes: deltas only add bits). */
export const COL_INT_PLAIN = 3;
/** v2: `YYYY-MM-DDTHH:MM:SS.mmmZ` as zig-zag delta varints of Unix ms. */
export const COL_TIME = 4;
/**
 * v2: times as zig-zag varints of Unix ms minus their record's timestamp in ms (`ts / 1e6`,
 * truncated): a line stamped with its own time (the usual case) costs next to nothing.
 */
export const COL_TIME_REL = 5;
/**
 * v2: canonical decimals (`-?(0|[1-9]d*)(.d*[1-9])?`, as JSON numbers print) as integers
 * scaled by 10^scale, the scale first: durations and ratios take 2–3 bytes instead of text.
 */
export const COL_DEC = 6;
const DEC_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$/;
const MAX_SCALE = 9;

/** The text of `v / 10^scale` with no trailing fraction zeros (the inverse of `decScaled`). */
function decText(v: number, scale: number): string {
  const neg = v < 0;
  const a = Math.abs(v);
  const p = 10 ** scale;
  const int = Math.floor(a / p);
  const frac = String(a - int * p)
    .padStart(scale, '0')
    .replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac === '' ? '' : '.' + frac}`;
}

/** Scaled integers of canonical decimals `values`, or null when they are not all such. */
function decScaled(values: readonly string[]): { scale: number; ints: number[] } | null {
  let scale = 0;
  for (const v of values) {
    if (!DEC_RE.test(v)) return null;
    const dot = v.indexOf('.');
    if (dot >= 0) scale = Math.max(scale, v.length - dot - 1);
  }
  if (scale > MAX_SCALE) return null;
  const ints: number[] = [];
  for (const v of values) {
    const dot = v.indexOf('.');
    const digits =
      dot < 0 ? v + '0'.repeat(scale) : v.slice(0, dot) + v.slice(dot + 1).padEnd(scale, '0');
    const n = Number(digits);
    if (!Number.isSafeInteger(n) || decText(n, scale) !== v) return null;
    ints.push(n);
  }
  return { scale, ints };
}
/** v2 type-byte flag: every value starts with a prefix stored once; the rest is typed. */
export const COL_PREFIX = 0x80;
const QUALITY = 6;
const INT_RE = /^(?:0|-?[1-9][0-9]{0,14})$/;
const TIME_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;
const MAX_PREFIX = 64;

function isTime(v: string): boolean {
  if (!TIME_RE.test(v)) return false;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && new Date(ms).toISOString() === v;
}

/** The prefix every value shares (at most MAX_PREFIX characters, never splitting a pair). */
function commonPrefix(values: readonly string[]): string {
  let p = values[0].slice(0, MAX_PREFIX);
  for (const v of values) {
    if (p.length === 0) break;
    if (!v.startsWith(p)) {
      let k = 0;
      while (k < p.length && p.charCodeAt(k) === v.charCodeAt(k)) k++;
      p = p.slice(0, k);
    }
  }
  const last = p.charCodeAt(p.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? p.slice(0, -1) : p;
}

/** Zig-zag varints of `v[k] - base(k)`. */
function zigzag(v: readonly number[], base: (k: number) => number): Uint8Array {
  const b = new ByteWriter(v.length * 2 + 8);
  for (let k = 0; k < v.length; k++) {
    const d = v[k] - base(k);
    b.uvarint(d >= 0 ? d * 2 : -d * 2 - 1);
  }
  return b.result();
}

/** Zig-zag varint bytes of `values` as integers, with or without deltas. */
function intBytes(values: readonly string[], delta: boolean): Uint8Array {
  const b = new ByteWriter(values.length * 3 + 8);
  let prev = 0;
  for (const v of values) {
    const n = Number(v);
    const d = delta ? n - prev : n;
    b.uvarint(d >= 0 ? d * 2 : -d * 2 - 1);
    prev = n;
  }
  return b.result();
}

function isLowerHex(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function typeOf(values: readonly string[]): number {
  const len = values[0].length;
  if (len >= 8 && len % 2 === 0 && values.every((v) => v.length === len && isLowerHex(v)))
    return COL_HEX;
  if (values.every((v) => INT_RE.test(v))) return COL_INT;
  return COL_TEXT;
}

/**
 * Writes `name`, type, count and the brotli block of `values` (at least one value), as of
 * version 2: a prefix shared by every value (`trace_id=`, `rt=0.`) is stored once, and the
 * rest is typed (v1 had no prefix, ISO times or plain integers).
 */
export function writeColumn(
  w: ByteWriter,
  name: string,
  values: readonly string[],
  recordMs?: (k: number) => number,
): void {
  // A prefix only when the whole values are text: typed values carry none worth it.
  let prefix = typeOf(values) === COL_TEXT && !values.every(isTime) ? commonPrefix(values) : '';
  if (prefix.length < 2) prefix = '';
  const rest = prefix === '' ? values : values.map((v) => v.slice(prefix.length));
  let type = typeOf(rest);
  let raw: Uint8Array;
  let dec: { scale: number; ints: number[] } | null;
  if (type === COL_HEX) raw = Buffer.from(rest.join(''), 'hex');
  else if (type === COL_INT) {
    raw = intBytes(rest, true);
    const plain = intBytes(rest, false);
    if (plain.length < raw.length) {
      raw = plain;
      type = COL_INT_PLAIN;
    }
  } else if ((dec = decScaled(rest)) !== null) {
    const b = new ByteWriter(rest.length * 3 + 8);
    b.uvarint(dec.scale);
    b.bytes(zigzag(dec.ints, () => 0));
    raw = b.result();
    type = COL_DEC;
  } else if (rest.every(isTime)) {
    const ms = rest.map((v) => Date.parse(v));
    type = COL_TIME;
    raw = zigzag(ms, (k) => (k > 0 ? ms[k - 1] : 0));
    if (recordMs) {
      const rel = zigzag(ms, recordMs);
      if (rel.length <= raw.length) {
        raw = rel;
        type = COL_TIME_REL;
      }
    }
  } else raw = Buffer.from(rest.join('\n'), 'utf8');
  w.string(name);
  w.byte(prefix === '' ? type : type | COL_PREFIX);
  if (prefix !== '') w.string(prefix);
  w.uvarint(values.length);
  writeBlock(w, raw);
}

/**
 * `unbrotli` with the output in one buffer of the claimed size: zlib then hands it back as is
 * instead of concatenating 16 KiB pieces (measured: 1 MiB chunks decompress ~25% faster).
 */
export function inflate(r: ByteReader, len: number): Buffer {
  const z = r.bytes(r.end - r.pos);
  let out: Buffer;
  try {
    out = brotliDecompressSync(z, {
      maxOutputLength: Math.max(len, 1),
      chunkSize: Math.max(len, 64),
    });
  } catch (err) {
    throw new ChunkCorruptionError(
      `cannot decode log chunk ${r.what}: brotli: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (out.length !== len) r.fail(`body is ${out.length} bytes (want ${len})`);
  return out;
}

/** A brotli q6 block: uvarint raw length, uvarint compressed length, bytes. */
export function writeBlock(w: ByteWriter, raw: Uint8Array): void {
  const z = brotli(raw, QUALITY);
  w.uvarint(raw.length);
  w.uvarint(z.length);
  w.bytes(z);
}

/** Reads a block's lengths and skips its bytes; the result decompresses it. */
export function skipBlock(r: ByteReader, what: string): () => ByteReader {
  const rawLen = r.uvarint();
  const z = r.bytes(r.uvarint());
  const name = `${r.what} ${what}`;
  return () => new ByteReader(inflate(new ByteReader(z, name), rawLen), name);
}

export function readBlock(r: ByteReader, what: string): ByteReader {
  const rawLen = r.uvarint();
  const z = r.bytes(r.uvarint());
  return new ByteReader(
    inflate(new ByteReader(z, `${r.what} ${what}`), rawLen),
    `${r.what} ${what}`,
  );
}

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

/** A column read up to its compressed block; `load` decompresses and decodes it once. */
export interface ColumnRef {
  name: string;
  type: number;
  /** v2: what every value starts with ('' for none). */
  prefix: string;
  count: number;
  load(): ColumnValues;
}

/**
 * Reads a column's header and skips its block: a scan decodes only the columns a literal can
 * be in (a hex or int column cannot hold a letter outside its alphabet), and only when some
 * record is left to rebuild.
 */
export function readColumn(r: ByteReader, version = 1, recordMs?: () => Float64Array): ColumnRef {
  const name = r.string();
  let type = r.byte();
  let prefix = '';
  if (version >= 2 && type & COL_PREFIX) {
    type &= ~COL_PREFIX;
    prefix = r.string();
  }
  const count = r.uvarint();
  const rawLen = r.uvarint();
  const z = r.bytes(r.uvarint());
  let done: ColumnValues | undefined;
  return {
    name,
    type,
    prefix,
    count,
    load: () => {
      if (done) return done;
      const what = `${r.what} column ${JSON.stringify(name)}`;
      const b = new ByteReader(inflate(new ByteReader(z, what), rawLen), what);
      if (version === 1 && type > COL_INT)
        r.fail(`column ${JSON.stringify(name)} has unknown type ${type}`);
      return (done = decodeColumn(
        r,
        name,
        type,
        count,
        b,
        prefix,
        type === COL_TIME_REL ? recordMs?.() : undefined,
      ));
    },
  };
}

/** How a loaded column keeps its values (`ColumnValues.kind`). */
const V_TEXT = 0;
const V_HEX = 1;
const V_INT = 2;
const V_DEC = 3;
const V_TIME = 4;
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** The range `toISOString` writes in 24 characters (years 0000–9999). */
const MIN_ISO_MS = -62_167_219_200_000;
const MAX_ISO_MS = 253_402_300_799_999;

/**
 * A decoded column in its compact form: text as its bytes (value starts found on first need),
 * hex as the binary bytes, numbers and times as a Float64Array. `write` puts one value's text
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
  ) {
    this.pre = Buffer.from(prefix, 'utf8');
    this.typedMax = [0, width * 2, 17, 28, 24][kind];
  }

  /** Checks what loading did not (a text column's value count: its starts are found lazily). */
  check(): void {
    if (this.kind === V_TEXT) this.starts(this.count + 1);
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
      case V_DEC:
        return writeDec(this.nums[v], this.width, out, o);
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
}

function corrupt(name: string, msg: string): ChunkCorruptionError {
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

/**
 * Reads `count` zig-zag varints at `b.pos` into `out` as signed numbers (one tight loop: most
 * are one byte); fails as `ByteReader.uvarint` does.
 */
function zigzags(b: ByteReader, count: number, out: Float64Array): void {
  const buf = b.buf;
  const end = b.end;
  let pos = b.pos;
  for (let i = 0; i < count; i++) {
    if (pos >= end) b.fail(`truncated at byte ${pos}`);
    let z = buf[pos++];
    if (z >= 0x80) {
      z &= 0x7f;
      let mul = 0x80;
      for (;;) {
        if (pos >= end) b.fail(`truncated at byte ${pos}`);
        const c = buf[pos++];
        z += (c & 0x7f) * mul;
        if (c < 0x80) break;
        mul *= 0x80;
        if (mul > 2 ** 49) b.fail(`varint at byte ${pos} longer than 8 bytes`);
      }
    }
    out[i] = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  b.pos = pos;
}

function decodeColumn(
  r: ByteReader,
  name: string,
  type: number,
  count: number,
  b: ByteReader,
  prefix: string,
  recordMs?: Float64Array,
): ColumnValues {
  if (count > b.end + 1) b.fail(`${count} values in ${b.end} bytes`);
  const noStart = new Int32Array(0);
  const noNums = new Float64Array(0);
  const raw = Buffer.from(b.buf.buffer, b.buf.byteOffset, b.end);
  const col = (kind: number, nums: Float64Array, width = 0): ColumnValues =>
    new ColumnValues(name, count, kind, raw, noStart, nums, width, prefix);
  if (type === COL_HEX) {
    if (count === 0 || b.end % count !== 0) b.fail(`${b.end} hex bytes for ${count} values`);
    return col(V_HEX, noNums, b.end / count);
  }
  if (type === COL_DEC) {
    const scale = b.uvarint();
    if (scale > MAX_SCALE) b.fail(`decimal scale ${scale} (want at most ${MAX_SCALE})`);
    const nums = new Float64Array(count);
    zigzags(b, count, nums);
    if (b.pos !== b.end) b.fail(`${b.end - b.pos} bytes left after ${count} decimals`);
    return col(V_DEC, nums, scale);
  }
  if (type === COL_TIME || type === COL_TIME_REL) {
    const rel = type === COL_TIME_REL;
    if (rel && (recordMs === undefined || recordMs.length !== count))
      b.fail(`${recordMs?.length ?? 0} record times for ${count} relative times`);
    const nums = new Float64Array(count);
    zigzags(b, count, nums);
    let ms = 0;
    for (let i = 0; i < count; i++) {
      ms = (rel ? recordMs![i] : ms) + nums[i];
      if (!(ms >= MIN_ISO_MS && ms <= MAX_ISO_MS)) b.fail(`time ${ms} out of range at value ${i}`);
      nums[i] = ms;
    }
    if (b.pos !== b.end) b.fail(`${b.end - b.pos} bytes left after ${count} times`);
    return col(V_TIME, nums);
  }
  if (type === COL_INT || type === COL_INT_PLAIN) {
    const nums = new Float64Array(count);
    zigzags(b, count, nums);
    const delta = type === COL_INT;
    let prev = 0;
    for (let i = 0; i < count; i++) {
      prev = (delta ? prev : 0) + nums[i];
      if (!Number.isSafeInteger(prev) || Math.abs(prev) >= 1e16)
        b.fail(`integer ${prev} out of range at value ${i}`);
      nums[i] = prev;
    }
    if (b.pos !== b.end) b.fail(`${b.end - b.pos} bytes left after ${count} integers`);
    return col(V_INT, nums);
  }
  if (type === COL_TEXT) {
    const start = new Int32Array(count + 1);
    const c = new ColumnValues(name, count, V_TEXT, raw, start, noNums, 0, prefix);
    if (count === 1) c.size(0); // checks the one value holds no "\n"
    return c;
  }
  return r.fail(`column ${JSON.stringify(name)} has unknown type ${type}`);
}
