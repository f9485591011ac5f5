import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formBodyParser, multipartBodyParser } from '../form.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import {
  parseBounds,
  parseDirection,
  parseLokiLimit,
  parseLokiTime,
  parseStepInterval,
  msToNs,
  optional,
  requiredQuery,
} from './params.js';
import { gated, lokiRoute, READ, TAG, TEXT_ERRORS, type LogQueryDeps } from './query-common.js';
import { queryBody } from './query-format.js';
import { registerLogMetaRoutes } from './query-meta.js';
import { registerVolumeRoute } from './query-volume.js';
import { registerTailRoute } from './tail.js';

export type { LogQueryDeps } from './query-common.js';

const instantParams = z.object({
  query: z.string().describe('LogQL metric expression'),
  time: z
    .string()
    .optional()
    .describe('Evaluation time: ns, float seconds or RFC3339; default now'),
  limit: z.string().optional().describe('Max series/entries (default 100)'),
  direction: z.enum(['forward', 'backward']).optional(),
});

const rangeParams = z.object({
  query: z.string().describe('LogQL expression (log or metric)'),
  start: z.string().optional().describe('ns, float seconds or RFC3339; default end - since'),
  end: z.string().optional().describe('ns, float seconds or RFC3339; default now'),
  since: z.string().optional().describe('Duration before end when start is absent (default 1h)'),
  step: z.string().optional().describe('Metric resolution: duration or float seconds'),
  interval: z.string().optional().describe('Log queries: at most one entry per interval'),
  limit: z.string().optional().describe('Max entries (default 100, at most max_entries_limit)'),
  direction: z.enum(['forward', 'backward']).optional().describe('Default backward'),
});

const queryResponse = z.object({
  resultType: z.enum(['streams', 'matrix', 'vector', 'scalar']),
  result: z.unknown(),
  stats: z.unknown(),
});

/**
 * Loki's query HTTP API (issue #9) under `/loki/api/v1`: `query`, `query_range`, the label and
 * series metadata routes, `index/stats`, `format_query`, `status/buildinfo`, `detected_labels`,
 * and the `/tail` WebSocket; so Grafana's Loki datasource, logcli and Loki tooling work against
 * Argus. Every route reads (`read` permission) the credential's tenant.
 */
export function registerLogQueryRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: LogQueryDeps,
): void {
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      formBodyParser,
    );
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, multipartBodyParser);
    registerQueries(scope, table, deps);
    registerLogMetaRoutes(scope, table, deps);
    registerVolumeRoute(scope, table, deps);
    done();
  });
  registerTailRoute(app, table, deps);
}

function registerQueries(app: FastifyInstance, table: RouteTable, deps: LogQueryDeps): void {
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/loki/api/v1/query',
    access: READ,
    tag: TAG,
    summary: 'Instant LogQL query (Loki-compatible)',
    query: instantParams,
    response: queryResponse,
    textErrors: true,
    statuses: TEXT_ERRORS,
    handler: lokiRoute(deps, async (req, p, signal) => {
      const query = requiredQuery(p);
      const t = optional(p, 'time');
      const time = t === undefined ? msToNs(Date.now()) : parseLokiTime('time', t);
      const limit = parseLokiLimit(p, deps.logs.options().maxEntriesLimit);
      const direction = parseDirection(p);
      const run = await gated(req, deps, signal, () =>
        deps.logs.engine.instantQuery(tenantOf(req), query, { time, limit, direction, signal }),
      );
      return { json: queryBody(run.value.result, run.value.stats, run.queueMs) };
    }),
  });

  table.add(app, {
    method: ['GET', 'POST'],
    url: '/loki/api/v1/query_range',
    access: READ,
    tag: TAG,
    summary: 'Range LogQL query: log lines or metric matrix (Loki-compatible)',
    query: rangeParams,
    response: queryResponse,
    textErrors: true,
    statuses: TEXT_ERRORS,
    handler: lokiRoute(deps, async (req, p, signal) => {
      const query = requiredQuery(p);
      const { start, end } = parseBounds(p, Date.now());
      const { stepMs, intervalMs } = parseStepInterval(p, start, end);
      const limit = parseLokiLimit(p, deps.logs.options().maxEntriesLimit);
      const direction = parseDirection(p);
      const run = await gated(req, deps, signal, () =>
        deps.logs.engine.rangeQuery(tenantOf(req), query, {
          start,
          end,
          stepMs,
          intervalMs,
          limit,
          direction,
          signal,
        }),
      );
      return { json: queryBody(run.value.result, run.value.stats, run.queueMs) };
    }),
  });
}
