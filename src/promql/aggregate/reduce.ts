import { BugError } from '../../util/index.js';
import type { AggregateOp } from '../ast.js';
import { ABSENT, isAbsent, type StepSeries } from '../steps.js';
import type { Grouping } from './grouping.js';

/** The aggregations that fold each group into one value per step. */
export type ReduceOp = Exclude<
  AggregateOp,
  'topk' | 'bottomk' | 'limitk' | 'limit_ratio' | 'count_values'
>;

/**
 * Folds every group at every step, as Prometheus's `aggregation()`: sum with Kahan-Neumaier
 * compensation; avg as a compensated sum divided at the end, switching to an incremental mean
 * only once the sum would overflow; stddev/stdvar by Welford's method (NaN once a NaN or ±Inf is
 * seen first); min/max keep a NaN only when every value is NaN. `q` is quantile's φ per step.
 * Output: one series per group, ABSENT at steps where no member has a value.
 */
export function reduceGroups(
  op: ReduceOp,
  input: readonly StepSeries[],
  grouping: Grouping,
  steps: number,
  q: Float64Array | null,
): StepSeries[] {
  const groups = grouping.labels.length;
  const size = groups * steps;
  const n = new Float64Array(size);
  let vals: Float64Array;
  switch (op) {
    case 'sum':
      vals = sum(input, grouping.groupOf, steps, n, size);
      break;
    case 'avg':
      vals = avg(input, grouping.groupOf, steps, n, size);
      break;
    case 'count':
    case 'group':
      vals = count(input, grouping.groupOf, steps, n, op === 'group');
      break;
    case 'min':
    case 'max':
      vals = minMax(input, grouping.groupOf, steps, n, size, op === 'max');
      break;
    case 'stddev':
    case 'stdvar':
      vals = welford(input, grouping.groupOf, steps, n, size, op === 'stddev');
      break;
    case 'quantile':
      if (q === null) throw new BugError('quantile without its parameter');
      vals = quantiles(input, grouping, steps, n, q);
      break;
  }
  const dropName = new Uint8Array(groups);
  for (let si = 0; si < input.length; si++) {
    if (input[si].dropName) dropName[grouping.groupOf[si]] = 1;
  }
  const out: StepSeries[] = [];
  for (let g = 0; g < groups; g++) {
    const vs = vals.slice(g * steps, (g + 1) * steps);
    let any = false;
    for (let i = 0; i < steps; i++) {
      if (n[g * steps + i] === 0) vs[i] = ABSENT;
      else any = true;
    }
    if (any) out.push({ labels: grouping.labels[g], vs, ts: null, dropName: dropName[g] === 1 });
  }
  return out;
}

function sum(
  input: readonly StepSeries[],
  groupOf: Int32Array,
  steps: number,
  n: Float64Array,
  size: number,
): Float64Array {
  const val = new Float64Array(size);
  const c = new Float64Array(size);
  for (let si = 0; si < input.length; si++) {
    const vs = input[si].vs;
    const base = groupOf[si] * steps;
    for (let i = 0; i < steps; i++) {
      const v = vs[i];
      if (v !== v && isAbsent(v)) continue;
      const j = base + i;
      if (n[j]++ === 0) {
        val[j] = v;
        continue;
      }
      // Kahan-Neumaier step (Prometheus kahanSumInc), inlined: this is the hottest loop.
      const s = val[j];
      const t = s + v;
      if (t === Infinity || t === -Infinity) c[j] = 0;
      else if (Math.abs(s) >= Math.abs(v)) c[j] += s - t + v;
      else c[j] += v - t + s;
      val[j] = t;
    }
  }
  for (let j = 0; j < size; j++) val[j] += c[j];
  return val;
}

/** Returns [sum, compensation] of kahanSumInc(inc, s, c) through `out`. */
function kahanInc(inc: number, s: number, c: number, out: Float64Array): void {
  const t = s + inc;
  if (t === Infinity || t === -Infinity) c = 0;
  else if (Math.abs(s) >= Math.abs(inc)) c += s - t + inc;
  else c += inc - t + s;
  out[0] = t;
  out[1] = c;
}

function avg(
  input: readonly StepSeries[],
  groupOf: Int32Array,
  steps: number,
  n: Float64Array,
  size: number,
): Float64Array {
  const val = new Float64Array(size);
  const c = new Float64Array(size);
  const mean = new Float64Array(size);
  const incremental = new Uint8Array(size);
  const tmp = new Float64Array(2);
  for (let si = 0; si < input.length; si++) {
    const vs = input[si].vs;
    const base = groupOf[si] * steps;
    for (let i = 0; i < steps; i++) {
      const v = vs[i];
      if (v !== v && isAbsent(v)) continue;
      const j = base + i;
      const cnt = ++n[j];
      if (cnt === 1) {
        val[j] = v;
        continue;
      }
      if (incremental[j] === 0) {
        kahanInc(v, val[j], c[j], tmp);
        if (tmp[0] !== Infinity && tmp[0] !== -Infinity) {
          val[j] = tmp[0];
          c[j] = tmp[1];
          continue;
        }
        // The running sum would overflow: continue with an incremental mean from here on.
        incremental[j] = 1;
        mean[j] = val[j] / (cnt - 1);
        c[j] /= cnt - 1;
      }
      const q = (cnt - 1) / cnt;
      kahanInc(v / cnt, q * mean[j], q * c[j], tmp);
      mean[j] = tmp[0];
      c[j] = tmp[1];
    }
  }
  for (let j = 0; j < size; j++) {
    val[j] = incremental[j] === 1 ? mean[j] + c[j] : val[j] / n[j] + c[j] / n[j];
  }
  return val;
}

function count(
  input: readonly StepSeries[],
  groupOf: Int32Array,
  steps: number,
  n: Float64Array,
  one: boolean,
): Float64Array {
  for (let si = 0; si < input.length; si++) {
    const vs = input[si].vs;
    const base = groupOf[si] * steps;
    for (let i = 0; i < steps; i++) {
      const v = vs[i];
      if (!(v !== v && isAbsent(v))) n[base + i]++;
    }
  }
  return one ? new Float64Array(n.length).fill(1) : n.slice();
}

function minMax(
  input: readonly StepSeries[],
  groupOf: Int32Array,
  steps: number,
  n: Float64Array,
  size: number,
  max: boolean,
): Float64Array {
  const val = new Float64Array(size);
  for (let si = 0; si < input.length; si++) {
    const vs = input[si].vs;
    const base = groupOf[si] * steps;
    for (let i = 0; i < steps; i++) {
      const v = vs[i];
      if (v !== v && isAbsent(v)) continue;
      const j = base + i;
      const cur = val[j];
      // A NaN is replaced by any later value, so NaN is the result only when all are NaN.
      if (n[j]++ === 0 || cur !== cur || (max ? cur < v : cur > v)) val[j] = v;
    }
  }
  return val;
}

function welford(
  input: readonly StepSeries[],
  groupOf: Int32Array,
  steps: number,
  n: Float64Array,
  size: number,
  stddev: boolean,
): Float64Array {
  const m2 = new Float64Array(size);
  const mean = new Float64Array(size);
  for (let si = 0; si < input.length; si++) {
    const vs = input[si].vs;
    const base = groupOf[si] * steps;
    for (let i = 0; i < steps; i++) {
      const v = vs[i];
      if (v !== v && isAbsent(v)) continue;
      const j = base + i;
      const cnt = ++n[j];
      if (cnt === 1) {
        mean[j] = v;
        m2[j] = Number.isFinite(v) ? 0 : NaN;
        continue;
      }
      const delta = v - mean[j];
      mean[j] += delta / cnt;
      m2[j] += delta * (v - mean[j]);
    }
  }
  for (let j = 0; j < size; j++) {
    const variance = m2[j] / n[j];
    m2[j] = stddev ? Math.sqrt(variance) : variance;
  }
  return m2;
}

function quantiles(
  input: readonly StepSeries[],
  grouping: Grouping,
  steps: number,
  n: Float64Array,
  q: Float64Array,
): Float64Array {
  const groups = grouping.labels.length;
  const members: number[][] = Array.from({ length: groups }, () => []);
  for (let si = 0; si < input.length; si++) members[grouping.groupOf[si]].push(si);
  const out = new Float64Array(groups * steps);
  const scratch = new Float64Array(input.length);
  for (let g = 0; g < groups; g++) {
    const ms = members[g];
    for (let i = 0; i < steps; i++) {
      let len = 0;
      for (const si of ms) {
        const v = input[si].vs[i];
        if (!(v !== v && isAbsent(v))) scratch[len++] = v;
      }
      n[g * steps + i] = len;
      if (len > 0) out[g * steps + i] = quantile(q[i], scratch.subarray(0, len));
    }
  }
  return out;
}

/**
 * Prometheus's `quantile()`: linear interpolation between the closest ranks, NaN values sorted
 * first (as the smallest). φ < 0 gives -Inf, φ > 1 +Inf, NaN φ NaN. Sorts `values` in place.
 */
export function quantile(q: number, values: Float64Array): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(); // typed-array sort puts NaNs last; rotate them to the front
  let nans = 0;
  for (let i = values.length - 1; i >= 0 && Number.isNaN(values[i]); i--) nans++;
  if (nans > 0) {
    values.copyWithin(nans, 0, values.length - nans);
    values.fill(NaN, 0, nans);
  }
  const len = values.length;
  const rank = q * (len - 1);
  const lo = Math.max(0, Math.floor(rank));
  const hi = Math.min(len - 1, lo + 1);
  const w = rank - Math.floor(rank);
  return values[lo] * (1 - w) + values[hi] * w;
}
