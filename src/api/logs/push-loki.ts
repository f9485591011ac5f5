import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeLokiJson, decodeLokiProto, decompressSnappy } from '../../ingest/loki/index.js';
import type { LogBatch } from '../../ingest/logs-common/index.js';
import type { LogAppendResult } from '../../storage/index.js';
import { errorChain } from '../../util/index.js';
import { truncateQuoted } from '../push-body.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import {
  countsOf,
  maxBodyOf,
  mediaType,
  plainBody,
  pushFailure,
  rawBodies,
  storeBatch,
  type BatchCounts,
  type LogPushDeps,
  type PushMetrics,
} from './push-common.js';

const WHAT = 'Loki push request';

/** Loki's message for entries the store refused one by one (the rest was stored). */
export function rejectionMessage(batch: BatchCounts, res: LogAppendResult): string {
  const r = res.rejected[0];
  return `entry with timestamp ${r.ts} of stream ${r.labels.toString()} ignored, reason: ${r.reason}; total ignored: ${res.rejected.length} out of ${batch.entries} (the rest was stored)`;
}

/**
 * `POST /loki/api/v1/push` (Loki's push API, so Promtail, Alloy, Fluent Bit and Vector work
 * unchanged): JSON (gzip allowed) or snappy-compressed protobuf `PushRequest`. 204 once durable;
 * 400 naming the stream/entry; store rejections 400 with the rest kept; limits 429; too large 413.
 * Errors are plain text like Loki's.
 */
export function registerLokiPushRoute(
  app: FastifyInstance,
  table: RouteTable,
  deps: LogPushDeps,
  metrics: PushMetrics,
): void {
  void app.register((scope, _opts, done) => {
    rawBodies(scope, deps, WHAT);
    const fail = (reply: FastifyReply, status: number, message: string) =>
      reply
        .code(status)
        .type('text/plain; charset=utf-8')
        .send(`${truncateQuoted(message)}\n`);
    scope.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
      const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 500;
      metrics.request('loki', status === 413 ? 'too_large' : status === 500 ? 'error' : 'invalid');
      if (status === 500)
        deps.logger.error({ err: errorChain(err), url: req.url }, 'Loki push failed');
      return fail(reply, status, err.message);
    });
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      // Only the counts outlive the hand-over to the store: the entries are garbage while the
      // commit waits for the WAL fsync (the GC does not copy them around meanwhile).
      let batch: BatchCounts | undefined;
      try {
        const media = mediaType(req);
        let decoded: LogBatch;
        if (media === 'application/x-protobuf' || media === 'application/protobuf') {
          const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          decoded = decodeLokiProto(decompressSnappy(body, maxBodyOf(deps, req)));
        } else if (media === 'application/json' || media === '') {
          decoded = decodeLokiJson(plainBody(deps, req, WHAT).toString('utf8'));
        } else {
          metrics.request('loki', 'unsupported');
          return fail(
            reply,
            415,
            `cannot read ${WHAT}: unsupported Content-Type ${JSON.stringify(media)}, want application/json or application/x-protobuf`,
          );
        }
        batch = countsOf(decoded);
        const res = await storeBatch(deps.logs, tenantOf(req), decoded);
        metrics.stored('loki', batch, res);
        if (res.rejected.length > 0) {
          metrics.request('loki', 'partial');
          return fail(reply, 400, rejectionMessage(batch, res));
        }
        metrics.request('loki', 'ok');
        return reply.code(204).send();
      } catch (err) {
        const f = pushFailure(err);
        if (f === undefined) {
          deps.logger.error({ err: errorChain(err), url: req.url }, 'Loki push failed');
          metrics.request('loki', 'error');
          if (batch) metrics.refused('loki', batch);
          return fail(reply, 500, `internal error: ${(err as Error).message}`);
        }
        metrics.request('loki', f.outcome);
        if (batch) metrics.refused('loki', batch);
        if (f.retryAfterSeconds !== undefined)
          void reply.header('retry-after', String(Math.max(1, Math.ceil(f.retryAfterSeconds))));
        return fail(reply, f.status, f.message);
      }
    };
    table.add(scope, {
      method: 'POST',
      url: '/loki/api/v1/push',
      access: { need: 'ingest', openable: 'ingest' },
      tag: 'Logs',
      summary: 'Loki push API: JSON (gzip allowed) or snappy-compressed protobuf PushRequest',
      description:
        'JSON: {"streams":[{"stream":{"job":"app"},"values":[["<unix ns>","<line>",{"<structured metadata>":"…"}]]}]}. Protobuf: Content-Type application/x-protobuf, snappy block-compressed logproto.PushRequest (stream labels as a selector string). Answers 204 once the entries are durable. See docs/user/logs-ingest.md.',
      requestContentType: 'application/json',
      successStatus: 204,
      textErrors: true,
      response: { contentType: 'text/plain', description: '204 No Content once durable' },
      statuses: {
        413: 'Body (or its decompressed form) larger than the log push body limit',
        415: 'Neither JSON nor protobuf, or a Content-Encoding other than gzip',
        429: 'A limit was exceeded (ingestion rate, streams); retry later',
        503: 'The log store is unavailable; retry',
      },
      handler,
    });
    done();
  });
}
