import { HeadReaders } from './head-readers.js';
import { Labels } from '../model/index.js';
import { ENCODER_STATE_SIZE, SlabAllocator, XorEncoder } from './chunkenc/index.js';
import type { MetricMetadata } from '../storage/index.js';
import { MemPostings } from './index/mem-postings.js';
import { Cut, type HeadChunk, type HeadSlabs, MemSeries } from './head-series.js';
import type { PersistedChunk } from './headchunks/index.js';
import type { HeadLimits } from './limits.js';

/** Why a sample was rejected (the `reason` label of the rejected-samples metric). */
export type RejectReason =
  | 'out_of_order'
  | 'duplicate'
  | 'too_old'
  | 'future'
  | 'invalid_labels'
  | 'invalid_timestamp'
  | 'series_limit';

export const REJECT_REASONS: readonly RejectReason[] = [
  'out_of_order',
  'duplicate',
  'too_old',
  'future',
  'invalid_labels',
  'invalid_timestamp',
  'series_limit',
];

/** Plain counters the hot path bumps; metrics.ts exposes them through collect callbacks. */
export class HeadCounters {
  samplesAppended = 0;
  duplicates = 0;
  seriesCreated = 0;
  seriesRemoved = 0;
  chunksCreated = 0;
  chunksRemoved = 0;
  readonly rejected = new Map<RejectReason, number>(REJECT_REASONS.map((r) => [r, 0]));

  reject(reason: RejectReason, n = 1): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + n);
  }
}

/** A chunk closed by an append (or an open chunk's partial snapshot), for the chunk writer. */
export interface ClosedChunk {
  ref: number;
  chunk: PersistedChunk;
  /** maxT of the series' previous chunk in the head, or -1 (the link readers check). */
  prevMaxT: number;
}

/**
 * The in-memory head of one tenant: series (by ref and by label hash, with collision
 * handling), the postings index, interned label strings, time bounds and metric metadata.
 * Appenders (head-append.ts), queriers (head-read.ts) and replay (head-replay.ts) work on it.
 * All methods are synchronous: one event loop, so each call sees a consistent head.
 */
/** Refs below this are also indexed in a dense array (8 bytes per ref ever created). */
const DENSE_REFS = 1 << 25;

export class Head {
  /** First series per label hash; further series with the same hash live in `collisions`. */
  private readonly byHash = new Map<number, MemSeries>();
  private readonly collisions = new Map<number, MemSeries[]>();
  readonly byRef = new Map<number, MemSeries>();
  /**
   * The same series indexed by ref in a plain array: refs are small and dense (a per-tenant
   * counter), and the ingest hot path looks one up per sample; an array index is several times
   * cheaper than a Map probe at 100k+ entries. Refs at or above DENSE_REFS live in `byRef` only.
   */
  private readonly dense: (MemSeries | undefined)[] = [];
  /** Extra refs the WAL logged for a live series (a series recreated under a new ref). */
  readonly aliases = new Map<number, MemSeries>();
  readonly postings = new MemPostings();
  private strings = new Map<string, string>();
  private nextRef = 1;
  private batchSeq = 0;
  private chunks = 0;
  /** Time bounds of the samples in the head (Infinity/-Infinity when empty). */
  minT = Infinity;
  maxT = -Infinity;
  /**
   * Appends before this are rejected as too old: the end of the newest block cut from the head
   * (or being cut right now). -Infinity until the first block.
   */
  minValidTime = -Infinity;
  readonly metadata = new Map<string, MetricMetadata>();
  readonly counters = new HeadCounters();
  /** Open head queriers (compaction waits for those reading what it truncates). */
  readonly readers = new HeadReaders();
  /** Chunk bytes (filled in time order; see SlabAllocator, HeadSlabs). */
  readonly slabs: HeadSlabs = { open: new SlabAllocator(), closed: new SlabAllocator() };
  /** Partial chunk snapshots waiting for their WAL write (short-lived: slabs of their own). */
  private readonly partialSlabs = new SlabAllocator();
  /**
   * Chunks closed since the last `takeClosed()`, collected only when head chunks are persisted
   * (null otherwise). Appends are synchronous, so a commit that takes them right after applying
   * its samples gets exactly the chunks it closed.
   */
  private closedChunks: ClosedChunk[] | null = null;
  /**
   * While tracking, an open chunk reaching a multiple of this many samples is also reported
   * (a partial chunk: bytes and encoder state), so a restart continues it instead of
   * re-encoding those samples from the WAL. 0 = off (replay, where the WAL has them anyway).
   */
  partialEvery = 0;

  constructor(
    /** Block duration: chunks never span a multiple of it. */
    readonly chunkRange: number,
    public limits: HeadLimits,
  ) {}

  get numSeries(): number {
    return this.byRef.size;
  }

  get numChunks(): number {
    return this.chunks;
  }

  /** Highest ref handed out so far. */
  get lastRef(): number {
    return this.nextRef - 1;
  }

  /**
   * The oldest timestamp an append may carry: not before the newest block, and (as in
   * Prometheus) not more than half a block duration behind the newest sample, so the window
   * being persisted never receives late samples.
   */
  appendMinValidTime(): number {
    if (this.maxT === -Infinity) return this.minValidTime;
    return Math.max(this.minValidTime, this.maxT - this.chunkRange / 2);
  }

  /** Marks `ref` as used (replay of a ref seen in the WAL): new series get higher refs. */
  reserveRef(ref: number): void {
    if (ref >= this.nextRef) this.nextRef = ref + 1;
  }

  /** A fresh id for an appender or commit (intra-batch ordering marks on series). */
  nextBatchId(): number {
    return ++this.batchSeq;
  }

  getByRef(ref: number): MemSeries | undefined {
    const d = this.dense;
    if (ref < d.length) return d[ref];
    return ref >= DENSE_REFS ? this.byRef.get(ref) : undefined;
  }

  getByLabels(labels: Labels): MemSeries | undefined {
    const h = labels.hash();
    const s = this.byHash.get(h);
    if (s === undefined) return undefined;
    if (s.labels === labels || s.labels.equals(labels)) return s;
    const col = this.collisions.get(h);
    if (col !== undefined) for (const c of col) if (c.labels.equals(labels)) return c;
    return undefined;
  }

  /**
   * Creates a series (not yet logged nor indexed: `markLogged` does both at its first commit).
   * The caller has validated the labels and checked the series limit.
   */
  create(labels: Labels, ref = this.nextRef): MemSeries {
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    const s = new MemSeries(ref, this.intern(labels));
    const h = s.labels.hash();
    const first = this.byHash.get(h);
    if (first === undefined) this.byHash.set(h, s);
    else {
      const col = this.collisions.get(h);
      if (col === undefined) this.collisions.set(h, [s]);
      else col.push(s);
    }
    this.byRef.set(ref, s);
    if (ref < DENSE_REFS) {
      const d = this.dense;
      while (d.length <= ref) d.push(undefined); // stays a packed array: no holes
      d[ref] = s;
    }
    this.counters.seriesCreated++;
    return s;
  }

  /** The series' record is in the WAL: index it so queries see it. */
  markLogged(s: MemSeries): void {
    if (s.logged) return;
    s.logged = true;
    this.postings.add(s.ref, s.labels);
  }

  /** Starts collecting closed chunks for `takeClosed` (head chunk persistence on). */
  trackClosedChunks(): void {
    this.closedChunks ??= [];
  }

  /** The chunks closed since the last call (null when none or not tracking). */
  takeClosed(): ClosedChunk[] | null {
    const c = this.closedChunks;
    if (c === null || c.length === 0) return null;
    this.closedChunks = [];
    return c;
  }

  /** Appends a validated sample (t > s.lastT). */
  append(s: MemSeries, t: number, v: number): void {
    const cut = s.append(t, v, this.chunkRange, this.slabs);
    const pe = this.partialEvery;
    if (pe > 0 && s.enc!.numSamples % pe === 0 && this.closedChunks !== null) {
      const e = s.enc!;
      const c = s.closed;
      this.closedChunks.push({
        ref: s.ref,
        chunk: {
          data: this.partialSlabs.copy(e.bytes()),
          minT: e.minTime,
          maxT: e.maxTime,
          state: e.saveState(this.partialSlabs.alloc(ENCODER_STATE_SIZE)),
        },
        prevMaxT: c.length === 0 ? -1 : c[c.length - 1].maxT,
      });
    }
    if (cut !== Cut.None) {
      this.chunks++;
      this.counters.chunksCreated++;
      if (cut === Cut.Closed && this.closedChunks !== null) {
        const closed = s.closed;
        this.closedChunks.push({
          ref: s.ref,
          chunk: closed[closed.length - 1],
          prevMaxT: s.prevClosedMaxT(),
        });
      }
    }
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
  }

  /**
   * Gives a series created by replay its chunks loaded from head chunk files (oldest first;
   * the series holds no sample yet). A partial last chunk becomes the open chunk (dropped if
   * its state does not fit it). Returns the maxT of the last chunk attached, or -1.
   */
  attachChunks(s: MemSeries, chunks: readonly PersistedChunk[]): number {
    let closed: readonly HeadChunk[] = chunks;
    let enc: XorEncoder | null = null;
    const tail = chunks[chunks.length - 1];
    if (tail?.state !== undefined) {
      closed = chunks.slice(0, -1);
      enc = XorEncoder.resume(tail.data, tail.state, tail.minT, tail.maxT, 0, this.slabs.open);
    }
    if (closed.length > 0) {
      s.attach(closed);
      this.chunks += closed.length;
    }
    if (enc !== null) {
      s.resumeOpen(enc, this.chunkRange);
      this.chunks++;
    }
    if (s.empty) return -1;
    const first = s.minT;
    const last = s.lastT;
    if (first < this.minT) this.minT = first;
    if (last > this.maxT) this.maxT = last;
    return last;
  }

  /**
   * Drops all chunks entirely before `mint` and removes series left without data. Returns the
   * removed series. In-flight appenders holding a removed series see `deleted` and re-resolve.
   */
  truncate(mint: number): MemSeries[] {
    const removed: MemSeries[] = [];
    for (const s of this.byRef.values()) {
      const n = s.truncateBefore(mint);
      this.chunks -= n;
      this.counters.chunksRemoved += n;
      if (s.empty && (s.logged || n > 0)) removed.push(s);
    }
    this.remove(removed);
    if (this.byRef.size === 0 || this.minT === Infinity) {
      this.minT = Infinity;
      this.maxT = -Infinity;
    } else if (mint > this.minT) {
      let min = Infinity;
      for (const s of this.byRef.values()) {
        const m = s.minT;
        if (m >= 0 && m < min) min = m;
      }
      this.minT = min === Infinity ? Math.max(mint, this.minT) : min;
    }
    return removed;
  }

  /** Removes series created by appenders that never committed (rollbacks, failed batches). */
  gcUncommitted(): number {
    const dead: MemSeries[] = [];
    for (const s of this.byRef.values()) if (!s.logged && s.empty) dead.push(s);
    this.remove(dead);
    return dead.length;
  }

  private remove(list: MemSeries[]): void {
    if (list.length === 0) return;
    for (const s of list) {
      s.deleted = true;
      this.byRef.delete(s.ref);
      if (s.ref < this.dense.length) this.dense[s.ref] = undefined;
      this.unhash(s);
    }
    for (const [ref, s] of this.aliases) if (s.deleted) this.aliases.delete(ref);
    this.postings.deleteMany(list.filter((s) => s.logged));
    this.counters.seriesRemoved += list.length;
    // Rebuild the intern table from the live index so strings of dead series can be freed.
    const strings = new Map<string, string>();
    this.postings.forEachString((x) => strings.set(x, x));
    this.strings = strings;
  }

  private unhash(s: MemSeries): void {
    const h = s.labels.hash();
    const col = this.collisions.get(h);
    if (this.byHash.get(h) === s) {
      if (col === undefined) this.byHash.delete(h);
      else {
        this.byHash.set(h, col.shift()!);
        if (col.length === 0) this.collisions.delete(h);
      }
    } else if (col !== undefined) {
      const i = col.indexOf(s);
      if (i >= 0) col.splice(i, 1);
      if (col.length === 0) this.collisions.delete(h);
    }
  }

  /**
   * Labels rebuilt from the head's shared string instances (series of one metric share their
   * name and most values; the decoder's fresh copies can then be freed).
   */
  private intern(labels: Labels): Labels {
    const src = labels.flat;
    const flat = new Array<string>(src.length);
    for (let i = 0; i < src.length; i++) {
      const x = src[i];
      const y = this.strings.get(x);
      if (y === undefined) this.strings.set(x, x);
      flat[i] = y ?? x;
    }
    return Labels.fromSortedFlat(flat);
  }
}
