import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  BULK_DEFAULTS,
  decodeBulk,
  esInfo,
  type BulkItem,
} from '../../ingest/elasticsearch/index.js';
import { decodeJsonLines, JSONLINE_DEFAULTS } from '../../ingest/jsonlines/index.js';
import { listParam, type DocOptions, type LogBatch } from '../../ingest/logs-common/index.js';
import type { LogAppendResult } from '../../storage/index.js';
import { errorChain } from '../../util/index.js';
import { truncateQuoted } from '../push-body.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import {
  plainBody,
  pushFailure,
  rawBodies,
  storeBatch,
  type LogInputName,
  type LogPushDeps,
  type PushMetrics,
} from './push-common.js';

const INGEST = { need: 'ingest', openable: 'ingest' } as const;
const ES_PREFIX = '/insert/elasticsearch';

/** `_msg_field`, `_time_field`, `_stream_fields` query parameters over an input's defaults. */
function docOptions(req: FastifyRequest, dflt: DocOptions): DocOptions {
  const q = (req.query ?? {}) as Record<string, unknown>;
  return {
    msgFields: listParam(q._msg_field, dflt.msgFields),
    timeFields: listParam(q._time_field, dflt.timeFields),
    streamFields: listParam(q._stream_fields, dflt.streamFields),
  };
}

/** Marks the bulk items whose entries the store refused (matched by stream and timestamp). */
function markRejected(items: BulkItem[], res: LogAppendResult): void {
  if (res.rejected.length === 0) return;
  const left = new Map<string, string[]>();
  for (const r of res.rejected) {
    const k = `${r.labels.toString()}\0${r.ts}`;
    left.set(k, [...(left.get(k) ?? []), r.reason]);
  }
  for (const it of items) {
    if (it.stream === undefined || it.entry === undefined || it.status >= 300) continue;
    const reasons = left.get(`${it.stream.labels.toString()}\0${it.entry.ts}`);
    const reason = reasons?.shift();
    if (reason === undefined) continue;
    it.status = 400;
    it.error = { type: 'illegal_argument_exception', reason };
  }
}

/** An Elasticsearch error body (`{"error":{…},"status":n}`). */
function esError(status: number, type: string, reason: string) {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

/**
 * The Elasticsearch `_bulk` subset (`/insert/elasticsearch/_bulk`, `/insert/elasticsearch/<index>/_bulk`),
 * its info probe (`GET /insert/elasticsearch/`) and `/_license`, and JSON lines
 * (`POST /insert/jsonline`), VictoriaLogs-compatible: `_msg_field`, `_time_field` and
 * `_stream_fields` query parameters choose the line, the time and the stream labels.
 */
export function registerDocPushRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: LogPushDeps,
  metrics: PushMetrics,
): void {
  const store = async (input: LogInputName, req: FastifyRequest, batch: LogBatch) => {
    const res = await storeBatch(deps.logs, tenantOf(req), batch);
    metrics.stored(input, batch, res);
    return res;
  };
  /** A whole-request failure; undefined when it is a bug (logged, 500). */
  const failure = (input: LogInputName, req: FastifyRequest, err: unknown, batch?: LogBatch) => {
    if (batch) metrics.refused(input, batch);
    const f = pushFailure(err) ?? {
      status: 500,
      outcome: 'error' as const,
      message: `internal error: ${(err as Error).message}`,
    };
    if (f.status === 500)
      deps.logger.error({ err: errorChain(err), url: req.url }, `${input} push failed`);
    metrics.request(input, f.outcome);
    return f;
  };

  void app.register((scope, _opts, done) => {
    rawBodies(scope, deps, 'Elasticsearch bulk request');
    scope.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
      const f = failure('elasticsearch', req, err);
      const status =
        err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : f.status;
      return reply.code(status).send(esError(status, 'parse_exception', err.message));
    });
    const bulk = async (req: FastifyRequest, reply: FastifyReply) => {
      const started = Date.now();
      let batch: LogBatch | undefined;
      try {
        const index = (req.params as { index?: string }).index ?? '';
        const text = plainBody(deps, req, 'Elasticsearch bulk request').toString('utf8');
        const { batch: b, items } = decodeBulk(text, docOptions(req, BULK_DEFAULTS), index);
        batch = b;
        markRejected(items, await store('elasticsearch', req, b));
        const failed = items.filter((i) => i.status >= 300).length;
        metrics.skipped('elasticsearch', items.length - b.entries);
        metrics.request('elasticsearch', failed > 0 ? 'partial' : 'ok');
        return reply.header('x-elastic-product', 'Elasticsearch').send({
          took: Date.now() - started,
          errors: failed > 0,
          items: items.map((i) => ({
            [i.action]: {
              _index: i.index,
              _id: i.id,
              status: i.status,
              ...(i.error ? { error: i.error } : { result: 'created', _version: 1 }),
            },
          })),
        });
      } catch (err) {
        const f = failure('elasticsearch', req, err, batch);
        if (f.retryAfterSeconds !== undefined)
          void reply.header('retry-after', String(Math.max(1, Math.ceil(f.retryAfterSeconds))));
        const type =
          f.status === 429
            ? 'es_rejected_execution_exception'
            : f.status >= 500
              ? 'exception'
              : 'parse_exception';
        return reply.code(f.status).send(esError(f.status, type, f.message));
      }
    };
    const bulkSpec = {
      method: ['POST', 'PUT'] as ('POST' | 'PUT')[],
      access: INGEST,
      tag: 'Logs',
      summary: 'Elasticsearch _bulk subset: index/create actions become log entries',
      description:
        'NDJSON action/document pairs. Query parameters: _msg_field (default message,_msg,log,msg), _time_field (default @timestamp,_time,timestamp,time), _stream_fields (fields that become stream labels). Answers in the ES bulk response shape (errors, items). See docs/user/logs-ingest.md.',
      requestContentType: 'application/x-ndjson',
      statuses: { 413: 'Body too large', 429: 'A limit was exceeded; retry later' },
      handler: bulk,
    };
    table.add(scope, { ...bulkSpec, url: `${ES_PREFIX}/_bulk` });
    table.add(scope, { ...bulkSpec, url: `${ES_PREFIX}/:index/_bulk` });
    const info = async (_req: FastifyRequest, reply: FastifyReply) =>
      reply.header('x-elastic-product', 'Elasticsearch').send(esInfo(deps.version));
    for (const url of [ES_PREFIX, `${ES_PREFIX}/`])
      table.add(scope, {
        method: 'GET',
        url,
        access: INGEST,
        tag: 'Logs',
        summary: 'Elasticsearch 8 info document (the version probe of Filebeat and Logstash)',
        handler: info,
      });
    table.add(scope, {
      method: 'GET',
      url: `${ES_PREFIX}/_license`,
      access: INGEST,
      tag: 'Logs',
      summary: 'Elasticsearch license probe (Logstash): an active basic license',
      handler: async (_req, reply) =>
        reply.header('x-elastic-product', 'Elasticsearch').send({
          license: { status: 'active', uid: 'argus', type: 'basic', issued_to: 'argus' },
        }),
    });
    done();
  });

  void app.register((scope, _opts, done) => {
    rawBodies(scope, deps, 'JSON lines request');
    const text = (reply: FastifyReply, status: number, message: string) =>
      reply
        .code(status)
        .type('text/plain; charset=utf-8')
        .send(`${truncateQuoted(message)}\n`);
    scope.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
      const f = failure('jsonline', req, err);
      const status =
        err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : f.status;
      return text(reply, status, err.message);
    });
    table.add(scope, {
      method: 'POST',
      url: '/insert/jsonline',
      access: INGEST,
      tag: 'Logs',
      summary: 'JSON lines: one JSON object per line, each a log entry (VictoriaLogs-compatible)',
      description:
        'Query parameters: _msg_field (default _msg,message,msg), _time_field (default _time,time,timestamp,@timestamp,ts), _stream_fields. Bad lines are skipped: 400 naming the first, the rest stored. See docs/user/logs-ingest.md.',
      requestContentType: 'application/x-ndjson',
      textErrors: true,
      response: { contentType: 'text/plain', description: '204 No Content once durable' },
      successStatus: 204,
      statuses: { 413: 'Body too large', 429: 'A limit was exceeded; retry later' },
      handler: async (req, reply) => {
        let batch: LogBatch | undefined;
        try {
          const body = plainBody(deps, req, 'JSON lines request').toString('utf8');
          const got = decodeJsonLines(body, docOptions(req, JSONLINE_DEFAULTS));
          batch = got.batch;
          const res = await store('jsonline', req, got.batch);
          metrics.skipped('jsonline', got.skipped.length);
          const problems: string[] = [];
          if (got.skipped.length > 0)
            problems.push(
              `cannot read JSON lines: ${got.skipped[0].reason}; skipped ${got.skipped.length} of ${got.lines} lines (the rest was stored)`,
            );
          if (res.rejected.length > 0) {
            const r = res.rejected[0];
            problems.push(
              `entry with timestamp ${r.ts} of stream ${r.labels.toString()} ignored, reason: ${r.reason}; total ignored: ${res.rejected.length} out of ${got.batch.entries}`,
            );
          }
          metrics.request('jsonline', problems.length > 0 ? 'partial' : 'ok');
          if (problems.length > 0) return text(reply, 400, problems.join('; '));
          return reply.code(204).send();
        } catch (err) {
          const f = failure('jsonline', req, err, batch);
          if (f.retryAfterSeconds !== undefined)
            void reply.header('retry-after', String(Math.max(1, Math.ceil(f.retryAfterSeconds))));
          return text(reply, f.status, f.message);
        }
      },
    });
    done();
  });
}
