/**
 * @module checks/redis
 * The `redis` check: connects (TCP or TLS) through the outbound guard, authenticates (AUTH,
 * with an ACL username when given), selects `db`, sends PING (wants +PONG) and optionally one
 * read-only command whose reply must contain `expect_contains`. Error replies are quoted
 * verbatim (e.g. `-NOAUTH Authentication required.`). Metrics: probe_success,
 * probe_duration_seconds, `probe_db_query_duration_seconds` (PING plus the command; an Argus
 * extension) and probe_ssl_earliest_cert_expiry with TLS.
 */
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import { guardedConnect } from '../../net/index.js';
import type { CheckKind, ProbeMetric } from '../types.js';
import { secretRefSchema } from '../types.js';
import {
  ProbeFailure,
  destroyOnAbort,
  gauge,
  hostPort,
  runProbe,
  tlsFields,
  tlsMetrics,
  tlsOptions,
  zHost,
  zPort,
} from '../probe-kit.js';
import { RespClient, RespErrorReply, type RespValue } from './resp.js';

/** Commands a check may send: read-only ones (a health check must never change data). */
const READ_ONLY = new Set([
  'INFO',
  'GET',
  'EXISTS',
  'DBSIZE',
  'LLEN',
  'SCARD',
  'ZCARD',
  'HLEN',
  'HGET',
  'STRLEN',
  'TYPE',
  'TTL',
  'ROLE',
  'ECHO',
  'TIME',
]);

const schema = z
  .object({
    host: zHost,
    port: zPort(6379),
    /** ACL user (Redis 6+); AUTH with the password only when absent. */
    username: z.string().min(1).optional(),
    password: secretRefSchema.optional(),
    /** Database index to SELECT (0 is the default and is not selected). */
    db: z.number().int().min(0).max(1_000_000).default(0),
    ...tlsFields,
    /** One read-only command, words separated by spaces, e.g. `INFO replication`. */
    command: z
      .string()
      .trim()
      .min(1)
      .refine((c) => READ_ONLY.has(c.split(/\s+/)[0].toUpperCase()), {
        message: `expected a read-only command: one of ${[...READ_ONLY].join(', ')}`,
      })
      .optional(),
    /** Text the command's reply must contain (e.g. `role:master`). */
    expect_contains: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.expect_contains === undefined || s.command !== undefined, {
    path: ['expect_contains'],
    message: 'needs a command whose reply to check',
  });
export type RedisSpec = z.output<typeof schema>;

export const redisKind: CheckKind<RedisSpec> = {
  name: 'redis',
  description: 'Redis: AUTH, SELECT, PING (+PONG) and optionally a read-only command',
  schema,
  secretFields: ['password'],
  target: (s) => hostPort(s.host, s.port),
  probe(spec, ctx) {
    const secrets: string[] = [];
    return runProbe(ctx, secrets, async () => {
      const password = spec.password === undefined ? undefined : await ctx.secret(spec.password);
      if (password !== undefined) secrets.push(password);
      const sock = await guardedConnect(ctx.guard, spec.host, spec.port, {
        tenant: ctx.tenant,
        timeoutMs: ctx.timeoutMs,
        tls: tlsOptions(spec),
      });
      const stop = destroyOnAbort(sock, ctx.signal);
      const metrics: ProbeMetric[] = [];
      try {
        if (spec.tls) metrics.push(...tlsMetrics(sock as TLSSocket));
        const client = new RespClient(sock, ctx.maxBodyBytes);
        const call = async (args: string[], what: string): Promise<RespValue> => {
          const reply = await client.command(args);
          if (reply instanceof RespErrorReply)
            throw new ProbeFailure(`cannot ${what}: server replied -${reply.text}`, { metrics });
          return reply;
        };
        if (password !== undefined) {
          const args = spec.username ? ['AUTH', spec.username, password] : ['AUTH', password];
          await call(args, 'authenticate (AUTH)');
        }
        if (spec.db !== 0) await call(['SELECT', String(spec.db)], `select db ${spec.db}`);
        const t0 = ctx.now();
        const pong = await call(['PING'], 'PING');
        if (pong !== 'PONG')
          throw new ProbeFailure(`cannot PING: got ${JSON.stringify(pong)}, want +PONG`, {
            metrics,
          });
        let replyBytes: number | undefined;
        if (spec.command !== undefined) {
          const text = flatten(await call(spec.command.split(/\s+/), spec.command));
          replyBytes = Buffer.byteLength(text);
          if (spec.expect_contains !== undefined && !text.includes(spec.expect_contains))
            throw new ProbeFailure(
              `${spec.command} reply does not contain ${JSON.stringify(spec.expect_contains)}`,
              { metrics },
            );
        }
        metrics.push(
          gauge(
            'probe_db_query_duration_seconds',
            (ctx.now() - t0) / 1000,
            'Time taken by the check query (redis: PING and the command), in seconds',
          ),
        );
        return {
          metrics,
          detail: { db: spec.db, ...(replyBytes !== undefined && { replyBytes }) },
        };
      } finally {
        stop();
        sock.destroy();
      }
    });
  },
};

/** A reply as text for `expect_contains` (arrays one element a line). */
function flatten(v: RespValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(flatten).join('\n');
  return v instanceof RespErrorReply ? v.text : String(v);
}
