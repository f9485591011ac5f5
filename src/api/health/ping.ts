import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../util/index.js';
import { P, param } from '../access-views.js';
import type { RouteTable } from '../route-table.js';
import { TAG } from './respond.js';
import type { HealthApiSource } from './source.js';

/** The part of a `/fail` body kept as the failure message. */
export const MAX_PING_MESSAGE = 10 * 1024;
/** Pings of one token and kind closer than this are answered but not passed on. */
export const PING_MIN_GAP_MS = 1000;
const MAX_TRACKED = 10_000;

type PingKind = 'success' | 'start' | 'fail';

/**
 * Reads any body, keeping its first MAX_PING_MESSAGE bytes and discarding the rest (a job's
 * output may be long; a ping is never refused for it).
 */
function truncatingParser(
  _req: FastifyRequest,
  payload: NodeJS.ReadableStream,
  done: (err: Error | null, body?: Buffer) => void,
): void {
  const parts: Buffer[] = [];
  let kept = 0;
  payload.on('data', (chunk: Buffer) => {
    if (kept >= MAX_PING_MESSAGE) return;
    const part = chunk.subarray(0, MAX_PING_MESSAGE - kept);
    parts.push(part);
    kept += part.length;
  });
  payload.on('end', () => done(null, Buffer.concat(parts)));
  payload.on('error', (err: Error) => done(err));
}

/** The message of a ping's body: UTF-8, a code point cut at the 10 KiB edge dropped. */
function messageOf(body: unknown): string | undefined {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  return body.toString('utf8').replace(/\uFFFD$/, '');
}

/**
 * Heartbeat pings (like healthchecks.io): a cron job calls `…/ping/<token>` when it succeeds,
 * `/start` when it begins, `/fail` (with its output as the body) when it fails. Public: the
 * unguessable token in the path is the credential.
 */
export function registerPingRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: HealthApiSource,
  logger: Logger,
): void {
  const last = new Map<string, number>();
  // Cheap rate limit: the last accepted ping per token and kind, bounded in size.
  const remember = (key: string, now: number): void => {
    if (last.size >= MAX_TRACKED)
      for (const [k, t] of last) if (now - t >= PING_MIN_GAP_MS) last.delete(k);
    if (last.size < MAX_TRACKED) last.set(key, now);
  };
  const handler = (kind: PingKind) => (req: FastifyRequest, reply: FastifyReply) => {
    const token = param(req, 'token');
    const key = `${kind}\u0000${token}`;
    const now = Date.now();
    void reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8');
    const prev = last.get(key);
    if (prev !== undefined && now - prev < PING_MIN_GAP_MS) return reply.send('OK');
    let known: boolean;
    try {
      known = source.ping(token, kind, kind === 'fail' ? messageOf(req.body) : undefined);
    } catch (err) {
      logger.error({ err: (err as Error).message, kind }, 'cannot record heartbeat ping');
      return reply.code(500).send('internal error');
    }
    if (!known) return reply.code(404).send('unknown token');
    remember(key, now);
    return reply.send('OK');
  };
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', truncatingParser);
    for (const [suffix, kind, summary] of [
      ['', 'success', 'Heartbeat ping: the job ran (resets the heartbeat check’s timer)'],
      ['/start', 'start', 'Heartbeat ping: the job started (its run time is measured)'],
      [
        '/fail',
        'fail',
        'Heartbeat ping: the job failed; a POST body (first 10 KiB) is the message',
      ],
    ] as const) {
      table.add(scope, {
        method: ['GET', 'POST'],
        url: `${P}/ping/:token${suffix}`,
        access: { need: 'public', csrf: false },
        tag: TAG,
        summary,
        description:
          'No credentials: the unguessable token in the URL (shown as `ping_url` of a heartbeat check) is the credential; keep it secret. HEAD works like GET. Answers 200 `OK`, or 404 `unknown token`. Bodies of any type; beyond 10 KiB they are cut, never refused. Pings of one token closer than 1 s are answered but ignored.',
        params: z.object({ token: z.string() }),
        response: { contentType: 'text/plain', description: '`OK`' },
        statuses: { 404: 'No heartbeat check has this token' },
        handler: handler(kind),
      });
    }
    done();
  });
}
