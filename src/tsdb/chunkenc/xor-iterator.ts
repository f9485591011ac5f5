/** Decodes an XOR chunk (see xor-encoder.ts and docs/format/chunks.md). */
import type { SampleIterator } from '../../storage/index.js';
import { BitReader } from './bit-reader.js';
import { InvalidChunkError } from './errors.js';
import { HI, LO, f64, u32 } from './float-bits.js';
import { TWO32, readUvarintAsInt64, readVarint } from './varint.js';

/**
 * Iterates the samples of an XOR chunk without allocating per sample. The sample count is
 * read once at `reset`, so appends to the chunk after that are not seen. A corrupt chunk ends
 * the iteration early and sets `err`.
 */
export class XorIterator implements SampleIterator {
  t = 0;
  v = 0;
  /** Set when the chunk turned out to be truncated or corrupt; iteration has stopped. */
  err: InvalidChunkError | undefined = undefined;
  private readonly r = new BitReader();
  private total = 0;
  private read = 0;
  private done = true;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private leading = 0;
  private trailing = 0;

  constructor(chunk?: Uint8Array) {
    if (chunk !== undefined) this.reset(chunk);
  }

  /** Starts over on `chunk` (the iterator can be reused across chunks). */
  reset(chunk: Uint8Array): void {
    this.err = undefined;
    this.read = 0;
    this.t = 0;
    this.v = 0;
    this.tDelta = 0;
    this.vHi = 0;
    this.vLo = 0;
    this.leading = 0;
    this.trailing = 0;
    if (chunk.length < 2) {
      this.total = 0;
      this.done = true;
      if (chunk.length !== 0) this.fail(`got ${chunk.length} bytes, want at least 2`);
      return;
    }
    this.total = (chunk[0] << 8) | chunk[1];
    this.done = this.total === 0;
    this.r.reset(chunk, 2);
  }

  next(): boolean {
    if (this.done) return false;
    const read = this.read;
    if (read >= this.total) {
      this.done = true;
      return false;
    }
    const r = this.r;
    if (read === 0) {
      const t = readVarint(r);
      if (t !== t) return this.fail('first timestamp varint longer than 10 bytes');
      this.t = t;
      this.vHi = r.readBits(32);
      this.vLo = r.readBits(32);
    } else {
      if (read === 1) {
        const d = readUvarintAsInt64(r);
        if (d !== d) return this.fail('timestamp delta uvarint longer than 10 bytes');
        this.tDelta = d;
      } else {
        this.tDelta += this.readDod();
      }
      this.t += this.tDelta;
      if (!this.readValue()) return false;
    }
    if (r.overrun) return this.fail(`sample ${read} of ${this.total} runs past the end`);
    u32[HI] = this.vHi;
    u32[LO] = this.vLo;
    this.v = f64[0]!;
    this.read = read + 1;
    return true;
  }

  private readDod(): number {
    const r = this.r;
    if (r.readBit() === 0) return 0;
    if (r.readBit() === 0) {
      const x = r.readBits(14);
      return x > 8192 ? x - 16384 : x;
    }
    if (r.readBit() === 0) {
      const x = r.readBits(17);
      return x > 65536 ? x - 131072 : x;
    }
    if (r.readBit() === 0) {
      const x = r.readBits(20);
      return x > 524288 ? x - 1048576 : x;
    }
    const hi = r.readBits(32);
    return (hi | 0) * TWO32 + r.readBits(32);
  }

  private readValue(): boolean {
    const r = this.r;
    if (r.readBit() === 0) return true; // same value
    if (r.readBit() === 1) {
      const x = r.readBits(11);
      const lead = x >>> 6;
      const sig = (x & 63) === 0 ? 64 : x & 63;
      if (lead + sig > 64) {
        this.fail(`value window of ${lead} leading and ${sig} significant bits exceeds 64`);
        return false;
      }
      this.leading = lead;
      this.trailing = 64 - lead - sig;
    }
    const trail = this.trailing;
    const sig = 64 - this.leading - trail;
    let shi = 0;
    let slo: number;
    if (sig > 32) {
      shi = r.readBits(sig - 32);
      slo = r.readBits(32);
    } else {
      slo = r.readBits(sig);
    }
    if (trail >= 32) {
      this.vHi ^= slo << (trail - 32);
    } else if (trail === 0) {
      this.vHi ^= shi;
      this.vLo ^= slo;
    } else {
      this.vHi ^= (shi << trail) | (slo >>> (32 - trail));
      this.vLo ^= slo << trail;
    }
    return true;
  }

  /**
   * Decodes the following samples into `ts`/`vs` from index `i` up to `end` (exclusive),
   * stopping at the chunk's end or before the first sample after `maxt` (then `overMax` is set
   * and that sample is consumed). Returns the index after the last sample written; `t`/`v`
   * then hold the last sample decoded. The bulk path of `readInto` (no per-sample calls out).
   */
  decodeInto(ts: Float64Array, vs: Float64Array, i: number, end: number, maxt: number): number {
    this.overMax = false;
    while (i < end && this.next()) {
      const t = this.t;
      if (t > maxt) {
        this.overMax = true;
        return i;
      }
      ts[i] = t;
      vs[i++] = this.v;
    }
    return i;
  }

  /** Set by `decodeInto` when it stopped at a sample after its `maxt`. */
  overMax = false;

  /** Advances to the first sample with t >= `t`; never moves backwards. */
  seek(t: number): boolean {
    if (this.done) return false;
    if (this.read > 0 && this.t >= t) return true;
    while (this.next()) {
      if (this.t >= t) return true;
    }
    return false;
  }

  private fail(msg: string): false {
    this.err = new InvalidChunkError(`cannot decode XOR chunk: ${msg}`);
    this.done = true;
    return false;
  }
}
