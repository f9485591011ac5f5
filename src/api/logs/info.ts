import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { tenantId } from '../../model/index.js';
import type { Logger } from '../../util/index.js';
import { principalOf } from '../access-body.js';
import { ApiError } from '../errors.js';
import { jsonRoute } from '../respond.js';
import type { RouteTable } from '../route-table.js';
import type { LogsApiSource } from './source.js';

const infoResponse = z.object({
  retention: z.object({
    periodMs: z.number(),
    streams: z.array(z.object({ selector: z.string(), periodMs: z.number() })),
    maxBytes: z.number(),
  }),
  store: z
    .object({
      chunks: z.number(),
      storedBytes: z.number(),
      rawBytes: z.number(),
      headStreams: z.number(),
    })
    .nullable(),
});

/** `GET /api/argus/v1/logs/info`: the tenant's log retention and the store's size (UI). */
export function registerLogInfoRoute(
  app: FastifyInstance,
  table: RouteTable,
  logs: LogsApiSource,
  logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: '/api/argus/v1/logs/info',
    access: { need: 'read' },
    tag: 'Logs (Loki API)',
    summary: "The tenant's log retention (period, selector rules, size cap) and the store's size",
    response: infoResponse,
    handler: jsonRoute(logger, async (req) => {
      if (!logs.info) throw new ApiError('not_found', 'log store information is not available');
      return { data: logs.info(tenantId(principalOf(req).tenant)) };
    }),
  });
}
