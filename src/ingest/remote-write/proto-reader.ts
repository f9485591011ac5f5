import { malformed } from './errors.js';

/** Protobuf wire types. */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

/**
 * A cursor over protobuf bytes: reads varints, lengths and skips fields, throwing a 400
 * `RemoteWriteError` ("cannot decode …") on anything malformed. One instance is reused per
 * request; no allocation per field.
 */
export class ProtoReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;

  reset(buf: Buffer): void {
    this.buf = buf;
    this.pos = 0;
  }

  /** A varint that must fit in 32 bits unsigned (tags, lengths, enums). */
  uint32(end: number): number {
    const b = this.buf;
    let p = this.pos;
    let r = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (p >= end) throw malformed(`truncated varint at byte ${this.pos}`);
      const c = b[p++];
      r += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) {
        this.pos = p;
        return r;
      }
      shift += 7;
    }
    // Longer varints are legal for int32 enums holding negatives; keep reading up to 10 bytes.
    for (let i = 5; i < 10; i++) {
      if (p >= end) throw malformed(`truncated varint at byte ${this.pos}`);
      if (b[p++] < 0x80) {
        this.pos = p;
        return r >>> 0;
      }
    }
    throw malformed(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /**
   * An int64 varint as a number. Values beyond ±2^53 lose precision; callers range-check.
   * Negative values (10-byte two's complement) come back negative.
   */
  int64(end: number): number {
    const b = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= end) throw malformed(`truncated varint at byte ${this.pos}`);
      const c = b[p++];
      if (i < 4) lo |= (c & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (c & 0x0f) << 28;
        hi |= (c & 0x7f) >>> 4;
      } else hi |= (c & 0x7f) << (7 * i - 32);
      if (c < 0x80) {
        this.pos = p;
        lo >>>= 0;
        if (hi & 0x80000000) return -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1);
        return (hi >>> 0) * 4294967296 + lo;
      }
    }
    throw malformed(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** Reads a length prefix and returns the end of the field, checked against `end`. */
  lenEnd(end: number): number {
    const at = this.pos;
    const n = this.uint32(end);
    const e = this.pos + n;
    if (e > end)
      throw malformed(
        `field length ${n} at byte ${at} runs past the end of its message (byte ${end})`,
      );
    return e;
  }

  /** Skips a field of wire type `wire` (its tag already read). */
  skip(wire: number, end: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uint32(end);
        return;
      case WIRE_I64:
        this.fixed(8, end);
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd(end);
        return;
      case WIRE_I32:
        this.fixed(4, end);
        return;
      default:
        throw malformed(`unsupported wire type ${wire} at byte ${this.pos}`);
    }
  }

  private fixed(n: number, end: number): void {
    if (this.pos + n > end) throw malformed(`truncated fixed-size field at byte ${this.pos}`);
    this.pos += n;
  }

  /** Throws unless a known field arrived with its declared wire type. */
  expectWire(field: string, got: number, want: number): void {
    if (got !== want)
      throw malformed(`field ${field} has wire type ${got}, want ${want} (byte ${this.pos})`);
  }
}
