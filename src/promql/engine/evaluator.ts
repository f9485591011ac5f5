import { Labels, METRIC_NAME } from '../../model/index.js';
import { aggregate } from '../aggregate/index.js';
import type { Call, Expr, MatrixSelector, SubqueryExpr } from '../ast.js';
import { NotSupportedError, QueryExecutionError } from '../errors.js';
import {
  absentSteps,
  type FunctionImpl,
  isAbsent,
  type StepSeries,
  type StepValue,
  type Windows,
} from '../steps.js';
import { binary } from './binary.js';
import { extendedWindows } from './extended.js';
import { enrich, infoSelector } from './info.js';
import { withoutName } from './names.js';
import { durationMs } from './durations.js';
import type { LoadedData } from './load.js';
import { hasSamples, referenceTimes, selectVector, windowBounds, windowsOf } from './selectors.js';
import type { QueryState } from './state.js';

/** Range functions whose result keeps the metric name (Prometheus 3.x). */
const KEEPS_NAME = new Set(['last_over_time', 'first_over_time']);

/** Functions of the query itself rather than of data (experimental in Prometheus 3.x). */
const QUERY_CONTEXT = new Set(['start', 'end', 'range', 'step']);

/** Functions that only order an instant query's result. */
const SORTING = new Set(['sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc']);

/** Functions whose value depends on the evaluation time itself, so `@` cannot make them step-invariant. */
const TIME_DEPENDENT = new Set([
  'time',
  'timestamp',
  'step',
  'range',
  'predict_linear',
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
]);

/**
 * Evaluates expressions over all steps at once. Every node's result is counted against the
 * sample budget while it is alive: when a node finishes, what its children held is released
 * and its own result is held instead.
 */
export class Evaluator {
  constructor(
    private readonly state: QueryState,
    private readonly data: LoadedData,
    private readonly functions: ReadonlyMap<string, FunctionImpl>,
  ) {}

  async eval(e: Expr, times: Float64Array): Promise<StepValue> {
    if (this.state.sliceOver()) await this.state.pause();
    this.state.checkDeadline();
    const before = this.state.current;
    let v: StepValue;
    if (times.length > 1 && e.type !== 'NumberLiteral' && stepInvariant(e)) {
      // Pinned by `@` everywhere below: evaluate once, repeat for every step.
      v = broadcast(await this.evalNode(e, times.subarray(0, 1)), times.length);
    } else {
      v = await this.evalNode(e, times);
    }
    this.state.current = before;
    this.state.hold(points(v));
    return v;
  }

  private async evalNode(e: Expr, times: Float64Array): Promise<StepValue> {
    const n = times.length;
    switch (e.type) {
      case 'NumberLiteral':
        return { kind: 'scalar', vs: new Float64Array(n).fill(e.value) };
      case 'StringLiteral':
        return { kind: 'string', value: e.value };
      case 'ParenExpr':
        return this.eval(e.expr, times);
      case 'UnaryExpr':
        return e.op === '-' ? negate(await this.eval(e.expr, times)) : this.eval(e.expr, times);
      case 'VectorSelector': {
        const v: StepValue = {
          kind: 'vector',
          series: selectVector(e, this.data.get(e) ?? [], times, this.state),
        };
        this.state.queryable += points(v);
        return v;
      }
      case 'MatrixSelector':
      case 'SubqueryExpr':
        throw new QueryExecutionError(
          `cannot evaluate ${e.type === 'MatrixSelector' ? 'a range vector selector' : 'a subquery'} here: a range vector is only valid as a function argument`,
        );
      case 'Call':
        return this.call(e, times);
      case 'AggregateExpr': {
        const input = await this.eval(e.expr, times);
        if (input.kind !== 'vector') {
          throw new QueryExecutionError(
            `cannot aggregate with ${e.op}: got a ${input.kind}, want a vector`,
          );
        }
        const param = e.param ? await this.eval(e.param, times) : null;
        return {
          kind: 'vector',
          series: aggregate(e, input.series, param, this.state.context(times)),
        };
      }
      case 'BinaryExpr':
        return binary(
          e,
          await this.eval(e.lhs, times),
          await this.eval(e.rhs, times),
          n,
          this.state,
        );
    }
  }

  /**
   * The per-step windows of a range selector or subquery, one series at a time: a window's
   * samples count against maxSamples until the consumer moves on to the next series. A
   * subquery's inner expression is evaluated first (asynchronously); the windows are then cut
   * synchronously as they are consumed.
   */
  async windows(
    e: MatrixSelector | SubqueryExpr,
    times: Float64Array,
    counter = false,
  ): Promise<Iterable<Windows>> {
    if (e.type === 'MatrixSelector') return this.selectorWindows(e, times, counter);
    return this.subqueryWindows(e, times);
  }

  private *selectorWindows(
    e: MatrixSelector,
    times: Float64Array,
    counter: boolean,
  ): Generator<Windows> {
    {
      const ref = referenceTimes(times, e.vector.at, e.vector.offset, this.state);
      const range = durationMs(e.range, this.state);
      const bounds = windowBounds(ref, range);
      const extended = e.anchored || e.smoothed;
      const lookback = this.state.opts.lookbackMs;
      for (const s of this.data.get(e.vector) ?? []) {
        this.state.checkDeadline();
        const w = extended
          ? extendedWindows(s.labels, s.ts, s.vs, ref, range, lookback, e.smoothed, counter)
          : windowsOf(s.labels, s.ts, s.vs, ref, range, bounds);
        const held = w.hi[w.steps - 1] - w.lo[0];
        this.state.hold(held);
        let used = 0;
        for (let i = 0; i < w.steps; i++) used += w.hi[i] - w.lo[i];
        this.state.queryable += used;
        yield w;
        this.state.current -= held;
      }
    }
  }

  private async subqueryWindows(e: SubqueryExpr, times: Float64Array): Promise<Iterable<Windows>> {
    const ref = referenceTimes(times, e.at, e.offset, this.state);
    const range = durationMs(e.range, this.state);
    const step =
      e.step === null ? this.state.opts.defaultSubqueryStepMs : durationMs(e.step, this.state);
    if (!(step > 0))
      throw new QueryExecutionError(`cannot evaluate subquery: step ${step}ms, want > 0`);
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of ref) {
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    // Inner steps are aligned to absolute multiples of the step, the first after `ref − range`.
    const first = (Math.floor((lo - range) / step) + 1) * step;
    const count = first > hi ? 0 : Math.floor((hi - first) / step) + 1;
    if (count === 0) return [];
    const inner = new Float64Array(count);
    for (let i = 0; i < count; i++) inner[i] = first + i * step;
    const v = await this.eval(e.expr, inner);
    if (v.kind !== 'vector') {
      throw new QueryExecutionError(
        `cannot evaluate subquery: got a ${v.kind}, want an instant vector`,
      );
    }
    return subqueryWindowsOf(v.series, inner, ref, range);
  }

  private async call(e: Call, times: Float64Array): Promise<StepValue> {
    if (e.func === 'absent' || e.func === 'absent_over_time') return this.absent(e, times);
    if (e.func === 'info') {
      const v = await this.eval(e.args[0], times);
      if (v.kind !== 'vector') {
        throw new QueryExecutionError(`cannot evaluate info(): got a ${v.kind}, want a vector`);
      }
      const infos = this.data.get(infoSelector(e)) ?? [];
      return {
        kind: 'vector',
        series: enrich(e, v.series, infos, times, this.state.opts.lookbackMs, this.state),
      };
    }
    const impl = this.functions.get(e.func);
    if (!impl && QUERY_CONTEXT.has(e.func)) return this.queryContext(e.func, times.length);
    if (!impl) throw new NotSupportedError(`cannot evaluate function ${e.func}(): not supported`);
    const ctx = this.state.context(times);
    if (this.state.stepMs > 0 && SORTING.has(e.func)) {
      this.state.warn(
        'sort is ineffective for range queries since results are always ordered by labels',
        e.pos,
      );
    }
    if (impl.kind === 'instant') {
      const args: StepValue[] = [];
      for (const a of e.args) args.push(await this.eval(a, times));
      if (e.func === 'timestamp') args[0] = sampleTimesOnlyOfSelector(e.args[0], args[0]);
      return impl.fn(args, ctx, e);
    }
    const idx = e.args.findIndex((a) => isRangeArg(unwrap(a)));
    if (idx < 0)
      throw new QueryExecutionError(`cannot evaluate ${e.func}(): no range vector argument`);
    checkExtended(e, unwrap(e.args[idx]));
    const args: Float64Array[] = [];
    for (let i = 0; i < e.args.length; i++) {
      if (i === idx) continue;
      const v = await this.eval(e.args[i], times);
      if (v.kind !== 'scalar') {
        throw new QueryExecutionError(
          `cannot evaluate ${e.func}(): argument ${i + 1} is a ${v.kind}, want a scalar`,
        );
      }
      args.push(v.vs);
    }
    // Smoothing treats drops as counter resets for the counter functions.
    const counter = e.func === 'rate' || e.func === 'increase';
    const ws = await this.windows(
      unwrap(e.args[idx]) as MatrixSelector | SubqueryExpr,
      times,
      counter,
    );
    const keepName = KEEPS_NAME.has(e.func);
    const out: StepSeries[] = [];
    for (const w of ws) {
      // One series at a time: other work (ingestion, other requests) runs between slices.
      if (this.state.sliceOver()) await this.state.pause();
      this.state.checkDeadline();
      if (!hasSamples(w)) continue;
      const vs = absentSteps(times.length);
      impl.fn(w, vs, args, ctx, e);
      if (vs.some((x) => !isAbsent(x)))
        out.push({ labels: w.labels, vs, ts: null, dropName: !keepName });
    }
    return { kind: 'vector', series: out };
  }

  /** The experimental `start()`, `end()`, `range()`, `step()`: the query's own parameters, in seconds. */
  private queryContext(func: string, n: number): StepValue {
    const { startMs, endMs, stepMs } = this.state;
    const v =
      func === 'start'
        ? startMs
        : func === 'end'
          ? endMs
          : func === 'range'
            ? endMs - startMs
            : stepMs;
    return { kind: 'scalar', vs: new Float64Array(n).fill(v / 1000) };
  }

  /** `absent(v)` / `absent_over_time(m)`: 1 at the steps where the argument has nothing. */
  private async absent(e: Call, times: Float64Array): Promise<StepValue> {
    const n = times.length;
    const present = new Uint8Array(n);
    const arg = unwrap(e.args[0]);
    if (e.func === 'absent_over_time') {
      if (!isRangeArg(arg))
        throw new QueryExecutionError(
          'cannot evaluate absent_over_time(): want a range vector argument',
        );
      for (const w of await this.windows(arg, times)) {
        for (let i = 0; i < n; i++) if (w.hi[i] > w.lo[i]) present[i] = 1;
      }
    } else {
      const v = await this.eval(e.args[0], times);
      if (v.kind !== 'vector')
        throw new QueryExecutionError(`cannot evaluate absent(): got a ${v.kind}, want a vector`);
      for (const s of v.series) for (let i = 0; i < n; i++) if (!isAbsent(s.vs[i])) present[i] = 1;
    }
    const vs = absentSteps(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (present[i]) continue;
      vs[i] = 1;
      any = true;
    }
    return {
      kind: 'vector',
      series: any ? [{ labels: absentLabels(arg), vs, ts: null, dropName: false }] : [],
    };
  }
}

/** A subquery's windows: each inner series' present steps as samples, windowed per outer step. */
function* subqueryWindowsOf(
  series: StepSeries[],
  inner: Float64Array,
  ref: Float64Array,
  range: number,
): Generator<Windows> {
  const count = inner.length;
  const bounds = windowBounds(ref, range);
  for (const s of series) {
    let k = 0;
    for (let i = 0; i < count; i++) if (!isAbsent(s.vs[i])) k++;
    const ts = new Float64Array(k);
    const vs = new Float64Array(k);
    k = 0;
    for (let i = 0; i < count; i++) {
      if (isAbsent(s.vs[i])) continue;
      ts[k] = inner[i];
      vs[k++] = s.vs[i];
    }
    const labels = s.dropName ? withoutName(s.labels) : s.labels;
    yield windowsOf(labels, ts, vs, ref, range, bounds);
  }
}

/**
 * Prometheus keeps the picked samples' times only for `timestamp(<vector selector>)`; every
 * other argument (an operator, `sort(x)`, `label_replace(x, …)`) carries the evaluation time.
 */
function sampleTimesOnlyOfSelector(arg: Expr, v: StepValue): StepValue {
  if (v.kind !== 'vector' || unwrap(arg).type === 'VectorSelector') return v;
  if (v.series.every((s) => s.ts === null)) return v;
  return { kind: 'vector', series: v.series.map((s) => ({ ...s, ts: null })) };
}

function isRangeArg(e: Expr): e is MatrixSelector | SubqueryExpr {
  return e.type === 'MatrixSelector' || e.type === 'SubqueryExpr';
}

export function unwrap(e: Expr): Expr {
  while (e.type === 'ParenExpr') e = e.expr;
  return e;
}

/** The labels `absent()` reports: the selector's equality matchers, names matched twice left out. */
function absentLabels(arg: Expr): Labels {
  const sel =
    arg.type === 'VectorSelector' ? arg : arg.type === 'MatrixSelector' ? arg.vector : null;
  if (!sel) return Labels.EMPTY;
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !seen.has(m.name)) out.set(m.name, m.value);
    else out.delete(m.name);
    seen.add(m.name);
  }
  return Labels.fromPairs([...out]);
}

function negate(v: StepValue): StepValue {
  if (v.kind === 'scalar') return { kind: 'scalar', vs: v.vs.map((x) => (isAbsent(x) ? x : -x)) };
  if (v.kind === 'string') throw new QueryExecutionError('cannot negate a string');
  return {
    kind: 'vector',
    series: v.series.map((s) => ({
      labels: s.labels,
      vs: s.vs.map((x) => (isAbsent(x) ? x : -x)),
      ts: null,
      dropName: true,
    })),
  };
}

/** Whether `e` evaluates the same at every step (everything below is pinned by `@`). */
export function stepInvariant(e: Expr): boolean {
  switch (e.type) {
    case 'NumberLiteral':
    case 'StringLiteral':
      return true;
    case 'VectorSelector':
      return e.at !== null;
    case 'MatrixSelector':
      return e.vector.at !== null;
    case 'SubqueryExpr':
      return e.at !== null;
    case 'ParenExpr':
    case 'UnaryExpr':
      return stepInvariant(e.expr);
    case 'BinaryExpr':
      return stepInvariant(e.lhs) && stepInvariant(e.rhs);
    case 'AggregateExpr':
      return stepInvariant(e.expr) && (e.param === null || stepInvariant(e.param));
    case 'Call':
      return e.args.length > 0 && !TIME_DEPENDENT.has(e.func) && e.args.every(stepInvariant);
  }
}

function broadcast(v: StepValue, n: number): StepValue {
  if (v.kind === 'string') return v;
  if (v.kind === 'scalar') return { kind: 'scalar', vs: new Float64Array(n).fill(v.vs[0]) };
  return {
    kind: 'vector',
    series: v.series.map((s) => ({
      labels: s.labels,
      vs: new Float64Array(n).fill(s.vs[0]),
      ts: s.ts ? new Float64Array(n).fill(s.ts[0]) : null,
      dropName: s.dropName,
    })),
  };
}

/** How many step values a result holds (what maxSamples counts). */
function points(v: StepValue): number {
  if (v.kind === 'string') return 0;
  if (v.kind === 'scalar') return v.vs.length;
  let k = 0;
  for (const s of v.series) for (let i = 0; i < s.vs.length; i++) if (!isAbsent(s.vs[i])) k++;
  return k;
}

/** The functions Prometheus evaluates over anchored / smoothed range selectors. */
const ANCHORED_OK = ['changes', 'delta', 'increase', 'rate', 'resets'];
const SMOOTHED_OK = ['delta', 'increase', 'rate'];

/** Prometheus refuses other functions over them when evaluating (its message, verbatim). */
function checkExtended(e: Call, arg: Expr): void {
  if (arg.type !== 'MatrixSelector') return;
  const [which, ok] = arg.smoothed
    ? ['smoothed', SMOOTHED_OK]
    : arg.anchored
      ? ['anchored', ANCHORED_OK]
      : ['', []];
  if (which !== '' && !ok.includes(e.func)) {
    throw new QueryExecutionError(
      `${which} modifier can only be used with: ${ok.join(', ')} - not with ${e.func}`,
    );
  }
}
