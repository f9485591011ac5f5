import type { SeriesRef } from '../../storage/index.js';

/** A cached series: the store's ref and the raw label bytes it was resolved from. */
export interface CacheEntry {
  ref: SeriesRef;
  /** The series' label fields exactly as on the wire (a private copy, never a request view). */
  key: Buffer;
}

/**
 * Maps the hash of a series' raw protobuf label bytes to its store ref, so a known series costs a
 * hash, a map lookup and a byte compare instead of decoding label strings.
 *
 * Bounded by two generations: when the current map reaches half the capacity it becomes the old
 * one (the previous old is dropped); hits in the old generation are promoted. Series that stop
 * arriving thus fall out after at most two generation turns, without per-entry bookkeeping.
 */
export class SeriesCache {
  private cur = new Map<number, CacheEntry>();
  private old = new Map<number, CacheEntry>();

  constructor(private readonly capacity: number) {}

  /** The entry for `hash` whose key equals `buf[start, end)`, or undefined. */
  get(hash: number, buf: Buffer, start: number, end: number): CacheEntry | undefined {
    let e = this.cur.get(hash);
    if (e === undefined) {
      e = this.old.get(hash);
      if (e === undefined) return undefined;
      this.old.delete(hash);
      this.insert(hash, e);
    }
    const k = e.key;
    if (k.length !== end - start || buf.compare(k, 0, k.length, start, end) !== 0) return undefined;
    return e;
  }

  /** Stores (or replaces, on a hash collision) the entry for `hash`. */
  set(hash: number, ref: SeriesRef, key: Buffer): void {
    this.insert(hash, { ref, key });
  }

  get size(): number {
    return this.cur.size + this.old.size;
  }

  private insert(hash: number, e: CacheEntry): void {
    if (this.cur.size >= this.capacity >> 1) {
      this.old = this.cur;
      this.cur = new Map();
    }
    this.cur.set(hash, e);
  }
}
