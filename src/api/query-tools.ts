import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { astToJson, parseExpr, prettyExpr, PromQLParseError } from '../promql/index.js';
import type { Logger } from '../util/index.js';
import { badParam } from './errors.js';
import { paramsOf, timeRange } from './params.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';

const READ = { need: 'read', csrf: false } as const;
const TAG = 'PromQL';
const exprQuery = z.object({ query: z.string().describe('PromQL expression') });

/** Parses the `query` parameter; a parse error is 400 bad_data naming the parameter and position. */
function parseParam(p: URLSearchParams, experimental: boolean) {
  try {
    return parseExpr(p.get('query') ?? '', { experimental });
  } catch (err) {
    if (err instanceof PromQLParseError) throw badParam('query', err.message, err);
    throw err;
  }
}

/**
 * `/api/v1/parse_query` (the syntax tree as JSON, for the Prometheus UI's tree view),
 * `/api/v1/format_query` (the expression pretty-printed) and `/api/v1/query_exemplars` (Argus
 * stores no exemplars yet: an empty list once the query parses).
 */
export function registerQueryToolRoutes(
  app: FastifyInstance,
  table: RouteTable,
  experimental: () => boolean,
  logger: Logger,
): void {
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/api/v1/parse_query',
    access: READ,
    tag: TAG,
    summary: 'Parse a PromQL expression into its syntax tree (Prometheus-compatible)',
    query: exprQuery,
    response: z.unknown(),
    handler: jsonRoute(logger, (req) => ({
      data: astToJson(parseParam(paramsOf(req), experimental())),
    })),
  });
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/api/v1/format_query',
    access: READ,
    tag: TAG,
    summary: 'Pretty-print a PromQL expression (Prometheus-compatible)',
    query: exprQuery,
    response: z.string(),
    handler: jsonRoute(logger, (req) => ({
      data: prettyExpr(parseParam(paramsOf(req), experimental())),
    })),
  });
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/api/v1/query_exemplars',
    access: READ,
    tag: TAG,
    summary: 'Exemplars of the series a query selects (none are stored yet: always empty)',
    query: exprQuery.extend({ start: z.string().optional(), end: z.string().optional() }),
    response: z.array(z.unknown()),
    handler: jsonRoute(logger, (req) => {
      const p = paramsOf(req);
      timeRange(p);
      parseParam(p, experimental());
      return { data: [] };
    }),
  });
}
