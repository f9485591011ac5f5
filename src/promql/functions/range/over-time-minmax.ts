/**
 * `min_over_time`, `max_over_time`, `ts_of_min_over_time`, `ts_of_max_over_time` with a
 * monotonic deque of sample indexes: O(samples + steps) however much the windows overlap.
 * Semantics as Prometheus: NaN samples lose to any number (NaN only when the window holds
 * nothing else); among equal extremes the value functions keep the earliest sample and the ts_of
 * functions the latest; when every sample is NaN the ts_of functions give the last sample's time.
 */
import { ABSENT, type RangeFunction, type Windows } from '../../steps.js';

let dq = new Int32Array(1024);

function extremes(w: Windows, out: Float64Array, isMax: boolean, timestamp: boolean): void {
  const { ts, vs, lo, hi } = w;
  if (dq.length < vs.length) dq = new Int32Array(vs.length * 2);
  const d = dq;
  // Ordering on sign·v: flipping the sign turns a min into a max and keeps equal values equal.
  const sign = isMax ? 1 : -1;
  let head = 0;
  let tail = 0;
  let curLo = 0;
  let curHi = 0;
  for (let i = 0; i < w.steps; i++) {
    const a = lo[i];
    const b = hi[i];
    if (a < curLo || b < curHi || a >= curHi) {
      head = tail = 0;
      curLo = curHi = a;
    }
    for (; curHi < b; curHi++) {
      const v = vs[curHi];
      if (v !== v) continue; // NaN never wins
      const k = sign * v;
      if (timestamp) while (tail > head && sign * vs[d[tail - 1]] <= k) tail--;
      else while (tail > head && sign * vs[d[tail - 1]] < k) tail--;
      d[tail++] = curHi;
    }
    curLo = a;
    while (tail > head && d[head] < a) head++;
    if (a === b) out[i] = ABSENT;
    else if (tail > head) out[i] = timestamp ? ts[d[head]] / 1000 : vs[d[head]];
    else out[i] = timestamp ? ts[b - 1] / 1000 : NaN;
  }
}

export const maxOverTime: RangeFunction = (w, out) => extremes(w, out, true, false);
export const minOverTime: RangeFunction = (w, out) => extremes(w, out, false, false);
export const tsOfMaxOverTime: RangeFunction = (w, out) => extremes(w, out, true, true);
export const tsOfMinOverTime: RangeFunction = (w, out) => extremes(w, out, false, true);
