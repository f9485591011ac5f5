import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { gunzip } from 'node:zlib';
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
  /** 0 = no limit. Checked on the decompressed body. */
  bodySizeLimit: number;
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
  'basic_auth' | 'authorization' | 'tls_config' | 'enable_compression' | 'job_name'
>;

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

/**
 * GETs a target's metrics: auth and TLS from the job, `Accept` negotiation, gzip, a deadline
 * over the whole exchange, and the body size limit (on the decompressed body). Non-2xx, too
 * large, too slow and transport failures are ScrapeErrors with a precise message.
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
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise<ScrapeResponse>((resolve, reject) => {
    let settled = false;
    const fail = (msg: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new ScrapeError(msg, { cause }));
    };
    const timer = setTimeout(
      () => fail(`context deadline exceeded (scrape_timeout ${opts.timeoutMs / 1000}s)`),
      opts.timeoutMs,
    );
    const req = mod.request(
      u,
      {
        method: 'GET',
        agent: opts.agent ?? false,
        headers: {
          accept: opts.accept,
          'accept-encoding': cfg.enable_compression ? 'gzip' : 'identity',
          'user-agent': 'Argus',
          'x-prometheus-scrape-timeout-seconds': String(opts.timeoutMs / 1000),
          ...auth.headers,
        },
        ...auth.tls,
        ...(opts.lookup ? { lookup: opts.lookup } : {}),
        signal: opts.signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          fail(`server returned HTTP status ${status} ${res.statusMessage ?? ''}`.trim());
          return;
        }
        const gz = /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
        const limit = opts.bodySizeLimit;
        const tooLarge = `body size limit exceeded (body_size_limit ${limit} bytes)`;
        const parts: Buffer[] = [];
        let size = 0;
        // A compressed body is no larger than the body, so the limit applies to it as well.
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (limit > 0 && size > limit) {
            fail(tooLarge);
            return;
          }
          parts.push(c);
        });
        res.on('error', (err: Error) => fail(`cannot read response: ${err.message}`, err));
        res.on('end', () => {
          if (settled) return;
          const raw = Buffer.concat(parts, size);
          const done = (body: Buffer) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ body, contentType: String(res.headers['content-type'] ?? '') });
          };
          if (!gz) {
            done(raw);
            return;
          }
          // Inflated in one go with a large output chunk: streaming it in zlib's default 16 KiB
          // chunks cost a thread-pool round trip per chunk (dozens per scrape).
          gunzip(
            raw,
            {
              chunkSize: Math.min(Math.max(raw.length * 4, 64 * 1024), 8 * 1024 * 1024),
              ...(limit > 0 ? { maxOutputLength: limit } : {}),
            },
            (err, body) => {
              if (err === null) done(body);
              else if (err instanceof RangeError) fail(tooLarge, err);
              else fail(`cannot read response: gzip: ${err.message}`, err);
            },
          );
        });
      },
    );
    req.on('error', (err: Error) => fail(err.message, err));
    req.end();
  });
}
