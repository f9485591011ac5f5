/**
 * Go-compatible varints (encoding/binary PutVarint/PutUvarint) for 64-bit integers held in JS
 * numbers. JS bit operators are 32-bit, so values travel as two uint32 halves; only the first
 * two samples of a chunk use these, so clarity beats speed here.
 */
import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';

export const TWO32 = 4294967296;

/** Writes the int64 `x` (a safe integer) as a zigzag signed varint. */
export function writeVarint(w: BitWriter, x: number): void {
  const hi = Math.floor(x / TWO32) | 0;
  const lo = x - Math.floor(x / TWO32) * TWO32;
  const sign = hi >> 31;
  writeUvarint64(w, (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0, ((lo << 1) ^ sign) >>> 0);
}

/** Writes the safe integer `x` as a uvarint of its 64-bit two's complement, like Go's uint64(x). */
export function writeUvarint(w: BitWriter, x: number): void {
  const hi = Math.floor(x / TWO32);
  writeUvarint64(w, hi >>> 0, x - hi * TWO32);
}

function writeUvarint64(w: BitWriter, hi: number, lo: number): void {
  while (hi !== 0 || lo >= 0x80) {
    w.writeBits((lo & 0x7f) | 0x80, 8);
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  w.writeBits(lo, 8);
}

/** The int64 with halves (hi, lo) as a number; exact while it is a safe integer. */
export function int64ToNumber(hi: number, lo: number): number {
  return (hi | 0) * TWO32 + (lo >>> 0);
}

// Scratch result of readUvarint64: [lo, hi]. Module-level so reads allocate nothing.
const u64 = new Uint32Array(2);

/** Reads a uvarint into u64; false when it is longer than 10 bytes (corrupt). */
function readUvarint64(r: BitReader): boolean {
  let lo = 0;
  let hi = 0;
  for (let s = 0; s < 70; s += 7) {
    const b = r.readBits(8);
    const bits = b & 0x7f;
    if (s < 32) {
      lo |= bits << s;
      if (s > 25) hi |= bits >>> (32 - s);
    } else {
      hi |= bits << (s - 32);
    }
    if (b < 0x80) {
      u64[0] = lo;
      u64[1] = hi;
      return true;
    }
  }
  return false;
}

/** Reads a uvarint and reinterprets it as int64 (Go's int64(uint64)); NaN when corrupt. */
export function readUvarintAsInt64(r: BitReader): number {
  if (!readUvarint64(r)) return NaN;
  return int64ToNumber(u64[1], u64[0]);
}

/** Reads a zigzag signed varint; NaN when corrupt. */
export function readVarint(r: BitReader): number {
  if (!readUvarint64(r)) return NaN;
  const lo = u64[0];
  const hi = u64[1];
  const m = -(lo & 1);
  return int64ToNumber((hi >>> 1) ^ m, (((lo >>> 1) | (hi << 31)) ^ m) >>> 0);
}
