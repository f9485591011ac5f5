/**
 * `stddev_over_time`, `stdvar_over_time` (Welford with Kahan-compensated accumulators, as
 * Prometheus), `quantile_over_time` and `mad_over_time` (Prometheus's interpolating quantile).
 */
import { ABSENT, type RangeFunction, type Windows } from '../../steps.js';
import { goFormatG } from './go-format.js';
import { KAHAN, kahanInc } from './kahan.js';

function variance(vs: Float64Array, a: number, b: number): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let j = a; j < b; j++) {
    const v = vs[j];
    count++;
    const delta = v - (mean + cMean);
    mean = kahanInc(delta / count, mean, cMean);
    cMean = KAHAN.c;
    aux = kahanInc(delta * (v - (mean + cMean)), aux, cAux);
    cAux = KAHAN.c;
  }
  return (aux + cAux) / count;
}

export const stdvarOverTime: RangeFunction = (w, out) => {
  for (let i = 0; i < w.steps; i++) {
    const a = w.lo[i];
    const b = w.hi[i];
    out[i] = a === b ? ABSENT : variance(w.vs, a, b);
  }
};

export const stddevOverTime: RangeFunction = (w, out) => {
  for (let i = 0; i < w.steps; i++) {
    const a = w.lo[i];
    const b = w.hi[i];
    out[i] = a === b ? ABSENT : Math.sqrt(variance(w.vs, a, b));
  }
};

let scratch = new Float64Array(256);

function ensureScratch(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n * 2);
  return scratch;
}

/**
 * Sorts `buf[0, n)` as Prometheus's quantile does: NaNs first (its comparison puts a NaN before
 * everything), then ascending numbers.
 */
function sortNaNFirst(buf: Float64Array, n: number): void {
  let nans = 0;
  for (let j = 0; j < n; j++) if (buf[j] !== buf[j]) nans++;
  if (nans > 0) {
    // Move the numbers behind the NaNs, keeping their order, then fill the front with NaN.
    let k = n;
    for (let j = n - 1; j >= 0; j--) if (buf[j] === buf[j]) buf[--k] = buf[j]!;
    buf.fill(NaN, 0, nans);
  }
  buf.subarray(nans, n).sort();
}

/** Prometheus's quantile over the sorted `buf[0, n)`, interpolating between neighbours. */
function quantileSorted(q: number, buf: Float64Array, n: number): number {
  if (n === 0 || q !== q) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return buf[lower] * (1 - weight) + buf[upper] * weight;
}

function windowQuantile(w: Windows, a: number, b: number, q: number): number {
  const n = b - a;
  const buf = ensureScratch(n);
  buf.set(w.vs.subarray(a, b));
  if (q === q && q >= 0 && q <= 1) sortNaNFirst(buf, n);
  return quantileSorted(q, buf, n);
}

/** quantile_over_time(φ, v): φ < 0 gives -Inf, φ > 1 +Inf, NaN NaN, each with a warning. */
export const quantileOverTime: RangeFunction = (w, out, args, ctx, call) => {
  const phi = args[0];
  for (let i = 0; i < w.steps; i++) {
    const a = w.lo[i];
    const b = w.hi[i];
    if (a === b) {
      out[i] = ABSENT;
      continue;
    }
    const q = phi[i];
    if (!(q >= 0 && q <= 1)) {
      ctx.warn(
        `quantile value should be between 0 and 1, got ${goFormatG(q)}`,
        (call.args[0] ?? call).pos,
      );
    }
    out[i] = windowQuantile(w, a, b, q);
  }
};

/** mad_over_time: the median of the absolute deviations from the median. */
export const madOverTime: RangeFunction = (w, out) => {
  for (let i = 0; i < w.steps; i++) {
    const a = w.lo[i];
    const b = w.hi[i];
    if (a === b) {
      out[i] = ABSENT;
      continue;
    }
    const n = b - a;
    // A NaN makes the median undefined: the result is NaN (Prometheus 3.14).
    let hasNaN = false;
    for (let j = a; j < b; j++) if (w.vs[j] !== w.vs[j]) hasNaN = true;
    if (hasNaN) {
      out[i] = NaN;
      continue;
    }
    const median = windowQuantile(w, a, b, 0.5);
    const buf = ensureScratch(n);
    for (let j = 0; j < n; j++) buf[j] = Math.abs(w.vs[a + j] - median);
    buf.subarray(0, n).sort();
    out[i] = quantileSorted(0.5, buf, n);
  }
};
