import { ByteReader, ByteWriter, brotli, unbrotli } from './chunk-q4.js';

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
const QUALITY = 6;
const INT_RE = /^(?:0|-?[1-9][0-9]{0,14})$/;

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

/** Writes `name`, type, count and the brotli block of `values` (at least one value). */
export function writeColumn(w: ByteWriter, name: string, values: readonly string[]): void {
  const type = typeOf(values);
  let raw: Uint8Array;
  if (type === COL_HEX) {
    raw = Buffer.from(values.join(''), 'hex');
  } else if (type === COL_INT) {
    const b = new ByteWriter(values.length * 3);
    let prev = 0;
    for (const v of values) {
      const n = Number(v);
      const d = n - prev;
      b.uvarint(d >= 0 ? d * 2 : -d * 2 - 1);
      prev = n;
    }
    raw = b.result();
  } else {
    raw = Buffer.from(values.join('\n'), 'utf8');
  }
  w.string(name);
  w.byte(type);
  w.uvarint(values.length);
  writeBlock(w, raw);
}

/** A brotli q6 block: uvarint raw length, uvarint compressed length, bytes. */
export function writeBlock(w: ByteWriter, raw: Uint8Array): void {
  const z = brotli(raw, QUALITY);
  w.uvarint(raw.length);
  w.uvarint(z.length);
  w.bytes(z);
}

export function readBlock(r: ByteReader, what: string): ByteReader {
  const rawLen = r.uvarint();
  const z = r.bytes(r.uvarint());
  return new ByteReader(
    unbrotli(new ByteReader(z, `${r.what} ${what}`), rawLen),
    `${r.what} ${what}`,
  );
}

/**
 * A decoded column as the UTF-8 text of its values: value `i` is `bytes[start[i], start[i+1])`
 * minus the separator (`sep` bytes) that follows every value but the last. Lines are rebuilt by
 * copying these bytes, so no string is made per value.
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
  count: number;
  load(): ColumnBytes;
}

/**
 * Reads a column's header and skips its block: a scan decodes only the columns a literal can
 * be in (a hex or int column cannot hold a letter outside its alphabet), and only when some
 * record is left to rebuild.
 */
export function readColumn(r: ByteReader): ColumnRef {
  const name = r.string();
  const type = r.byte();
  const count = r.uvarint();
  const rawLen = r.uvarint();
  const z = r.bytes(r.uvarint());
  let done: ColumnBytes | undefined;
  return {
    name,
    type,
    count,
    load: () => {
      if (done) return done;
      const what = `${r.what} column ${JSON.stringify(name)}`;
      const b = new ByteReader(unbrotli(new ByteReader(z, what), rawLen), what);
      return (done = decodeColumn(r, name, type, count, b));
    },
  };
}

function decodeColumn(
  r: ByteReader,
  name: string,
  type: number,
  count: number,
  b: ByteReader,
): ColumnBytes {
  if (count > b.end + 1) b.fail(`${count} values in ${b.end} bytes`);
  const start = new Int32Array(count + 1);
  const raw = Buffer.from(b.buf.buffer, b.buf.byteOffset, b.end);
  if (type === COL_HEX) {
    if (count === 0 || b.end % count !== 0) b.fail(`${b.end} hex bytes for ${count} values`);
    const size = (b.end / count) * 2;
    for (let i = 0; i <= count; i++) start[i] = i * size;
    return { name, count, bytes: Buffer.from(raw.toString('hex'), 'latin1'), start, sep: 0 };
  }
  if (type === COL_INT) {
    const out = Buffer.allocUnsafe(count * 17);
    const digits = new Uint8Array(16);
    let prev = 0;
    let o = 0;
    for (let i = 0; i < count; i++) {
      start[i] = o;
      const z = b.uvarint();
      prev += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      if (!Number.isSafeInteger(prev) || Math.abs(prev) >= 1e16)
        b.fail(`integer ${prev} out of range at value ${i}`);
      let v = prev;
      if (v < 0) {
        out[o++] = 45;
        v = -v;
      }
      let d = 0;
      do {
        digits[d++] = 48 + (v % 10);
        v = Math.floor(v / 10);
      } while (v > 0);
      while (d > 0) out[o++] = digits[--d];
    }
    start[count] = o;
    if (b.pos !== b.end) b.fail(`${b.end - b.pos} bytes left after ${count} integers`);
    return { name, count, bytes: out.subarray(0, o), start, sep: 0 };
  }
  if (type === COL_TEXT) {
    let at = 0;
    for (let i = 0; i < count; i++) {
      start[i] = at;
      if (i === count - 1) break;
      at = raw.indexOf(10, at);
      if (at < 0) b.fail(`${i + 1} text values (want ${count})`);
      at++;
    }
    if (count > 0 && raw.indexOf(10, start[count - 1]) >= 0)
      b.fail(`more text values than ${count}`);
    start[count] = raw.length + 1;
    return { name, count, bytes: raw, start, sep: 1 };
  }
  return r.fail(`column ${JSON.stringify(name)} has unknown type ${type}`);
}
