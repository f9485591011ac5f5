/**
 * Guarded HTTP(S) requests: every hop (the first URL and each redirect) is checked by the guard,
 * before connecting for IP literals and at connect time, through the `lookup` hook, for names.
 * Built on node:http because global fetch offers no lookup hook.
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ConnectionOptions, PeerCertificate, TLSSocket } from 'node:tls';
import {
  InvalidDestinationError,
  OutboundBlockedError,
  OutboundError,
  OutboundTimeoutError,
  ResponseTooLargeError,
  TooManyRedirectsError,
} from './errors.js';
import type { OutboundGuard } from './guard.js';

export interface GuardedRequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  /** Whose allow-list applies (the global list plus this tenant's). */
  tenant?: string;
  /** Redirects followed before TooManyRedirectsError (default 5). */
  maxRedirects?: number;
  /** false: return a 3xx response as it is instead of following it. */
  followRedirects?: boolean;
  /** Override the guard's body cap / overall deadline for this request. */
  maxBodyBytes?: number;
  timeoutMs?: number;
  tls?: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;
  signal?: AbortSignal;
  /**
   * Called once per answered hop (each redirect and the final response, in order) with its
   * phase timings and, for https, the peer's certificates. Opt-in: checks use it for
   * blackbox_exporter's per-phase durations and certificate metrics. MUST NOT throw.
   */
  onHop?: (info: HopInfo) => void;
}

/** Per-phase durations of one hop in ms (blackbox_exporter's `probe_http_duration_seconds`). */
export interface HopTimings {
  /** Name resolution (0 for IP literals). */
  resolveMs: number;
  /** TCP connect after resolution. */
  connectMs: number;
  /** TLS handshake (0 for http). */
  tlsMs: number;
  /** From connected (handshaken) until the response headers arrived. */
  processingMs: number;
  /** Reading the body (0 for a redirect, whose body is not read). */
  transferMs: number;
}

/** The TLS session of an https hop. */
export interface HopTls {
  /** e.g. `TLSv1.3`. */
  protocol: string | null;
  /** Whether the chain verified (false only with `rejectUnauthorized: false`). */
  authorized: boolean;
  authorizationError?: string;
  /** The peer's certificates, leaf first, following each issuer (a self-signed root once). */
  certificates: PeerCertificate[];
}

export interface HopInfo {
  url: string;
  status: number;
  /** e.g. `1.1`. */
  httpVersion: string;
  /** The remote address connected to. */
  remoteAddress?: string;
  timings: HopTimings;
  tls?: HopTls;
}

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL the final response came from. */
  url: string;
  /** Every URL redirected to, in order (the final URL last). */
  redirects: string[];
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

interface Hop {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  body: Buffer | undefined;
  redirected: boolean;
}

/** Aborts the hop in flight when the overall deadline passes or the caller's signal fires. */
class Deadline {
  private abortHop: ((err: Error) => void) | undefined;
  failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onSignal: () => void;
  constructor(
    target: string,
    timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(
      () => this.fail(new OutboundTimeoutError(target, timeoutMs)),
      timeoutMs,
    );
    this.onSignal = () =>
      this.fail(new OutboundError(`cannot request ${target}: aborted`, { cause: signal?.reason }));
    if (signal?.aborted) this.onSignal();
    else signal?.addEventListener('abort', this.onSignal);
  }
  private fail(err: Error): void {
    this.failure ??= err;
    this.abortHop?.(this.failure);
  }
  onAbort(fn: ((err: Error) => void) | undefined): void {
    this.abortHop = fn;
  }
  /** MUST be called once the request settles: the timer would keep the process alive. */
  clear(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onSignal);
  }
}

/**
 * Makes an HTTP(S) request to a user-supplied URL through the guard, following redirects itself
 * and re-checking every hop (http and https only). Credentials are dropped on a cross-origin
 * redirect. The body is capped and the whole exchange bounded by one deadline.
 * @throws OutboundBlockedError naming the refused hop, InvalidDestinationError,
 *   ResponseTooLargeError, OutboundTimeoutError, TooManyRedirectsError, ResolveError, or
 *   OutboundError wrapping a network error.
 */
export async function guardedRequest(
  guard: OutboundGuard,
  url: string,
  opts: GuardedRequestOptions = {},
): Promise<GuardedResponse> {
  const maxRedirects = opts.maxRedirects ?? 5;
  const maxBody = opts.maxBodyBytes ?? guard.maxBodyBytes;
  const first = parseUrl(url);
  const deadline = new Deadline(url, opts.timeoutMs ?? guard.timeoutMs, opts.signal);
  const redirects: string[] = [];
  let hop: Hop = {
    url: first,
    method: (opts.method ?? 'GET').toUpperCase(),
    headers: { ...opts.headers },
    body: opts.body === undefined ? undefined : Buffer.from(opts.body),
    redirected: false,
  };
  try {
    for (;;) {
      if (deadline.failure) throw deadline.failure;
      const res = await requestHop(guard, hop, opts, maxBody, deadline);
      const location = res.headers.location;
      if (!REDIRECT.has(res.status) || location === undefined || opts.followRedirects === false) {
        return { ...res, url: hop.url.href, redirects };
      }
      const next = parseUrl(location, hop.url);
      if (redirects.length >= maxRedirects)
        throw new TooManyRedirectsError(next.href, maxRedirects);
      redirects.push(next.href);
      hop = nextHop(hop, next, res.status);
    }
  } finally {
    deadline.clear();
  }
}

function parseUrl(s: string, base?: URL): URL {
  let u: URL;
  try {
    u = new URL(s, base);
  } catch (err) {
    throw new InvalidDestinationError(`cannot request ${JSON.stringify(s)}: not a valid URL`, {
      cause: err,
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InvalidDestinationError(
      `cannot request ${u.href}: scheme ${JSON.stringify(u.protocol.slice(0, -1))} is not http or https`,
    );
  }
  return u;
}

/** The request a redirect asks for: 303 (and 301/302 after POST) become GET without a body. */
function nextHop(prev: Hop, url: URL, status: number): Hop {
  const headers = { ...prev.headers };
  let { method, body } = prev;
  if (
    (status === 303 && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    method = 'GET';
    body = undefined;
    for (const h of Object.keys(headers)) {
      if (/^content-(type|length|encoding)$/i.test(h)) delete headers[h];
    }
  }
  if (url.origin !== prev.url.origin) {
    for (const h of Object.keys(headers)) {
      if (CREDENTIAL_HEADERS.includes(h.toLowerCase())) delete headers[h];
    }
  }
  return { url, method, headers, body, redirected: true };
}

/** Strips the brackets WHATWG keeps around IPv6 hosts (node:http wants them bare). */
function bareHost(u: URL): string {
  return u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
}

function requestHop(
  guard: OutboundGuard,
  hop: Hop,
  opts: GuardedRequestOptions,
  maxBody: number,
  deadline: Deadline,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const { url } = hop;
  const host = bareHost(url);
  const named = (err: OutboundError): OutboundError =>
    err instanceof OutboundBlockedError && hop.redirected
      ? new OutboundBlockedError(err.host, err.address, err.reason, url.href)
      : err;
  // IP literals never reach the lookup hook (node connects to them directly): check them here.
  const pre = guard.check(host, opts.tenant);
  if (!pre.allowed) throw named(new OutboundBlockedError(host, pre.address, pre.reason));

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      deadline.onAbort(undefined);
      req.destroy();
      reject(err instanceof OutboundError ? named(err) : wrapNetError(url, err));
    };
    const mod = url.protocol === 'https:' ? https : http;
    const headers: OutgoingHttpHeaders = { ...hop.headers };
    if (hop.body !== undefined) headers['content-length'] = hop.body.length;
    const auth = url.username
      ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      : undefined;
    const req = mod.request({
      host: pre.address ?? host,
      port: url.port || undefined,
      path: url.pathname + url.search,
      method: hop.method,
      headers,
      auth,
      agent: false, // a fresh connection per hop, so every connect goes through the lookup hook
      lookup: guard.lookupFor(opts.tenant),
      ...(url.protocol === 'https:'
        ? { ...opts.tls, servername: opts.tls?.servername ?? (pre.address ? undefined : host) }
        : {}),
    });
    deadline.onAbort(fail);
    req.on('error', fail);
    const timer = opts.onHop ? new HopTimer(req) : undefined;
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      timer?.responded();
      const report = (): void =>
        opts.onHop?.({
          url: url.href,
          status,
          httpVersion: res.httpVersion,
          remoteAddress: res.socket.remoteAddress,
          timings: timer!.timings(),
          tls: timer!.tls,
        });
      if (REDIRECT.has(status) && res.headers.location !== undefined) {
        res.resume();
        settled = true;
        deadline.onAbort(undefined);
        report();
        resolve({ status, headers: res.headers, body: Buffer.alloc(0) });
        req.destroy();
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (declared > maxBody) return fail(new ResponseTooLargeError(url.href, maxBody));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) return fail(new ResponseTooLargeError(url.href, maxBody));
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('aborted', () =>
        fail(new OutboundError(`cannot read response from ${url.href}: connection closed`)),
      );
      res.on('end', () => {
        if (settled) return;
        settled = true;
        deadline.onAbort(undefined);
        timer?.ended();
        report();
        resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(hop.body);
  });
}

/** Records when each phase of one hop ended, from the socket's events. */
class HopTimer {
  private readonly start = performance.now();
  private lookup: number | undefined;
  private connect: number | undefined;
  private secure: number | undefined;
  private response: number | undefined;
  private end: number | undefined;
  tls: HopTls | undefined;

  constructor(req: http.ClientRequest) {
    req.once('socket', (sock: Socket) => {
      sock.once('lookup', () => (this.lookup = performance.now()));
      sock.once('connect', () => (this.connect = performance.now()));
      sock.once('secureConnect', () => {
        this.secure = performance.now();
        this.tls = tlsInfo(sock as TLSSocket);
      });
    });
  }
  responded(): void {
    this.response = performance.now();
  }
  ended(): void {
    this.end = performance.now();
  }
  timings(): HopTimings {
    const resolved = this.lookup ?? this.start;
    const connected = this.connect ?? resolved;
    const secured = this.secure ?? connected;
    const responded = this.response ?? secured;
    return {
      resolveMs: resolved - this.start,
      connectMs: connected - resolved,
      tlsMs: secured - connected,
      processingMs: responded - secured,
      transferMs: (this.end ?? responded) - responded,
    };
  }
}

function tlsInfo(sock: TLSSocket): HopTls {
  const certificates: PeerCertificate[] = [];
  let cert = sock.getPeerCertificate(true);
  while (cert && Object.keys(cert).length > 0 && certificates.length < 16) {
    certificates.push(cert);
    // A self-signed certificate is its own issuer: stop there.
    if (!cert.issuerCertificate || cert.issuerCertificate === cert) break;
    cert = cert.issuerCertificate;
  }
  const err = sock.authorizationError as Error | string | null | undefined;
  return {
    protocol: sock.getProtocol(),
    authorized: sock.authorized,
    ...(err ? { authorizationError: typeof err === 'string' ? err : err.message } : {}),
    certificates,
  };
}

function wrapNetError(url: URL, err: unknown): OutboundError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new OutboundError(`cannot request ${url.href}${code ? ` (${code})` : ''}`, { cause: err });
}
