/** @module promql/engine  The PromQL evaluator: PromQLEngine (query.ts's QueryEngine) over a Queryable. */
export { PromQLEngine, type PromQLEngineOptions, type ParseFn } from './engine.js';
