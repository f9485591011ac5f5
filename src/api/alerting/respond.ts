import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AckTokenError,
  AlertLimitError,
  AlertValidationError,
  MatcherParseError,
  SilenceLimitError,
  SilenceNotFoundError,
  SilenceValidationError,
} from '../../alerting/index.js';
import { InvalidMatcherError } from '../../model/index.js';
import type { Logger } from '../../util/index.js';
import { errorChain } from '../../util/index.js';
import { ApiError, toApiError } from '../errors.js';

/** The alerting module's errors in the API's closed set. */
export function mapAlertingError(err: unknown): unknown {
  if (
    err instanceof AlertValidationError ||
    err instanceof SilenceValidationError ||
    err instanceof MatcherParseError ||
    err instanceof InvalidMatcherError ||
    err instanceof AckTokenError
  )
    return new ApiError('bad_data', err.message, { cause: err });
  if (err instanceof SilenceNotFoundError)
    return new ApiError('not_found', err.message, { cause: err });
  if (err instanceof SilenceLimitError || err instanceof AlertLimitError)
    return new ApiError('too_many_requests', err.message, { cause: err });
  return err;
}

/**
 * An Alertmanager API v2 handler: the answer is the JSON value itself (no Prometheus envelope)
 * and an error is a JSON string with the status, as Alertmanager's go-swagger server answers
 * (amtool prints that string).
 */
export function amRoute<T>(
  logger: Logger,
  fn: (req: FastifyRequest, reply: FastifyReply) => Promise<T> | T,
) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<T | string> => {
    try {
      return await fn(req, reply);
    } catch (err) {
      const e = toApiError(mapAlertingError(err));
      if (e.errorType === 'internal')
        logger.error({ err: errorChain(err), url: req.url }, 'cannot answer API request');
      void reply.code(e.status).type('application/json; charset=utf-8');
      if (e.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(Math.max(1, Math.ceil(e.retryAfterSeconds))));
      // A bare string would be sent as text by fastify: serialise it ourselves.
      return JSON.stringify(e.message);
    }
  };
}

/** Wraps a handler so the alerting module's errors map to API errors (for `jsonRoute`). */
export const mapped =
  <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
  async (...a: A): Promise<R> => {
    try {
      return await fn(...a);
    } catch (err) {
      throw mapAlertingError(err);
    }
  };

/** Go's time.Time as Alertmanager's API writes it (RFC3339 with milliseconds); 0 = Go's zero time. */
export function goTime(ms: number): string {
  return ms === 0 ? '0001-01-01T00:00:00.000Z' : new Date(ms).toISOString();
}
