/**
 * Prometheus 3.x's experimental extended selectors. `x[r] anchored`: each window starts with the
 * newest sample at or before its start (searched one lookback back) placed at the start, and
 * ends with its last sample placed at the end. `x[r] smoothed`: both bounds take the value
 * linearly interpolated between the samples around them (searched one lookback out on either
 * side). `x smoothed`: the value interpolated at the step. rate/increase/delta then take the
 * plain difference of the bounds (functions/range/rate.ts), without extrapolation.
 */
import { isStaleNaN, type Labels } from '../../model/index.js';
import { absentSteps, type StepSeries, type Windows } from '../steps.js';

/** A series with its stale markers removed (range vectors never hold them). */
function withoutStale(ts: Float64Array, vs: Float64Array): [Float64Array, Float64Array] {
  let stale = 0;
  for (let i = 0; i < vs.length; i++) if (isStaleNaN(vs[i])) stale++;
  if (stale === 0) return [ts, vs];
  const ts2 = new Float64Array(ts.length - stale);
  const vs2 = new Float64Array(ts.length - stale);
  let k = 0;
  for (let i = 0; i < vs.length; i++) {
    if (isStaleNaN(vs[i])) continue;
    ts2[k] = ts[i];
    vs2[k++] = vs[i];
  }
  return [ts2, vs2];
}

/**
 * The value at `t` on the line from sample a to sample b. For a counter a drop between them is
 * a reset: the counter restarted from 0 at a's time, so the line runs from 0 there.
 */
function interpolate(
  ta: number,
  va: number,
  tb: number,
  vb: number,
  t: number,
  counter: boolean,
): number {
  const from = counter && vb < va ? 0 : va;
  return from + ((vb - from) * (t - ta)) / (tb - ta);
}

/** First index in [from, to) with ts[i] > t (to when none). */
function firstAfter(ts: Float64Array, t: number, from: number, to: number): number {
  let a = from;
  let b = to;
  while (a < b) {
    const h = (a + b) >>> 1;
    if (ts[h] > t) b = h;
    else a = h + 1;
  }
  return a;
}

/** First index in [from, to) with ts[i] >= t (to when none). */
function firstAtOrAfter(ts: Float64Array, t: number, from: number, to: number): number {
  let a = from;
  let b = to;
  while (a < b) {
    const h = (a + b) >>> 1;
    if (ts[h] >= t) b = h;
    else a = h + 1;
  }
  return a;
}

/**
 * The windows of an anchored or smoothed range selector: each step's window is its own run of
 * points `[start, bound value], samples strictly inside, [end, bound value]` (bounds differ per
 * step, so windows do not share samples). `counter`: smoothing treats drops as resets (rate,
 * increase).
 */
export function extendedWindows(
  labels: Labels,
  rawTs: Float64Array,
  rawVs: Float64Array,
  ref: Float64Array,
  rangeMs: number,
  lookbackMs: number,
  smoothed: boolean,
  counter: boolean,
): Windows {
  const [ts, vs] = withoutStale(rawTs, rawVs);
  const steps = ref.length;
  const lo = new Int32Array(steps);
  const hi = new Int32Array(steps);
  const start = new Float64Array(steps);
  const outTs: number[] = [];
  const outVs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const maxt = ref[i];
    const mint = maxt - rangeMs;
    start[i] = mint;
    lo[i] = hi[i] = outTs.length;
    // The samples this step may use: (mint − lookback, maxt], and past maxt when smoothed.
    const a = firstAfter(ts, mint - lookbackMs, 0, ts.length);
    const inEnd = firstAfter(ts, maxt, a, ts.length);
    const b = smoothed ? firstAfter(ts, maxt + lookbackMs, inEnd, ts.length) : inEnd;
    if (b === a) continue;
    // smoothed: samples only after the window give none either (nothing to interpolate from).
    if (smoothed && inEnd === a) continue;
    let first = Math.max(a, firstAfter(ts, mint, a, b) - 1);
    // smoothed: the right bound comes from the first sample at or after maxt, if any.
    let last = smoothed ? firstAtOrAfter(ts, maxt, a, b - 1) : b - 1;
    if (ts[last] <= mint) continue;
    let left = vs[first];
    if (smoothed && ts[first] < mint && first + 1 < b) {
      left = interpolate(ts[first], vs[first], ts[first + 1], vs[first + 1], mint, counter);
    }
    let right = vs[last];
    if (smoothed && ts[last] > maxt && last > a) {
      right = interpolate(ts[last - 1], vs[last - 1], ts[last], vs[last], maxt, counter);
    }
    // The synthetic bounds replace real samples on or beyond them.
    if (ts[first] <= mint) first++;
    if (ts[last] >= maxt) last--;
    outTs.push(mint);
    outVs.push(left);
    for (let j = first; j <= last; j++) {
      outTs.push(ts[j]);
      outVs.push(vs[j]);
    }
    outTs.push(maxt);
    outVs.push(right);
    hi[i] = outTs.length;
  }
  return {
    labels,
    ts: Float64Array.from(outTs),
    vs: Float64Array.from(outVs),
    lo,
    hi,
    start,
    end: ref,
    steps,
    rangeMs,
  };
}

/**
 * `x smoothed` at every step: the newest sample in `(ref − lookback, ref]` (none when it is a
 * stale marker, as for a plain selector), linearly interpolated towards the next sample when
 * that one is within a lookback after `ref` (and not a stale marker).
 */
export function smoothedVector(
  labels: Labels,
  ts: Float64Array,
  vs: Float64Array,
  ref: Float64Array,
  lookbackMs: number,
): StepSeries | null {
  const n = ref.length;
  const out = absentSteps(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    const r = ref[i];
    const k = firstAfter(ts, r, 0, ts.length) - 1;
    if (k < 0 || ts[k] <= r - lookbackMs || isStaleNaN(vs[k])) continue;
    let v = vs[k];
    const next = k + 1;
    if (ts[k] < r && next < ts.length && ts[next] <= r + lookbackMs && !isStaleNaN(vs[next])) {
      v = interpolate(ts[k], vs[k], ts[next], vs[next], r, false);
    }
    out[i] = v;
    any = true;
  }
  return any ? { labels, vs: out, ts: null, dropName: false } : null;
}
