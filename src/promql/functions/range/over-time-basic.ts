/**
 * The simple `*_over_time` functions: count, present, first/last (and their timestamps), sum
 * and avg (Kahan-compensated as Prometheus, with a running-sum path where it is provably exact).
 */
import { ABSENT, type RangeFunction, type Windows } from '../../steps.js';
import { KAHAN, kahanInc } from './kahan.js';

/** Applies `f(a, b)` to each non-empty window [a, b); ABSENT where the window is empty. */
function perWindow(w: Windows, out: Float64Array, f: (a: number, b: number) => number): void {
  const { lo, hi } = w;
  for (let i = 0; i < w.steps; i++) {
    const a = lo[i];
    const b = hi[i];
    out[i] = a === b ? ABSENT : f(a, b);
  }
}

export const countOverTime: RangeFunction = (w, out) => perWindow(w, out, (a, b) => b - a);
export const presentOverTime: RangeFunction = (w, out) => perWindow(w, out, () => 1);
export const firstOverTime: RangeFunction = (w, out) => perWindow(w, out, (a) => w.vs[a]);
export const lastOverTime: RangeFunction = (w, out) => perWindow(w, out, (_a, b) => w.vs[b - 1]);
export const tsOfFirstOverTime: RangeFunction = (w, out) =>
  perWindow(w, out, (a) => w.ts[a] / 1000);
export const tsOfLastOverTime: RangeFunction = (w, out) =>
  perWindow(w, out, (_a, b) => w.ts[b - 1] / 1000);

const MAX_EXACT = 2 ** 53;

/**
 * Whether every value is an integer and their absolute sum stays within 2^53: then every
 * partial sum is exact, Kahan's compensation stays 0, and adding/removing samples as the window
 * slides gives bit-for-bit Prometheus's per-window result.
 */
function exactIntegers(vs: Float64Array): boolean {
  let abs = 0;
  for (let j = 0; j < vs.length; j++) {
    const v = vs[j];
    if (!Number.isInteger(v)) return false;
    abs += Math.abs(v);
  }
  return abs <= MAX_EXACT;
}

/** Per step, the exact sum of the window, maintained incrementally (see exactIntegers). */
function runningSums(w: Windows, out: Float64Array, mean: boolean): void {
  const { vs, lo, hi } = w;
  let s = 0;
  let curLo = 0;
  let curHi = 0;
  for (let i = 0; i < w.steps; i++) {
    const a = lo[i];
    const b = hi[i];
    if (a < curLo || b < curHi || a >= curHi) {
      // Not a forward slide (or no overlap): start over at this window.
      s = 0;
      curLo = curHi = a;
    }
    while (curHi < b) s += vs[curHi++];
    while (curLo < a) s -= vs[curLo++];
    if (a === b) out[i] = ABSENT;
    else out[i] = mean ? s / (b - a) + 0 : s + 0; // + 0: Prometheus never yields -0 here
  }
}

function kahanSum(vs: Float64Array, a: number, b: number): number {
  let sum = 0;
  let c = 0;
  for (let j = a; j < b; j++) {
    sum = kahanInc(vs[j], sum, c);
    c = KAHAN.c;
  }
  return sum === Infinity || sum === -Infinity ? sum : sum + c;
}

export const sumOverTime: RangeFunction = (w, out) => {
  if (exactIntegers(w.vs)) runningSums(w, out, false);
  else perWindow(w, out, (a, b) => kahanSum(w.vs, a, b));
};

/**
 * Prometheus's mean: a direct Kahan sum divided by the count while the sum stays finite, and an
 * incremental mean from the first overflow on (the direct form is usually more accurate).
 */
function kahanMean(vs: Float64Array, a: number, b: number): number {
  let sum = vs[a];
  let count = 1;
  let mean = 0;
  let c = 0;
  let incremental = false;
  for (let j = a + 1; j < b; j++) {
    const v = vs[j];
    count = j - a + 1;
    if (!incremental) {
      const next = kahanInc(v, sum, c);
      if (next !== Infinity && next !== -Infinity) {
        sum = next;
        c = KAHAN.c;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    mean = kahanInc(v / count, q * mean, q * c);
    c = KAHAN.c;
  }
  return incremental ? mean + c : sum / count + c / count;
}

export const avgOverTime: RangeFunction = (w, out) => {
  if (exactIntegers(w.vs)) runningSums(w, out, true);
  else perWindow(w, out, (a, b) => kahanMean(w.vs, a, b));
};
