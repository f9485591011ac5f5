/**
 * Unsigned and zigzag varints (LEB128, as Go's encoding/binary) for integers up to 2^53, the
 * range a JS number holds exactly. Readers bound-check and throw WalCorruptionError.
 */
import { WalCorruptionError } from './errors.js';

/** Most bytes a varint of a value below 2^53 takes. */
export const MAX_VARINT_LEN = 8;

/** Writes `v` (an integer in [0, 2^53)) at `p`; returns the position after it. */
export function putUvarint(buf: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    buf[p++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[p++] = v;
  return p;
}

/** Zigzag: 0,-1,1,-2… -> 0,1,2,3…; exact for |v| < 2^52. */
export function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

export function unzigzag(u: number): number {
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/** A cursor over `buf[pos, end)`. */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    pos: number,
    readonly end: number,
  ) {
    this.pos = pos;
  }

  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    if (p >= this.end) throw this.corrupt('varint past end of record');
    let c = b[p++];
    if (c < 0x80) {
      this.pos = p;
      return c;
    }
    let v = c & 0x7f;
    let mul = 0x80;
    for (;;) {
      if (p >= this.end) throw this.corrupt('varint past end of record');
      c = b[p++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 0x80;
      if (mul > 2 ** 49) throw this.corrupt('varint too long');
    }
    if (v > Number.MAX_SAFE_INTEGER) throw this.corrupt(`varint ${v} exceeds 2^53`);
    this.pos = p;
    return v;
  }

  varint(): number {
    // Fast path: deltas in a samples record are mostly one byte.
    const p = this.pos;
    if (p < this.end) {
      const c = this.buf[p];
      if (c < 0x80) {
        this.pos = p + 1;
        return (c >>> 1) ^ -(c & 1);
      }
    }
    return unzigzag(this.uvarint());
  }

  u8(): number {
    if (this.pos >= this.end) throw this.corrupt('byte past end of record');
    return this.buf[this.pos++];
  }

  /** Bytes left. */
  get left(): number {
    return this.end - this.pos;
  }

  corrupt(what: string): WalCorruptionError {
    return new WalCorruptionError(`cannot decode WAL record: ${what} at offset ${this.pos}`);
  }
}
