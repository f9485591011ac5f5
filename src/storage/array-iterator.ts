import type { SampleIterator } from './querier.js';

/** A SampleIterator over parallel arrays of timestamps and values (tests, small results). */
export class ArraySampleIterator implements SampleIterator {
  private i = -1;
  t = 0;
  v = 0;

  constructor(
    private readonly ts: ArrayLike<number>,
    private readonly vs: ArrayLike<number>,
  ) {}

  next(): boolean {
    if (this.i + 1 >= this.ts.length) {
      this.i = this.ts.length;
      return false;
    }
    this.i++;
    this.t = this.ts[this.i]!;
    this.v = this.vs[this.i]!;
    return true;
  }

  seek(t: number): boolean {
    if (this.i < 0) this.i = 0;
    while (this.i < this.ts.length && this.ts[this.i] < t) this.i++;
    if (this.i >= this.ts.length) return false;
    this.t = this.ts[this.i]!;
    this.v = this.vs[this.i]!;
    return true;
  }
}
