import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorChain, type Logger } from '../util/index.js';
import type { ErrorType } from './errors.js';
import { FORM_CONTENT_TYPES } from './form.js';
import { STATIC_HEADERS } from './http-security.js';
import type { RouteTable } from './route-table.js';

function errorTypeOf(status: number): ErrorType {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'too_many_requests';
  if (status === 503) return 'unavailable';
  return status >= 500 ? 'internal' : 'bad_data';
}

function envelope(errorType: ErrorType, error: string) {
  return { status: 'error', errorType, error };
}

/** The content types a route's scope reads, for a 415 that says what to send instead. */
function acceptedTypes(reply: FastifyReply): string {
  const form = FORM_CONTENT_TYPES.filter((t) => reply.server.hasContentTypeParser(t));
  if (form.length > 0) return `send ${form.join(' or ')}, or the parameters in the URL`;
  return 'send application/json';
}

/** Plain words for fastify's own request errors (body parsing, size, media type). */
function describe(err: FastifyError, req: FastifyRequest, reply: FastifyReply): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `invalid JSON body: ${err.message}`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body exceeds ${req.routeOptions.bodyLimit ?? 0} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().slice(0, 100);
      return `unsupported Content-Type ${JSON.stringify(ct)} for ${req.method} ${req.routeOptions.url}: ${acceptedTypes(reply)}`;
    }
    default:
      return err.message;
  }
}

/** The path part of a URL, shortened: error messages never echo the query (it may hold secrets). */
function pathOf(url: string): string {
  const p = url.split('?')[0];
  return p.length > 200 ? `${p.slice(0, 200)}…` : p;
}

/**
 * Every error no route answered itself (fastify's body parsing, unknown routes, a known path with
 * another method, a handler that threw) in the same JSON envelope as the API, never a stack
 * trace; 5xx are logged.
 */
export function installFallbacks(app: FastifyInstance, logger: Logger, table: RouteTable): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status =
      err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600
        ? err.statusCode
        : 500;
    if (status >= 500) logger.error({ err: errorChain(err), url: req.url }, 'request failed');
    const message = status >= 500 ? 'internal error' : describe(err, req, reply);
    return reply.code(status).send(envelope(errorTypeOf(status), message));
  });
  app.setNotFoundHandler((req, reply) => {
    const path = pathOf(req.url);
    const allowed = table.methodsFor(path);
    if (allowed.length === 0 || allowed.includes(req.method))
      return reply.code(404).send(envelope('not_found', `no route ${req.method} ${path}`));
    // As Prometheus's router: a known path with another method is a 405 with Allow.
    return reply
      .code(405)
      .header('allow', allowed.join(', '))
      .send(
        envelope(
          'bad_data',
          `method ${req.method} not allowed for ${path}; allowed: ${allowed.join(', ')}`,
        ),
      );
  });
}

/** Longest path parameter (a label name in /api/v1/label/:name/values) the router matches. */
export const MAX_PARAM_LENGTH = 4096;

/** Errors the router raises before any route or hook runs (bad percent-encoding, long params). */
function frameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  // No hook runs for these requests: the security headers are set here.
  void reply.headers(STATIC_HEADERS);
  const path = pathOf(req.url);
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply
      .code(414)
      .send(
        envelope(
          'bad_data',
          `a path parameter of ${path} is longer than ${MAX_PARAM_LENGTH} characters`,
        ),
      );
    return;
  }
  const message =
    err.code === 'FST_ERR_BAD_URL'
      ? `invalid URL path ${JSON.stringify(path)}: bad percent-encoding (write % as %25)`
      : `cannot route request: ${err.message}`;
  void reply.code(400).send(envelope('bad_data', message));
}

/**
 * Errors of the HTTP parser, before there is a request (headers too large, a malformed request,
 * a timeout): the API envelope, naming the problem but never echoing the request.
 */
function clientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let body = envelope('bad_data', 'malformed HTTP request');
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    body = envelope(
      'bad_data',
      `request header fields too large: the request line and headers exceed ${http.maxHeaderSize} bytes`,
    );
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    body = envelope('timeout', 'request timeout: the request was not received in time');
  }
  const text = JSON.stringify(body);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${text}`,
    );
  socket.destroy(err);
}

/**
 * Server options every Argus fastify instance is created with, so that the router's and the HTTP
 * parser's own errors use the API envelope too.
 */
export function httpServerOptions() {
  return {
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  } as const;
}
