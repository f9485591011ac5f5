import { Labels } from '../../model/index.js';
import type { MetricExpr } from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import type { LogqlResult, MetricSample, MetricSeries, SelectProcessed } from '../types.js';
import { evalBinary } from './binary.js';
import { evalLabelReplace } from './label-replace.js';
import { evalRangeAgg } from './range-agg.js';
import { hasAny, newSeries, stepTime, type StepGrid, type StepValue } from './steps.js';
import { evalVectorAgg } from './vector-agg.js';

export interface MetricContext {
  /** Runs a log expression's selector and pipeline (the engine's, over the store). */
  select: SelectProcessed;
  /** Range: first step; instant: ignored. ms. */
  startMs: number;
  /** Range: last step at most; instant: the evaluation time. ms. */
  endMs: number;
  /** Range: resolution, ms (> 0). */
  stepMs: number;
  /** One step at `endMs`, result `vector` / `scalar`; else `matrix`. */
  instant: boolean;
  signal?: AbortSignal;
  /** Result series limit (Loki `max_query_series`): more is a LogqlEvalError. */
  maxSeries?: number;
}

/**
 * Evaluates a LogQL metric expression at every step with Loki's semantics: range aggregations
 * over (t - range - offset, t - offset] (left-open, right-closed), each reading its log
 * selection once for the whole query.
 */
export async function evaluateMetric(expr: MetricExpr, ctx: MetricContext): Promise<LogqlResult> {
  const grid = gridOf(ctx);
  const value = await evalNode(expr, grid, ctx);
  if (value.kind === 'scalar') {
    if (ctx.instant) return { type: 'scalar', t: ctx.endMs, v: value.values[0] };
    // Loki answers a range query over a scalar with one unlabelled series.
    const points: [number, number][] = [];
    for (let i = 0; i < grid.n; i++) points.push([stepTime(grid, i), value.values[i]]);
    return { type: 'matrix', series: [{ labels: Labels.EMPTY, points }] };
  }
  const series = value.series.filter(hasAny);
  checkSeriesLimit(series.length, ctx.maxSeries);
  if (ctx.instant) {
    const samples: MetricSample[] = series.map((s) => ({
      labels: s.labels,
      t: ctx.endMs,
      v: s.values[0],
    }));
    samples.sort((a, b) => Labels.compare(a.labels, b.labels));
    if (value.order !== undefined) {
      const desc = value.order === 'desc';
      // Stable: equal values keep label order; NaN last either way (Prometheus).
      samples.sort((a, b) => {
        if (Number.isNaN(a.v)) return Number.isNaN(b.v) ? 0 : 1;
        if (Number.isNaN(b.v)) return -1;
        return desc ? b.v - a.v : a.v - b.v;
      });
    }
    return { type: 'vector', samples };
  }
  const out: MetricSeries[] = series.map((s) => {
    const points: [number, number][] = [];
    for (let i = 0; i < grid.n; i++)
      if (s.present[i] === 1) points.push([stepTime(grid, i), s.values[i]]);
    return { labels: s.labels, points };
  });
  out.sort((a, b) => Labels.compare(a.labels, b.labels));
  return { type: 'matrix', series: out };
}

function gridOf(ctx: MetricContext): StepGrid {
  if (ctx.instant) return { startMs: ctx.endMs, stepMs: Math.max(1, ctx.stepMs), n: 1 };
  if (!(ctx.stepMs > 0)) {
    throw new LogqlEvalError(
      `cannot evaluate metric query: step must be positive, got ${ctx.stepMs}ms`,
    );
  }
  if (ctx.endMs < ctx.startMs) {
    throw new LogqlEvalError(
      `cannot evaluate metric query: end (${ctx.endMs}) is before start (${ctx.startMs})`,
    );
  }
  return {
    startMs: ctx.startMs,
    stepMs: ctx.stepMs,
    n: Math.floor((ctx.endMs - ctx.startMs) / ctx.stepMs) + 1,
  };
}

function checkSeriesLimit(got: number, max: number | undefined): void {
  if (max !== undefined && got > max) {
    throw new LogqlEvalError(
      `cannot evaluate metric query: maximum number of series (${max}) reached for a single query; got ${got}`,
    );
  }
}

async function evalNode(expr: MetricExpr, grid: StepGrid, ctx: MetricContext): Promise<StepValue> {
  ctx.signal?.throwIfAborted();
  switch (expr.kind) {
    case 'number':
      return { kind: 'scalar', values: new Float64Array(grid.n).fill(expr.value) };
    case 'vector': {
      const s = newSeries(Labels.EMPTY, grid.n);
      s.values.fill(expr.value);
      s.present.fill(1);
      return { kind: 'vector', series: [s] };
    }
    case 'range_agg':
      return { kind: 'vector', series: await evalRangeAgg(expr, grid, ctx) };
    case 'vector_agg': {
      const inner = await evalNode(expr.expr, grid, ctx);
      if (inner.kind !== 'vector') {
        throw new LogqlEvalError(
          `cannot evaluate ${expr.op}: its argument must be a vector, got a scalar`,
        );
      }
      return { kind: 'vector', ...evalVectorAgg(expr, inner.series, grid.n) };
    }
    case 'label_replace': {
      const inner = await evalNode(expr.expr, grid, ctx);
      if (inner.kind !== 'vector') {
        throw new LogqlEvalError(
          'cannot evaluate label_replace: its argument must be a vector, got a scalar',
        );
      }
      return { kind: 'vector', series: evalLabelReplace(expr, inner.series, grid.n) };
    }
    case 'binary': {
      // Sequential, not parallel: the two sides' selects would compete for the same store.
      const l = await evalNode(expr.left, grid, ctx);
      const r = await evalNode(expr.right, grid, ctx);
      return evalBinary(expr, l, r, grid.n);
    }
  }
}
