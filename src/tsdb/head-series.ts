import type { Labels } from '../model/index.js';
import {
  MAX_SAMPLES_PER_CHUNK,
  type SlabAllocator,
  XorEncoder,
  XorIterator,
} from './chunkenc/index.js';

/** A completed (immutable) head chunk: exact-size XOR bytes and its time range. */
export interface HeadChunk {
  readonly data: Uint8Array;
  readonly minT: number;
  readonly maxT: number;
}

/** Initial bytes of an open chunk's buffer (on the JS heap; it then grows to a projected size). */
const OPEN_CHUNK_BYTES = 64;

const NO_CHUNKS: readonly HeadChunk[] = Object.freeze([]);

/**
 * Where chunk bytes live. Open chunks grow into regions of `open` slabs (sized for a full
 * chunk, so with some slack); a closed chunk is copied exact-size into `closed` slabs. Open
 * chunks of a slab close at about the same time (series advance in step), which frees it.
 */
export interface HeadSlabs {
  readonly open: SlabAllocator;
  readonly closed: SlabAllocator;
}

/** What `MemSeries.append` did to the chunks. */
export const Cut = {
  None: 0,
  /** Started a chunk while none was open. */
  Started: 1,
  /** Closed the open chunk (now last in `closed`) and started a new one. */
  Closed: 2,
} as const;
export type Cut = (typeof Cut)[keyof typeof Cut];

/**
 * One series in the head: closed chunks plus the open XOR encoder. After a restart the closed
 * chunks loaded from head chunk files may be there while no chunk is open (`enc` null). Kept small (a handful of
 * fields; no per-sample objects): with 100k+ active series every field counts.
 *
 * The encoder holds the last timestamp and value bit-exactly, so there is no separate `lastV`
 * (a plain number field would be fine too, but this saves 8 bytes per series).
 */
export class MemSeries {
  /** Closed chunks, oldest first. Replaced (never mutated in place) so readers can snapshot. */
  closed: readonly HeadChunk[] = NO_CHUNKS;
  /** The open chunk; null before the first sample. */
  enc: XorEncoder | null = null;
  /** The open chunk must be cut before this timestamp (the next block boundary). */
  chunkEnd = 0;
  /** Batch id of the last appender/commit that saw this series (intra-batch ordering check). */
  batchId = 0;
  /** That batch's last timestamp for this series. */
  batchT = 0;
  /** The series record is in the WAL and the series is in the postings index. */
  logged = false;
  /** Removed from the head by GC; holders of the object must resolve the labels again. */
  deleted = false;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
  ) {}

  /** Timestamp of the newest sample, or -1 when the series holds none. */
  get lastT(): number {
    const e = this.enc;
    if (e !== null) return e.maxTime;
    const c = this.closed;
    return c.length === 0 ? -1 : c[c.length - 1].maxT;
  }

  /** The newest sample's value, bit-exact (only meaningful when lastT >= 0). */
  get lastV(): number {
    const e = this.enc;
    if (e !== null) return e.lastValue;
    const c = this.closed;
    if (c.length === 0) return 0;
    const last = c[c.length - 1];
    return valueIn(last.data, last.maxT) ?? 0;
  }

  /** Oldest sample timestamp, or -1 when empty. */
  get minT(): number {
    if (this.closed.length > 0) return this.closed[0].minT;
    return this.enc === null ? -1 : this.enc.minTime;
  }

  /**
   * Appends a sample the caller has validated (t > lastT). Cuts the open chunk at
   * MAX_SAMPLES_PER_CHUNK samples or when `t` crosses a `chunkRange` boundary, so no chunk
   * spans two blocks. Open chunks grow into `slabs.open`; closing copies the bytes exact-size
   * (into `slabs.closed`). Returns whether a chunk was started, and whether one was closed.
   */
  append(t: number, v: number, chunkRange: number, slabs: HeadSlabs | null = null): Cut {
    let e = this.enc;
    let cut: Cut = Cut.None;
    if (e === null || e.numSamples >= MAX_SAMPLES_PER_CHUNK || t >= this.chunkEnd) {
      cut = Cut.Started;
      if (e !== null) {
        const data = slabs === null ? e.finish() : slabs.closed.copy(e.bytes());
        const c: HeadChunk = { data, minT: e.minTime, maxT: e.maxTime };
        this.closed = this.closed.length === 0 ? [c] : [...this.closed, c];
        cut = Cut.Closed;
      }
      e = new XorEncoder(OPEN_CHUNK_BYTES, slabs?.open);
      this.enc = e;
      this.chunkEnd = (Math.floor(t / chunkRange) + 1) * chunkRange;
    }
    e.append(t, v);
    return cut;
  }

  /**
   * Closed chunks loaded from head chunk files (oldest first, after any existing closed chunk)
   * on a series with no open chunk yet: replay appends what follows them from the WAL.
   */
  attach(chunks: readonly HeadChunk[]): void {
    this.closed = this.closed.length === 0 ? chunks : [...this.closed, ...chunks];
  }

  /** Makes `enc` (continuing a persisted partial chunk) the open chunk of an empty series. */
  resumeOpen(enc: XorEncoder, chunkRange: number): void {
    this.enc = enc;
    this.chunkEnd = (Math.floor(enc.minTime / chunkRange) + 1) * chunkRange;
  }

  /** maxT of the closed chunk before the newest closed one, or -1 (the chain link). */
  prevClosedMaxT(): number {
    const c = this.closed;
    return c.length < 2 ? -1 : c[c.length - 2].maxT;
  }

  /** Number of chunks (closed + open). */
  get numChunks(): number {
    return this.closed.length + (this.enc === null ? 0 : 1);
  }

  /**
   * The value stored at exactly `t`, or undefined. Scans chunks: only used on the rare path of
   * a sample older than the newest (to accept exact duplicates of a retried request).
   */
  valueAt(t: number): number | undefined {
    for (const c of this.closed) {
      if (t < c.minT || t > c.maxT) continue;
      return valueIn(c.data, t);
    }
    const e = this.enc;
    if (e !== null && t >= e.minTime && t <= e.maxTime) return valueIn(e.bytes(), t);
    return undefined;
  }

  /**
   * Drops chunks whose samples are all before `mint`. Returns the number of chunks removed.
   * The open chunk is dropped too when it is entirely before `mint` (the series is then empty
   * and the head garbage-collects it).
   */
  truncateBefore(mint: number): number {
    let removed = 0;
    if (this.closed.length > 0 && this.closed[0].maxT < mint) {
      const keep = this.closed.filter((c) => c.maxT >= mint);
      removed = this.closed.length - keep.length;
      this.closed = keep.length === 0 ? NO_CHUNKS : keep;
    }
    if (this.enc !== null && this.enc.maxTime < mint) {
      this.enc = null;
      removed++;
    }
    return removed;
  }

  /** True when the series holds no sample. */
  get empty(): boolean {
    return this.enc === null && this.closed.length === 0;
  }

  /** Approximate bytes of chunk data held (for stats). */
  chunkBytes(): number {
    let n = 0;
    for (const c of this.closed) n += c.data.byteLength;
    if (this.enc !== null) n += this.enc.byteLength;
    return n;
  }
}

const scratch = new XorIterator();

function valueIn(chunk: Uint8Array, t: number): number | undefined {
  scratch.reset(chunk);
  if (!scratch.seek(t) || scratch.t !== t) return undefined;
  return scratch.v;
}
