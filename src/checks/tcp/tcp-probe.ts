/** One probe of a tcp check: connect (optionally TLS), send, expect. */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { RE2JS } from 're2js';
import {
  certMetrics,
  peerCertificates,
  tlsConnectionOptions,
  tlsVersionLabel,
} from '../tls/tls-certs.js';
import type { ProbeContext, ProbeMetric, ProbeResult } from '../types.js';
import { describeError, type TimedSocket, timedConnect } from './tcp-connect.js';
import type { TcpSpec } from './tcp-schema.js';

export async function probeTcp(spec: TcpSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const start = ctx.now();
  const metrics: ProbeMetric[] = [];
  const detail: Record<string, string | number | boolean> = {};
  let conn: TimedSocket | undefined;
  let error: string | undefined;
  let regexFailed = false;
  try {
    const tlsOpts =
      spec.tls === false
        ? undefined
        : await tlsConnectionOptions(spec.tls === true ? undefined : spec.tls, ctx);
    conn = await timedConnect(ctx, spec.host, spec.port, tlsOpts);
    metrics.push({
      name: 'probe_dns_lookup_time_seconds',
      value: conn.resolveMs / 1000,
      help: 'Returns the time taken for probe dns lookup in seconds',
    });
    if (conn.socket.remoteAddress) detail.address = conn.socket.remoteAddress;
    if (tlsOpts) {
      const sock = conn.socket as TLSSocket;
      metrics.push(...certMetrics(peerCertificates(sock), sock.getProtocol()));
      detail.tls_version = tlsVersionLabel(sock.getProtocol());
    }
    if (spec.send !== undefined) conn.socket.write(spec.send);
    if (spec.expect !== undefined) {
      const limit = Math.min(spec.max_read_bytes, ctx.maxBodyBytes);
      const got = await readUntil(conn.socket, RE2JS.compile(spec.expect), limit, ctx.signal);
      if (!got.matched) {
        regexFailed = true;
        error = `read ${JSON.stringify(preview(got.text))} (${got.why}), want a match of ${JSON.stringify(spec.expect)}`;
      }
    }
  } catch (err) {
    error = describeError(err);
  } finally {
    conn?.socket.destroy();
  }
  if (spec.expect !== undefined)
    metrics.push({
      name: 'probe_failed_due_to_regex',
      value: regexFailed ? 1 : 0,
      help: 'Indicates if probe failed due to regex',
    });
  return {
    success: error === undefined,
    durationSeconds: (ctx.now() - start) / 1000,
    ...(error !== undefined ? { error } : {}),
    metrics,
    detail,
  };
}

interface ReadResult {
  matched: boolean;
  text: string;
  why: string;
}

/** Reads until `re` matches what was read, the peer closes, `limit` bytes, or the signal. */
function readUntil(
  sock: Socket,
  re: RE2JS,
  limit: number,
  signal: AbortSignal,
): Promise<ReadResult> {
  return new Promise((resolve) => {
    let text = '';
    let bytes = 0;
    const done = (matched: boolean, why: string): void => {
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      resolve({ matched, text, why });
    };
    const onData = (chunk: Buffer): void => {
      const room = limit - bytes;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      bytes += part.length;
      text += part.toString('utf8');
      if (re.matcher(text).find()) done(true, 'matched');
      else if (bytes >= limit) done(false, `read limit of ${limit} bytes reached`);
    };
    const onEnd = (): void => done(false, 'connection closed');
    const onError = (err: Error): void => done(false, `read failed: ${err.message}`);
    const onAbort = (): void => done(false, 'timed out');
    if (signal.aborted) return onAbort();
    sock.on('data', onData);
    sock.once('end', onEnd);
    sock.once('error', onError);
    signal.addEventListener('abort', onAbort);
  });
}

function preview(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
