/** Protobuf wire types. */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounds-checked cursor over protobuf bytes, shared by the protobuf decoders (OTLP, the
 * exposition format). Every read takes the end of the enclosing message and calls `fail` on
 * anything truncated or malformed, so hostile bytes never read past a message nor allocate from
 * a forged length. Subclasses turn a failure (a reason and the byte offset) into their own typed
 * error.
 */
export abstract class ProtoReader {
  pos = 0;
  protected readonly dv: DataView;

  constructor(readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Throws the decoder's error for `reason` found at byte `at`. */
  abstract fail(reason: string, at?: number, cause?: unknown): never;

  /** A varint as a number: exact up to 2^53, approximate beyond (uint64 counts). */
  varint(end: number): number {
    const b = this.buf;
    let p = this.pos;
    let r = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= end) this.fail('truncated varint');
      const c = b[p++];
      r += (c & 0x7f) * mul;
      if (c < 0x80) {
        this.pos = p;
        return r;
      }
      mul *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** An int64 varint (two's complement for negatives) as a number (exact within ±2^53). */
  int64(end: number): number {
    return Number(this.int64Big(end));
  }

  /** An int64 varint exactly, as a bigint (two's complement for negatives). */
  int64Big(end: number): bigint {
    const b = this.buf;
    let p = this.pos;
    let r = 0n;
    for (let i = 0; i < 10; i++) {
      if (p >= end) this.fail('truncated varint');
      const c = b[p++];
      r |= BigInt(c & 0x7f) << BigInt(7 * i);
      if (c < 0x80) {
        this.pos = p;
        return BigInt.asIntN(64, r);
      }
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A zigzag-encoded sint32. */
  sint32(end: number): number {
    const n = this.varint(end) % 2 ** 32;
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  double(end: number): number {
    if (this.pos + 8 > end) this.fail('truncated double');
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A fixed64 as a number (exact up to 2^53). */
  fixed64(end: number): number {
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    const lo = this.dv.getUint32(this.pos, true);
    const hi = this.dv.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * 4294967296 + lo;
  }

  /** An sfixed64 as a number (exact within ±2^53). */
  sfixed64(end: number): number {
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    const lo = this.dv.getUint32(this.pos, true);
    const hi = this.dv.getInt32(this.pos + 4, true);
    this.pos += 8;
    return hi * 4294967296 + lo;
  }

  /**
   * A fixed64 nanosecond timestamp as integer milliseconds, exactly: ns = hi·2^32 + lo and
   * 2^32 = 4294·10^6 + 967296, so floor(ns / 10^6) = hi·4294 + floor((hi·967296 + lo) / 10^6)
   * with every intermediate below 2^53.
   */
  nanosToMs(end: number): number {
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    const lo = this.dv.getUint32(this.pos, true);
    const hi = this.dv.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * 4294 + Math.floor((hi * 967296 + lo) / 1e6);
  }

  /** Reads a length prefix and returns the end of the field, checked against `end`. */
  lenEnd(end: number): number {
    const at = this.pos;
    const n = this.varint(end);
    const e = this.pos + n;
    if (e > end) this.fail(`length ${n} at byte ${at} runs past the end of its message`, end);
    return e;
  }

  /** A length-delimited UTF-8 string; invalid UTF-8 fails naming `what`. */
  string(end: number, what: string): string {
    const e = this.lenEnd(end);
    let s: string;
    try {
      s = strict.decode(this.buf.subarray(this.pos, e));
    } catch (err) {
      return this.fail(`${what} is not valid UTF-8`, this.pos, err);
    }
    this.pos = e;
    return s;
  }

  /** A length-delimited byte string (a view, not a copy). */
  bytes(end: number): Uint8Array {
    const e = this.lenEnd(end);
    const b = this.buf.subarray(this.pos, e);
    this.pos = e;
    return b;
  }

  /** Skips a field of wire type `wire` (its tag already read); groups are refused. */
  skip(wire: number, end: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint(end);
        return;
      case WIRE_I64:
        if (this.pos + 8 > end) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd(end);
        return;
      case WIRE_I32:
        if (this.pos + 4 > end) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }

  /** Reads a tag; returns [field number, wire type]. */
  tag(end: number): [number, number] {
    const at = this.pos;
    const t = this.varint(end);
    const field = Math.floor(t / 8);
    if (field === 0) this.fail('field number 0', at);
    return [field, t % 8];
  }

  /** Throws unless a known field arrived with its declared wire type. */
  expect(field: string, got: number, want: number, at = this.pos): void {
    if (got !== want) this.fail(`field ${field} has wire type ${got}, want ${want}`, at);
  }
}
