/**
 * Gorilla XOR chunk encoder, byte-compatible with Prometheus's chunkenc XOR chunk (see
 * docs/format/chunks.md): 2-byte sample count, first sample (varint t, raw 64-bit v), second
 * (uvarint t delta, XOR v), then delta-of-delta timestamps and XOR values.
 */
import { BitWriter } from './bit-writer.js';
import type { SlabAllocator } from './slabs.js';
import { ChunkAppendError } from './errors.js';
import { HI, LO, ctz32, f64, u32 } from './float-bits.js';
import { XorIterator } from './xor-iterator.js';
import { TWO32, writeUvarint, writeVarint } from './varint.js';

/** Samples the head puts in one chunk before cutting a new one (as Prometheus does). */
export const MAX_SAMPLES_PER_CHUNK = 120;
/** Hard limit of the 16-bit sample count header. */
export const MAX_SAMPLES_IN_FORMAT = 0xffff;
/** Chunk encoding id of XOR chunks in chunk files (Prometheus EncXOR). */
export const ENCODING_XOR = 1;

/** Size of `XorEncoder.saveState()`. */
export const ENCODER_STATE_SIZE = 22;

/** Bytes before the bit stream: the big-endian sample count. */
const HEADER = 2;
/**
 * V8 keeps typed arrays of up to 64 bytes on the JS heap (cheap to allocate); larger ones get
 * an off-heap backing store costing ~0.3-0.5 us each. Starting small and then growing once to
 * the projected chunk size keeps it to one off-heap allocation per chunk (plus `finish`).
 */
const INITIAL_BYTES = 64;

/**
 * Appends samples to one XOR chunk. Allocates nothing per sample (the buffer doubles when full).
 * An XorIterator reset on a `bytes()` view keeps reading the samples present at that time even
 * if appends follow: written bits never change and the iterator snapshots the sample count.
 */
export class XorEncoder {
  private readonly w: BitWriter;
  private n = 0;
  private t0 = 0;
  private tLast = 0;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  /** XOR window of the previous value; 0xff = none yet. */
  private leading = 0xff;
  private trailing = 0;

  /**
   * `slabs`: where the buffer goes once it outgrows `initialBytes` (V8 keeps typed arrays of
   * up to 64 bytes on the JS heap); the encoder never writes to a region it left.
   */
  constructor(initialBytes = INITIAL_BYTES, slabs: SlabAllocator | null = null, w?: BitWriter) {
    this.w = w ?? new BitWriter(initialBytes, HEADER);
    this.w.slabs = slabs;
  }

  /**
   * The encoder state a chunk's bytes do not hold exactly (see `resume`): bit length, last
   * timestamp delta, XOR window, last value. ENCODER_STATE_SIZE bytes, little-endian.
   */
  saveState(st: Uint8Array = new Uint8Array(ENCODER_STATE_SIZE)): Uint8Array {
    const dv = new DataView(st.buffer, st.byteOffset, ENCODER_STATE_SIZE);
    dv.setUint32(0, this.w.bitLength, true);
    const hi = Math.floor(this.tDelta / TWO32);
    dv.setUint32(4, this.tDelta - hi * TWO32, true);
    dv.setInt32(8, hi, true);
    st[12] = this.leading;
    st[13] = this.trailing;
    dv.setUint32(14, this.vLo, true);
    dv.setUint32(18, this.vHi, true);
    return st;
  }

  /**
   * An encoder continuing `chunk` (bytes of a chunk with `minT`..`maxT`, as `bytes()` returned
   * them) from `state` (`saveState()` at that point), without re-encoding its samples: appends
   * then produce exactly the bytes the original encoder would have. Null when the state does
   * not fit the chunk. `capacity` sizes the buffer (default: room for a full chunk).
   */
  static resume(
    chunk: Uint8Array,
    state: Uint8Array,
    minT: number,
    maxT: number,
    capacity = 0,
    slabs: SlabAllocator | null = null,
  ): XorEncoder | null {
    const n = chunkNumSamples(chunk);
    if (state.length !== ENCODER_STATE_SIZE || n === 0) return null;
    const dv = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const bits = dv.getUint32(0, true);
    const tDelta = dv.getInt32(8, true) * TWO32 + dv.getUint32(4, true);
    const leading = state[12];
    const trailing = state[13];
    if (bits <= HEADER * 8 || Math.ceil(bits / 8) !== chunk.length) return null;
    if (!(leading === 0xff || (leading < 32 && trailing <= 64)) || !Number.isSafeInteger(tDelta))
      return null;
    if (capacity <= 0) {
      const len = chunk.length;
      capacity = projectedSize(len, n);
    }
    const enc = new XorEncoder(0, slabs, BitWriter.resume(chunk, bits, HEADER, capacity, slabs));
    enc.n = n;
    enc.t0 = minT;
    enc.tLast = maxT;
    enc.tDelta = tDelta;
    enc.leading = leading;
    enc.trailing = trailing;
    enc.vLo = dv.getUint32(14, true);
    enc.vHi = dv.getUint32(18, true);
    return enc;
  }

  /** An encoder that continues `chunk` (re-encodes its samples; the result is byte-identical). */
  static fromChunk(chunk: Uint8Array): XorEncoder {
    const enc = new XorEncoder(Math.max(128, chunk.length + 16));
    const it = new XorIterator(chunk);
    while (it.next()) enc.append(it.t, it.v);
    if (it.err !== undefined) throw it.err;
    return enc;
  }

  get numSamples(): number {
    return this.n;
  }
  /** Timestamp of the first sample (0 when empty). */
  get minTime(): number {
    return this.t0;
  }
  /** Timestamp of the last sample (0 when empty). */
  get maxTime(): number {
    return this.tLast;
  }
  /** The last appended value, bit-exact (stale markers included); 0 when empty. */
  get lastValue(): number {
    u32[HI] = this.vHi;
    u32[LO] = this.vLo;
    return f64[0];
  }
  get byteLength(): number {
    return this.w.byteLength;
  }

  /**
   * Appends one sample. `t` is integer ms; ordering is the caller's job (equal or decreasing
   * timestamps encode and decode faithfully, they are just not what readers expect).
   * Throws ChunkAppendError, leaving the chunk unchanged, when `t` is not a safe integer, the
   * distance to the previous timestamp is not one, or the chunk holds 65535 samples.
   */
  append(t: number, v: number): void {
    const n = this.n;
    const w = this.w;
    f64[0] = v;
    const hi = u32[HI];
    const lo = u32[LO];
    if (n === 0) {
      if (!Number.isSafeInteger(t)) throw badTimestamp(t);
      writeVarint(w, t);
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
      this.t0 = t;
    } else {
      const delta = t - this.tLast;
      if (!Number.isSafeInteger(delta) || !Number.isSafeInteger(t))
        throw badTimestamp(t, this.tLast);
      if (n >= MAX_SAMPLES_IN_FORMAT) {
        throw new ChunkAppendError(
          `cannot append sample to XOR chunk: chunk is full (got ${n} samples, max ${MAX_SAMPLES_IN_FORMAT})`,
        );
      }
      if (n === 1) {
        writeUvarint(w, delta);
      } else {
        this.writeDod(delta - this.tDelta, t);
      }
      this.tDelta = delta;
      this.writeValue(hi, lo);
    }
    this.tLast = t;
    this.vHi = hi;
    this.vLo = lo;
    this.n = n + 1;
    const buf = w.buf;
    buf[0] = (n + 1) >>> 8;
    buf[1] = n + 1;
    // Near the end of the buffer: grow once to the size this chunk's rate projects for a full
    // chunk, instead of doubling several times (each typed-array allocation costs ~0.3-0.5 us).
    if (buf.length - w.pos < 24 && n + 1 < MAX_SAMPLES_PER_CHUNK) {
      w.reserve(projectedSize(w.byteLength, n + 1));
    }
  }

  /** Delta-of-delta buckets as in Prometheus: '0', '10'+14, '110'+17, '1110'+20, '1111'+64 bits. */
  private writeDod(dod: number, t: number): void {
    const w = this.w;
    if (dod === 0) {
      w.writeBits(0, 1);
    } else if (dod >= -8191 && dod <= 8192) {
      w.writeBits((0b10 << 14) | (dod & 0x3fff), 16);
    } else if (dod >= -65535 && dod <= 65536) {
      w.writeBits((0b110 << 17) | (dod & 0x1ffff), 20);
    } else if (dod >= -524287 && dod <= 524288) {
      w.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
    } else {
      // Safe deltas can still differ by more than 2^53; such a dod would not round-trip.
      if (!Number.isSafeInteger(dod)) throw badTimestamp(t, this.tLast);
      const dhi = Math.floor(dod / TWO32);
      w.writeBits(0b1111, 4);
      w.writeBits(dhi >>> 0, 32);
      w.writeBits(dod - dhi * TWO32, 32);
    }
  }

  /** XOR with the previous value: '0' same; '10' + bits in the old window; '11' + new window. */
  private writeValue(hi: number, lo: number): void {
    const w = this.w;
    const dhi = hi ^ this.vHi;
    const dlo = lo ^ this.vLo;
    if ((dhi | dlo) === 0) {
      w.writeBits(0, 1);
      return;
    }
    let lead = dhi !== 0 ? Math.clz32(dhi) : 32 + Math.clz32(dlo);
    const trail = dlo !== 0 ? ctz32(dlo) : 32 + ctz32(dhi);
    if (lead >= 32) lead = 31; // the window start is a 5-bit field
    if (this.leading !== 0xff && lead >= this.leading && trail >= this.trailing) {
      w.writeBits(0b10, 2);
      this.writeSignificant(dhi, dlo, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = lead;
    this.trailing = trail;
    const sig = 64 - lead - trail;
    // 64 significant bits do not fit the 6-bit field: stored as 0, read back as 64.
    w.writeBits((0b11 << 11) | (lead << 6) | (sig & 63), 13);
    this.writeSignificant(dhi, dlo, trail, sig);
  }

  /** Writes bits [trail, trail+sig) of the 64-bit (dhi, dlo); all bits above them are zero. */
  private writeSignificant(dhi: number, dlo: number, trail: number, sig: number): void {
    const w = this.w;
    if (trail >= 32) {
      w.writeBits(dhi >>> (trail - 32), sig);
      return;
    }
    const low = trail === 0 ? dlo : (dlo >>> trail) | (dhi << (32 - trail));
    if (sig > 32) {
      w.writeBits(dhi >>> trail, sig - 32);
      w.writeBits(low, 32);
    } else {
      w.writeBits(low, sig);
    }
  }

  /** A view of the chunk so far; valid until the next append (the buffer may be replaced). */
  bytes(): Uint8Array {
    const w = this.w;
    w.flushTail();
    return w.buf.subarray(0, w.byteLength);
  }

  /** An exact-size copy of the chunk, for storing once the chunk is complete. */
  finish(): Uint8Array {
    return this.bytes().slice();
  }
}

/** Bytes of a chunk's header and first sample (varint ms timestamp, raw value), about. */
const FIRST_SAMPLE_BYTES = 16;

/**
 * Buffer size for a chunk of `n` samples in `len` bytes to reach MAX_SAMPLES_PER_CHUNK, at
 * its rate so far (without the costly first sample, which would inflate early projections)
 * plus 10% and a word of slack. Too small only costs one more grow.
 */
function projectedSize(len: number, n: number): number {
  if (n >= MAX_SAMPLES_PER_CHUNK) return len + 16;
  const rate = n > 1 ? Math.max(len - FIRST_SAMPLE_BYTES, n) / (n - 1) : FIRST_SAMPLE_BYTES;
  return len + Math.ceil(rate * (MAX_SAMPLES_PER_CHUNK - n) * 1.1) + 16;
}

function badTimestamp(t: number, prev?: number): ChunkAppendError {
  const what = prev === undefined ? '' : ` after ${prev}`;
  return new ChunkAppendError(
    `cannot append sample to XOR chunk: timestamp ${t}${what} out of range (want integers with |t| and |t - previous| <= ${Number.MAX_SAFE_INTEGER})`,
  );
}

/** Sample count of an encoded chunk, from its 2-byte header (0 for a too-short buffer). */
export function chunkNumSamples(chunk: Uint8Array): number {
  if (chunk.length < HEADER) return 0;
  return (chunk[0] << 8) | chunk[1];
}
