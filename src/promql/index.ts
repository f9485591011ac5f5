/**
 * @module promql
 * PromQL: the parser (over the official `@prometheus-io/lezer-promql` grammar) into a typed
 * AST, the printer, and the engine that evaluates queries through the storage `Queryable` seam
 * (never the TSDB directly). Evaluation runs all steps of a query at once over typed arrays
 * (steps.ts). Semantics are Prometheus 3.x's.
 */
export type * from './ast.js';
export {
  PromQLError,
  PromQLParseError,
  QueryExecutionError,
  NotSupportedError,
  QueryTimeoutError,
  TooManySamplesError,
  QueryCanceledError,
  type QueryErrorType,
} from './errors.js';
export {
  DEFAULT_QUERY_OPTIONS,
  type QueryOptions,
  type QueryEngine,
  type QueryResult,
  type QueryValue,
  type QueryStats,
  type VectorSample,
  type MatrixSeries,
  type Annotations,
} from './query.js';
