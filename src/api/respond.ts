import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../util/index.js';
import { errorChain } from '../util/index.js';
import { ApiError, toApiError, type ErrorType, type Failure, type Success } from './errors.js';

/** What a JSON route handler returns: its data, optionally with warnings. */
export interface Answer<T> {
  data: T;
  warnings?: string[];
  /** Informational annotations (PromQL `infos`). */
  infos?: string[];
}

/**
 * Wraps a handler in the Prometheus envelope: `{status:"success",data}` or, for any thrown
 * error, `{status:"error",errorType,error}` with the mapped HTTP status. Internal errors are
 * logged with their cause chain; user errors are not.
 */
export function jsonRoute<T>(
  logger: Logger,
  fn: (req: FastifyRequest, reply: FastifyReply) => Promise<Answer<T>> | Answer<T>,
) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<Success<T> | Failure> => {
    try {
      const a = await fn(req, reply);
      const body: Success<T> = { status: 'success', data: a.data };
      if (a.warnings && a.warnings.length > 0) body.warnings = a.warnings;
      if (a.infos && a.infos.length > 0) body.infos = a.infos;
      return body;
    } catch (err) {
      return errorReply(logger, req, reply, err);
    }
  };
}

/**
 * The Prometheus error envelope for any thrown error, with its HTTP status (and Retry-After
 * for 429s). Internal errors are logged with their cause chain; user errors are not.
 */
export function errorReply(
  logger: Logger,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
): Failure {
  const e = toApiError(err);
  if (e.errorType === 'internal')
    logger.error({ err: errorChain(err), url: req.url }, 'cannot answer API request');
  void reply.code(e.status);
  if (e.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(Math.max(1, Math.ceil(e.retryAfterSeconds))));
  return { status: 'error', errorType: e.errorType, error: e.message };
}

/** A module's typed errors and the API error type each answers as. */
export type ErrorMap = readonly (readonly [new (...args: never[]) => Error, ErrorType])[];

/**
 * Wraps handlers so a module's typed errors (not found, conflict, invalid…) answer as the API
 * error types the table gives; anything else is left to `jsonRoute`.
 */
export function mapErrors(map: ErrorMap) {
  return <T>(fn: (req: FastifyRequest, reply: FastifyReply) => Promise<Answer<T>>) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<Answer<T>> => {
      try {
        return await fn(req, reply);
      } catch (err) {
        for (const [cls, type] of map)
          if (err instanceof cls) throw new ApiError(type, err.message, { cause: err });
        throw err;
      }
    };
}
