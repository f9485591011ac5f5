/**
 * @module checks/grpc
 * The `grpc` check: calls `grpc.health.v1.Health/Check` for `service` ("" = the whole server)
 * over HTTP/2 (node:http2 on a socket the outbound guard opened; TLS with ALPN h2 when `tls`),
 * with optional metadata and a `bearer_token` (a secret). Succeeds only when the answer is
 * SERVING. Metrics as blackbox_exporter's grpc prober:
 * probe_grpc_healthcheck_response{serving_status}, probe_grpc_status_code,
 * probe_grpc_duration_seconds{phase="check"}, probe_grpc_ssl, and with TLS
 * probe_ssl_earliest_cert_expiry and probe_tls_version_info.
 */
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import { guardedConnect } from '../../net/index.js';
import { secretRefSchema, type CheckKind, type ProbeMetric } from '../types.js';
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
import { callHealthCheck } from './call.js';
import { GRPC_CODES, SERVING_STATUS } from './health-proto.js';

/**
 * Header names gRPC or HTTP/2 own, and `authorization` (a credential belongs in
 * `bearer_token`, a write-only secret, not in plain metadata).
 */
const RESERVED = /^(:|grpc-|content-type$|te$|user-agent$|host$|connection$|authorization$)/;

const schema = z
  .object({
    host: zHost,
    port: zPort(443),
    /** The service name to ask about; "" asks about the server as a whole. */
    service: z.string().max(1000).default(''),
    ...tlsFields,
    /** Sent as `authorization: Bearer <token>`. */
    bearer_token: secretRefSchema.optional(),
    /** Extra request metadata (lower-case header names). */
    metadata: z
      .record(
        z
          .string()
          .regex(/^[a-z0-9_.-]+$/, 'expected a lower-case header name')
          .refine((k) => !RESERVED.test(k), 'reserved by gRPC'),
        z.string().regex(/^[\x20-\x7e]*$/, 'expected printable ASCII'),
      )
      .default({}),
  })
  .strict();
export type GrpcSpec = z.output<typeof schema>;

export const grpcKind: CheckKind<GrpcSpec> = {
  name: 'grpc',
  description: 'gRPC health (grpc.health.v1.Health/Check): up when the service is SERVING',
  schema,
  secretFields: ['bearer_token'],
  target: (s) => hostPort(s.host, s.port),
  probe(spec, ctx) {
    const secrets: string[] = [];
    return runProbe(ctx, secrets, async () => {
      const token =
        spec.bearer_token === undefined ? undefined : await ctx.secret(spec.bearer_token);
      if (token !== undefined) secrets.push(token);
      const metadata =
        token === undefined
          ? spec.metadata
          : { ...spec.metadata, authorization: `Bearer ${token}` };
      const tls = tlsOptions(spec);
      const sock = await guardedConnect(ctx.guard, spec.host, spec.port, {
        tenant: ctx.tenant,
        timeoutMs: ctx.timeoutMs,
        ...(tls && { tls: { ...tls, ALPNProtocols: ['h2'] } }),
      });
      const stop = destroyOnAbort(sock, ctx.signal);
      const metrics: ProbeMetric[] = [
        gauge('probe_grpc_ssl', tls ? 1 : 0, 'Indicates if SSL was used for the connection'),
      ];
      let session: http2.ClientHttp2Session | undefined;
      try {
        if (tls) {
          const t = sock as TLSSocket;
          metrics.push(...tlsMetrics(t));
          if (t.alpnProtocol !== 'h2')
            throw new ProbeFailure(
              `cannot call gRPC health: server did not negotiate HTTP/2 (ALPN ${JSON.stringify(t.alpnProtocol || 'none')}, want "h2")`,
              { metrics },
            );
        }
        const authority = hostPort(spec.tls_server_name ?? spec.host, spec.port);
        session = http2.connect(`${tls ? 'https' : 'http'}://${authority}`, {
          createConnection: () => sock,
        });
        const t0 = ctx.now();
        const res = await callHealthCheck(session, spec.service, metadata, ctx);
        metrics.push(
          gauge(
            'probe_grpc_duration_seconds',
            (ctx.now() - t0) / 1000,
            'Duration of gRPC request by phase',
            {
              phase: 'check',
            },
          ),
          gauge('probe_grpc_status_code', res.code, 'Response gRPC status code'),
        );
        SERVING_STATUS.forEach((name, i) =>
          metrics.push(
            gauge(
              'probe_grpc_healthcheck_response',
              res.status === i ? 1 : 0,
              'Response HealthCheck response',
              {
                serving_status: name,
              },
            ),
          ),
        );
        const detail = { grpc_status: res.code, serving_status: statusName(res.status) };
        if (res.error !== undefined) return { metrics, detail, error: res.error };
        if (res.code !== 0) {
          const msg = res.message ? `: ${res.message}` : '';
          return {
            metrics,
            detail,
            error: `health check failed with grpc-status ${res.code} (${GRPC_CODES[res.code] ?? '?'})${msg}`,
          };
        }
        if (res.status !== 1)
          return {
            metrics,
            detail,
            error: `service ${JSON.stringify(spec.service)} is ${statusName(res.status)}, want SERVING`,
          };
        return { metrics, detail };
      } finally {
        stop();
        session?.destroy();
        sock.destroy();
      }
    });
  },
};

function statusName(s: number | undefined): string {
  if (s === undefined) return 'none';
  return SERVING_STATUS[s] ?? `status ${s}`;
}
