/** One unary `grpc.health.v1.Health/Check` call on an HTTP/2 session. */
import type { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2';
import { errorChain } from '../../util/index.js';
import type { ProbeContext } from '../types.js';
import { decodeHealthResponse, encodeHealthRequest } from './health-proto.js';

export interface HealthCallResult {
  /** grpc-status (2, UNKNOWN, when the server sent none or a broken answer). */
  readonly code: number;
  /** grpc-message, percent-decoded. */
  readonly message?: string;
  /** The serving status from the response message, when there was one. */
  readonly status?: number;
  /** A transport or protocol failure (the call did not complete as gRPC). */
  readonly error?: string;
}

const UNKNOWN = 2;

/** Makes the call; resolves with what came back (never rejects). */
export function callHealthCheck(
  session: ClientHttp2Session,
  service: string,
  metadata: Readonly<Record<string, string>>,
  ctx: ProbeContext,
): Promise<HealthCallResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: HealthCallResult): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    const fail = (what: string): void => finish({ code: UNKNOWN, error: what });
    session.on('error', (err) => fail(`cannot call gRPC health: ${errorChain(err)}`));
    const req = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': `${Math.max(1, Math.ceil(ctx.timeoutMs))}m`,
      'user-agent': 'argus-health-check',
      ...metadata,
    });
    req.on('error', (err) => fail(`cannot call gRPC health: ${errorChain(err)}`));
    let headers: IncomingHttpHeaders | undefined;
    let trailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('response', (h) => (headers = h));
    req.on('trailers', (t: IncomingHttpHeaders) => (trailers = t));
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > ctx.maxBodyBytes) {
        req.close();
        fail(`cannot read gRPC health response: more than ${ctx.maxBodyBytes} bytes`);
      } else chunks.push(d);
    });
    req.on('close', () => {
      if (!headers) return fail('cannot call gRPC health: stream closed without a response');
      const http = Number(headers[':status']);
      // Trailers-only responses carry grpc-status in the headers.
      const end = trailers ?? headers;
      const raw = end['grpc-status'];
      if (raw === undefined) {
        const ct = String(headers['content-type'] ?? 'none');
        return fail(
          `cannot call gRPC health: HTTP status ${http} (content-type ${ct}) without grpc-status; is this a gRPC server?`,
        );
      }
      const code = Number(raw);
      const msgRaw = end['grpc-message'];
      const message = typeof msgRaw === 'string' ? decodeMessage(msgRaw) : undefined;
      if (code !== 0) return finish({ code, ...(message && { message }) });
      try {
        const status = decodeHealthResponse(Buffer.concat(chunks));
        finish({ code, status });
      } catch (err) {
        finish({ code: UNKNOWN, error: errorChain(err) });
      }
    });
    req.end(encodeHealthRequest(service));
  });
}

function decodeMessage(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
