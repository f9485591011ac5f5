import { isStaleNaN, type Labels } from '../../model/index.js';
import type { AtModifier, Duration, VectorSelector } from '../ast.js';
import { NotSupportedError } from '../errors.js';
import { ABSENT, type StepSeries, type Windows } from '../steps.js';
import { atMs, durationMs } from './durations.js';
import { smoothedVector } from './extended.js';
import type { LoadedSeries } from './load.js';
import { F64Slab, I32Slab } from './slab.js';
import type { QueryState } from './state.js';

/** Per step, the time a selector or subquery reads at: `(@ or t) − offset`. */
export function referenceTimes(
  times: Float64Array,
  at: AtModifier | null,
  offset: Duration,
  state: QueryState,
): Float64Array {
  const off = durationMs(offset, state);
  const pinned = atMs(at, state);
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) out[i] = (pinned ?? times[i]) - off;
  return out;
}

/**
 * An instant vector selector at every step: the newest sample in `(ref − lookback, ref]`, none
 * when that sample is a stale marker (Prometheus 3.x). Series without any value are dropped.
 */
export function selectVector(
  sel: VectorSelector,
  loaded: readonly LoadedSeries[],
  times: Float64Array,
  state: QueryState,
): StepSeries[] {
  if (sel.anchored === true) {
    throw new NotSupportedError('cannot evaluate anchored instant selectors: not supported');
  }
  const ref = referenceTimes(times, sel.at, sel.offset, state);
  const lookback = state.opts.lookbackMs;
  if (sel.smoothed === true) {
    const series: StepSeries[] = [];
    for (const s of loaded) {
      state.checkDeadline();
      const one = smoothedVector(s.labels, s.ts, s.vs, ref, lookback);
      if (one) series.push(one);
    }
    return series;
  }
  const n = times.length;
  const out: StepSeries[] = [];
  for (const s of loaded) {
    state.checkDeadline();
    const vs = stepSlab.alloc(n).fill(ABSENT);
    const ts = stepSlab.alloc(n);
    let any = false;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const r = ref[i];
      // ref is non-decreasing over steps unless `@` pins it (then constant): a forward cursor works.
      if (i > 0 && r < ref[i - 1]) j = 0;
      while (j < s.ts.length && s.ts[j] <= r) j++;
      const k = j - 1;
      if (k >= 0 && s.ts[k] > r - lookback && !isStaleNaN(s.vs[k])) {
        vs[i] = s.vs[k];
        ts[i] = s.ts[k];
        any = true;
      }
    }
    if (any) out.push({ labels: s.labels, vs, ts, dropName: false });
  }
  return out;
}

/**
 * The windows `(ref − range, ref]` of one series at every step, stale markers removed
 * (Prometheus drops them from range vectors).
 */
export function windowsOf(
  labels: Labels,
  ts: Float64Array,
  vs: Float64Array,
  ref: Float64Array,
  rangeMs: number,
  bounds: WindowBounds = windowBounds(ref, rangeMs),
): Windows {
  let stale = 0;
  // `v !== v` first: only NaNs can be stale markers, and most series have none.
  for (let i = 0; i < vs.length; i++) if (vs[i] !== vs[i] && isStaleNaN(vs[i])) stale++;
  if (stale > 0) {
    const ts2 = new Float64Array(ts.length - stale);
    const vs2 = new Float64Array(ts.length - stale);
    let k = 0;
    for (let i = 0; i < vs.length; i++) {
      if (isStaleNaN(vs[i])) continue;
      ts2[k] = ts[i];
      vs2[k++] = vs[i];
    }
    ts = ts2;
    vs = vs2;
  }
  const steps = ref.length;
  const lo = windowSlab.alloc(steps);
  const hi = windowSlab.alloc(steps);
  const { start, end } = bounds;
  let a = 0;
  let b = 0;
  for (let i = 0; i < steps; i++) {
    const e = ref[i];
    const s = e - rangeMs;
    if (i > 0 && e < ref[i - 1]) {
      a = 0;
      b = 0;
    }
    while (a < ts.length && ts[a] <= s) a++;
    if (b < a) b = a;
    while (b < ts.length && ts[b] <= e) b++;
    lo[i] = a;
    hi[i] = b;
  }
  return { labels, ts, vs, lo, hi, start, end, steps, rangeMs };
}

/**
 * Window indexes and selected step values come from shared slabs (see slab.ts); a view keeps
 * only its own slab alive, and the current one is carried on into the next query.
 */
const windowSlab = new I32Slab();
const stepSlab = new F64Slab();

/** Per step, a window's `(start, end]`: the same for every series of a selector, so shared. */
export interface WindowBounds {
  readonly start: Float64Array;
  readonly end: Float64Array;
}

export function windowBounds(ref: Float64Array, rangeMs: number): WindowBounds {
  const start = new Float64Array(ref.length);
  for (let i = 0; i < ref.length; i++) start[i] = ref[i] - rangeMs;
  return { start, end: ref };
}

/** Whether any step's window holds a sample. */
export function hasSamples(w: Windows): boolean {
  for (let i = 0; i < w.steps; i++) if (w.hi[i] > w.lo[i]) return true;
  return false;
}
