import type { RangeAggOp } from '../ast.js';
import type { SegmentLayout } from './range-window.js';

/**
 * Per-series, per-segment summaries for the range aggregations and their per-window results.
 * `add` is the hot path (one call per record): a switch and a few typed-array writes.
 */

/** What a range aggregation keeps per segment. */
export type AccKind = 'count' | 'sum' | 'minmax' | 'moments' | 'firstlast' | 'values' | 'points';

export function accKind(op: RangeAggOp): AccKind {
  switch (op) {
    case 'count_over_time':
    case 'absent_over_time':
      return 'count';
    case 'rate':
    case 'bytes_over_time':
    case 'bytes_rate':
    case 'sum_over_time':
    case 'avg_over_time':
      return 'sum';
    case 'min_over_time':
    case 'max_over_time':
      return 'minmax';
    case 'stddev_over_time':
    case 'stdvar_over_time':
      return 'moments';
    case 'first_over_time':
    case 'last_over_time':
      return 'firstlast';
    case 'quantile_over_time':
      return 'values';
    case 'rate_counter':
      return 'points';
  }
}

export class SegmentAcc {
  readonly cnt: Float64Array;
  /** sum | min | mean | first value */
  private readonly a: Float64Array | undefined;
  /** max | M2 | last value */
  private readonly b: Float64Array | undefined;
  /** first / last record time (ns after e_0). */
  private readonly ta: Float64Array | undefined;
  private readonly tb: Float64Array | undefined;
  /** quantile values, or rate_counter [t, v, t, v, …] in arrival order. */
  private readonly lists: (number[] | undefined)[] | undefined;

  constructor(
    readonly kind: AccKind,
    size: number,
  ) {
    this.cnt = new Float64Array(size);
    const two = kind === 'minmax' || kind === 'moments' || kind === 'firstlast';
    if (kind !== 'count' && kind !== 'values' && kind !== 'points') this.a = new Float64Array(size);
    if (two) this.b = new Float64Array(size);
    if (kind === 'firstlast') {
      this.ta = new Float64Array(size);
      this.tb = new Float64Array(size);
    }
    if (kind === 'values' || kind === 'points') this.lists = new Array<undefined>(size);
  }

  add(seg: number, v: number, rel: number): void {
    const c = ++this.cnt[seg];
    switch (this.kind) {
      case 'count':
        return;
      case 'sum':
        this.a![seg] += v;
        return;
      case 'minmax': {
        // Loki: a NaN is replaced by any later value, so NaN only when all are NaN.
        const a = this.a!;
        const b = this.b!;
        if (c === 1 || v < a[seg] || Number.isNaN(a[seg])) a[seg] = v;
        if (c === 1 || v > b[seg] || Number.isNaN(b[seg])) b[seg] = v;
        return;
      }
      case 'moments': {
        // Welford, merged across segments with Chan et al.'s formula in `window`.
        const a = this.a!;
        const d = v - a[seg];
        a[seg] += d / c;
        this.b![seg] += d * (v - a[seg]);
        return;
      }
      case 'firstlast': {
        if (c === 1 || rel < this.ta![seg]) {
          this.ta![seg] = rel;
          this.a![seg] = v;
        }
        if (c === 1 || rel >= this.tb![seg]) {
          this.tb![seg] = rel;
          this.b![seg] = v;
        }
        return;
      }
      case 'values':
      case 'points': {
        const lists = this.lists!;
        let l = lists[seg];
        if (l === undefined) lists[seg] = l = [];
        if (this.kind === 'points') l.push(rel, v);
        else l.push(v);
        return;
      }
    }
  }

  /**
   * Window i's value for `op`, or undefined when it holds no record. `prefix` is the running
   * count (see `prefixCounts`), so counting ops cost O(1) per step.
   */
  window(
    op: RangeAggOp,
    segs: SegmentLayout,
    i: number,
    prefix: Float64Array,
    rangeSec: number,
    param: number,
  ): number | undefined {
    const lo = segs.lo(i);
    const hi = segs.hi(i);
    const n = prefix[hi + 1] - prefix[lo];
    if (n === 0) return undefined;
    const cnt = this.cnt;
    switch (op) {
      case 'count_over_time':
      case 'absent_over_time':
        return n;
      case 'rate':
      case 'bytes_rate':
        return this.sum(lo, hi) / rangeSec;
      case 'bytes_over_time':
      case 'sum_over_time':
        return this.sum(lo, hi);
      case 'avg_over_time':
        return this.sum(lo, hi) / n;
      case 'min_over_time':
      case 'max_over_time': {
        const arr = op === 'min_over_time' ? this.a! : this.b!;
        const max = op === 'max_over_time';
        let r = NaN;
        let seen = false;
        for (let s = lo; s <= hi; s++) {
          if (cnt[s] === 0) continue;
          const v = arr[s];
          if (!seen || Number.isNaN(r) || (max ? v > r : v < r)) r = v;
          seen = true;
        }
        return r;
      }
      case 'stddev_over_time':
      case 'stdvar_over_time': {
        let c = 0;
        let mean = 0;
        let m2 = 0;
        for (let s = lo; s <= hi; s++) {
          const cb = cnt[s];
          if (cb === 0) continue;
          const d = this.a![s] - mean;
          const tot = c + cb;
          mean += (d * cb) / tot;
          m2 += this.b![s] + (d * d * c * cb) / tot;
          c = tot;
        }
        const variance = m2 / c;
        return op === 'stddev_over_time' ? Math.sqrt(variance) : variance;
      }
      case 'first_over_time':
        // Segments are disjoint and in time order: the first non-empty one holds the first record.
        for (let s = lo; s <= hi; s++) if (cnt[s] > 0) return this.a![s];
        return undefined;
      case 'last_over_time':
        for (let s = hi; s >= lo; s--) if (cnt[s] > 0) return this.b![s];
        return undefined;
      case 'quantile_over_time': {
        const vals: number[] = [];
        for (let s = lo; s <= hi; s++) {
          const l = this.lists![s];
          if (l !== undefined) for (let j = 0; j < l.length; j++) vals.push(l[j]);
        }
        return quantile(param, vals);
      }
      case 'rate_counter':
        return counterIncrease(this.windowPoints(lo, hi)) / rangeSec;
    }
  }

  private sum(lo: number, hi: number): number {
    const a = this.a!;
    let s = 0;
    for (let j = lo; j <= hi; j++) s += a[j];
    return s;
  }

  /** The window's values in time order (ties keep arrival order). */
  private windowPoints(lo: number, hi: number): number[] {
    if (!this.pointsSorted) this.sortPoints();
    const out: number[] = [];
    for (let s = lo; s <= hi; s++) {
      const l = this.lists![s];
      if (l !== undefined) for (let j = 1; j < l.length; j += 2) out.push(l[j]);
    }
    return out;
  }

  private pointsSorted = false;

  /** Orders each segment's [t, v] pairs by time once, before the first window reads them. */
  private sortPoints(): void {
    for (const l of this.lists!) {
      if (l === undefined) continue;
      const idx: number[] = [];
      for (let j = 0; j < l.length; j += 2) idx.push(j);
      idx.sort((x, y) => l[x] - l[y] || x - y);
      const copy = l.slice();
      idx.forEach((j, k) => {
        l[2 * k] = copy[j];
        l[2 * k + 1] = copy[j + 1];
      });
    }
    this.pointsSorted = true;
  }
}

/** Running counts: prefix[j] = records in segments < j. */
export function prefixCounts(cnt: Float64Array): Float64Array {
  const p = new Float64Array(cnt.length + 1);
  for (let i = 0; i < cnt.length; i++) p[i + 1] = p[i] + cnt[i];
  return p;
}

/**
 * Prometheus/Loki quantile: linear interpolation between closest ranks; φ < 0 → -Inf,
 * φ > 1 → +Inf, NaN φ → NaN. NaN values sort first (Go's sort.Float64s).
 */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort((x, y) =>
    Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : Number.isNaN(y) ? 1 : x - y,
  );
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const w = rank - Math.floor(rank);
  return values[lower] * (1 - w) + values[upper] * w;
}

/**
 * rate_counter's numerator. Loki derives the extrapolation bounds from the first and last
 * samples themselves, so in effect it does not extrapolate: the increase from the first to the
 * last value, adding back each counter reset; 0 with fewer than two samples.
 */
export function counterIncrease(vals: number[]): number {
  if (vals.length < 2) return 0;
  let inc = vals[vals.length - 1] - vals[0];
  let last = 0;
  for (const v of vals) {
    if (v < last) inc += last;
    last = v;
  }
  return inc;
}
