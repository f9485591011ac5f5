/**
 * Byte-level helpers for the block formats: a growable big-endian writer and a bounds-checked
 * reader. Varints follow protobuf/Go (`binary.PutUvarint`), but work on JS numbers up to 2^53
 * without 32-bit bitwise ops on the high part.
 */

/** A read ran past the end of the buffer or found a malformed varint. */
export class DecodeError extends Error {}

export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
  }

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  reset(): void {
    this.len = 0;
  }

  u8(v: number): void {
    this.grow(1);
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    this.grow(4);
    const b = this.buf;
    let p = this.len;
    b[p++] = v >>> 24;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = v & 0xff;
    this.len = p;
  }

  /** Unsigned 64-bit big-endian from a non-negative safe integer. */
  u64(v: number): void {
    this.u32(Math.floor(v / 4294967296));
    this.u32(v >>> 0);
  }

  uvarint(v: number): void {
    this.grow(10);
    const b = this.buf;
    let p = this.len;
    while (v >= 0x80000000) {
      b[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.len = p;
  }

  /** Zig-zag signed varint; |v| must be < 2^52 so the zig-zag value stays a safe integer. */
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(src: Uint8Array): void {
    this.grow(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** uvarint length + UTF-8 bytes. */
  str(s: string): void {
    const enc = Buffer.from(s, 'utf8');
    this.uvarint(enc.length);
    this.bytes(enc);
  }

  /** A view of the written bytes (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Sequential reader over `buf[pos, end)`; every read is bounds-checked (throws DecodeError). */
export class ByteReader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    public end = buf.length,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new DecodeError(
        `unexpected end of data at offset ${this.pos}: need ${n} bytes, have ${this.end - this.pos}`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    const hi = this.u32();
    const lo = this.u32();
    if (hi > 0x1fffff) throw new DecodeError(`64-bit value at offset ${this.pos - 8} exceeds 2^53`);
    return hi * 4294967296 + lo;
  }

  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= end) throw new DecodeError(`unexpected end of data in varint at offset ${this.pos}`);
      const c = b[p++];
      v += (c & 0x7f) * mul;
      if (c < 0x80) {
        this.pos = p;
        return v;
      }
      mul *= 128;
    }
    throw new DecodeError(`varint at offset ${this.pos} longer than 8 bytes`);
  }

  varint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  str(): string {
    const n = this.uvarint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}
