import type { SlabAllocator } from './slabs.js';

/**
 * Big-endian bit stream writer over a growable Uint8Array. Bits gather in a 32-bit accumulator
 * and leave as whole 32-bit words, so the per-bit cost is a shift and an OR; only `flushTail`
 * (called by readers wanting a view) writes the partial last word.
 */
export class BitWriter {
  /** Backing store; invariant: `buf.length >= pos + 4` so a word or the tail always fits. */
  buf: Uint8Array;
  /** Byte offset where the next full 32-bit word goes. */
  pos: number;
  /** Pending bits, right-aligned; only the low `accBits` bits are set. */
  private acc = 0;
  /** Number of pending bits, 0..31. */
  private accBits = 0;

  /** Where grown buffers come from (null: their own ArrayBuffer). */
  slabs: SlabAllocator | null = null;

  /** `start` bytes at the front are reserved for a header the owner writes itself. */
  constructor(initialBytes: number, start: number) {
    this.buf = new Uint8Array(Math.max(initialBytes, start + 4));
    this.pos = start;
  }

  /**
   * A writer continuing the first `bitLength` bits of `data`, a stream written by a BitWriter
   * constructed with the same `start` (its `bitLength`, header bytes included), with room for
   * `capacity` bytes. The caller checked `bitLength` against `data.length`.
   */
  static resume(
    data: Uint8Array,
    bitLength: number,
    start: number,
    capacity: number,
    slabs: SlabAllocator | null = null,
  ): BitWriter {
    const accBits = (bitLength - start * 8) & 31;
    const pos = (bitLength - accBits) >>> 3;
    const w = new BitWriter(0, 0);
    w.slabs = slabs;
    w.pos = 0;
    w.reserve(Math.max(capacity, data.length + 4, pos + 4));
    w.buf.set(data);
    w.pos = pos;
    if (accBits > 0) {
      const b = w.buf;
      const word = ((b[pos] << 24) | (b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3]) >>> 0;
      w.acc = word >>> (32 - accBits);
      w.accBits = accBits;
    }
    return w;
  }

  /** Total bits written after the reserved header bytes and before them (as bytes*8). */
  get bitLength(): number {
    return this.pos * 8 + this.accBits;
  }

  /** Bytes needed to hold every written bit (the last one zero-padded). */
  get byteLength(): number {
    return this.pos + ((this.accBits + 7) >>> 3);
  }

  /**
   * Appends the low `n` bits of `v`, most significant first. 1 <= n <= 32; for n < 32 the bits
   * of `v` above `n` MUST be zero (callers mask), which keeps this path free of masking.
   */
  writeBits(v: number, n: number): void {
    // Kept tiny so TurboFan inlines it into every caller; the word flush is out of line.
    const total = this.accBits + n;
    if (total < 32) {
      this.acc = (this.acc << n) | v;
      this.accBits = total;
    } else {
      this.spill(v, total - 32);
    }
  }

  /** Emits the full word made of the pending bits and the top of `v`; keeps `over` bits of `v`. */
  private spill(v: number, over: number): void {
    // acc is 0 when accBits is 0, so the shift-by-32 (== shift by 0 in JS) is harmless.
    const word = (this.acc << (32 - this.accBits)) | (v >>> over);
    const buf = this.buf;
    let p = this.pos;
    buf[p] = word >>> 24;
    buf[p + 1] = word >>> 16;
    buf[p + 2] = word >>> 8;
    buf[p + 3] = word;
    p += 4;
    this.pos = p;
    this.acc = v & ((1 << over) - 1);
    this.accBits = over;
    if (p + 4 > buf.length) this.reserve(buf.length * 2);
  }

  /** Grows the backing store to at least `bytes` (allocating typed arrays is costly: do it rarely). */
  reserve(bytes: number): void {
    if (bytes <= this.buf.length) return;
    const buf = this.slabs === null ? new Uint8Array(bytes) : this.slabs.alloc(bytes);
    buf.set(this.buf.subarray(0, this.pos + 4));
    this.buf = buf;
  }

  /** Writes the pending bits (zero-padded to a byte) into `buf` without consuming them. */
  flushTail(): void {
    const bits = this.accBits;
    if (bits === 0) return;
    const w = this.acc << (32 - bits);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = w >>> 24;
    if (bits > 8) buf[p + 1] = w >>> 16;
    if (bits > 16) buf[p + 2] = w >>> 8;
    if (bits > 24) buf[p + 3] = w;
  }
}
