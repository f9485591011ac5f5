import { brotliDecompressSync } from 'node:zlib';
import { ByteReader, ChunkCorruptionError, brotli, type ByteWriter } from './chunk-q4.js';
import {
  ColumnValues,
  MAX_ISO_MS,
  MIN_ISO_MS,
  V_CLF,
  V_DEC,
  V_DICT,
  V_FIXED,
  V_DOTTED,
  V_HEX,
  V_INT,
  V_TEXT,
  V_TIME,
} from './chunk-columnar-values.js';

export { ColumnValues, Sink, type ColumnBytes } from './chunk-columnar-values.js';

/**
 * One typed column of the columnar format (ADR 0005 §4): the values of one JSON key or one field
 * position, in line order. The type is picked per column from what every value allows
 * (chunk-columnar-write.ts), and each type restores the exact text: `hex` as bytes, integers and
 * decimals as varints or byte planes, times as numbers, repeated text as a dictionary, anything
 * else as `text` ("\n"-joined; values never hold "\n": such lines stay raw). All types:
 * docs/format/logs-chunk.md. This file: the type codes, blocks, and reading a column back.
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
/**
 * v3: at most `MAX_DICT` distinct text values, each used ≥ 4 times on average: the distinct
 * values ("\n"-joined) and one index byte per value. Levels, messages, routes, user agents.
 */
export const COL_DICT = 7;
/**
 * v3: dotted numbers, every value with the same number (2–8) of parts of 0–255 in canonical
 * decimal (IPv4 addresses, most versions): the part count, then one byte per part, part-major.
 */
export const COL_DOTTED = 8;
/**
 * v3: integers (type 9) or scaled decimals (type 10, the scale first) as byte planes: `byte w`,
 * then w × count bytes, plane k holding byte k (little-endian) of each zig-zag value. Random
 * ids, sizes and durations compress ~15% smaller than as varints (Parquet's byte stream
 * split); the writer keeps whichever of the two compresses smaller.
 */
export const COL_INT_PLANES = 9;
export const COL_DEC_PLANES = 10;
/**
 * v3: Common Log Format times without their zone (`[15/Jan/2026:10:00:00`, nginx and Apache
 * access logs) as zig-zag varints of their seconds (read as UTC) minus their record's seconds:
 * a line stamped near its own time, in any zone, costs about a byte before compression.
 */
export const COL_CLF = 11;
export const MAX_PLANES = 7;
export const MAX_DICT = 256;
export const MAX_DOTTED_PARTS = 8;
export const MAX_SCALE = 9;
/**
 * v3: in a decimal column's scale, this bit says every value prints exactly `scale` fraction
 * digits (`0.120`, as nginx's `$request_time` and `toFixed` write), trailing zeros included.
 */
export const FIXED_SCALE = 0x40;
/** v2 type-byte flag: every value starts with a prefix stored once; the rest is typed. */
export const COL_PREFIX = 0x80;
export const QUALITY = 6;

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

/** A brotli q6 block: uvarint raw length, uvarint compressed length, bytes (`z` if given). */
export function writeBlock(
  w: ByteWriter,
  raw: Uint8Array,
  z: Uint8Array = brotli(raw, QUALITY),
): void {
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
      if ((version === 1 && type > COL_INT) || (version === 2 && type > COL_DEC) || type > COL_CLF)
        r.fail(`column ${JSON.stringify(name)} has unknown type ${type}`);
      return (done = decodeColumn(
        r,
        name,
        type,
        count,
        b,
        prefix,
        type === COL_TIME_REL || type === COL_CLF ? recordMs?.() : undefined,
      ));
    },
  };
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

/** A stored decimal scale: plain or (`FIXED_SCALE` set) fixed-point, and the scale itself. */
function decScale(b: ByteReader, stored: number): [number, number] {
  const scale = stored & ~FIXED_SCALE;
  if (
    scale > MAX_SCALE ||
    stored > (FIXED_SCALE | MAX_SCALE) ||
    (stored & FIXED_SCALE && scale < 1)
  )
    b.fail(
      `decimal scale ${stored} (want at most ${MAX_SCALE}, or ${FIXED_SCALE} + 1 to ${MAX_SCALE})`,
    );
  return [stored & FIXED_SCALE ? V_FIXED : V_DEC, scale];
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
    const [kind, scale] = decScale(b, b.uvarint());
    const nums = new Float64Array(count);
    zigzags(b, count, nums);
    if (b.pos !== b.end) b.fail(`${b.end - b.pos} bytes left after ${count} decimals`);
    return col(kind, nums, scale);
  }
  if (type === COL_CLF) {
    if (recordMs === undefined || recordMs.length !== count)
      b.fail(`${recordMs?.length ?? 0} record times for ${count} relative times`);
    const nums = new Float64Array(count);
    zigzags(b, count, nums);
    for (let i = 0; i < count; i++) {
      const sec = Math.floor(recordMs[i] / 1000) + nums[i];
      if (!(sec * 1000 >= MIN_ISO_MS && sec * 1000 <= MAX_ISO_MS))
        b.fail(`time ${sec} s out of range at value ${i}`);
      nums[i] = sec;
    }
    if (b.pos !== b.end) b.fail(`${b.end - b.pos} bytes left after ${count} times`);
    return col(V_CLF, nums);
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
  if (type === COL_INT_PLANES || type === COL_DEC_PLANES) {
    const [kind, scale] = type === COL_DEC_PLANES ? decScale(b, b.byte()) : [V_INT, 0];
    const width = b.byte();
    if (width < 1 || width > MAX_PLANES) b.fail(`${width} byte planes (want 1 to ${MAX_PLANES})`);
    if (b.end - b.pos !== width * count)
      b.fail(`${b.end - b.pos} plane bytes for ${count} × ${width}`);
    const nums = new Float64Array(count);
    const buf = b.buf;
    for (let k = width - 1; k >= 0; k--) {
      const at = b.pos + k * count;
      for (let i = 0; i < count; i++) nums[i] = nums[i] * 256 + buf[at + i];
    }
    for (let i = 0; i < count; i++) {
      const zz = nums[i];
      const v = zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
      if (type === COL_INT_PLANES && Math.abs(v) >= 1e16)
        b.fail(`integer ${v} out of range at value ${i}`);
      nums[i] = v;
    }
    return col(kind, nums, scale);
  }
  if (type === COL_DICT) {
    const size = b.uvarint();
    if (size < 1 || size > MAX_DICT) b.fail(`dictionary of ${size} values (want 1 to ${MAX_DICT})`);
    const text = b.bytes(b.uvarint());
    const dict = new ColumnValues(
      name,
      size,
      V_TEXT,
      Buffer.from(text.buffer, text.byteOffset, text.length),
      new Int32Array(size + 1),
      noNums,
      0,
      '',
    );
    dict.check();
    const idx = b.bytes(b.end - b.pos);
    if (idx.length !== count) b.fail(`${idx.length} dictionary indexes for ${count} values`);
    for (let v = 0; v < count; v++)
      if (idx[v] >= size) b.fail(`dictionary index ${idx[v]} of ${size} at value ${v}`);
    let longest = 0;
    for (let e = 0; e < size; e++) longest = Math.max(longest, dict.size(e));
    const bytes = Buffer.from(idx.buffer, idx.byteOffset, idx.length);
    return new ColumnValues(name, count, V_DICT, bytes, noStart, noNums, longest, prefix, dict);
  }
  if (type === COL_DOTTED) {
    const parts = b.byte();
    if (parts < 2 || parts > MAX_DOTTED_PARTS)
      b.fail(`dotted numbers of ${parts} parts (want 2 to ${MAX_DOTTED_PARTS})`);
    const bytes = b.bytes(b.end - b.pos);
    if (bytes.length !== parts * count)
      b.fail(`${bytes.length} bytes for ${count} × ${parts} parts`);
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    return new ColumnValues(name, count, V_DOTTED, buf, noStart, noNums, parts, prefix);
  }
  if (type === COL_TEXT) {
    const start = new Int32Array(count + 1);
    const c = new ColumnValues(name, count, V_TEXT, raw, start, noNums, 0, prefix);
    if (count === 1) c.size(0); // checks the one value holds no "\n"
    return c;
  }
  return r.fail(`column ${JSON.stringify(name)} has unknown type ${type}`);
}
