import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  parseDurationMs,
  parseExpr,
  PromQLParseError,
  type Expr,
  type QueryEngine,
  type QueryOptions,
  type QueryResult,
} from '../promql/index.js';
import type { Queryable } from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import { ApiError, badParam } from './errors.js';
import { parseLimit, paramsOf, parseTime } from './params.js';
import { queryValueJson, type QueryValueJson } from './query-format.js';
import { jsonRoute, type Answer } from './respond.js';
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
): { opts: QueryOptions; limit: number; stats: boolean } {
  const base = deps.options();
  const opts = { ...base };
  const to = p.get('timeout');
  if (to !== null && to !== '') {
    const ms = parseDurationParam('timeout', to);
    if (ms <= 0) throw badParam('timeout', `want a duration > 0, got ${JSON.stringify(to)}`);
    opts.timeoutMs = Math.min(ms, base.timeoutMs);
  }
  const tenantMax = deps.limits.for(tenantOf(req)).max_query_samples;
  if (tenantMax > 0) opts.maxSamples = Math.min(opts.maxSamples, tenantMax);
  return { opts, limit: parseLimit(p), stats: (p.get('stats') ?? '') !== '' };
}

interface QueryData extends Record<string, unknown> {
  resultType: QueryValueJson['resultType'];
  result: QueryValueJson['result'];
  stats?: unknown;
}

function answer(
  r: QueryResult,
  limit: number,
  stats: boolean,
  elapsedMs: number,
): Answer<QueryData> {
  const { json, truncated } = queryValueJson(r.value, limit);
  const data: QueryData = { resultType: json.resultType, result: json.result };
  if (stats) {
    const s = elapsedMs / 1000;
    data.stats = {
      timings: {
        evalTotalTime: s,
        resultSortTime: 0,
        queryPreparationTime: 0,
        innerEvalTime: s,
        execQueueTime: 0,
        execTotalTime: s,
      },
      samples: { totalQueryableSamples: r.stats.samplesLoaded, peakSamples: r.stats.peakSamples },
    };
  }
  const warnings = [...r.annotations.warnings];
  if (truncated) warnings.push('results truncated due to limit');
  return { data, warnings, infos: r.annotations.infos };
}

/** Runs `fn` holding one of the tenant's query slots (refused at once when all are taken). */
async function gated<T>(req: FastifyRequest, deps: QueryDeps, fn: () => Promise<T>): Promise<T> {
  const gate = deps.limits.queryGate(tenantOf(req));
  gate.acquire();
  try {
    return await fn();
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
    handler: jsonRoute(deps.logger, (req) => {
      const p = paramsOf(req);
      const { opts, limit, stats } = optionsFor(req, p, deps);
      const t = p.get('time');
      const time = t === null || t === '' ? Date.now() : parseTime('time', t);
      const expr = parseQuery(p, opts.experimental);
      return gated(req, deps, async () => {
        const began = performance.now();
        const r = await deps.engine.instant(deps.storage, tenantOf(req), expr, time, opts);
        return answer(r, limit, stats, performance.now() - began);
      });
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
    handler: jsonRoute(deps.logger, (req) => {
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
      const { opts, limit, stats } = optionsFor(req, p, deps);
      const expr = parseQuery(p, opts.experimental);
      return gated(req, deps, async () => {
        const began = performance.now();
        const r = await deps.engine.range(
          deps.storage,
          tenantOf(req),
          expr,
          start,
          end,
          step,
          opts,
        );
        return answer(r, limit, stats, performance.now() - began);
      });
    }),
  });
}
