import type { Labels, TenantId } from '../model/index.js';
import type { LogEntry, LogReadStats, LogTime } from '../storage/index.js';
import type { LogExpr } from './ast.js';

/**
 * The contracts between LogQL's parts (parser → pipeline → log / metric evaluation → API).
 * Times at the API edge are ns (`LogTime`); metric sample times are ms, as in PromQL.
 */

/** A record after a pipeline: labels = stream labels + structured metadata + extracted labels. */
export interface ProcessedRecord {
  ts: LogTime;
  line: string;
  labels: Labels;
}

/**
 * Runs a log expression's selector and pipeline over `[start, end)`, forward in time within each
 * batch; batches of different streams interleave in no particular order. Implemented by the
 * engine over a `LogQueryable`; the metric evaluator consumes it.
 */
export type SelectProcessed = (
  log: LogExpr,
  start: LogTime,
  end: LogTime,
  signal?: AbortSignal,
) => AsyncIterable<readonly ProcessedRecord[]>;

export interface LogStreamResult {
  /** Stream labels plus labels the pipeline added (Loki's default, uncategorised). */
  labels: Labels;
  /** In the query's direction. */
  entries: LogEntry[];
}

export interface MetricSeries {
  labels: Labels;
  /** [ms, value] in time order. */
  points: [number, number][];
}

export interface MetricSample {
  labels: Labels;
  t: number;
  v: number;
}

export type LogqlResult =
  | { type: 'streams'; streams: LogStreamResult[] }
  | { type: 'matrix'; series: MetricSeries[] }
  | { type: 'vector'; samples: MetricSample[] }
  | { type: 'scalar'; t: number; v: number };

export interface LogqlStats {
  read: LogReadStats;
  /** Wall time of the query, ms. */
  execMs: number;
}

export interface InstantQueryOptions {
  /** Evaluation time (ns). */
  time: LogTime;
  /** Max entries for log queries (Loki default 100). */
  limit?: number;
  direction?: 'forward' | 'backward';
  signal?: AbortSignal;
}

export interface RangeQueryOptions {
  start: LogTime;
  end: LogTime;
  /** Metric queries' resolution, ms (Loki's default: ceil((end-start)/250) s, min 1 s). */
  stepMs?: number;
  /** Log queries only: return at most one entry per interval (Loki `interval`), ms. */
  intervalMs?: number;
  limit?: number;
  direction?: 'forward' | 'backward';
  signal?: AbortSignal;
}

/**
 * The LogQL engine the API, rules and UI use. Errors: `LogqlParseError` (400, with position),
 * `LogqlEvalError` (400/422: e.g. too many series, unwrap on a log query), `QueryError` from the
 * store (500), and the tenancy limit errors (429).
 */
export interface LogqlQueryEngine {
  instantQuery(
    tenant: TenantId,
    query: string,
    opts: InstantQueryOptions,
  ): Promise<{ result: LogqlResult; stats: LogqlStats }>;
  rangeQuery(
    tenant: TenantId,
    query: string,
    opts: RangeQueryOptions,
  ): Promise<{ result: LogqlResult; stats: LogqlStats }>;
  /**
   * Live tail of a log query (no metric queries): `onEntries` gets each newly committed batch
   * that passes the pipeline. Returns an unsubscribe function. Throws LogqlParseError /
   * LogqlEvalError synchronously for a bad or non-log query.
   */
  tail(
    tenant: TenantId,
    query: string,
    onEntries: (streams: LogStreamResult[]) => void,
  ): () => void;
}
