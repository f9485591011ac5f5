/**
 * Typed-array views carved out of shared slabs. Every typed array longer than a few elements
 * gets its own off-heap backing store in V8, allocated and freed one by one; loading a query's
 * series as two arrays each made that the largest part of GC time. Views of one slab share a
 * backing store (it lives while any view does), so a query makes a few dozen instead of one
 * per series and window.
 */
const MIN_SLAB = 1024;
const MAX_SLAB = 64 * 1024;

export class F64Slab {
  private buf = new Float64Array(0);
  private used = 0;
  private size = MIN_SLAB;

  /** A zero-filled view of `n` elements. */
  alloc(n: number): Float64Array {
    if (this.used + n > this.buf.length) {
      // Slabs grow with use, so a small query does not pay for a large one.
      this.buf = new Float64Array(Math.max(this.size, n));
      this.size = Math.min(this.size * 2, MAX_SLAB);
      this.used = 0;
    }
    const a = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return a;
  }
}

export class I32Slab {
  private buf = new Int32Array(0);
  private used = 0;
  private size = MIN_SLAB;

  /** A zero-filled view of `n` elements. */
  alloc(n: number): Int32Array {
    if (this.used + n > this.buf.length) {
      this.buf = new Int32Array(Math.max(this.size, n));
      this.size = Math.min(this.size * 2, MAX_SLAB);
      this.used = 0;
    }
    const a = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return a;
  }
}
