/**
 * Big-endian bit stream reader over a Uint8Array, the counterpart of BitWriter. It loads 32-bit
 * words into a left-aligned accumulator; reading past the end yields zero bits and sets
 * `overrun` (checked once per sample by the iterator instead of on every read).
 */
export class BitReader {
  private buf: Uint8Array = new Uint8Array(0);
  private end = 0;
  /** Next byte to load; may run past `end` (virtual zero padding). */
  private pos = 0;
  /** Loaded bits, left-aligned; bits below the valid ones are zero. */
  private acc = 0;
  private accBits = 0;

  reset(buf: Uint8Array, start: number): void {
    this.buf = buf;
    this.end = buf.length;
    this.pos = start;
    this.acc = 0;
    this.accBits = 0;
  }

  /** True when more bits were read than the buffer holds (a truncated or corrupt stream). */
  get overrun(): boolean {
    return this.pos * 8 - this.accBits > this.end * 8;
  }

  private load(): void {
    const buf = this.buf;
    const p = this.pos;
    if (p + 4 <= this.end) {
      this.acc = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
    } else {
      let w = 0;
      for (let i = 0; i < 4; i++) w = (w << 8) | (p + i < this.end ? buf[p + i] : 0);
      this.acc = w;
    }
    this.pos = p + 4;
    this.accBits = 32;
  }

  readBit(): number {
    if (this.accBits === 0) this.load();
    const b = this.acc >>> 31;
    this.acc <<= 1;
    this.accBits--;
    return b;
  }

  /** Reads `n` bits (1 <= n <= 32) as an unsigned number. */
  readBits(n: number): number {
    const a = this.accBits;
    if (n > a) return this.readAcross(n, a);
    const r = this.acc >>> (32 - n);
    // Two shifts: a JS shift by 32 is a shift by 0.
    this.acc = (this.acc << (n - 1)) << 1;
    this.accBits = a - n;
    return r;
  }

  /** readBits when the field straddles the loaded word (kept out of line). */
  private readAcross(n: number, a: number): number {
    const high = this.acc >>> (32 - a); // a == 0 gives acc >>> 0 == 0 (acc is 0 then)
    const need = n - a;
    this.load();
    const low = this.acc >>> (32 - need);
    this.acc = (this.acc << (need - 1)) << 1;
    this.accBits = 32 - need;
    return ((high << need) | low) >>> 0;
  }
}
