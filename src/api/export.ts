import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isStaleNaN } from '../model/index.js';
import type { Queryable, Series } from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import { errorChain } from '../util/index.js';
import { toApiError } from './errors.js';
import { parseMatches, paramsOf, timeRange } from './params.js';
import { metadataQuery, selectUnion } from './read.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

/** Flush the output in chunks of about this many characters. */
const CHUNK = 64 * 1024;

/** One sample value as JSON: numbers as such; NaN, ±Inf and the stale marker as strings. */
export function exportValue(v: number): string {
  if (Number.isFinite(v)) return JSON.stringify(v);
  if (v === Infinity) return '"+Inf"';
  if (v === -Infinity) return '"-Inf"';
  return isStaleNaN(v) ? '"stale"' : '"NaN"';
}

/** One series as a VictoriaMetrics export line (without the newline); null if no samples. */
export function exportLine(s: Series): string | null {
  const it = s.iterator();
  let values = '';
  let timestamps = '';
  let n = 0;
  while (it.next()) {
    if (n++ > 0) {
      values += ',';
      timestamps += ',';
    }
    values += exportValue(it.v);
    timestamps += String(it.t);
  }
  if (n === 0) return null;
  return `{"metric":${JSON.stringify(s.labels.toObject())},"values":[${values}],"timestamps":[${timestamps}]}`;
}

/**
 * `GET|POST /api/v1/export`: raw samples as JSON lines, one series per line, streamed in chunks
 * so memory stays bounded by one series plus one chunk. The querier is closed when the stream
 * ends, fails or the client goes away.
 */
export function registerExportRoute(
  app: FastifyInstance,
  table: RouteTable,
  storage: Queryable,
  limits: TenantLimits,
  logger: Logger,
): void {
  const handler = async (req: Parameters<typeof tenantOf>[0], reply: FastifyReply) => {
    let series: Series[];
    let close: () => void;
    try {
      const p = paramsOf(req);
      const { start, end } = timeRange(p);
      const sets = parseMatches(p, true);
      const tenant = tenantOf(req);
      // The tenant's query slot is held until the stream ends (max_concurrent_queries).
      const gate = limits.queryGate(tenant);
      gate.acquire();
      let q;
      try {
        q = storage.querier(tenant, start, end);
      } catch (err) {
        gate.release();
        throw err;
      }
      const querier = q;
      let closed = false;
      close = () => {
        if (!closed) {
          querier.close();
          gate.release();
        }
        closed = true;
      };
      try {
        series = selectUnion(q, sets, start, end);
      } catch (err) {
        close();
        throw err;
      }
    } catch (err) {
      const e = toApiError(err);
      if (e.errorType === 'internal')
        logger.error({ err: errorChain(err), url: req.url }, 'cannot export');
      return reply
        .code(e.status)
        .send({ status: 'error', errorType: e.errorType, error: e.message });
    }
    function* chunks(): Generator<string> {
      try {
        let buf = '';
        for (const s of series) {
          const line = exportLine(s);
          if (line === null) continue;
          buf += line + '\n';
          if (buf.length >= CHUNK) {
            yield buf;
            buf = '';
          }
        }
        if (buf !== '') yield buf;
      } finally {
        close();
      }
    }
    const stream = Readable.from(chunks(), { objectMode: false });
    stream.on('close', close); // also when the client leaves before the first chunk
    stream.on('error', (err) =>
      logger.error({ err: errorChain(err), url: req.url }, 'export stream failed'),
    );
    return reply.type('application/x-ndjson; charset=utf-8').send(stream);
  };
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/api/v1/export',
    access: { need: 'read', csrf: false },
    tag: 'Export',
    summary: 'Raw samples as JSON lines, one series per line (VictoriaMetrics export format)',
    query: metadataQuery.omit({ limit: true }).extend({ 'match[]': z.array(z.string()) }),
    response: {
      contentType: 'application/x-ndjson',
      description: '{"metric":{…},"values":[…],"timestamps":[…]} per line',
    },
    statuses: { 429: "the tenant's max_concurrent_queries slots are all taken (refused at once)" },
    handler,
  });
}
