import type { AggregateExpr } from '../ast.js';
import { QueryExecutionError } from '../errors.js';
import { absentSteps, isAbsent, type EvalContext, type StepSeries } from '../steps.js';
import { formatGoFloatG } from './format.js';
import type { Grouping } from './grouping.js';

// The largest/smallest float64 that converts to an int64 without overflow (Prometheus maxInt64/minInt64).
const MAX_INT64 = 9223372036854774784;
const MIN_INT64 = -9223372036854775808;

/** topk/bottomk/limitk's k per step: truncated toward zero, capped at the input size. */
export function kPerStep(param: Float64Array, inputLen: number): Int32Array {
  const k = new Int32Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const f = param[i];
    if (Number.isNaN(f)) throw new QueryExecutionError('Parameter value is NaN');
    if (!(f <= MAX_INT64 && f >= MIN_INT64)) {
      throw new QueryExecutionError(`Scalar value ${formatGoFloatG(f)} overflows int64`);
    }
    k[i] = Math.max(0, Math.min(Math.trunc(f), inputLen));
  }
  return k;
}

/**
 * topk/bottomk: per step and group, the k series with the largest (smallest) values, NaN
 * ranked last; on ties the series earlier in the input wins. Output: the selected input series
 * with their labels, ABSENT at the steps where they are not selected. For a one-step (instant)
 * evaluation the output is in Prometheus's result order: groups in order of first appearance,
 * each group's series by value (topk descending, bottomk ascending, NaN last); otherwise in
 * input order (the engine sorts range results by labels).
 */
export function selectTopK(
  input: readonly StepSeries[],
  grouping: Grouping,
  k: Int32Array,
  steps: number,
  top: boolean,
): StepSeries[] {
  const groups = grouping.labels.length;
  let maxK = 0;
  for (let i = 0; i < steps; i++) maxK = Math.max(maxK, k[i]);
  if (maxK === 0) return [];
  // One heap per (group, step), series-major so each input array is read sequentially (the
  // step-major order touches every series' array once per step and is several times slower).
  const size = new Int32Array(groups);
  for (let si = 0; si < input.length; si++) size[grouping.groupOf[si]]++;
  const cap = new Int32Array(groups);
  const off = new Int32Array(groups);
  let total = 0;
  for (let g = 0; g < groups; g++) {
    cap[g] = Math.min(maxK, size[g]);
    off[g] = total;
    total += cap[g] * steps;
  }
  const hIdx = new Int32Array(total);
  const hVal = new Float64Array(total);
  const hLen = new Int32Array(groups * steps);
  // "a ranks below b" (Prometheus vectorByValueHeap / vectorByReverseValueHeap Less): NaN lowest.
  const less = (a: number, b: number): boolean => a !== a || (top ? a < b : a > b);
  for (let si = 0; si < input.length; si++) {
    const vs = input[si].vs;
    const g = grouping.groupOf[si];
    const c = cap[g];
    for (let i = 0; i < steps; i++) {
      const v = vs[i];
      if (v !== v && isAbsent(v)) continue;
      const ki = Math.min(k[i], c);
      if (ki < 1) continue;
      const b = off[g] + i * c;
      const len = hLen[g * steps + i];
      if (len < ki) {
        hIdx[b + len] = si;
        hVal[b + len] = v;
        hLen[g * steps + i] = len + 1;
        up(hIdx, hVal, b, len, less);
      } else {
        const t = hVal[b];
        if (t !== t ? v === v : top ? t < v : t > v) {
          hIdx[b] = si;
          hVal[b] = v;
          down(hIdx, hVal, b, 0, len, less);
        }
      }
    }
  }
  const out = new Array<Float64Array | undefined>(input.length);
  const instantOrder: number[][] | null = steps === 1 ? [] : null;
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < steps; i++) {
      const b = off[g] + i * cap[g];
      const len = hLen[g * steps + i];
      for (let h = 0; h < len; h++) {
        const si = hIdx[b + h];
        (out[si] ??= absentSteps(steps))[i] = hVal[b + h];
      }
      if (instantOrder !== null && len > 0) {
        const sel = Array.from(hIdx.subarray(b, b + len));
        sel.sort((x, y) => {
          const vx = input[x].vs[0];
          const vy = input[y].vs[0];
          if (less(vy, vx)) return -1;
          if (less(vx, vy)) return 1;
          return x - y;
        });
        instantOrder.push(sel);
      }
    }
  }
  const order = instantOrder !== null ? instantOrder.flat() : input.map((_, si) => si);
  const res: StepSeries[] = [];
  for (const si of order) {
    const vs = out[si];
    if (vs !== undefined) {
      res.push({ labels: input[si].labels, vs, ts: null, dropName: input[si].dropName });
    }
  }
  return res;
}

/** Sift-up of a heap stored at hIdx/hVal[b…], as Go's container/heap.up. */
function up(
  hIdx: Int32Array,
  hVal: Float64Array,
  b: number,
  j: number,
  less: (a: number, b: number) => boolean,
): void {
  while (j > 0) {
    const p = (j - 1) >> 1;
    if (!less(hVal[b + j], hVal[b + p])) break;
    swap(hIdx, hVal, b + j, b + p);
    j = p;
  }
}

/** Sift-down, as Go's container/heap.down (the root was just replaced). */
function down(
  hIdx: Int32Array,
  hVal: Float64Array,
  b: number,
  i: number,
  n: number,
  less: (a: number, b: number) => boolean,
): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    let j = l;
    if (l + 1 < n && less(hVal[b + l + 1], hVal[b + l])) j = l + 1;
    if (!less(hVal[b + j], hVal[b + i])) break;
    swap(hIdx, hVal, b + i, b + j);
    i = j;
  }
}

function swap(hIdx: Int32Array, hVal: Float64Array, x: number, y: number): void {
  const ti = hIdx[x];
  hIdx[x] = hIdx[y];
  hIdx[y] = ti;
  const tv = hVal[x];
  hVal[x] = hVal[y];
  hVal[y] = tv;
}

/** limitk: per step and group, the first k series (input order) that have a value. */
export function selectLimitK(
  input: readonly StepSeries[],
  grouping: Grouping,
  k: Int32Array,
  steps: number,
): StepSeries[] {
  const taken = new Int32Array(grouping.labels.length);
  const out = new Array<Float64Array | undefined>(input.length);
  for (let i = 0; i < steps; i++) {
    if (k[i] < 1) continue;
    taken.fill(0);
    for (let si = 0; si < input.length; si++) {
      const v = input[si].vs[i];
      if (v !== v && isAbsent(v)) continue;
      const g = grouping.groupOf[si];
      if (taken[g] >= k[i]) continue;
      taken[g]++;
      (out[si] ??= absentSteps(steps))[i] = v;
    }
  }
  return collect(input, out);
}

/**
 * limit_ratio: a deterministic sample of the series, by the label-set hash mapped to [0, 1):
 * ratio r ≥ 0 keeps the series with offset < r, r < 0 those with offset ≥ 1 + r, so
 * limit_ratio(r) and limit_ratio(-(1-r)) are complements. r outside [-1, 1] is capped, with a
 * warning (once per bound); NaN is an error.
 */
export function selectLimitRatio(
  node: AggregateExpr,
  input: readonly StepSeries[],
  param: Float64Array,
  steps: number,
  ctx: EvalContext,
): StepSeries[] {
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < steps; i++) {
    if (Number.isNaN(param[i])) throw new QueryExecutionError('Ratio value is NaN');
    max = Math.max(max, param[i]);
    min = Math.min(min, param[i]);
  }
  const pos = node.param?.pos ?? node.pos;
  if (max > 1) {
    ctx.warn(
      `ratio value should be between -1 and 1, got ${formatGoFloatG(max)}, capping to 1`,
      pos,
    );
  }
  if (min < -1) {
    ctx.warn(
      `ratio value should be between -1 and 1, got ${formatGoFloatG(min)}, capping to -1`,
      pos,
    );
  }
  const out = new Array<Float64Array | undefined>(input.length);
  for (let si = 0; si < input.length; si++) {
    const offset = input[si].labels.hash() / 2 ** 53;
    const vs = input[si].vs;
    for (let i = 0; i < steps; i++) {
      const v = vs[i];
      if (v !== v && isAbsent(v)) continue;
      const r = Math.max(-1, Math.min(1, param[i]));
      if (r === 0) continue;
      if ((r > 0 && offset < r) || (r < 0 && offset >= 1 + r)) {
        (out[si] ??= absentSteps(steps))[i] = v;
      }
    }
  }
  return collect(input, out);
}

function collect(
  input: readonly StepSeries[],
  out: readonly (Float64Array | undefined)[],
): StepSeries[] {
  const res: StepSeries[] = [];
  for (let si = 0; si < input.length; si++) {
    const vs = out[si];
    if (vs !== undefined) {
      res.push({ labels: input[si].labels, vs, ts: null, dropName: input[si].dropName });
    }
  }
  return res;
}
