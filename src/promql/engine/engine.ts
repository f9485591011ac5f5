import type { TenantId } from '../../model/index.js';
import type { Queryable } from '../../storage/index.js';
import type { Expr } from '../ast.js';
import { PromQLError } from '../errors.js';
import { FUNCTIONS } from '../functions/index.js';
import type { FunctionImpl } from '../steps.js';
import {
  DEFAULT_QUERY_OPTIONS,
  type QueryEngine,
  type QueryOptions,
  type QueryResult,
} from '../query.js';
import { Evaluator, unwrap } from './evaluator.js';
import { loadData } from './load.js';
import { instantValue, rangeValue, rawMatrix } from './result.js';
import { QueryState } from './state.js';

/** Turns query text into a tree (the parser: `parseExpr`). */
export type ParseFn = (text: string, opts: { experimental: boolean }) => Expr;

export interface PromQLEngineOptions {
  /** Parses query text; required to pass text rather than a tree. */
  parse?: ParseFn;
  /** Defaults for every query, overridden per query. */
  defaults?: Partial<QueryOptions>;
  /** The function table (default: every built-in, functions/index.ts). */
  functions?: ReadonlyMap<string, FunctionImpl>;
}

/** Most steps one range query may have (Prometheus: 11,000 points per series). */
const MAX_STEPS = 11_000;

/**
 * The PromQL evaluator: reads through one querier per query, evaluates every node over all
 * steps at once (steps.ts), and builds Prometheus-shaped results.
 */
export class PromQLEngine implements QueryEngine {
  private readonly parse: ParseFn | undefined;
  private readonly defaults: QueryOptions;
  private readonly functions: ReadonlyMap<string, FunctionImpl>;

  constructor(o: PromQLEngineOptions = {}) {
    this.parse = o.parse;
    this.defaults = { ...DEFAULT_QUERY_OPTIONS, ...o.defaults };
    this.functions = o.functions ?? FUNCTIONS;
  }

  instant(
    q: Queryable,
    tenant: TenantId,
    expr: string | Expr,
    timeMs: number,
    opts?: Partial<QueryOptions>,
  ): Promise<QueryResult> {
    return this.run(q, tenant, expr, timeMs, timeMs, 0, opts);
  }

  range(
    q: Queryable,
    tenant: TenantId,
    expr: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts?: Partial<QueryOptions>,
  ): Promise<QueryResult> {
    return Promise.resolve().then(async () => {
      if (!(stepMs > 0)) {
        throw new PromQLError('bad_data', `cannot run range query: step ${stepMs}ms, want > 0`);
      }
      if (endMs < startMs) {
        throw new PromQLError(
          'bad_data',
          `cannot run range query: end ${endMs} is before start ${startMs}`,
        );
      }
      const steps = Math.floor((endMs - startMs) / stepMs) + 1;
      // As Prometheus: (end - start) / step may be 11,000, so 11,001 points are fine.
      if (steps - 1 > MAX_STEPS) {
        throw new PromQLError(
          'bad_data',
          `exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX) (got ${steps} steps)`,
        );
      }
      return this.run(q, tenant, expr, startMs, endMs, stepMs, opts);
    });
  }

  private async run(
    q: Queryable,
    tenant: TenantId,
    expr: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    o: Partial<QueryOptions> | undefined,
  ): Promise<QueryResult> {
    const opts: QueryOptions = { ...this.defaults, ...o };
    let root: Expr;
    if (typeof expr === 'string') {
      if (!this.parse) {
        throw new PromQLError(
          'bad_data',
          'cannot parse query: the engine was built without a parser',
        );
      }
      root = this.parse(expr, { experimental: opts.experimental });
    } else root = expr;
    const state = new QueryState(
      opts,
      typeof expr === 'string' ? expr : null,
      startMs,
      endMs,
      stepMs,
    );
    state.checkDeadline();
    const isRange = stepMs > 0;
    const n = isRange ? Math.floor((endMs - startMs) / stepMs) + 1 : 1;
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) times[i] = startMs + i * stepMs;

    const data = await loadData(q, tenant, root, startMs, endMs, state);
    const ev = new Evaluator(state, data, this.functions);
    const top = unwrap(root);
    let value;
    if (top.type === 'MatrixSelector' || top.type === 'SubqueryExpr') {
      if (isRange) {
        throw new PromQLError(
          'bad_data',
          'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
        );
      }
      value = rawMatrix(await ev.windows(top, times));
    } else {
      const v = await ev.eval(root, times);
      state.checkSeries(v.kind === 'vector' ? v.series.length : 0);
      value = isRange ? rangeValue(v, times) : instantValue(root, v, startMs);
    }
    return { value, annotations: state.annotations(), stats: state.stats() };
  }
}
