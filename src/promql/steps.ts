/**
 * The engine's internal value model, shared by the evaluator (engine/), the aggregations
 * (aggregate/) and the functions (functions/). Every node is evaluated for **all steps of the
 * query at once** (an instant query is a range query of one step): a series is one
 * `Float64Array` with a value per step, so operators and functions are loops over typed arrays
 * and a range query costs no per-step objects.
 *
 * "No value at this step" is the `ABSENT` NaN (a payload distinct from every NaN arithmetic
 * produces and from the stale marker), so real NaN results (`0/0`) stay representable. It only
 * survives inside typed arrays and object fields: V8 canonicalises NaNs stored in plain
 * `number[]`, so never keep step values in a JS array, and test with `isAbsent`, never `isNaN`.
 */
import type { Labels } from '../model/index.js';
import type { Call, PosRange } from './ast.js';

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
words[0] = 0x00a85e47; // an arbitrary payload: no arithmetic produces it
words[1] = 0x7ff80000;
/** The value of a step at which a series has no sample. */
export const ABSENT: number = bits[0];

/** Whether `x` is the ABSENT marker (not any other NaN). */
export function isAbsent(x: number): boolean {
  bits[0] = x;
  return words[0] === 0x00a85e47 && words[1] === 0x7ff80000;
}

/** A Float64Array of `n` steps, every one ABSENT. */
export function absentSteps(n: number): Float64Array {
  if (n > SLAB_MAX_VIEW) return new Float64Array(n).fill(ABSENT);
  if (slabOff + n > slab.length) {
    slab = new Float64Array(SLAB_DOUBLES);
    slabOff = 0;
  }
  const v = slab.subarray(slabOff, slabOff + n);
  slabOff += n;
  return v.fill(ABSENT);
}

/*
 * Small step arrays are views into shared 512 KiB slabs: in V8 every typed array of more than a
 * few elements gets its own separately allocated backing store (~0.5 µs), which dominated
 * queries producing many series (topk over 100k series). Evaluation is synchronous, so one
 * module-level slab is safe; a slab lives as long as any view of it.
 */
const SLAB_DOUBLES = 1 << 16;
const SLAB_MAX_VIEW = 4096;
let slab = new Float64Array(0);
let slabOff = 0;

/** One series of an instant vector over every step of the query. */
export interface StepSeries {
  labels: Labels;
  /** One value per step; ABSENT where the series has no sample at that step. */
  vs: Float64Array;
  /**
   * Per step, the timestamp (ms) of the sample a vector selector picked (for `timestamp()`), or
   * null when the values are computed (then `timestamp()` gives the evaluation time).
   */
  ts: Float64Array | null;
  /**
   * Delayed `__name__` removal (Prometheus 3.x, on in its test corpus): set by functions and
   * operators that drop the metric name; the engine removes `__name__` from such series when
   * the final result is built or a label-changing function needs it gone, not earlier.
   */
  dropName: boolean;
}

/** A value an expression evaluates to, over all steps. */
export type StepValue =
  | { readonly kind: 'scalar'; readonly vs: Float64Array }
  | { readonly kind: 'vector'; readonly series: StepSeries[] }
  | { readonly kind: 'string'; readonly value: string };

/**
 * The raw samples of one series under a range selector or subquery, with each step's window.
 * Stale markers are removed (Prometheus drops them from range vectors). Windows are left-open
 * and right-closed, `(start[i], end[i]]` (Prometheus 3.x), and already include `offset` and `@`.
 */
export interface Windows {
  readonly labels: Labels;
  /** Sample timestamps (ms), increasing, and values. */
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  /** Per step i: the window's samples are indexes [lo[i], hi[i]). */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** Per step i: the window bounds (ms). */
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly steps: number;
  /** The range (ms) of the selector or subquery. */
  readonly rangeMs: number;
}

/** What a function (or aggregation) can see of the query besides its arguments. */
export interface EvalContext {
  /** Evaluation time (ms) of each step. */
  readonly times: Float64Array;
  readonly steps: number;
  /** Reports a `PromQL warning: …` / `PromQL info: …` annotation at `pos`. */
  warn(msg: string, pos: PosRange): void;
  info(msg: string, pos: PosRange): void;
  /** Throws QueryTimeoutError when the deadline passed (call in long loops). */
  checkDeadline(): void;
}

/**
 * A function over a range vector (`rate`, `*_over_time`, `predict_linear`, …), one series at a
 * time: writes one value per step into `out` (ABSENT where it yields none). `args` are the
 * function's scalar arguments other than the range vector, in order, one value per step (e.g.
 * `quantile_over_time`'s φ, `predict_linear`'s t).
 */
export type RangeFunction = (
  w: Windows,
  out: Float64Array,
  args: readonly Float64Array[],
  ctx: EvalContext,
  call: Call,
) => void;

/**
 * A function over instant vectors, scalars and strings (`abs`, `label_replace`,
 * `histogram_quantile`, `time`, `sort`, …): returns a vector or a scalar. Must not mutate its
 * argument series' arrays (they may be shared); return new ones (or the same series objects
 * untouched).
 */
export type InstantFunction = (
  args: readonly StepValue[],
  ctx: EvalContext,
  call: Call,
) => StepValue;

/** An implementation in the function table (functions/index.ts). */
export type FunctionImpl =
  | { readonly kind: 'range'; readonly fn: RangeFunction }
  | { readonly kind: 'instant'; readonly fn: InstantFunction };
