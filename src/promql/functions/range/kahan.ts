/**
 * Neumaier-compensated summation exactly as Prometheus's `kahansum.Inc`, so sums, means and
 * regressions round the same way. Allocation-free: `kahanInc` returns the new sum and leaves
 * the new compensation in `KAHAN.c`.
 */
export const KAHAN = { c: 0 };

/** Adds `inc` to (`sum`, `c`): returns the new sum; the new compensation is in `KAHAN.c`. */
export function kahanInc(inc: number, sum: number, c: number): number {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) {
    KAHAN.c = 0;
  } else if (Math.abs(sum) >= Math.abs(inc)) {
    KAHAN.c = c + (sum - t + inc);
  } else {
    KAHAN.c = c + (inc - t + sum);
  }
  return t;
}
