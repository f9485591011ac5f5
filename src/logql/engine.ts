import type { TenantId } from '../model/index.js';
import type { LogQueryable, LogTailable, LogTime } from '../storage/index.js';
import type { Expr } from './ast.js';
import { runLogQuery } from './engine-logs.js';
import { selectProcessed } from './engine-select.js';
import { LogqlEvalError } from './errors.js';
import { evaluateMetric } from './metric/index.js';
import { parseLogql } from './parse.js';
import { tailLog } from './tail.js';
import type {
  InstantQueryOptions,
  LogqlQueryEngine,
  LogqlResult,
  LogqlStats,
  LogStreamResult,
  RangeQueryOptions,
} from './types.js';

export interface LogqlEngineOptions {
  queryable: LogQueryable;
  /** Needed for `tail`; without it tail is a LogqlEvalError. */
  tailable?: LogTailable;
  /** Loki `max_entries_limit_per_query` (default 5000): a larger `limit` is refused. */
  maxEntriesLimit?: number;
  /** Loki `max_query_series` (default 500) for metric results. */
  maxSeries?: number;
  /** Wall clock, ms (tests). */
  now?: () => number;
  /** Called when a tail's pipeline or callback fails (the tail keeps going). */
  onTailError?: (err: unknown) => void;
}

const DEFAULT_LIMIT = 100;
const NS_PER_MS = 1_000_000n;

/** Loki 3.2's answer to a log selector on the instant endpoint (grafana/loki#13421). */
export const INSTANT_LOG_QUERY_MESSAGE =
  'log queries are not supported as an instant query type, please change your query to a range query type';

/**
 * The LogQL engine: parses, then runs a log query (merge across streams, `limit`,
 * `direction`, `interval`) or hands a metric query to the metric evaluator with a
 * `SelectProcessed` over the tenant's querier. Every query gets a fresh querier, so its
 * read stats are the query's.
 */
export class LogqlEngine implements LogqlQueryEngine {
  private readonly maxEntries: number;
  private readonly maxSeries: number;
  private readonly now: () => number;

  constructor(private readonly opts: LogqlEngineOptions) {
    this.maxEntries = opts.maxEntriesLimit ?? 5000;
    this.maxSeries = opts.maxSeries ?? 500;
    this.now = opts.now ?? ((): number => performance.now());
  }

  async instantQuery(
    tenant: TenantId,
    query: string,
    opts: InstantQueryOptions,
  ): Promise<{ result: LogqlResult; stats: LogqlStats }> {
    const expr = parseLogql(query);
    // Loki ≥ 3.2 refuses log queries here (they used to return an arbitrary window).
    if (expr.kind === 'log') throw new LogqlEvalError(INSTANT_LOG_QUERY_MESSAGE);
    const t = nsToMs(opts.time);
    return this.metric(tenant, expr, t, t, 1000, true, opts.signal);
  }

  async rangeQuery(
    tenant: TenantId,
    query: string,
    opts: RangeQueryOptions,
  ): Promise<{ result: LogqlResult; stats: LogqlStats }> {
    if (opts.end < opts.start)
      throw new LogqlEvalError(
        `cannot run query: end (${opts.end}) is before start (${opts.start})`,
      );
    const expr = parseLogql(query);
    if (expr.kind !== 'log') {
      const startMs = nsToMs(opts.start);
      const endMs = nsToMs(opts.end);
      const step = opts.stepMs ?? defaultStepMs(startMs, endMs);
      if (!(step > 0))
        throw new LogqlEvalError(`cannot run query: step must be > 0, got ${step} ms`);
      return this.metric(tenant, expr, startMs, endMs, step, false, opts.signal);
    }
    const limit = opts.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 0)
      throw new LogqlEvalError(
        `cannot run query: limit must be a non-negative integer, got ${limit}`,
      );
    if (limit > this.maxEntries)
      throw new LogqlEvalError(
        `max entries limit per query exceeded, limit > max_entries_limit (${limit} > ${this.maxEntries})`,
      );
    const began = this.now();
    const querier = this.opts.queryable.logQuerier(tenant);
    const streams: LogStreamResult[] =
      limit === 0
        ? []
        : await runLogQuery(querier, expr, {
            start: opts.start,
            end: opts.end,
            limit,
            direction: opts.direction ?? 'backward',
            interval: BigInt(Math.max(0, Math.round(opts.intervalMs ?? 0))) * NS_PER_MS,
            signal: opts.signal,
          });
    return {
      result: { type: 'streams', streams },
      stats: { read: querier.readStats(), execMs: this.now() - began },
    };
  }

  tail(
    tenant: TenantId,
    query: string,
    onEntries: (streams: LogStreamResult[]) => void,
  ): () => void {
    const expr = parseLogql(query);
    if (expr.kind !== 'log')
      throw new LogqlEvalError(
        'cannot tail a metric query: live tail takes a log query such as {app="api"} |= "error"',
      );
    return tailLog(this.opts.tailable, tenant, expr, onEntries, this.opts.onTailError);
  }

  private async metric(
    tenant: TenantId,
    expr: Exclude<Expr, { kind: 'log' }>,
    startMs: number,
    endMs: number,
    stepMs: number,
    instant: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ result: LogqlResult; stats: LogqlStats }> {
    const began = this.now();
    const querier = this.opts.queryable.logQuerier(tenant);
    const result = await evaluateMetric(expr, {
      select: selectProcessed(querier),
      startMs,
      endMs,
      stepMs,
      instant,
      signal,
      maxSeries: this.maxSeries,
    });
    return { result, stats: { read: querier.readStats(), execMs: this.now() - began } };
  }
}

function nsToMs(t: LogTime): number {
  return Number(t / NS_PER_MS);
}

/** Loki's default step: ceil(range / 250) in whole seconds, at least 1 s. */
export function defaultStepMs(startMs: number, endMs: number): number {
  return Math.max(1, Math.ceil((endMs - startMs) / 250 / 1000)) * 1000;
}
