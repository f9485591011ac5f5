/**
 * @module logql
 * LogQL (issue #9): the parser (on @grafana/lezer-logql), log pipelines (line filters, parsers,
 * label filters, formatting), log and metric query evaluation over the `storage` log seams, and
 * live tail. Never sees the log store itself.
 */
export type * from './ast.js';
export type * from './types.js';
export { parseLogql } from './parse.js';
export { printLogql } from './print.js';
export { LogqlParseError, LogqlEvalError } from './errors.js';
export { LogqlEngine, INSTANT_LOG_QUERY_MESSAGE, type LogqlEngineOptions } from './engine.js';
export { compilePipeline, type Pipeline, type PipelineOutput } from './pipeline/pipeline.js';
