/** `deriv` and `predict_linear`: least-squares regression over (t, v) with Kahan-compensated sums. */
import { ABSENT, type RangeFunction, type Windows } from '../../steps.js';
import { KAHAN, kahanInc } from './kahan.js';

/** Result of the last `regress` call (module state: no per-step allocation). */
const FIT = { slope: 0, intercept: 0 };

/**
 * Fits v = slope·x + intercept over samples [a, b) with x the seconds from `interceptMs`
 * (Prometheus passes a time near the samples so x stays small and precise).
 */
function regress(w: Windows, a: number, b: number, interceptMs: number): void {
  const { ts, vs } = w;
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = vs[a];
  let constY = true;
  for (let j = a; j < b; j++) {
    const y = vs[j];
    // A constant series has slope 0 exactly (the sums below would give rounding noise).
    if (constY && j > a && y !== initY) constY = false;
    n += 1;
    const x = (ts[j] - interceptMs) / 1e3;
    sumX = kahanInc(x, sumX, cX);
    cX = KAHAN.c;
    sumY = kahanInc(y, sumY, cY);
    cY = KAHAN.c;
    sumXY = kahanInc(x * y, sumXY, cXY);
    cXY = KAHAN.c;
    sumX2 = kahanInc(x * x, sumX2, cX2);
    cX2 = KAHAN.c;
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) {
      FIT.slope = NaN;
      FIT.intercept = NaN;
    } else {
      FIT.slope = 0;
      FIT.intercept = initY;
    }
    return;
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  FIT.slope = covXY / varX;
  FIT.intercept = sumY / n - (FIT.slope * sumX) / n;
}

export const deriv: RangeFunction = (w, out) => {
  for (let i = 0; i < w.steps; i++) {
    const a = w.lo[i];
    const b = w.hi[i];
    if (b - a < 2) {
      out[i] = ABSENT;
      continue;
    }
    regress(w, a, b, w.ts[a]);
    out[i] = FIT.slope;
  }
};

/** predict_linear(v, t): the fitted value `t` seconds after the evaluation time. */
export const predictLinear: RangeFunction = (w, out, args, ctx) => {
  const t = args[0];
  for (let i = 0; i < w.steps; i++) {
    const a = w.lo[i];
    const b = w.hi[i];
    if (b - a < 2) {
      out[i] = ABSENT;
      continue;
    }
    regress(w, a, b, ctx.times[i]);
    out[i] = FIT.slope * t[i] + FIT.intercept;
  }
};
