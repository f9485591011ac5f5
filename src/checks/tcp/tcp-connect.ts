/**
 * A guarded TCP/TLS connect that also reports how long resolution, connect and the handshake
 * took (net's `guardedConnect` hides the socket until it is connected). The guard checks the
 * host before connecting and every resolved address in its `lookup` hook.
 */
import net, { type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { OutboundBlockedError, OutboundError } from '../../net/index.js';
import type { ProbeContext } from '../types.js';

export interface TimedSocket {
  socket: Socket | TLSSocket;
  /** ms spent resolving the name (0 for an IP literal). */
  resolveMs: number;
  connectMs: number;
  /** ms of the TLS handshake (0 without TLS). */
  tlsMs: number;
}

/**
 * Connects to `host:port` through `ctx.guard`; with `tlsOpts`, completes a TLS handshake.
 * Aborts on `ctx.signal`. The caller owns (and must destroy) the socket.
 * @throws OutboundBlockedError, InvalidDestinationError, OutboundError naming the target.
 */
export function timedConnect(
  ctx: ProbeContext,
  host: string,
  port: number,
  tlsOpts?: ConnectionOptions,
): Promise<TimedSocket> {
  const pre = ctx.guard.check(host, ctx.tenant);
  if (!pre.allowed) return Promise.reject(new OutboundBlockedError(host, pre.address, pre.reason));
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let resolved = start;
    let connected = start;
    const base = { host: pre.address ?? host, port, lookup: ctx.guard.lookupFor(ctx.tenant) };
    const sock = tlsOpts
      ? tls.connect({ ...base, servername: pre.address ? undefined : host, ...tlsOpts })
      : net.connect(base);
    const onAbort = (): void =>
      fail(
        new OutboundError(`cannot connect to ${target}: no connection within ${ctx.timeoutMs}ms`),
      );
    const fail = (err: unknown): void => {
      ctx.signal.removeEventListener('abort', onAbort);
      sock.destroy();
      reject(
        err instanceof OutboundError
          ? err
          : new OutboundError(`cannot connect to ${target}: ${netErrorText(err)}`, { cause: err }),
      );
    };
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort);
    sock.once('lookup', () => (resolved = performance.now()));
    sock.once('connect', () => (connected = performance.now()));
    sock.once('error', fail);
    sock.once(tlsOpts ? 'secureConnect' : 'connect', () => {
      ctx.signal.removeEventListener('abort', onAbort);
      sock.off('error', fail);
      const now = performance.now();
      if (!tlsOpts) connected = now;
      resolve({
        socket: sock,
        resolveMs: resolved - start,
        connectMs: connected - resolved,
        tlsMs: tlsOpts ? now - connected : 0,
      });
    });
  });
}

/** `self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`, `connect ECONNREFUSED …`. */
export function netErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}

/** An error's message plus its cause's when the message does not already say it. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (err instanceof OutboundBlockedError || !(cause instanceof Error)) return err.message;
  const inner = netErrorText(cause);
  return err.message.includes(inner) ? err.message : `${err.message}: ${inner}`;
}
