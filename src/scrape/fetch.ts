import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { ArgusError } from '../util/index.js';
import type { ResolvedScrapeConfig } from './config.js';

/** A scrape request failed: the message is what `/api/v1/targets` shows as `lastError`. */
export class ScrapeError extends ArgusError {}

export interface ScrapeResponse {
  body: Buffer;
  contentType: string;
}

/** What one scrape request needs beyond the URL. */
export interface ScrapeRequestOptions {
  /** `Accept` (the negotiated exposition formats). */
  accept: string;
  timeoutMs: number;
  /** 0 = no limit but HARD_BODY_LIMIT. Checked on the compressed and the decompressed body. */
  bodySizeLimit: number;
  /** The ceiling when bodySizeLimit is 0 (default HARD_BODY_LIMIT, 256 MiB). */
  maxBodyBytes?: number;
  /** The outbound guard's connect-time lookup, for targets that came through the API. */
  lookup?: LookupFunction;
  signal?: AbortSignal;
  /**
   * A keep-alive agent owned by the caller (one per target, as Prometheus keeps one connection
   * per target); without one every scrape opens and closes a connection.
   */
  agent?: http.Agent;
}

/** A keep-alive agent for one target's scrapes: one connection, reused scrape after scrape. */
export function scrapeAgent(url: string): http.Agent {
  const o = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
  return url.startsWith('https:') ? new https.Agent(o) : new http.Agent(o);
}

type HttpOpts = Pick<
  ResolvedScrapeConfig,
  | 'basic_auth'
  | 'authorization'
  | 'tls_config'
  | 'enable_compression'
  | 'follow_redirects'
  | 'job_name'
>;

/** Go's http.Client: it refuses the redirect that would make the 11th request. */
const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Without body_size_limit a body (a gzip bomb's output above all) still stops here. */
export const HARD_BODY_LIMIT = 256 * 1024 ** 2;
/**
 * Inflate output buffer: large enough that a typical scrape inflates in a few thread-pool round
 * trips, small enough that a bomb is stopped within 1 MiB of the limit or the deadline.
 */
const GUNZIP_CHUNK = 1024 * 1024;

/** Reads credentials and TLS files each time (they may be rotated under a running server). */
async function secrets(
  cfg: HttpOpts,
): Promise<{ headers: Record<string, string>; tls: https.RequestOptions }> {
  const headers: Record<string, string> = {};
  const file = async (f: string | undefined) =>
    f === undefined ? undefined : (await readFile(f, 'utf8')).trim();
  if (cfg.basic_auth) {
    const b = cfg.basic_auth;
    const user = b.username ?? (await file(b.username_file)) ?? '';
    const pass = b.password ?? (await file(b.password_file)) ?? '';
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  } else if (cfg.authorization) {
    const a = cfg.authorization;
    const cred = a.credentials ?? (await file(a.credentials_file)) ?? '';
    headers.authorization = `${a.type} ${cred}`;
  }
  const tls: https.RequestOptions = {};
  const t = cfg.tls_config;
  if (t) {
    const buf = async (inline: string | undefined, f: string | undefined) =>
      inline !== undefined ? Buffer.from(inline) : f !== undefined ? await readFile(f) : undefined;
    const [ca, cert, key] = await Promise.all([
      buf(t.ca, t.ca_file),
      buf(t.cert, t.cert_file),
      buf(t.key, t.key_file),
    ]);
    if (ca) tls.ca = ca;
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    if (t.server_name) tls.servername = t.server_name;
    if (t.insecure_skip_verify) tls.rejectUnauthorized = false;
    const v = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
    if (t.min_version) tls.minVersion = v[t.min_version];
    if (t.max_version) tls.maxVersion = v[t.max_version];
  }
  return { headers, tls };
}

/** `1GiB`, `8MiB`, else bytes: as body_size_limit is written. */
function binaryBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const)
    if (n % size === 0) return `${n / size}${unit}`;
  return `${n}B`;
}

/** Go's rule for keeping credentials on a redirect: the same host or a subdomain of it. */
function sameOrSubdomain(dest: string, initial: string): boolean {
  return dest === initial || dest.endsWith(`.${initial}`);
}

/**
 * GETs a target's metrics: auth and TLS from the job, `Accept` negotiation, redirects (as Go's
 * client: up to 10, each a GET), gzip inflated as it streams, a deadline over the whole exchange,
 * and the body size limit (on the compressed and the decompressed body). Non-2xx, too large,
 * too slow and transport failures are ScrapeErrors with a precise message.
 */
export async function scrapeRequest(
  url: string,
  cfg: HttpOpts,
  opts: ScrapeRequestOptions,
): Promise<ScrapeResponse> {
  let auth;
  try {
    auth = await secrets(cfg);
  } catch (err) {
    throw new ScrapeError(`cannot read credentials or TLS files: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const first = new URL(url);
  const ceiling = opts.maxBodyBytes ?? HARD_BODY_LIMIT;
  const limit = opts.bodySizeLimit > 0 ? opts.bodySizeLimit : ceiling;
  const tooLarge =
    opts.bodySizeLimit > 0
      ? `body size limit exceeded (body_size_limit ${limit} bytes)`
      : `body size limit exceeded (no body_size_limit set; Argus refuses bodies over ${binaryBytes(ceiling)})`;
  const headers = {
    accept: opts.accept,
    'accept-encoding': cfg.enable_compression ? 'gzip' : 'identity',
    'user-agent': 'Argus',
    'x-prometheus-scrape-timeout-seconds': String(opts.timeoutMs / 1000),
  };
  return new Promise<ScrapeResponse>((resolve, reject) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    let inflate: Gunzip | undefined;
    const fail = (msg: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      inflate?.destroy();
      reject(new ScrapeError(msg, { cause }));
    };
    const timer = setTimeout(
      () => fail(`context deadline exceeded (scrape_timeout ${opts.timeoutMs / 1000}s)`),
      opts.timeoutMs,
    );

    /** Collects a stream up to the limit; resolves with it at its end. */
    const collect = (src: Readable, contentType: string) => {
      const parts: Buffer[] = [];
      let size = 0;
      src.on('data', (c: Buffer) => {
        if (settled) return;
        size += c.length;
        if (size > limit) fail(tooLarge);
        else parts.push(c);
      });
      src.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ body: Buffer.concat(parts, size), contentType });
      });
    };

    const get = (u: URL, redirects: number) => {
      // Node connects to an IP literal without calling `lookup`: ask the guard here, or a
      // redirect to 169.254.169.254 would slip past it.
      const literal = u.hostname.replace(/^\[|\]$/g, '');
      if (opts.lookup !== undefined && isIP(literal) !== 0) {
        opts.lookup(literal, { all: true }, (err) => {
          if (err) fail(err.message, err);
          else send(u, redirects);
        });
        return;
      }
      send(u, redirects);
    };

    const send = (u: URL, redirects: number) => {
      const mod = u.protocol === 'https:' ? https : http;
      // The per-target agent pools one socket to the target's origin; another origin gets a
      // connection of its own.
      const agent = u.origin === first.origin ? (opts.agent ?? false) : false;
      const keepAuth = sameOrSubdomain(u.hostname, first.hostname);
      req = mod.request(
        u,
        {
          method: 'GET',
          agent,
          headers: { ...headers, ...(keepAuth ? auth.headers : {}) },
          ...auth.tls,
          ...(opts.lookup ? { lookup: opts.lookup } : {}),
          signal: opts.signal,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const location = res.headers.location;
          if (cfg.follow_redirects && REDIRECT_STATUSES.has(status) && location !== undefined) {
            res.resume(); // drained, so a keep-alive socket goes back to the pool
            if (redirects + 1 >= MAX_REDIRECTS) {
              fail(`stopped after ${MAX_REDIRECTS} redirects`);
              return;
            }
            let next: URL;
            try {
              next = new URL(location, u);
            } catch (err) {
              fail(`cannot follow redirect: bad Location ${JSON.stringify(location)}`, err);
              return;
            }
            if (next.protocol !== 'http:' && next.protocol !== 'https:') {
              fail(
                `cannot follow redirect to ${JSON.stringify(location)}: unsupported protocol scheme ${JSON.stringify(next.protocol.slice(0, -1))}`,
              );
              return;
            }
            get(next, redirects + 1);
            return;
          }
          if (status < 200 || status >= 300) {
            res.resume();
            fail(`server returned HTTP status ${status} ${res.statusMessage ?? ''}`.trim());
            return;
          }
          const contentType = String(res.headers['content-type'] ?? '');
          res.on('error', (err: Error) => fail(`cannot read response: ${err.message}`, err));
          if (!/gzip/i.test(String(res.headers['content-encoding'] ?? ''))) {
            collect(res, contentType);
            return;
          }
          // Output in 1 MiB chunks, each checked: a bomb stops within one chunk of the limit or
          // the deadline. Input in batches of up to 1 MiB: a socket delivers 16-64 KiB reads and
          // each write is a thread-pool round trip, so a typical scrape inflates in one or two.
          const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
          inflate = gunzip;
          gunzip.on('error', (err: Error) =>
            fail(`cannot read response: gzip: ${err.message}`, err),
          );
          collect(gunzip, contentType);
          let pending: Buffer[] = [];
          let pendingBytes = 0;
          let compressed = 0;
          const flush = () => {
            if (pendingBytes === 0) return;
            const batch = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
            pending = [];
            pendingBytes = 0;
            if (!gunzip.write(batch)) {
              res.pause();
              gunzip.once('drain', () => res.resume());
            }
          };
          res.on('data', (c: Buffer) => {
            if (settled) return;
            // A compressed body is no larger than the body, so the limit applies to it as well.
            compressed += c.length;
            if (compressed > limit) {
              fail(tooLarge);
              return;
            }
            pending.push(c);
            pendingBytes += c.length;
            if (pendingBytes >= GUNZIP_CHUNK) flush();
          });
          res.on('end', () => {
            if (settled) return;
            flush();
            gunzip.end();
          });
        },
      );
      req.on('error', (err: Error) => fail(err.message, err));
      req.end();
    };
    get(first, 0);
  });
}
