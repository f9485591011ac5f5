/**
 * `rate`, `increase`, `delta` (Prometheus's extrapolatedRate) and `irate`, `idelta` (the last two
 * samples). Windows are left-open, `(start, end]`, as in Prometheus 3.x.
 */
import { METRIC_NAME } from '../../../model/index.js';
import type { Call } from '../../ast.js';
import {
  ABSENT,
  isAbsent,
  type EvalContext,
  type RangeFunction,
  type Windows,
} from '../../steps.js';

function extrapolatedRate(
  w: Windows,
  out: Float64Array,
  isCounter: boolean,
  isRate: boolean,
): void {
  const { ts, vs, lo, hi, start, end } = w;
  const rangeSec = w.rangeMs / 1000;
  for (let i = 0; i < w.steps; i++) {
    const a = lo[i];
    const b = hi[i];
    if (b - a < 2) {
      out[i] = ABSENT;
      continue;
    }
    const firstT = ts[a];
    const lastT = ts[b - 1];
    const first = vs[a];
    let result = vs[b - 1] - first;
    if (isCounter) {
      let prev = first;
      for (let j = a + 1; j < b; j++) {
        const cur = vs[j];
        if (cur < prev) result += prev;
        prev = cur;
      }
    }
    let toStart = (firstT - start[i]) / 1000;
    let toEnd = (end[i] - lastT) / 1000;
    const sampled = (lastT - firstT) / 1000;
    const avgGap = sampled / (b - a - 1);
    // Extrapolate to a window edge only when a sample is about where one would be expected
    // (within 1.1 average gaps); otherwise assume the series starts/ends half a gap out.
    const threshold = avgGap * 1.1;
    if (toStart >= threshold) toStart = avgGap / 2;
    if (isCounter) {
      // A counter is never negative: do not extrapolate the start below its zero point.
      let toZero = toStart;
      if (result > 0 && first >= 0) toZero = sampled * (first / result);
      if (toZero < toStart) toStart = toZero;
    }
    if (toEnd >= threshold) toEnd = avgGap / 2;
    let factor = (sampled + toStart + toEnd) / sampled;
    if (isRate) factor /= rangeSec;
    out[i] = result * factor;
  }
}

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** Prometheus's "metric might not be a counter" info, for a series that produced any value. */
function checkCounterName(w: Windows, out: Float64Array, ctx: EvalContext, call: Call): void {
  const name = w.labels.get(METRIC_NAME);
  if (name === '' || COUNTER_SUFFIXES.some((s) => name.endsWith(s))) return;
  for (let i = 0; i < w.steps; i++) {
    if (!isAbsent(out[i])) {
      ctx.info(
        `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`,
        (call.args[0] ?? call).pos,
      );
      return;
    }
  }
}

/**
 * The experimental `anchored`/`smoothed` selectors already put points on both window bounds
 * (engine/extended.ts): the result is their difference (plus counter resets), no extrapolation.
 */
function boundedRate(w: Windows, out: Float64Array, isCounter: boolean, isRate: boolean): void {
  const { vs, lo, hi } = w;
  const rangeSec = w.rangeMs / 1000;
  for (let i = 0; i < w.steps; i++) {
    const a = lo[i];
    const b = hi[i];
    if (b - a < 2) {
      out[i] = ABSENT;
      continue;
    }
    let result = vs[b - 1] - vs[a];
    if (isCounter) {
      for (let j = a + 1; j < b; j++) if (vs[j] < vs[j - 1]) result += vs[j - 1];
    }
    out[i] = isRate ? result / rangeSec : result;
  }
}

function isBounded(call: Call): boolean {
  const arg = call.args[0];
  return arg?.type === 'MatrixSelector' && (arg.anchored || arg.smoothed);
}

function rateOf(w: Windows, out: Float64Array, call: Call, counter: boolean, isRate: boolean) {
  if (isBounded(call)) boundedRate(w, out, counter, isRate);
  else extrapolatedRate(w, out, counter, isRate);
}

export const rate: RangeFunction = (w, out, _args, ctx, call) => {
  rateOf(w, out, call, true, true);
  checkCounterName(w, out, ctx, call);
};

export const increase: RangeFunction = (w, out, _args, ctx, call) => {
  rateOf(w, out, call, true, false);
  checkCounterName(w, out, ctx, call);
};

export const delta: RangeFunction = (w, out, _args, _ctx, call) =>
  rateOf(w, out, call, false, false);

function instantValue(w: Windows, out: Float64Array, isRate: boolean): void {
  const { ts, vs, lo, hi } = w;
  for (let i = 0; i < w.steps; i++) {
    const b = hi[i];
    if (b - lo[i] < 2) {
      out[i] = ABSENT;
      continue;
    }
    const v0 = vs[b - 2];
    const v1 = vs[b - 1];
    const interval = ts[b - 1] - ts[b - 2];
    if (interval === 0) {
      out[i] = ABSENT;
      continue;
    }
    // For irate a drop is a counter reset: the increase is then the last value itself.
    let r = isRate && v1 < v0 ? v1 : v1 - v0;
    if (isRate) r /= interval / 1000;
    out[i] = r;
  }
}

export const irate: RangeFunction = (w, out) => instantValue(w, out, true);
export const idelta: RangeFunction = (w, out) => instantValue(w, out, false);
