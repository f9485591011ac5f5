/**
 * Windowing for range aggregations in one pass over the records, in any arrival order.
 *
 * Window i is (e_i - R, e_i] (Loki: the lower bound is not inclusive, the upper is), with
 * e_i = t_i - offset. Writing R = q·step + r (0 ≤ r < step), every window boundary is some
 * e_k or e_k - r, so time splits into segments A_k = (e_{k-1}, e_k - r] and B_k = (e_k - r, e_k],
 * and window i is exactly B_{i-q} ∪ A_{i-q+1} ∪ B_{i-q+1} ∪ … ∪ A_i ∪ B_i. Each record updates
 * one segment's summary (O(1), no record kept except for quantiles and rate_counter); each
 * window then merges its ≤ 2q+1 segments. When r = 0 the B segments are empty and are dropped
 * (one segment per step). Memory is O(steps + q) per series.
 */
export class Segments implements SegmentLayout {
  /** Segments per step: 1 when the range is a multiple of the step, else 2. */
  readonly per: 1 | 2;
  readonly q: number;
  readonly size: number;
  private readonly stNs: number;
  private readonly rNs: number;

  constructor(
    readonly n: number,
    stepMs: number,
    rangeMs: number,
  ) {
    this.q = Math.floor(rangeMs / stepMs);
    const r = rangeMs - this.q * stepMs;
    this.per = r === 0 ? 1 : 2;
    this.stNs = stepMs * 1e6;
    this.rNs = r * 1e6;
    // Segment A_{-q} ends where window 0 starts: no window needs it, so indices start at the
    // next one (B_{-q}, or A_{-q+1} when r = 0).
    this.size = this.per === 1 ? n + this.q - 1 : 2 * (n + this.q) - 1;
  }

  /**
   * The segment of a record `rel` ns after e_0 (exact while the span is under 2^53 ns, ~104
   * days), or -1 when no window holds it.
   */
  indexOf(rel: number): number {
    const st = this.stNs;
    // k: rel in (e_{k-1}, e_k]; the division may round, so fix up with exact products.
    let k = Math.ceil(rel / st);
    if (k * st < rel) k++;
    else if ((k - 1) * st >= rel) k--;
    let idx: number;
    if (this.per === 1) idx = k + this.q - 1;
    else idx = 2 * (k + this.q) + (rel > k * st - this.rNs ? 1 : 0) - 1;
    return idx >= 0 && idx < this.size ? idx : -1;
  }

  /** First segment of window i. */
  lo(i: number): number {
    return this.per * i;
  }

  /** Last segment (inclusive) of window i. */
  hi(i: number): number {
    return this.per === 1 ? i + this.q - 1 : 2 * (i + this.q);
  }
}

/** The segment layout both windowings share. */
export interface SegmentLayout {
  readonly size: number;
  indexOf(rel: number): number;
  lo(i: number): number;
  hi(i: number): number;
}

/**
 * The layout for a range much longer than the query span (q ≫ steps, e.g. `[30d]` over a day):
 * the segments between the 2n distinct window boundaries only, found by binary search, so
 * memory stays O(steps) whatever the range.
 */
export class BoundarySegments implements SegmentLayout {
  private readonly bounds: Float64Array;
  private readonly los: Int32Array;
  private readonly his: Int32Array;
  readonly size: number;

  constructor(n: number, stepMs: number, rangeMs: number) {
    const all: number[] = [];
    for (let i = 0; i < n; i++) all.push((i * stepMs - rangeMs) * 1e6, i * stepMs * 1e6);
    const sorted = [...new Set(all)].sort((a, b) => a - b);
    this.bounds = Float64Array.from(sorted);
    this.size = Math.max(0, sorted.length - 1);
    this.los = new Int32Array(n);
    this.his = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      // Segment j is (bounds[j], bounds[j+1]]: window i runs from its left bound's segment to
      // the one that ends on its step.
      this.los[i] = this.position((i * stepMs - rangeMs) * 1e6);
      this.his[i] = this.position(i * stepMs * 1e6) - 1;
    }
  }

  /** Index of the first bound ≥ v. */
  private position(v: number): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  indexOf(rel: number): number {
    const j = this.position(rel);
    return j === 0 || j === this.bounds.length ? -1 : j - 1;
  }

  lo(i: number): number {
    return this.los[i];
  }

  hi(i: number): number {
    return this.his[i];
  }
}

/** Step arithmetic while the range spans few steps; boundary search beyond. */
export function segmentLayout(n: number, stepMs: number, rangeMs: number): SegmentLayout {
  const q = Math.floor(rangeMs / stepMs);
  return q > 2 * n + 64
    ? new BoundarySegments(n, stepMs, rangeMs)
    : new Segments(n, stepMs, rangeMs);
}
