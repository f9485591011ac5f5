import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LiveHub } from '../live/index.js';
import type { Logger } from '../util/index.js';
import { ApiError } from './errors.js';
import { errorReply } from './respond.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

/** Open live streams per tenant (each is a browser tab). */
const MAX_STREAMS_PER_TENANT = 200;
/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/argus/v1/live`: the UI's server push channel, as Server-Sent Events. The server
 * sends `event: tick` (`{"now": ms, "samples": n}`) at most once a second per tenant while new
 * samples are stored; the UI's live panels then re-query (one shared tick per tab, not one
 * timer per panel). `retry:` tells EventSource to reconnect after 3 s if the stream drops.
 */
export function registerLiveRoute(
  app: FastifyInstance,
  table: RouteTable,
  hub: LiveHub,
  logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: '/api/argus/v1/live',
    access: { need: 'read' },
    tag: 'Live',
    summary: 'Server push channel: a tick (Server-Sent Events) when new data is stored',
    description:
      'event: hello on connect, then event: tick with {"now": ms, "samples": n} at most once per second per tenant while samples are stored; a comment line every 15 s.',
    response: { contentType: 'text/event-stream', description: 'Server-Sent Events' },
    statuses: { 429: `more than ${MAX_STREAMS_PER_TENANT} open streams for the tenant` },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const tenant = tenantOf(req);
      if (hub.subscribers(tenant) >= MAX_STREAMS_PER_TENANT) {
        return errorReply(
          logger,
          req,
          reply,
          new ApiError(
            'too_many_requests',
            `tenant "${tenant}" has ${MAX_STREAMS_PER_TENANT} live streams open; close some tabs`,
            { retryAfterSeconds: 30 },
          ),
        );
      }
      const out = new PassThrough();
      const send = (event: string, data: unknown) =>
        out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      out.write('retry: 3000\n\n');
      send('hello', { now: Date.now(), tenant });
      let unsubscribe = () => {};
      const heartbeat = setInterval(() => out.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const close = () => {
        unsubscribe();
        clearInterval(heartbeat);
        out.end();
      };
      // The server shutting down ends the stream (EventSource reconnects to the next one).
      unsubscribe = hub.subscribe(tenant, (t) => send('tick', t), close);
      reply.raw.once('close', close);
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-accel-buffering', 'no')
        .send(out);
    },
  });
}

/** The events a client reads (for the OpenAPI description and the web client). */
export const liveTick = z.object({ now: z.number(), samples: z.number() });
