import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  LogqlEvalError,
  LogqlParseError,
  parseLogql,
  type LogqlQueryEngine,
} from '../../logql/index.js';
import type { Matcher } from '../../model/index.js';
import type { TenantLimits } from '../../tenancy/index.js';
import { errorChain, type Logger } from '../../util/index.js';
import { ApiError, toApiError } from '../errors.js';
import type { CorsConfig } from '../http-security.js';
import { paramsOf } from '../params.js';
import { tenantOf } from '../tenant.js';
import type { LogsApiSource } from './source.js';

/** What the Loki query routes and the tail need (wired by `registerApi` when logs are on). */
export interface LogQueryDeps {
  logs: LogsApiSource;
  limits: TenantLimits;
  logger: Logger;
  /** Argus's version (buildinfo's revision). */
  version: string;
  /** The longest a query may run, ms (`query.timeout`, read per request). */
  timeoutMs(): number;
  /** `server.cors` (read per request): the origins a session-authenticated tail may come from. */
  cors(): CorsConfig;
}

/** Loki routes only read (POST forms are reads: no CSRF token needed). */
export const READ = { need: 'read', csrf: false } as const;
export const TAG = 'Logs (Loki API)';
export const TEXT_ERRORS = {
  400: 'a bad parameter or LogQL query: Loki\'s plain-text message ("parse error at line 1, col 5: …")',
  429: "the tenant's concurrent-query limit is reached",
  500: 'the store could not be read',
  504: 'the query timed out',
};

/** Loki's answer to a query that ran out of time (HTTP 504). */
export const TIMEOUT_MESSAGE =
  'Request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed.';

/** A query that ran past its deadline. */
export class QueryTimeoutError extends ApiError {
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super('timeout', `${TIMEOUT_MESSAGE} (timeout ${timeoutMs / 1000}s)`, options);
  }
}

/** An error as Loki answers it: status and plain-text message (`parse error at line 1, col 5: …`). */
export function lokiError(err: unknown): { status: number; message: string; internal: boolean } {
  if (err instanceof LogqlParseError || err instanceof LogqlEvalError)
    return { status: 400, message: err.message, internal: false };
  if (err instanceof QueryTimeoutError)
    return { status: 504, message: err.message, internal: false };
  const e = toApiError(err);
  // A store read failure is the server's fault in Loki (500), not the query's (Prometheus 422).
  const status = e.errorType === 'execution' ? 500 : e.status;
  return { status, message: e.message, internal: e.errorType === 'internal' };
}

/** Sends `err` as Loki does: the status, `text/plain`, the message and a newline (Go's http.Error). */
export function sendLokiError(
  logger: Logger,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
): FastifyReply {
  const e = lokiError(err);
  if (e.internal) logger.error({ err: errorChain(err), url: req.url }, 'cannot answer log query');
  const retry = toApiError(err).retryAfterSeconds;
  if (e.status === 429 && retry !== undefined)
    void reply.header('retry-after', String(Math.max(1, Math.ceil(retry))));
  return reply
    .code(e.status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .send(`${e.message}\n`);
}

/** A handler's answer: JSON text (sent as is) or a value to serialise. */
export type LokiAnswer = { json: string } | { value: unknown };

/**
 * Wraps a Loki route: a signal that aborts when the client goes away or the query timeout
 * passes; success as JSON, any error as Loki's plain text.
 */
export function lokiRoute(
  deps: LogQueryDeps,
  fn: (req: FastifyRequest, p: URLSearchParams, signal: AbortSignal) => Promise<LokiAnswer>,
) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const client = new AbortController();
    const onClose = (): void => {
      if (!reply.raw.writableEnded) client.abort(new Error('the client closed the connection'));
    };
    reply.raw.once('close', onClose);
    const timeoutMs = deps.timeoutMs();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([client.signal, timeout]);
    try {
      const a = await fn(req, paramsOf(req), signal);
      void reply.header('content-type', 'application/json; charset=utf-8');
      return reply.send('json' in a ? a.json : JSON.stringify(a.value));
    } catch (err) {
      if (timeout.aborted && !client.signal.aborted)
        return sendLokiError(
          deps.logger,
          req,
          reply,
          new QueryTimeoutError(timeoutMs, { cause: err }),
        );
      return sendLokiError(deps.logger, req, reply, err);
    } finally {
      reply.raw.off('close', onClose);
    }
  };
}

/**
 * Runs `fn` holding one of the tenant's query slots (`max_concurrent_queries`), waiting in line
 * as the PromQL routes do. Returns the wait (ms) with the result.
 */
export async function gated<T>(
  req: FastifyRequest,
  deps: LogQueryDeps,
  signal: AbortSignal,
  fn: () => Promise<T>,
): Promise<{ value: T; queueMs: number }> {
  const gate = deps.limits.queryGate(tenantOf(req));
  const queued = performance.now();
  // The query's deadline (the signal) covers the wait: it, not the gate, ends a long wait (504).
  await gate.acquireWaiting(deps.timeoutMs() + 1000, signal);
  const queueMs = performance.now() - queued;
  try {
    return { value: await fn(), queueMs };
  } finally {
    gate.release();
  }
}

/** The stream selector of a LogQL `query`/`match[]` parameter (its pipeline is ignored, as Loki). */
export function selectorOf(engineQuery: string, param: string): Matcher[] {
  const expr = parseLogql(engineQuery);
  if (expr.kind !== 'log')
    throw new ApiError(
      'bad_data',
      `invalid ${param}: want a stream selector like {app="api"}, got a metric query`,
    );
  return expr.matchers;
}

export type { LogqlQueryEngine };
