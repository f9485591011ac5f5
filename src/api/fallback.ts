import type { FastifyError, FastifyInstance } from 'fastify';
import { errorChain, type Logger } from '../util/index.js';
import type { ErrorType } from './errors.js';

function errorTypeOf(status: number): ErrorType {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'too_many_requests';
  if (status === 503) return 'unavailable';
  return status >= 500 ? 'internal' : 'bad_data';
}

/** Plain words for fastify's own request errors (body parsing, size, media type). */
function describe(err: FastifyError, limit: number): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `invalid JSON body: ${err.message}`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body exceeds ${limit} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `unsupported Content-Type: ${err.message}; send application/json`;
    default:
      return err.message;
  }
}

/**
 * Every error no route answered itself (fastify's body parsing, unknown routes, a handler
 * that threw) in the same JSON envelope as the API, never a stack trace; 5xx are logged.
 */
export function installFallbacks(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status =
      err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600
        ? err.statusCode
        : 500;
    if (status >= 500) logger.error({ err: errorChain(err), url: req.url }, 'request failed');
    const message =
      status >= 500 ? 'internal error' : describe(err, req.routeOptions.bodyLimit ?? 0);
    return reply
      .code(status)
      .send({ status: 'error', errorType: errorTypeOf(status), error: message });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      status: 'error',
      errorType: 'not_found',
      error: `no route ${req.method} ${req.url.split('?')[0]}`,
    }),
  );
}
