/**
 * The engine's public contract: what the HTTP API, the rule evaluator (#7) and the conformance
 * runner call. Implemented by engine/engine.ts.
 */
import type { Labels, TenantId } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import type { Expr } from './ast.js';

export interface QueryOptions {
  /** How far back an instant selector looks for a sample (Prometheus default 5m). */
  lookbackMs: number;
  /** Most samples held in memory at once by one query (Prometheus `--query.max-samples`). */
  maxSamples: number;
  /**
   * Most series one selector may load, or the result may hold (0 = no limit; the tenant's
   * `limits.max_query_series`).
   */
  maxSeries: number;
  /** Time the query already waited for a slot before evaluation (counts against `timeoutMs`). */
  queuedMs?: number;
  /** Wall-clock budget of one query. */
  timeoutMs: number;
  /** Resolution of a subquery written without a step (`[5m:]`; Prometheus: the global evaluation interval). */
  defaultSubqueryStepMs: number;
  /** Experimental functions and syntax (Prometheus `--enable-feature=promql-experimental-functions`…). */
  experimental: boolean;
  /**
   * Longest stretch (ms) evaluation computes before letting the event loop run other work
   * (default 10; 0 pauses at every opportunity, for tests).
   */
  sliceMs?: number;
  /** Aborts evaluation (client gone, shutdown). */
  signal?: AbortSignal;
}

export const DEFAULT_QUERY_OPTIONS: QueryOptions = {
  lookbackMs: 5 * 60_000,
  maxSamples: 50_000_000,
  maxSeries: 0,
  timeoutMs: 120_000,
  defaultSubqueryStepMs: 60_000,
  experimental: false,
};

/** `PromQL warning: …` / `PromQL info: …` texts, each ending with ` (line:col)`. */
export interface Annotations {
  warnings: string[];
  infos: string[];
}

export interface QueryStats {
  /** Samples read from storage. */
  samplesLoaded: number;
  /**
   * Samples the evaluation used, counted per step: one per series and step for an instant
   * selector, a window's samples at each step for a range selector (Prometheus's
   * `totalQueryableSamples`; overlapping windows count a sample more than once).
   */
  samplesQueryable: number;
  /** Most samples held at once (what maxSamples limits). */
  peakSamples: number;
}

/** A point of an instant-vector result. */
export interface VectorSample {
  labels: Labels;
  /** ms */
  t: number;
  v: number;
}

/** A series of a matrix result (range query, or an instant query of a range selector). */
export interface MatrixSeries {
  labels: Labels;
  /** ms, increasing; only the steps where the series has a value. */
  ts: Float64Array;
  vs: Float64Array;
}

export type QueryValue =
  | { resultType: 'scalar'; t: number; v: number }
  | { resultType: 'string'; t: number; v: string }
  /** Sorted by labels unless the query ends in sort/sort_desc/sort_by_label/topk…, as Prometheus. */
  | { resultType: 'vector'; series: VectorSample[] }
  /** Sorted by labels. */
  | { resultType: 'matrix'; series: MatrixSeries[] };

export interface QueryResult {
  value: QueryValue;
  annotations: Annotations;
  stats: QueryStats;
}

/**
 * Evaluates PromQL against a `Queryable` for one tenant. Errors are PromQLError subclasses
 * (their `errorType` is the HTTP API's). `expr` may be text or an already parsed tree.
 */
export interface QueryEngine {
  /** An instant query at `timeMs`. */
  instant(
    q: Queryable,
    tenant: TenantId,
    expr: string | Expr,
    timeMs: number,
    opts?: Partial<QueryOptions>,
  ): Promise<QueryResult>;
  /** A range query over `[startMs, endMs]` every `stepMs` (> 0). Always a matrix (or an error). */
  range(
    q: Queryable,
    tenant: TenantId,
    expr: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts?: Partial<QueryOptions>,
  ): Promise<QueryResult>;
}
