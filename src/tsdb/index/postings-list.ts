/**
 * A growable sorted set of series refs backed by a Uint32Array: the posting list of one label
 * pair in the head. Appends in ascending order (new series get increasing refs) are O(1)
 * amortised; out-of-order adds insert with a binary search and a memmove.
 */
import { gallop } from './postings-gallop.js';

export class PostingsList {
  private buf: Uint32Array;
  private len = 0;

  constructor(initialCapacity = 4) {
    this.buf = new Uint32Array(Math.max(1, initialCapacity));
  }

  /** A list holding a copy of `sorted` (ascending, no duplicates: the caller's promise). */
  static from(sorted: Uint32Array): PostingsList {
    const p = new PostingsList(sorted.length);
    p.buf.set(sorted);
    p.len = sorted.length;
    return p;
  }

  get length(): number {
    return this.len;
  }

  /** Adds `ref`; false when it was already present. */
  add(ref: number): boolean {
    const n = this.len;
    if (n === 0 || ref > this.buf[n - 1]) {
      if (n === this.buf.length) this.grow();
      this.buf[n] = ref;
      this.len = n + 1;
      return true;
    }
    const i = gallop(this.buf, 0, ref, n);
    if (i < n && this.buf[i] === ref) return false;
    if (n === this.buf.length) this.grow();
    this.buf.copyWithin(i + 1, i, n);
    this.buf[i] = ref;
    this.len = n + 1;
    return true;
  }

  /** Removes `ref`; false when it was absent. */
  delete(ref: number): boolean {
    const n = this.len;
    const i = gallop(this.buf, 0, ref, n);
    if (i >= n || this.buf[i] !== ref) return false;
    this.buf.copyWithin(i, i + 1, n);
    this.len = n - 1;
    return true;
  }

  has(ref: number): boolean {
    const i = gallop(this.buf, 0, ref, this.len);
    return i < this.len && this.buf[i] === ref;
  }

  /**
   * The refs as a view without copying. Valid until the next `add`/`delete`/`compact`, which
   * may move or change the data; copy (`slice()`) to keep a stable snapshot.
   */
  toArray(): Uint32Array {
    return this.buf.subarray(0, this.len);
  }

  /** Shrinks the backing store to the current size (after bulk deletes). */
  compact(): void {
    if (this.buf.length > this.len) this.buf = this.buf.slice(0, Math.max(1, this.len));
  }

  private grow(): void {
    const next = new Uint32Array(this.buf.length * 2);
    next.set(this.buf);
    this.buf = next;
  }
}
