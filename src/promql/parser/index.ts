/**
 * @module promql/parser
 * The PromQL front end: parseExpr (lezer grammar → typed AST, then Prometheus's type checks),
 * formatExpr/prettyExpr (the AST printed back as Prometheus prints it), astToJson
 * (`/api/v1/parse_query`'s tree) and valueTypeOf.
 */
export { parseExpr, type ParseOptions } from './parse.js';
export { valueTypeOf } from './check.js';
export { formatExpr, prettyExpr } from './format.js';
export { astToJson, type AstJson, type AstJsonValue } from './json.js';
export { parseDurationMs, formatDurationMs } from './literals.js';
