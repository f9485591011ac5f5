import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import {
  RemoteWriteError,
  RemoteWriteIngester,
  type IngesterOptions,
  type RemoteWriteConfig,
} from '../ingest/remote-write/index.js';
import { LimitExceededError, type Appendable, type MetadataStore } from '../storage/index.js';
import type { TenantId } from '../model/index.js';
import { TenantLimitError, type TenantLimits } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import { errorChain } from '../util/index.js';
import { readBody } from './body.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

const PROTOCOL = 'remote_write';

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  // registerApi may run more than once against one registry (tests, re-wiring): reuse.
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** The ingest counters named in issue #2 (shared with future ingest protocols via `protocol`). */
function metrics(registry: Registry) {
  return {
    ingested: counter(
      registry,
      'argus_ingested_samples_total',
      'Samples accepted, by ingest protocol (exact duplicates included).',
      ['protocol'],
    ),
    rejected: counter(
      registry,
      'argus_rejected_samples_total',
      'Samples refused, by ingest protocol and reason.',
      ['protocol', 'reason'],
    ),
    requests: counter(
      registry,
      'argus_remote_write_requests_total',
      'remote_write requests answered, by HTTP status code.',
      ['code'],
    ),
  };
}

export interface WriteDeps {
  storage: Appendable & MetadataStore;
  /** Read per request: the config may be replaced on reload. */
  remoteWrite: () => RemoteWriteConfig;
  registry: Registry;
  logger: Logger;
  ingester?: Partial<IngesterOptions>;
  /** Per-tenant ingestion rate and body size. */
  limits: TenantLimits;
}

const INGEST = { need: 'ingest', openable: 'ingest' } as const;

/**
 * `POST /api/v1/write`: Prometheus remote_write 1.0. Registered in its own encapsulated scope so
 * the raw protobuf body parser applies to this route only. The body limit is enforced by that
 * parser from `max_body_bytes` of the current config: from Content-Length before reading, else
 * while streaming. Answers 204 after the batch is committed; errors as plain text like Prometheus.
 */
export function registerWriteRoute(app: FastifyInstance, table: RouteTable, deps: WriteDeps): void {
  const m = metrics(deps.registry);
  // A request larger than the tenant's burst can never be accepted: 413, so the sender does not
  // retry it forever (as it would a 429), and its message says to send smaller batches.
  const admit = (tenant: TenantId, n: number): void => {
    try {
      deps.limits.admitSamples(tenant, n);
    } catch (err) {
      if (err instanceof TenantLimitError && err.retryAfterMs === undefined)
        throw new RemoteWriteError(
          413,
          'too_large',
          `${err.message}; send smaller requests (queue_config.max_samples_per_send)`,
          { cause: err },
        );
      throw err;
    }
  };
  // The tenant is known before the body is read (the access hook runs first).
  const maxBody = (req: FastifyRequest): number => {
    const global = deps.remoteWrite().max_body_bytes;
    if (req.principal === undefined) return global;
    const t = deps.limits.for(tenantOf(req)).max_body_bytes;
    return t > 0 ? Math.min(global, t) : global;
  };
  const ingester = new RemoteWriteIngester(deps.storage, deps.ingester);
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser('application/x-protobuf', (req, payload, parsed) => {
      readBody(
        'remote_write request',
        payload,
        req.headers['content-length'],
        maxBody(req),
        parsed,
      );
    });
    scope.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
      const code =
        err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500
          ? err.statusCode
          : 500;
      if (code === 500)
        deps.logger.error({ err: errorChain(err), url: req.url }, 'remote_write request failed');
      m.requests.inc({ code: String(code) });
      if (code === 413) {
        m.rejected.inc({ protocol: PROTOCOL, reason: 'too_large' }, 0);
        if (req.principal !== undefined) deps.limits.count(tenantOf(req), 'max_body_bytes');
      }
      return reply.code(code).type('text/plain; charset=utf-8').send(`${err.message}\n`);
    });
    const write = async (req: FastifyRequest, reply: FastifyReply) => {
      const cfg = deps.remoteWrite();
      const fail = (code: number, msg: string) => {
        m.requests.inc({ code: String(code) });
        return reply.code(code).type('text/plain; charset=utf-8').send(`${msg}\n`);
      };
      if (!cfg.enabled)
        return fail(404, 'remote_write receiver is disabled (ingest.remote_write.enabled: false)');
      if (/proto=io\.prometheus\.write\.v2/.test(req.headers['content-type'] ?? '')) {
        return fail(
          415,
          'remote_write 2.0 (io.prometheus.write.v2.Request) is not supported yet; send remote_write 1.0',
        );
      }
      if (!Buffer.isBuffer(req.body))
        return fail(
          415,
          'want Content-Type: application/x-protobuf (snappy-compressed WriteRequest)',
        );
      // As Prometheus: no Content-Encoding means snappy; anything else is refused by name.
      const enc = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
      if (enc !== '' && enc !== 'snappy') {
        return fail(
          415,
          `cannot read remote_write request: Content-Encoding ${JSON.stringify(enc)} is not supported; want snappy`,
        );
      }
      try {
        const tenant = tenantOf(req);
        const res = await ingester.write(tenant, req.body, cfg, (n) => admit(tenant, n));
        m.ingested.inc({ protocol: PROTOCOL }, res.samples);
        m.requests.inc({ code: '204' });
        return reply.code(204).send();
      } catch (err) {
        if (err instanceof RemoteWriteError) {
          if (err.reason === 'limit_exceeded' && err.cause instanceof LimitExceededError)
            deps.limits.count(tenantOf(req), 'max_series');
          if (err.cause instanceof TenantLimitError && err.cause.retryAfterMs !== undefined)
            void reply.header(
              'retry-after',
              String(Math.max(1, Math.ceil(err.cause.retryAfterMs / 1000))),
            );
          if (err.samples > 0)
            m.rejected.inc({ protocol: PROTOCOL, reason: err.reason }, err.samples);
          return fail(err.status, err.message);
        }
        deps.logger.error({ err: errorChain(err), url: req.url }, 'remote_write request failed');
        return fail(500, `internal error: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    table.add(scope, {
      method: 'POST',
      url: '/api/v1/write',
      access: INGEST,
      tag: 'Ingestion',
      summary: 'Prometheus remote_write 1.0 receiver (snappy-compressed protobuf WriteRequest)',
      requestContentType: 'application/x-protobuf',
      successStatus: 204,
      textErrors: true,
      response: { contentType: 'text/plain', description: '204 No Content once durable' },
      statuses: {
        413: 'Body larger than max_body_bytes',
        415: 'Not a remote_write 1.0 request',
        429: 'A limit was exceeded (ingestion rate, active series); retry later',
        503: 'The store is opening; retry',
      },
      handler: write,
    });
    // Other methods on the route: 405 with Allow (as Prometheus), not a confusing 404.
    table.add(scope, {
      method: ['GET', 'PUT', 'DELETE', 'PATCH'],
      url: '/api/v1/write',
      access: { need: 'public' },
      tag: 'Ingestion',
      summary: 'Other methods: 405 Method Not Allowed',
      successStatus: 405,
      textErrors: true,
      response: {
        contentType: 'text/plain',
        description: 'method not allowed: remote_write takes POST',
      },
      handler: (_req, reply) =>
        reply
          .code(405)
          .header('allow', 'POST')
          .type('text/plain; charset=utf-8')
          .send('method not allowed: remote_write takes POST\n'),
    });
    done();
  });
}
