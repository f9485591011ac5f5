import type { FastifyInstance } from 'fastify';
import type { RouteTable } from '../route-table.js';
import { PushMetrics, type LogPushDeps } from './push-common.js';
import { registerDocPushRoutes } from './push-docs.js';
import { registerLokiPushRoute } from './push-loki.js';
import { registerOtlpLogsRoute } from './push-otlp.js';

export type { LogPushDeps } from './push-common.js';

/**
 * The log inputs over HTTP (issue #9): Loki push `/loki/api/v1/push`, OTLP `/v1/logs`,
 * Elasticsearch `_bulk` under `/insert/elasticsearch`, and JSON lines `/insert/jsonline`. Each
 * decodes its body into per-stream batches, appends them through `deps.logs.appendable` and
 * answers once the commit resolved. Counters: argus_log_ingest_{requests,entries,bytes}_total.
 */
export function registerLogPushRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: LogPushDeps,
): void {
  const metrics = new PushMetrics(deps.registry);
  registerLokiPushRoute(app, table, deps, metrics);
  registerOtlpLogsRoute(app, table, deps, metrics);
  registerDocPushRoutes(app, table, deps, metrics);
}
