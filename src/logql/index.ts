/**
 * @module logql
 * LogQL (issue #9): the parser (on @grafana/lezer-logql), log pipelines (line filters, parsers,
 * label filters, formatting), log and metric query evaluation over the `storage` log seams, and
 * live tail. Never sees the log store itself.
 */
export type * from './ast.js';
export type * from './types.js';
