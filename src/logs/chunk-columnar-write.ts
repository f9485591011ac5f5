import { ByteWriter, brotli } from './chunk-q4.js';
import {
  COL_CLF,
  COL_DEC,
  COL_DEC_PLANES,
  COL_DICT,
  COL_DOTTED,
  COL_HEX,
  COL_INT,
  COL_INT_PLAIN,
  COL_INT_PLANES,
  COL_PREFIX,
  COL_TEXT,
  COL_TIME,
  COL_TIME_REL,
  FIXED_SCALE,
  MAX_DICT,
  MAX_DOTTED_PARTS,
  MAX_PLANES,
  MAX_SCALE,
  QUALITY,
  writeBlock,
} from './chunk-columnar-cols.js';
import { CLF_MONTHS, clfText } from './chunk-columnar-values.js';

/**
 * Writing one column of the columnar format (the write side of chunk-columnar-cols.ts): the
 * type is picked from what every value allows, each type restoring the exact text.
 */

const CLF_RE = /^\[[0-9]{2}\/[A-Z][a-z]{2}\/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}$/;

/** Unix seconds of a CLF time that prints back exactly, or NaN. */
function clfSeconds(v: string): number {
  if (!CLF_RE.test(v)) return NaN;
  const mon = CLF_MONTHS.indexOf(v.slice(4, 7));
  const ms = Date.UTC(
    +v.slice(8, 12),
    mon,
    +v.slice(1, 3),
    +v.slice(13, 15),
    +v.slice(16, 18),
    +v.slice(19, 21),
  );
  if (mon < 0 || !Number.isFinite(ms)) return NaN;
  const sec = ms / 1000;
  return clfText(sec) === v ? sec : NaN;
}
const DOTTED_RE = /^(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){1,7}$/;
const DEC_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$/;

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
const FIXED_RE = /^-?(?:0|[1-9][0-9]*)\.([0-9]{1,9})$/;

/** Scaled integers of fixed-point decimals of one fraction length, or null. */
function fixedScaled(values: readonly string[]): { scale: number; ints: number[] } | null {
  const m = FIXED_RE.exec(values[0]);
  if (m === null) return null;
  const scale = m[1].length;
  const ints: number[] = [];
  for (const v of values) {
    const dot = v.indexOf('.');
    if (!FIXED_RE.test(v) || v.length - dot - 1 !== scale) return null;
    const n = Number(v.slice(0, dot) + v.slice(dot + 1));
    if (!Number.isSafeInteger(n) || fixedText(n, scale) !== v) return null;
    ints.push(n);
  }
  return { scale, ints };
}

/** `fixedScaled`, marked fixed. */
function fixedOf(values: readonly string[]): { scale: number; ints: number[]; fixed: true } | null {
  const f = fixedScaled(values);
  return f === null ? null : { ...f, fixed: true };
}

/** The text of `v / 10^scale` with exactly `scale` fraction digits. */
function fixedText(v: number, scale: number): string {
  const a = Math.abs(v);
  const p = 10 ** scale;
  const int = Math.floor(a / p);
  return `${v < 0 ? '-' : ''}${int}.${String(a - int * p).padStart(scale, '0')}`;
}

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
  if (recordMs !== undefined) {
    const secs = values.map(clfSeconds);
    if (secs.every((x) => !Number.isNaN(x))) {
      w.string(name);
      w.byte(COL_CLF);
      w.uvarint(values.length);
      writeBlock(
        w,
        zigzag(secs, (k) => Math.floor(recordMs(k) / 1000)),
      );
      return;
    }
  }
  // A prefix only when the whole values are text: typed values carry none worth it. When the
  // rest after the longest shared prefix is untyped, a shorter prefix ending at a separator may
  // leave a typed rest (`rt=0.120`, `rt=1.046`: "rt=" then fixed decimals, not "rt=" + text).
  const whole = typeOf(values) === COL_TEXT && !values.every(isTime) ? commonPrefix(values) : '';
  let prefix = whole.length < 2 ? '' : whole;
  let enc = encodeRest(values, prefix, recordMs);
  if (enc.type === COL_TEXT || enc.type === COL_DICT)
    for (let k = prefix.length - 1; k >= 2; k--) {
      if (/[0-9A-Za-z]/.test(prefix[k - 1])) continue;
      const shorter = encodeRest(values, prefix.slice(0, k), recordMs);
      if (shorter.type !== COL_TEXT && shorter.type !== COL_DICT) {
        prefix = prefix.slice(0, k);
        enc = shorter;
        break;
      }
    }
  const { raw, type, z } = enc;
  w.string(name);
  w.byte(prefix === '' ? type : type | COL_PREFIX);
  if (prefix !== '') w.string(prefix);
  w.uvarint(values.length);
  writeBlock(w, raw, z);
}

/**
 * The block and type of `values` after `prefix` (the typed part of writeColumn), with its
 * compressed bytes when choosing between encodings needed them.
 */
function encodeRest(
  values: readonly string[],
  prefix: string,
  recordMs?: (k: number) => number,
): { raw: Uint8Array; type: number; z?: Uint8Array } {
  const rest = prefix === '' ? values : values.map((v) => v.slice(prefix.length));
  let type = typeOf(rest);
  let raw: Uint8Array;
  let dec: { scale: number; ints: number[]; fixed?: boolean } | null;
  let z: Uint8Array | undefined;
  if (type === COL_HEX) raw = Buffer.from(rest.join(''), 'hex');
  else if (type === COL_INT) {
    raw = intBytes(rest, true);
    const plain = intBytes(rest, false);
    if (plain.length < raw.length) {
      raw = plain;
      type = COL_INT_PLAIN;
    }
    const planes = planeBytes(rest.map(Number), -1);
    if (planes !== null) ({ raw, type, z } = smaller(raw, type, planes, COL_INT_PLANES));
  } else if ((dec = decScaled(rest) ?? fixedOf(rest)) !== null) {
    // Fixed-point decimals set FIXED_SCALE in the scale they store.
    const scale = dec.scale | (dec.fixed ? FIXED_SCALE : 0);
    const b = new ByteWriter(rest.length * 3 + 8);
    b.uvarint(scale);
    b.bytes(zigzag(dec.ints, () => 0));
    raw = b.result();
    type = COL_DEC;
    const planes = planeBytes(dec.ints, scale);
    if (planes !== null) ({ raw, type, z } = smaller(raw, type, planes, COL_DEC_PLANES));
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
  } else {
    const dotted = dottedBytes(rest);
    const dict = dotted ? null : dictBytes(rest);
    if (dotted) {
      raw = dotted;
      type = COL_DOTTED;
    } else if (dict) {
      raw = dict;
      type = COL_DICT;
    } else raw = Buffer.from(rest.join('\n'), 'utf8');
  }
  return { raw, type, z };
}

/** Of two encodings of a column, the one that compresses smaller (with its compressed bytes). */
function smaller(
  a: Uint8Array,
  typeA: number,
  b: Uint8Array,
  typeB: number,
): { raw: Uint8Array; type: number; z: Uint8Array } {
  const za = brotli(a, QUALITY);
  const zb = brotli(b, QUALITY);
  return zb.length < za.length ? { raw: b, type: typeB, z: zb } : { raw: a, type: typeA, z: za };
}

/**
 * Byte planes of the zig-zag `ints` (`scale` ≥ 0 writes it first, for decimals), or null when
 * a value needs more than `MAX_PLANES` bytes.
 */
function planeBytes(ints: readonly number[], scale: number): Uint8Array | null {
  let max = 0;
  for (const v of ints) {
    const zz = v >= 0 ? v * 2 : -v * 2 - 1;
    if (zz > max) max = zz;
  }
  if (!(max <= Number.MAX_SAFE_INTEGER)) return null;
  let width = 1;
  while (width < MAX_PLANES && max >= 2 ** (8 * width)) width++;
  if (max >= 2 ** (8 * width)) return null;
  const n = ints.length;
  const head = scale >= 0 ? 2 : 1;
  const out = new Uint8Array(head + width * n);
  if (scale >= 0) out[0] = scale;
  out[head - 1] = width;
  for (let i = 0; i < n; i++) {
    const v = ints[i];
    let zz = v >= 0 ? v * 2 : -v * 2 - 1;
    for (let k = 0; k < width; k++) {
      const lo = zz % 256;
      out[head + k * n + i] = lo;
      zz = (zz - lo) / 256;
    }
  }
  return out;
}

/** COL_DOTTED bytes of `values`, or null when they are not all dotted numbers of one length. */
function dottedBytes(values: readonly string[]): Uint8Array | null {
  const parts = values[0].split('.').length;
  if (parts < 2 || parts > MAX_DOTTED_PARTS) return null;
  const n = values.length;
  const out = new Uint8Array(1 + n * parts);
  out[0] = parts;
  for (let v = 0; v < n; v++) {
    if (!DOTTED_RE.test(values[v])) return null;
    const ps = values[v].split('.');
    if (ps.length !== parts) return null;
    for (let p = 0; p < parts; p++) {
      const x = Number(ps[p]);
      if (x > 255) return null;
      out[1 + p * n + v] = x;
    }
  }
  return out;
}

/** COL_DICT bytes of `values`, or null when they have too many distinct values for one. */
function dictBytes(values: readonly string[]): Uint8Array | null {
  const ids = new Map<string, number>();
  const idx = new Uint8Array(values.length);
  for (let v = 0; v < values.length; v++) {
    let id = ids.get(values[v]);
    if (id === undefined) {
      if (ids.size >= MAX_DICT || (ids.size + 1) * 4 > values.length) return null;
      ids.set(values[v], (id = ids.size));
    }
    idx[v] = id;
  }
  const text = Buffer.from([...ids.keys()].join('\n'), 'utf8');
  const b = new ByteWriter(text.length + idx.length + 16);
  b.uvarint(ids.size);
  b.uvarint(text.length);
  b.bytes(text);
  b.bytes(idx);
  return b.result();
}
