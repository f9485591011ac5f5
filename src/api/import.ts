import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ExpositionError, formatOf, parseBody, type ParsedBody } from '../exposition/index.js';
import { isWellFormed, Labels } from '../model/index.js';
import { PermanentAppendError, type Appendable, type MetadataStore } from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import { errorChain, type Logger } from '../util/index.js';
import { BodyError, readBody } from './body.js';
import { ApiError, toApiError } from './errors.js';
import { paramsOf } from './params.js';
import { decodeBody, maxDecompressedBytes, truncate, truncateQuoted } from './push-body.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

export interface ImportDeps {
  storage: Appendable & MetadataStore;
  limits: TenantLimits;
  /** Body cap (read per request). */
  maxBodyBytes: () => number;
  logger: Logger;
}

/** `extra_label=name=value` query parameters, validated. */
function extraLabels(p: URLSearchParams): [string, string][] {
  return p.getAll('extra_label').map((s) => {
    const eq = s.indexOf('=');
    const name = eq < 0 ? '' : s.slice(0, eq);
    if (name === '' || !isWellFormed(name) || name === '__name__')
      throw new ApiError(
        'bad_data',
        `invalid parameter "extra_label": want name=value, got ${JSON.stringify(truncate(s))}`,
      );
    return [name, s.slice(eq + 1)];
  });
}

/**
 * `POST /api/v1/import/prometheus` (VictoriaMetrics-compatible): a text-exposition (or
 * OpenMetrics, by Content-Type) body, gzip allowed; samples without a timestamp get
 * `?timestamp=` (ms) or now; `extra_label=name=value` adds labels. All-or-nothing: 204 once
 * stored, 400 naming the line or sample that is wrong.
 */
export function registerImportRoute(
  app: FastifyInstance,
  table: RouteTable,
  deps: ImportDeps,
): void {
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (req, payload, parsed) =>
      readBody(
        'import request',
        payload,
        req.headers['content-length'],
        deps.maxBodyBytes(),
        parsed,
      ),
    );
    table.add(scope, {
      method: 'POST',
      url: '/api/v1/import/prometheus',
      access: { need: 'ingest', openable: 'ingest' },
      tag: 'Ingestion',
      summary: 'Import samples in the Prometheus text format (VictoriaMetrics-compatible)',
      requestContentType: 'text/plain',
      query: z.object({
        extra_label: z.array(z.string()).optional().describe('name=value, repeatable'),
        timestamp: z.string().optional().describe('Unix ms for samples without a timestamp'),
      }),
      successStatus: 204,
      response: { contentType: 'text/plain', description: '204 No Content once stored' },
      statuses: {
        413: 'Body too large, or a gzip body decompressing to more than 8 × max_body_bytes',
        415: 'A Content-Encoding other than gzip or identity',
        429: 'A tenant limit was exceeded',
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          await importBody(req, deps);
          return reply.code(204).send();
        } catch (err) {
          if (err instanceof BodyError)
            return reply.code(err.statusCode).send({
              status: 'error',
              errorType: 'bad_data',
              error: truncateQuoted(err.message),
            });
          const e = toApiError(err);
          if (e.errorType === 'internal')
            deps.logger.error({ err: errorChain(err), url: req.url }, 'import failed');
          if (e.retryAfterSeconds !== undefined)
            void reply.header('retry-after', String(Math.max(1, Math.ceil(e.retryAfterSeconds))));
          return reply
            .code(e.status)
            .send({ status: 'error', errorType: e.errorType, error: truncateQuoted(e.message) });
        }
      },
    });
    done();
  });
}

async function importBody(req: FastifyRequest, deps: ImportDeps): Promise<void> {
  const p = paramsOf(req);
  const extra = extraLabels(p);
  const ts = p.get('timestamp');
  if (ts !== null && !/^\d+$/.test(ts))
    throw new ApiError(
      'bad_data',
      `invalid parameter "timestamp": want Unix milliseconds, got ${JSON.stringify(truncate(ts))}`,
    );
  const now = ts !== null ? Number(ts) : Date.now();
  const body = decodeBody(
    'import request',
    Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    req.headers['content-encoding'],
    maxDecompressedBytes(deps.maxBodyBytes()),
  );
  let parsed: ParsedBody;
  try {
    parsed = parseBody(body, formatOf(req.headers['content-type']));
  } catch (err) {
    if (err instanceof ExpositionError) throw new ApiError('bad_data', err.message, { cause: err });
    throw err;
  }
  const tenant = tenantOf(req);
  deps.limits.admitSamples(tenant, parsed.samples.length);
  const app = deps.storage.appender(tenant);
  try {
    for (const s of parsed.samples) {
      let labels = s.labels;
      if (extra.length > 0) {
        const o = labels.toObject();
        for (const [k, v] of extra) o[k] = v;
        labels = Labels.fromObject(o);
      }
      try {
        app.append(0, labels, s.timestampMs ?? now, s.value);
      } catch (err) {
        if (err instanceof PermanentAppendError)
          throw new ApiError(
            'bad_data',
            `cannot import sample ${labels.toString()}: ${err.message}`,
            { cause: err },
          );
        throw err;
      }
    }
    await app.commit();
  } catch (err) {
    app.rollback();
    throw err;
  }
  for (const md of parsed.metadata)
    deps.storage.setMetadata(tenant, md.name, { type: md.type, help: md.help, unit: md.unit });
}
