/** `double_exponential_smoothing(v, sf, tf)` (Holt's linear method; `holt_winters` before 3.0). */
import { QueryExecutionError } from '../../errors.js';
import { ABSENT, type RangeFunction } from '../../steps.js';
import { goFormatG } from './go-format.js';

function checkFactor(what: string, short: string, x: number): void {
  // NaN passes, as in Prometheus (the result is then NaN).
  if (x <= 0 || x >= 1) {
    throw new QueryExecutionError(
      `cannot evaluate double_exponential_smoothing: invalid ${what}: want 0 < ${short} < 1, got ${goFormatG(x)}`,
    );
  }
}

export const doubleExponentialSmoothing: RangeFunction = (w, out, args) => {
  const sfs = args[0];
  const tfs = args[1];
  const vs = w.vs;
  for (let i = 0; i < w.steps; i++) {
    const a = w.lo[i];
    const b = w.hi[i];
    if (a === b) {
      out[i] = ABSENT;
      continue;
    }
    // Prometheus checks the factors only for steps that have samples.
    const sf = sfs[i];
    const tf = tfs[i];
    checkFactor('smoothing factor', 'sf', sf);
    checkFactor('trend factor', 'tf', tf);
    if (b - a < 2) {
      out[i] = ABSENT;
      continue;
    }
    let s0 = 0;
    let s1 = vs[a];
    let trend = vs[a + 1] - vs[a];
    for (let j = a + 1; j < b; j++) {
      const x = sf * vs[j];
      // The initial trend is used as is for the first smoothed point.
      if (j > a + 1) trend = tf * (s1 - s0) + (1 - tf) * trend;
      const y = (1 - sf) * (s1 + trend);
      s0 = s1;
      s1 = x + y;
    }
    out[i] = s1;
  }
};
