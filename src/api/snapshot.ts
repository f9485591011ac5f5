import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../util/index.js';
import { paramsOf, parseBool } from './params.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';

/** `POST|PUT /api/v1/admin/tsdb/snapshot[?skip_head=true]` → `{name}` (Prometheus-compatible). */
export function registerSnapshotRoute(
  app: FastifyInstance,
  table: RouteTable,
  snapshot: (withHead: boolean) => Promise<string>,
  logger: Logger,
): void {
  const handler = jsonRoute(logger, async (req) => {
    const skipHead = parseBool(paramsOf(req), 'skip_head');
    return { data: { name: await snapshot(!skipHead) } };
  });
  table.add(app, {
    method: ['POST', 'PUT'],
    url: '/api/v1/admin/tsdb/snapshot',
    access: { need: 'system' },
    tag: 'Administration',
    summary: "Snapshot every tenant's data into <data-dir>/tsdb/snapshots (Prometheus-compatible)",
    query: z.object({ skip_head: z.string().optional().describe('true: blocks only') }),
    response: z.object({ name: z.string() }),
    handler,
  });
}
