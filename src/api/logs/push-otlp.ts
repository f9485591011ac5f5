import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeLogsJson, decodeLogsProto, otlpLogsToBatch } from '../../ingest/otlp/index.js';
import type { LogBatch } from '../../ingest/logs-common/index.js';
import { errorChain } from '../../util/index.js';
import { encodeExportResponse, encodeStatus } from '../otlp.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import { rejectionMessage } from './push-loki.js';
import {
  mediaType,
  plainBody,
  pushFailure,
  rawBodies,
  storeBatch,
  type LogPushDeps,
  type PushMetrics,
} from './push-common.js';

const WHAT = 'OTLP logs request';
/** gRPC codes OTLP/HTTP error bodies carry (per HTTP status). */
const GRPC_CODE: Record<number, number> = { 400: 3, 404: 12, 413: 3, 415: 3, 429: 8, 503: 14 };

const isJson = (req: FastifyRequest) => mediaType(req) === 'application/json';

/**
 * `POST /v1/logs`: OTLP/HTTP logs (ExportLogsServiceRequest, protobuf or JSON, gzip allowed),
 * mapped to streams as Loki does (see `otlpLogsToBatch`). Answers in the request's encoding: an
 * ExportLogsServiceResponse (partial_success when the store refused some records), or a
 * google.rpc.Status with 400/413/415 (do not retry) or 429/503 (retry).
 */
export function registerOtlpLogsRoute(
  app: FastifyInstance,
  table: RouteTable,
  deps: LogPushDeps,
  metrics: PushMetrics,
): void {
  void app.register((scope, _opts, done) => {
    rawBodies(scope, deps, WHAT);
    const answer = (
      req: FastifyRequest,
      reply: FastifyReply,
      status: number,
      message: string,
      retryAfterSeconds?: number,
    ) => {
      if (retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
      const code = GRPC_CODE[status] ?? 13;
      return isJson(req)
        ? reply.code(status).type('application/json').send({ code, message })
        : reply.code(status).type('application/x-protobuf').send(encodeStatus(code, message));
    };
    scope.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
      const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 500;
      metrics.request('otlp', status === 413 ? 'too_large' : status === 500 ? 'error' : 'invalid');
      if (status === 500)
        deps.logger.error({ err: errorChain(err), url: req.url }, 'OTLP logs request failed');
      return answer(req, reply, status, err.message);
    });
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      if (!deps.otlpEnabled()) {
        metrics.request('otlp', 'unsupported');
        return answer(req, reply, 404, 'OTLP receiver is disabled (ingest.otlp.enabled: false)');
      }
      const media = mediaType(req);
      const proto = media === 'application/x-protobuf' || media === 'application/protobuf';
      if (!proto && media !== 'application/json') {
        metrics.request('otlp', 'unsupported');
        return answer(
          req,
          reply,
          415,
          `cannot decode ${WHAT}: unsupported Content-Type ${JSON.stringify(media)}, want application/x-protobuf or application/json`,
        );
      }
      let batch: LogBatch | undefined;
      try {
        const body = plainBody(deps, req, WHAT);
        batch = proto
          ? otlpLogsToBatch(decodeLogsProto(body))
          : otlpLogsToBatch(decodeLogsJson(body.toString('utf8')), true);
        const res = await storeBatch(deps.logs, tenantOf(req), batch);
        metrics.stored('otlp', batch, res);
        const rejected = res.rejected.length;
        const message = rejected > 0 ? rejectionMessage(batch, res) : '';
        metrics.request('otlp', rejected > 0 ? 'partial' : 'ok');
        if (!proto)
          return reply.type('application/json').send(
            rejected > 0
              ? {
                  partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: message },
                }
              : {},
          );
        return reply.type('application/x-protobuf').send(encodeExportResponse(rejected, message));
      } catch (err) {
        const f = pushFailure(err);
        if (batch) metrics.refused('otlp', batch);
        if (f === undefined) {
          deps.logger.error({ err: errorChain(err), url: req.url }, 'OTLP logs request failed');
          metrics.request('otlp', 'error');
          return answer(req, reply, 500, `internal error: ${(err as Error).message}`);
        }
        metrics.request('otlp', f.outcome);
        return answer(req, reply, f.status, f.message, f.retryAfterSeconds);
      }
    };
    table.add(scope, {
      method: 'POST',
      url: '/v1/logs',
      access: { need: 'ingest', openable: 'ingest' },
      tag: 'Logs',
      summary: 'OTLP/HTTP logs (ExportLogsServiceRequest, protobuf or JSON, gzip allowed)',
      description:
        'Resource attributes service.name, service.namespace, deployment.environment, k8s.* … become stream labels (service_name…); other attributes, scope, trace_id/span_id and the normalised level become fields. See docs/user/logs-ingest.md.',
      requestContentType: 'application/x-protobuf',
      response: {
        contentType: 'application/x-protobuf',
        description: 'ExportLogsServiceResponse (JSON for JSON requests)',
      },
      textErrors: true,
      statuses: {
        404: 'The OTLP receiver is disabled',
        413: 'Body too large',
        415: 'Not protobuf or JSON',
        429: 'A limit was exceeded; retry later',
        503: 'The log store is unavailable; retry',
      },
      handler,
    });
    done();
  });
}
