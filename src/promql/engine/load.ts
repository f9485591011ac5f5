import type { Labels, TenantId } from '../../model/index.js';
import {
  type Querier,
  type Queryable,
  QueryError,
  readSamples,
  type Series,
} from '../../storage/index.js';
import { QueryExecutionError } from '../errors.js';
import type { Expr, VectorSelector } from '../ast.js';
import { atMs, durationMs, type DurationScope } from './durations.js';
import { infoSelector, readTime } from './info.js';
import { F64Slab } from './slab.js';
import type { QueryState } from './state.js';

/** One series' raw samples (stale markers included) over the span its selector needs. */
export interface LoadedSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

/** The data of every selector of a query, by selector node. */
export type LoadedData = Map<VectorSelector, LoadedSeries[]>;

interface Span {
  mint: number;
  maxt: number;
}

/**
 * Walks the tree to find the time span each selector reads — offsets, `@`, ranges, subqueries
 * and the lookback widen it — then opens one querier over the union and selects each
 * selector once, copying its samples into typed arrays.
 */
export async function loadData(
  q: Queryable,
  tenant: TenantId,
  root: Expr,
  startMs: number,
  endMs: number,
  state: QueryState,
): Promise<LoadedData> {
  const spans = new Map<VectorSelector, Span>();
  plan(root, startMs, endMs, state, spans);
  const data: LoadedData = new Map();
  if (spans.size === 0) return data;
  let mint = Infinity;
  let maxt = -Infinity;
  for (const s of spans.values()) {
    mint = Math.min(mint, s.mint);
    maxt = Math.max(maxt, s.maxt);
  }
  const querier = q.querier(tenant, mint, maxt);
  // One slab set per query: the loaded arrays live as long as the query's data.
  const slab = new F64Slab();
  try {
    for (const [sel, span] of spans) {
      state.checkDeadline();
      const out: LoadedSeries[] = [];
      const selected = select(querier, sel, span);
      state.checkSeries(selected.length);
      for (const s of selected) {
        // Only between series: no iterator is ever left half-read across a pause.
        if (state.sliceOver()) {
          await state.pause();
          state.checkDeadline();
        }
        const it = s.iterator();
        // Read into shared scratch buffers, then copy out exactly into slab views.
        let n = 0;
        if (it.seek(span.mint) && it.t <= span.maxt) {
          scratchT[0] = it.t;
          scratchV[0] = it.v;
          n = 1;
          // Bulk reads (storage decodes straight into the arrays) until a short read.
          for (;;) {
            n = readSamples(it, scratchT, scratchV, n, span.maxt);
            if (n < scratchT.length) break;
            scratchT = grow(scratchT);
            scratchV = grow(scratchV);
          }
        }
        if (n > 0) {
          const ts = slab.alloc(n);
          const vs = slab.alloc(n);
          ts.set(scratchT.subarray(0, n));
          vs.set(scratchV.subarray(0, n));
          out.push({ labels: s.labels, ts, vs });
        }
        state.loaded += n;
      }
      data.set(sel, out);
    }
  } finally {
    querier.close();
  }
  return data;
}

let scratchT: Float64Array = new Float64Array(1024);
let scratchV: Float64Array = new Float64Array(1024);

/** Selects through the querier; storage read failures become execution errors. */
function select(querier: Querier, sel: VectorSelector, span: Span): Series[] {
  try {
    return querier.select(sel.matchers, { start: span.mint, end: span.maxt });
  } catch (err) {
    if (err instanceof QueryError) {
      throw new QueryExecutionError(
        `cannot select series for ${sel.matchers.map((m) => m.toString()).join(', ')}: ${err.message}`,
        { cause: err },
      );
    }
    throw err;
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function widen(spans: Map<VectorSelector, Span>, sel: VectorSelector, mint: number, maxt: number) {
  const s = spans.get(sel);
  if (s) {
    s.mint = Math.min(s.mint, mint);
    s.maxt = Math.max(s.maxt, maxt);
  } else spans.set(sel, { mint, maxt });
}

/** Records the data span of each selector under `e`, evaluated at times in [minT, maxT]. */
function plan(
  e: Expr,
  minT: number,
  maxT: number,
  scope: DurationScope & { opts: { lookbackMs: number; defaultSubqueryStepMs: number } },
  spans: Map<VectorSelector, Span>,
): void {
  switch (e.type) {
    case 'VectorSelector': {
      const [lo, hi] = refs(e.at, e.offset, minT, maxT, scope);
      // smoothed interpolates towards the next sample, up to a lookback after the step.
      const ahead = e.smoothed === true ? scope.opts.lookbackMs : 0;
      widen(spans, e, lo - scope.opts.lookbackMs + 1, hi + ahead);
      return;
    }
    case 'MatrixSelector': {
      const [lo, hi] = refs(e.vector.at, e.vector.offset, minT, maxT, scope);
      // anchored/smoothed look a lookback before the window (smoothed: and after it).
      const lookback = scope.opts.lookbackMs;
      const back = e.anchored || e.smoothed ? lookback : 0;
      const ahead = e.smoothed ? lookback : 0;
      widen(spans, e.vector, lo - durationMs(e.range, scope) - back + 1, hi + ahead);
      return;
    }
    case 'SubqueryExpr': {
      const [lo, hi] = refs(e.at, e.offset, minT, maxT, scope);
      plan(e.expr, lo - durationMs(e.range, scope), hi, scope, spans);
      return;
    }
    case 'Call':
      if (e.func === 'info') {
        plan(e.args[0], minT, maxT, scope, spans);
        // The info series are read where the argument's data is (its `@` and offsets).
        const a = readTime(e.args[0], minT, scope);
        const b = readTime(e.args[0], maxT, scope);
        widen(spans, infoSelector(e), Math.min(a, b) - scope.opts.lookbackMs + 1, Math.max(a, b));
        return;
      }
      for (const a of e.args) plan(a, minT, maxT, scope, spans);
      return;
    case 'AggregateExpr':
      if (e.param) plan(e.param, minT, maxT, scope, spans);
      plan(e.expr, minT, maxT, scope, spans);
      return;
    case 'BinaryExpr':
      plan(e.lhs, minT, maxT, scope, spans);
      plan(e.rhs, minT, maxT, scope, spans);
      return;
    case 'UnaryExpr':
    case 'ParenExpr':
      plan(e.expr, minT, maxT, scope, spans);
      return;
    case 'NumberLiteral':
    case 'StringLiteral':
      return;
  }
}

function refs(
  at: VectorSelector['at'],
  offset: VectorSelector['offset'],
  minT: number,
  maxT: number,
  scope: DurationScope,
): [number, number] {
  const off = durationMs(offset, scope);
  const pinned = atMs(at, scope);
  return pinned === null ? [minT - off, maxT - off] : [pinned - off, pinned - off];
}
