/**
 * Bump allocation of chunk bytes from shared slabs. One ArrayBuffer per chunk costs a JS
 * object, a backing-store record and a malloc block each (~100+ bytes beside data of ~150-350
 * bytes), and fragments malloc; views into 1 MiB slabs cost only the view. Slabs fill in
 * allocation order, which is time order for the head, so the chunks of one slab are dropped
 * together by head truncation and the slab is then garbage-collected. Regions are never
 * reused or moved, so a view stays valid (and its bytes unchanged) while anyone holds it.
 */
export const SLAB_SIZE = 1 << 20;

export class SlabAllocator {
  private slab: ArrayBuffer | null = null;
  private off = 0;
  /** Slabs started so far (for tests and stats). */
  slabs = 0;

  constructor(
    private readonly slabSize = SLAB_SIZE,
    /** Requests above this get their own buffer (they would waste much of a slab's tail). */
    private readonly maxShared = slabSize >>> 4,
  ) {}

  /** A zeroed region of `len` bytes. */
  alloc(len: number): Uint8Array {
    if (len > this.maxShared) return new Uint8Array(len);
    if (this.slab === null || this.off + len > this.slabSize) {
      this.slab = new ArrayBuffer(this.slabSize);
      this.off = 0;
      this.slabs++;
    }
    const v = new Uint8Array(this.slab, this.off, len);
    this.off += len;
    return v;
  }

  /** A copy of `src` in a slab. */
  copy(src: Uint8Array): Uint8Array {
    const v = this.alloc(src.length);
    v.set(src);
    return v;
  }
}
