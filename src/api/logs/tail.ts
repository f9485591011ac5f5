import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TenantId } from '../../model/index.js';
import { TenantLimitError } from '../../tenancy/index.js';
import { errorChain } from '../../util/index.js';
import { ApiError } from '../errors.js';
import { paramsOf } from '../params.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import {
  DEFAULT_SINCE_MS,
  msToNs,
  optional,
  parseDelayFor,
  parseLokiLimit,
  parseLokiTime,
  requiredQuery,
} from './params.js';
import { gated, READ, sendLokiError, TAG, type LogQueryDeps } from './query-common.js';
import { closeReason, TailSession, type TailSocket } from './tail-session.js';

/** WebSocket close codes (RFC 6455 §7.4.1). */
const GOING_AWAY = 1001;
const POLICY = 1008;
const INTERNAL = 1011;
const TRY_AGAIN_LATER = 1013;
/** Keeps proxies from closing a quiet tail. */
const PING_MS = 30_000;
const URL = '/loki/api/v1/tail';

interface TailParams {
  query: string;
  delayMs: number;
  limit: number;
  start: bigint;
}

/** The request's tail parameters, checked before the upgrade (bad ones answer 400 as Loki). */
function tailParams(req: FastifyRequest, maxLimit: number): TailParams {
  const p = paramsOf(req);
  const query = requiredQuery(p);
  const delayMs = parseDelayFor(p) * 1000;
  const limit = parseLokiLimit(p, maxLimit);
  const s = optional(p, 'start');
  const start = s === undefined ? msToNs(Date.now() - DEFAULT_SINCE_MS) : parseLokiTime('start', s);
  return { query, delayMs, limit, start };
}

/**
 * Cross-site WebSocket hijacking: a browser opens WebSockets to any site with that site's
 * cookies (and remembered HTTP Basic credentials), and no CORS preflight guards the handshake.
 * Such credentials are accepted only from the server's own origin or a configured CORS origin.
 * Bearer tokens are not ambient (a page cannot set headers on a WebSocket), so they pass.
 */
function originRefusal(req: FastifyRequest, allowed: readonly string[]): string | undefined {
  const kind = req.principal?.kind;
  if (kind !== 'session' && kind !== 'password') return undefined;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (origin === `${req.protocol}://${req.host}` || allowed.includes(origin)) return undefined;
  return `cross-origin WebSocket refused: Origin ${JSON.stringify(origin)} is neither this server's origin nor in server.cors.allowed_origins`;
}

/**
 * `GET /loki/api/v1/tail` (WebSocket, Loki-compatible): replays up to `limit` entries since
 * `start` (default now - 1h), then streams new ones as `{streams, dropped_entries}` frames.
 * Bounded: at most `maxTailsPerTenant` open per tenant; a client that does not read fast enough
 * loses entries (reported in `dropped_entries`) rather than growing the server's memory. Bad
 * parameters answer 400 before the upgrade; a bad or metric query closes the socket (1008)
 * with the parse error as the reason; server shutdown closes every tail (1001).
 */
export function registerTailRoute(
  app: FastifyInstance,
  table: RouteTable,
  deps: LogQueryDeps,
): void {
  const open = new Map<TenantId, Set<TailSocket>>();
  const all = (): TailSocket[] => [...open.values()].flatMap((s) => [...s]);

  void app.register(async (scope) => {
    await scope.register(websocket, {
      options: { maxPayload: 4096 },
      preClose(done) {
        for (const s of all()) {
          s.close(GOING_AWAY, 'server shutting down');
          // A client that never answers the close frame must not hold the shutdown (ws waits 30 s).
          setTimeout(() => s.terminate(), 2000).unref();
        }
        done();
      },
    });
    // An upgrade refused over HTTP (401 from the access hook, 400, 403) leaves the raw socket
    // open (the plugin only ends those its own onRequest saw): end it, or shutdown waits on it.
    scope.addHook('onResponse', async (req) => {
      if (req.headers.upgrade !== undefined) req.raw.socket.destroy();
    });
    scope.addHook('preHandler', async (req, reply) => {
      if (req.routeOptions.url !== URL || req.principal === undefined) return;
      const refused = originRefusal(req, deps.cors().allowed_origins);
      if (refused !== undefined)
        return sendLokiError(deps.logger, req, reply, new ApiError('forbidden', refused));
      try {
        tailParams(req, deps.logs.options().maxEntriesLimit);
      } catch (err) {
        return sendLokiError(deps.logger, req, reply, err);
      }
    });

    const wsHandler = (raw: unknown, req: FastifyRequest): void => {
      // @fastify/websocket hands a `ws` WebSocket (typed by TailSocket).
      const socket = raw as TailSocket;
      const tenant = tenantOf(req);
      const opts = deps.logs.options();
      const params = tailParams(req, opts.maxEntriesLimit);
      const mine = open.get(tenant) ?? new Set<TailSocket>();
      if (mine.size >= opts.maxTailsPerTenant) {
        socket.close(
          TRY_AGAIN_LATER,
          closeReason(
            `too many live tails for tenant "${tenant}": max ${opts.maxTailsPerTenant} (logs.api.max_tails_per_tenant)`,
          ),
        );
        return;
      }
      const session = new TailSession(socket, params.delayMs, opts.maxEntriesLimit);
      let unsubscribe: () => void;
      try {
        unsubscribe = deps.logs.engine.tail(tenant, params.query, (streams) =>
          session.live(streams),
        );
      } catch (err) {
        socket.close(POLICY, closeReason(err instanceof Error ? err.message : String(err)));
        return;
      }
      mine.add(socket);
      open.set(tenant, mine);
      const replay = new AbortController();
      const ping = setInterval(() => socket.ping(), PING_MS);
      socket.on('close', () => {
        clearInterval(ping);
        replay.abort(new Error('the tail closed'));
        unsubscribe();
        session.stop();
        mine.delete(socket);
        if (mine.size === 0) open.delete(tenant);
      });
      const end = msToNs(Date.now());
      // The history replay is a range query: it waits for one of the tenant's query slots.
      gated(req, deps, replay.signal, () =>
        deps.logs.engine.rangeQuery(tenant, params.query, {
          start: params.start,
          end,
          limit: params.limit,
          direction: 'backward',
          signal: replay.signal,
        }),
      )
        .then(({ value: { result } }) => {
          const streams = result.type === 'streams' ? result.streams : [];
          for (const s of streams) s.entries.reverse();
          session.replayed(streams, end);
        })
        .catch((err: unknown) => {
          if (replay.signal.aborted) return;
          if (err instanceof TenantLimitError) {
            // No query slot came free in time: the client may retry, as after a 429.
            socket.close(TRY_AGAIN_LATER, closeReason(`cannot replay history: ${err.message}`));
            return;
          }
          deps.logger.warn({ err: errorChain(err), tenant }, 'cannot replay log tail history');
          socket.close(INTERNAL, closeReason(`cannot replay history: ${String(err)}`));
        });
    };

    table.add(scope, {
      method: 'GET',
      url: URL,
      access: READ,
      tag: TAG,
      summary: 'Live tail of a LogQL log query over a WebSocket (Loki-compatible)',
      description:
        'Parameters: query, delay_for (0-5 s), limit (replayed entries, default 100), start (default now - 1h). Frames: {"streams":[{"stream":{…},"values":[["<ns>","line"]]}],"dropped_entries":[{"labels":{…},"timestamp":"<ns>"}]}.',
      query: z.object({
        query: z.string(),
        delay_for: z.string().optional(),
        limit: z.string().optional(),
        start: z.string().optional(),
      }),
      response: { contentType: 'application/json', description: 'WebSocket frames (see above)' },
      textErrors: true,
      statuses: { 403: 'cookie or Basic credentials from a foreign Origin' },
      options: { bodyLimit: 1024, wsHandler },
      handler: (req: FastifyRequest, reply: FastifyReply) =>
        sendLokiError(
          deps.logger,
          req,
          reply,
          new ApiError('bad_data', `${URL} is a WebSocket: connect with Upgrade: websocket`),
        ),
    });
  });
}
