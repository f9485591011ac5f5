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

export function readColumn(r: ByteReader): { name: string; values: string[] } {
  const name = r.string();
  const type = r.byte();
  const count = r.uvarint();
  const b = readBlock(r, `column ${JSON.stringify(name)}`);
  const values = new Array<string>(count);
  if (type === COL_HEX) {
    if (count === 0 || b.end % count !== 0) b.fail(`${b.end} hex bytes for ${count} values`);
    const size = b.end / count;
    const hex = Buffer.from(b.buf.buffer, b.buf.byteOffset, b.end).toString('hex');
    for (let i = 0; i < count; i++) values[i] = hex.slice(i * size * 2, (i + 1) * size * 2);
  } else if (type === COL_INT) {
    let prev = 0;
    for (let i = 0; i < count; i++) {
      const z = b.uvarint();
      prev += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      values[i] = String(prev);
    }
    if (b.pos !== b.end) b.fail(`${b.end - b.pos} bytes left after ${count} integers`);
  } else if (type === COL_TEXT) {
    const text = Buffer.from(b.buf.buffer, b.buf.byteOffset, b.end).toString('utf8');
    const parts = text.split('\n');
    if (parts.length !== count) b.fail(`${parts.length} text values (want ${count})`);
    return { name, values: parts };
  } else {
    r.fail(`column ${JSON.stringify(name)} has unknown type ${type}`);
  }
  return { name, values };
}
