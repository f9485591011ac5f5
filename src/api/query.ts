import { Readable, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  parseDurationMs,
  parseExpr,
  PromQLParseError,
  TooManySeriesError,
  type Expr,
  type QueryEngine,
  type QueryOptions,
  type QueryResult,
  type QueryValue,
} from '../promql/index.js';
import type { Queryable } from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import { ApiError, badParam } from './errors.js';
import { parseLimit, paramsOf, parseTime } from './params.js';
import { queryResponseChunks } from './query-stream.js';
import { errorReply } from './respond.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

/** What the query routes need. `options` is read per request (the config is reloadable). */
export interface QueryDeps {
  storage: Queryable;
  limits: TenantLimits;
  engine: QueryEngine;
  options(): QueryOptions;
  logger: Logger;
}

/** Prometheus's cap on a range query's resolution. */
const MAX_POINTS = 11_000;

/**
 * A duration parameter as Prometheus reads one: float seconds (`15`, `0.5`) or a duration
 * (`1m30s`); ms out.
 */
export function parseDurationParam(name: string, s: string): number {
  let ms: number | undefined;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) ms = Number(s) * 1000;
  else ms = parseDurationMs(s);
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 9.2e15) {
    throw badParam(name, `cannot parse ${JSON.stringify(s)} to a valid duration`);
  }
  return Math.round(ms);
}

function required(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw badParam(name, `cannot parse "" (missing ${name})`);
  return v;
}

/** Parses `query` (errors name the parameter and carry the position, as Prometheus). */
function parseQuery(p: URLSearchParams, experimental: boolean): Expr {
  const text = p.get('query') ?? '';
  try {
    return parseExpr(text, { experimental });
  } catch (err) {
    if (err instanceof PromQLParseError) throw badParam('query', err.message, err);
    throw err;
  }
}

/** The request's engine options: the config's, `timeout` lowered by the parameter, the tenant's sample cap. */
function optionsFor(
  req: FastifyRequest,
  p: URLSearchParams,
  deps: QueryDeps,
  signal: AbortSignal,
): { opts: QueryOptions; limit: number; stats: boolean } {
  const base = deps.options();
  const opts = { ...base, signal };
  const to = p.get('timeout');
  if (to !== null && to !== '') {
    const ms = parseDurationParam('timeout', to);
    if (ms <= 0) throw badParam('timeout', `want a duration > 0, got ${JSON.stringify(to)}`);
    opts.timeoutMs = Math.min(ms, base.timeoutMs);
  }
  const tenantLimits = deps.limits.for(tenantOf(req));
  const tenantMax = tenantLimits.max_query_samples;
  if (tenantMax > 0) opts.maxSamples = Math.min(opts.maxSamples, tenantMax);
  opts.maxSeries = tenantLimits.max_query_series;
  return { opts, limit: parseLimit(p), stats: (p.get('stats') ?? '') !== '' };
}

/** A finished query and how to render it. */
interface Evaluated {
  result: QueryResult;
  limit: number;
  stats: boolean;
  /** Waiting for a query slot, and evaluating (ms). */
  queueMs: number;
  evalMs: number;
}

function statsJson(r: QueryResult, queueMs: number, evalMs: number): unknown {
  const s = evalMs / 1000;
  return {
    timings: {
      evalTotalTime: s,
      resultSortTime: 0,
      queryPreparationTime: 0,
      innerEvalTime: s,
      execQueueTime: queueMs / 1000,
      execTotalTime: (queueMs + evalMs) / 1000,
    },
    samples: {
      totalQueryableSamples: r.stats.samplesQueryable,
      peakSamples: r.stats.peakSamples,
    },
  };
}

function truncatedBy(v: QueryValue, limit: number): boolean {
  return (
    limit > 0 && (v.resultType === 'vector' || v.resultType === 'matrix') && v.series.length > limit
  );
}

/**
 * Wraps a query handler: aborts evaluation when the client goes away, renders errors in the
 * Prometheus envelope (jsonRoute's rules), and streams a success as JSON chunks
 * (query-stream.ts), gzip-compressed when the client accepts it (Grafana and promtool do;
 * Prometheus compresses too) and the body is not tiny. Compression runs on libuv's thread
 * pool, off the event loop.
 */
function queryRoute(
  deps: QueryDeps,
  fn: (req: FastifyRequest, signal: AbortSignal) => Promise<Evaluated>,
) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const aborter = new AbortController();
    const began = performance.now();
    const onClose = () => {
      if (!reply.raw.writableEnded) aborter.abort(new Error('the client closed the connection'));
    };
    reply.raw.once('close', onClose);
    let ev: Evaluated;
    try {
      ev = await fn(req, aborter.signal);
    } catch (err) {
      if (err instanceof TooManySeriesError) deps.limits.count(tenantOf(req), 'max_query_series');
      if (aborter.signal.aborted) {
        // Nobody reads the answer; say it in the log (the query text is the user's, kept short).
        deps.logger.info(
          {
            tenant: tenantOf(req),
            route: req.routeOptions.url,
            query: (paramsOf(req).get('query') ?? '').slice(0, 200),
            duration_ms: Math.round(performance.now() - began),
          },
          'query canceled: the client closed the connection',
        );
      }
      return errorReply(deps.logger, req, reply, err);
    } finally {
      reply.raw.off('close', onClose);
    }
    const { result: r, limit } = ev;
    const warnings = [...r.annotations.warnings];
    if (truncatedBy(r.value, limit)) warnings.push('results truncated due to limit');
    const chunks = queryResponseChunks(r.value, limit, {
      warnings,
      infos: r.annotations.infos,
      stats: ev.stats ? statsJson(r, ev.queueMs, ev.evalMs) : undefined,
    });
    void reply.header('content-type', 'application/json; charset=utf-8');
    const first = chunks.next();
    const second = first.done === true ? first : chunks.next();
    if (second.done === true) {
      // One chunk: the whole body is small, send it as is.
      return reply.header('vary', 'accept-encoding').send(first.done === true ? '' : first.value);
    }
    const body = Readable.from(
      (function* () {
        yield first.value;
        yield second.value;
        yield* chunks;
      })(),
      { objectMode: false },
    );
    if (!acceptsGzip(req)) return reply.send(body);
    void reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    const gzip = createGzip({ level: GZIP_LEVEL });
    pipeline(body, gzip, () => {});
    return reply.send(gzip);
  };
}

/** Fast, still ~10× smaller for query JSON: the CPU is better spent answering. */
const GZIP_LEVEL = 1;

/** Whether `Accept-Encoding` allows gzip (listed, or `*`, with a q-value above 0). */
export function acceptsGzip(req: FastifyRequest): boolean {
  const ae = req.headers['accept-encoding'];
  const header = Array.isArray(ae) ? ae.join(',') : (ae ?? '');
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.find((x) => x.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/**
 * Runs a query holding one of the tenant's slots (`max_concurrent_queries`). When all are
 * taken it waits in line, as Prometheus does; the wait counts against the query's timeout.
 */
async function gated(
  req: FastifyRequest,
  deps: QueryDeps,
  opts: QueryOptions,
  fn: (opts: QueryOptions) => Promise<QueryResult>,
): Promise<{ result: QueryResult; queueMs: number; evalMs: number }> {
  const gate = deps.limits.queryGate(tenantOf(req));
  const queued = performance.now();
  await gate.acquireWaiting(opts.timeoutMs, opts.signal);
  const began = performance.now();
  const queueMs = began - queued;
  try {
    const result = await fn({ ...opts, queuedMs: queueMs });
    return { result, queueMs, evalMs: performance.now() - began };
  } finally {
    gate.release();
  }
}

const queryParams = z.object({
  query: z.string().describe('PromQL expression'),
  time: z.string().optional().describe('Evaluation time: unix seconds or RFC3339; default now'),
  timeout: z.string().optional().describe('Evaluation timeout (capped by query.timeout)'),
  limit: z.string().optional().describe('Maximum number of series returned; 0 = no limit'),
  stats: z.string().optional().describe('Any value: include query statistics'),
});

const rangeParams = queryParams.omit({ time: true }).extend({
  start: z.string().describe('Start: unix seconds or RFC3339'),
  end: z.string().describe('End: unix seconds or RFC3339'),
  step: z.string().describe('Resolution: a duration (15s) or float seconds'),
});

const queryResponse = z.object({
  resultType: z.enum(['matrix', 'vector', 'scalar', 'string']),
  result: z.unknown(),
  stats: z.unknown().optional(),
});

const READ = { need: 'read', csrf: false } as const;
const TAG = 'PromQL';
const STATUSES = {
  422: 'the query failed while evaluating (execution): too many samples, many-to-many matching…',
  429: "the tenant's concurrent-query limit is reached",
  503: 'the query timed out',
};

/** `/api/v1/query` and `/api/v1/query_range` (GET, and form-encoded POST as Grafana sends). */
export function registerQueryRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: QueryDeps,
): void {
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/api/v1/query',
    access: READ,
    tag: TAG,
    summary: 'Instant query (Prometheus-compatible)',
    query: queryParams,
    response: queryResponse,
    statuses: STATUSES,
    handler: queryRoute(deps, async (req, signal) => {
      const p = paramsOf(req);
      const { opts, limit, stats } = optionsFor(req, p, deps, signal);
      const t = p.get('time');
      const time = t === null || t === '' ? Date.now() : parseTime('time', t);
      const expr = parseQuery(p, opts.experimental);
      const run = await gated(req, deps, opts, (o) =>
        deps.engine.instant(deps.storage, tenantOf(req), expr, time, o),
      );
      return { ...run, limit, stats };
    }),
  });

  table.add(app, {
    method: ['GET', 'POST'],
    url: '/api/v1/query_range',
    access: READ,
    tag: TAG,
    summary: 'Range query (Prometheus-compatible)',
    query: rangeParams,
    response: queryResponse,
    statuses: STATUSES,
    handler: queryRoute(deps, async (req, signal) => {
      const p = paramsOf(req);
      const start = parseTime('start', required(p, 'start'));
      const end = parseTime('end', required(p, 'end'));
      if (end < start)
        throw new ApiError('bad_data', 'end timestamp must not be before start time');
      const step = parseDurationParam('step', required(p, 'step'));
      if (step <= 0) {
        throw new ApiError(
          'bad_data',
          'zero or negative query resolution step widths are not accepted. Try a positive integer',
        );
      }
      // Prometheus compares the whole number of steps in the range, not the point count.
      if (Math.floor((end - start) / step) > MAX_POINTS) {
        throw new ApiError(
          'bad_data',
          'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
        );
      }
      const { opts, limit, stats } = optionsFor(req, p, deps, signal);
      const expr = parseQuery(p, opts.experimental);
      const run = await gated(req, deps, opts, (o) =>
        deps.engine.range(deps.storage, tenantOf(req), expr, start, end, step, o),
      );
      return { ...run, limit, stats };
    }),
  });
}
