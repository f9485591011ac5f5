import type { SeriesRef } from '../../storage/index.js';

/** A cached series: the store's ref and the raw label bytes it was resolved from. */
export interface CacheEntry {
  ref: SeriesRef;
  /** The series' label fields exactly as on the wire (a private copy, never a request view). */
  key: Buffer;
  /** Next entry whose hash shares the same map slot. */
  next: CacheEntry | undefined;
}

/** Map keys are the low 30 bits of the hash: small integers (Smis) keep V8's Map fast. */
const SLOT_MASK = 0x3fffffff;

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
    const slot = hash & SLOT_MASK;
    const e = find(this.cur.get(slot), buf, start, end);
    if (e !== undefined) return e;
    const o = find(this.old.get(slot), buf, start, end);
    if (o !== undefined) this.set(hash, o.ref, o.key); // promote
    return o;
  }

  /** Stores the entry for the key bytes `key` (replacing one with the same bytes). */
  set(hash: number, ref: SeriesRef, key: Buffer): void {
    const slot = hash & SLOT_MASK;
    if (this.cur.size >= this.capacity >> 1 && !this.cur.has(slot)) {
      this.old = this.cur;
      this.cur = new Map();
    }
    let head = this.cur.get(slot);
    const same = find(head, key, 0, key.length);
    if (same !== undefined) {
      same.ref = ref;
      return;
    }
    head = { ref, key, next: head };
    this.cur.set(slot, head);
  }

  get size(): number {
    return this.cur.size + this.old.size;
  }
}

function find(
  e: CacheEntry | undefined,
  buf: Buffer,
  start: number,
  end: number,
): CacheEntry | undefined {
  const n = end - start;
  for (; e !== undefined; e = e.next) {
    const k = e.key;
    if (k.length === n && sameBytes(k, buf, start, n)) return e;
  }
  return undefined;
}

/** Byte equality of k[0, n) and b[start, start+n): a JS loop beats Buffer.compare's call overhead for short keys. */
function sameBytes(k: Buffer, b: Buffer, start: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (k[i] !== b[start + i]) return false;
  return true;
}
