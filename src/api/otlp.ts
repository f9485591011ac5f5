import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import {
  bodyFormat,
  OtlpError,
  OtlpMetricsIngester,
  type OtlpConfig,
} from '../ingest/otlp/index.js';
import type { Appendable, MetadataStore } from '../storage/index.js';
import { TenantLimitError, type TenantLimits } from '../tenancy/index.js';
import { errorChain, type Logger } from '../util/index.js';
import { readBody } from './body.js';
import { ApiError, toApiError } from './errors.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

export interface OtlpDeps {
  storage: Appendable & MetadataStore;
  /** Read per request (replaced on reload). */
  otlp: () => OtlpConfig;
  limits: TenantLimits;
  registry: Registry;
  logger: Logger;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function field(no: number, wire: number, payload: number[] | Buffer): number[] {
  const key = varint((no << 3) | wire);
  if (wire === 0) return [...key, ...(payload as number[])];
  const bytes = [...payload];
  return [...key, ...varint(bytes.length), ...bytes];
}

/** ExportMetricsServiceResponse { partial_success { rejected_data_points, error_message } }. */
export function encodeExportResponse(rejected: number, message: string): Buffer {
  if (rejected === 0 && message === '') return Buffer.alloc(0);
  const partial = [
    ...(rejected > 0 ? field(1, 0, varint(rejected)) : []),
    ...(message !== '' ? field(2, 2, Buffer.from(message)) : []),
  ];
  return Buffer.from(field(1, 2, partial));
}

/** google.rpc.Status { code, message }: OTLP's error body. */
export function encodeStatus(code: number, message: string): Buffer {
  return Buffer.from([...field(1, 0, varint(code)), ...field(2, 2, Buffer.from(message))]);
}

/** gRPC codes OTLP/HTTP error bodies carry (per HTTP status). */
const GRPC_CODE: Record<number, number> = { 400: 3, 413: 3, 415: 3, 429: 8, 503: 14 };

const counter = (registry: Registry, name: string, help: string, labelNames: string[]) => {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
};

/**
 * `POST /v1/metrics`: OTLP/HTTP metrics (protobuf or JSON, optionally gzip). Answers in the
 * request's encoding: an ExportMetricsServiceResponse (with partial_success when some data
 * points were rejected), or a google.rpc.Status with 400/413/415 (do not retry) or 429/503
 * (retry, with Retry-After when known).
 */
export function registerOtlpRoute(app: FastifyInstance, table: RouteTable, deps: OtlpDeps): void {
  const ingester = new OtlpMetricsIngester(deps.storage);
  const ingested = counter(
    deps.registry,
    'argus_ingested_samples_total',
    'Samples accepted, by ingest protocol (exact duplicates included).',
    ['protocol'],
  );
  const rejected = counter(
    deps.registry,
    'argus_rejected_samples_total',
    'Samples refused, by ingest protocol and reason.',
    ['protocol', 'reason'],
  );
  void app.register((scope, _opts, done) => {
    const max = (req: FastifyRequest) => {
      const global = deps.otlp().max_body_bytes;
      if (req.principal === undefined) return global;
      const t = deps.limits.for(tenantOf(req)).max_body_bytes;
      return t > 0 ? Math.min(global, t) : global;
    };
    for (const ct of ['application/x-protobuf', 'application/protobuf', 'application/json'])
      scope.addContentTypeParser(ct, (req, payload, parsed) =>
        readBody('OTLP metrics request', payload, req.headers['content-length'], max(req), parsed),
      );
    const answer = (
      req: FastifyRequest,
      reply: FastifyReply,
      status: number,
      message: string,
      retryAfterSeconds?: number,
    ) => {
      if (retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
      const json = safeFormat(req) === 'json';
      const code = GRPC_CODE[status] ?? 13;
      return json
        ? reply.code(status).type('application/json').send({ code, message })
        : reply.code(status).type('application/x-protobuf').send(encodeStatus(code, message));
    };
    scope.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
      const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500)
        deps.logger.error({ err: errorChain(err), url: req.url }, 'OTLP request failed');
      return answer(req, reply, status, err.message);
    });
    table.add(scope, {
      method: 'POST',
      url: '/v1/metrics',
      access: { need: 'ingest', openable: 'ingest' },
      tag: 'Ingestion',
      summary: 'OTLP/HTTP metrics (ExportMetricsServiceRequest, protobuf or JSON, gzip allowed)',
      requestContentType: 'application/x-protobuf',
      response: {
        contentType: 'application/x-protobuf',
        description: 'ExportMetricsServiceResponse (JSON for JSON requests)',
      },
      textErrors: true,
      statuses: {
        413: 'Body too large',
        415: 'Not protobuf or JSON',
        429: 'A limit was exceeded; retry later',
        503: 'The store is opening; retry',
      },
      handler: async (req, reply) => {
        const cfg = deps.otlp();
        if (!cfg.enabled)
          return answer(req, reply, 404, 'OTLP receiver is disabled (ingest.otlp.enabled: false)');
        if (!Buffer.isBuffer(req.body))
          return answer(
            req,
            reply,
            415,
            'want Content-Type application/x-protobuf or application/json',
          );
        const tenant = tenantOf(req);
        try {
          const decoded = ingester.decode(
            req.body,
            {
              contentType: req.headers['content-type'],
              contentEncoding: req.headers['content-encoding'],
            },
            cfg,
          );
          deps.limits.admitSamples(tenant, decoded.dataPoints);
          const res = await ingester.writeRequest(tenant, decoded, promotedOf(cfg));
          ingested.inc({ protocol: 'otlp' }, res.samples);
          const json = safeFormat(req) === 'json';
          if (json) {
            const body =
              res.rejectedDataPoints > 0 || res.errorMessage !== ''
                ? {
                    partialSuccess: {
                      rejectedDataPoints: String(res.rejectedDataPoints),
                      errorMessage: res.errorMessage,
                    },
                  }
                : {};
            return reply.type('application/json').send(body);
          }
          return reply
            .type('application/x-protobuf')
            .send(encodeExportResponse(res.rejectedDataPoints, res.errorMessage));
        } catch (err) {
          if (err instanceof OtlpError) {
            if (err.dataPoints > 0)
              rejected.inc({ protocol: 'otlp', reason: err.reason }, err.dataPoints);
            return answer(req, reply, err.status, err.message);
          }
          if (err instanceof TenantLimitError) {
            return answer(
              req,
              reply,
              429,
              err.message,
              err.retryAfterMs === undefined ? undefined : err.retryAfterMs / 1000,
            );
          }
          const e = toApiError(err);
          if (e.errorType === 'internal')
            deps.logger.error({ err: errorChain(err), url: req.url }, 'OTLP request failed');
          return answer(req, reply, e.status, e instanceof ApiError ? e.message : String(err));
        }
      },
    });
    done();
  });
}

function safeFormat(req: FastifyRequest): 'protobuf' | 'json' {
  try {
    return bodyFormat(req.headers['content-type']);
  } catch {
    return 'protobuf';
  }
}

/** The promoted resource attributes of a config, as a set (cached per config object). */
const promotedSets = new WeakMap<OtlpConfig, ReadonlySet<string>>();
function promotedOf(cfg: OtlpConfig): ReadonlySet<string> {
  let set = promotedSets.get(cfg);
  if (set === undefined) promotedSets.set(cfg, (set = new Set(cfg.promote_resource_attributes)));
  return set;
}
