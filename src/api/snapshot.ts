import type { FastifyInstance } from 'fastify';
import type { Logger } from '../util/index.js';
import { paramsOf, parseBool } from './params.js';
import { jsonRoute } from './respond.js';

/** `POST|PUT /api/v1/admin/tsdb/snapshot[?skip_head=true]` → `{name}` (Prometheus-compatible). */
export function registerSnapshotRoute(
  app: FastifyInstance,
  snapshot: (withHead: boolean) => Promise<string>,
  logger: Logger,
): void {
  const handler = jsonRoute(logger, async (req) => {
    const skipHead = parseBool(paramsOf(req), 'skip_head');
    return { data: { name: await snapshot(!skipHead) } };
  });
  app.post('/api/v1/admin/tsdb/snapshot', handler);
  app.put('/api/v1/admin/tsdb/snapshot', handler);
}
