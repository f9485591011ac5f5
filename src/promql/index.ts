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
  TooManySeriesError,
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
export {
  parseExpr,
  formatExpr,
  prettyExpr,
  astToJson,
  valueTypeOf,
  parseDurationMs,
  formatDurationMs,
  type ParseOptions,
  type AstJson,
  type AstJsonValue,
} from './parser/index.js';
export { FUNCTION_SIGNATURES, type FunctionSignature } from './functions/signatures.js';
export { PromQLEngine, type PromQLEngineOptions, type ParseFn } from './engine/engine.js';
// The test-script series notation (`name{l="v"}` + `1+2x3 _ stale`), reused by promtool-style
// rule unit tests in `rules`.
export { parseSeriesDesc } from './conformance/script.js';
export { expandValues, type SeqValue } from './conformance/script-values.js';
