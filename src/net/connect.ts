/** Guarded TCP connections (TCP/TLS checks) and DNS resolution (DNS-driven checks). */
import net, { type Socket } from 'node:net';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { OutboundBlockedError, OutboundError, OutboundTimeoutError } from './errors.js';
import type { OutboundGuard } from './guard.js';

export interface GuardedConnectOptions {
  tenant?: string;
  /** Deadline for resolution + connect (+ TLS handshake); default the guard's timeout. */
  timeoutMs?: number;
  /** Connect with TLS using these options (`servername` defaults to the host name). */
  tls?: ConnectionOptions;
}

/**
 * Opens a TCP (or TLS) connection to a user-supplied host and port through the guard. The
 * returned socket is connected (handshaken for TLS) and owned by the caller.
 * @throws OutboundBlockedError, ResolveError, InvalidDestinationError, OutboundTimeoutError, or
 *   OutboundError wrapping a network error.
 */
export function guardedConnect(
  guard: OutboundGuard,
  host: string,
  port: number,
  opts: GuardedConnectOptions = {},
): Promise<Socket | TLSSocket> {
  const pre = guard.check(host, opts.tenant);
  if (!pre.allowed) return Promise.reject(new OutboundBlockedError(host, pre.address, pre.reason));
  const target = `${host}:${port}`;
  const timeoutMs = opts.timeoutMs ?? guard.timeoutMs;
  return new Promise((resolve, reject) => {
    const base = { host: pre.address ?? host, port, lookup: guard.lookupFor(opts.tenant) };
    const sock = opts.tls
      ? tls.connect({ ...base, servername: pre.address ? undefined : host, ...opts.tls })
      : net.connect(base);
    const timer = setTimeout(() => fail(new OutboundTimeoutError(target, timeoutMs)), timeoutMs);
    const fail = (err: unknown): void => {
      clearTimeout(timer);
      sock.destroy();
      reject(
        err instanceof OutboundError
          ? err
          : new OutboundError(`cannot connect to ${target}`, { cause: err }),
      );
    };
    sock.once('error', fail);
    sock.once(opts.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      sock.off('error', fail);
      resolve(sock);
    });
  });
}

export interface GuardedResolveOptions {
  tenant?: string;
  /** 4: A records, 6: AAAA records, 0 (default): both. */
  family?: 0 | 4 | 6;
}

/**
 * Resolves a user-supplied name to its addresses and refuses the answer when any address is not
 * allowed (a DNS check must not become a way to map internal names).
 * @throws OutboundBlockedError, ResolveError, InvalidDestinationError
 */
export async function guardedResolve(
  guard: OutboundGuard,
  name: string,
  opts: GuardedResolveOptions = {},
): Promise<string[]> {
  const found = await guard.resolve(name, opts.family ?? 0, opts.tenant);
  return found.map((a) => a.address);
}
