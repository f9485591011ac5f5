/**
 * The HTTP side every web channel shares: Prometheus's http_config (auth, TLS, headers)
 * applied to a guarded request, and the HTTP outcome mapped to a DeliveryResult
 * (2xx ok; 429, 5xx, timeouts and connection errors retryable; other 4xx not).
 */
import { readFile } from 'node:fs/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import {
  guardedRequest,
  InvalidDestinationError,
  OutboundBlockedError,
  type GuardedResponse,
} from '../../../net/index.js';
import type { HttpConfig } from '../../config/http-schema.js';
import type { Secret } from '../../config/secret.js';
import type { DeliveryResult } from '../types.js';
import type { ChannelContext } from './context.js';
import { Redactor, trimBytes } from './redact.js';

/** A file-held secret (`*_file`): read at send time so rotation needs no reload, trimmed. */
export async function fileSecret(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

/** The value of `X` or `X_file` (undefined when neither is set). */
export async function secretOrFile(
  inline: Secret | undefined,
  file: string | undefined,
): Promise<string | undefined> {
  if (inline !== undefined && !inline.isEmpty()) return inline.reveal();
  if (file !== undefined && file !== '') return fileSecret(file);
  return undefined;
}

export interface PostOptions {
  readonly url: string;
  /** The URL carries a token: errors show its origin only. */
  readonly secretURL: boolean;
  readonly body: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly httpConfig?: HttpConfig;
  readonly timeoutMs?: number;
  readonly signal: AbortSignal;
  /** Extra values to keep out of errors (tokens in the body or path). */
  readonly secrets?: readonly (string | undefined)[];
}

export interface PostOutcome {
  readonly result: DeliveryResult;
  readonly response?: GuardedResponse;
}

async function authHeaders(c: HttpConfig | undefined, r: Redactor): Promise<OutgoingHttpHeaders> {
  const h: OutgoingHttpHeaders = {};
  if (!c) return h;
  if (c.basic_auth) {
    const user =
      c.basic_auth.username ??
      (c.basic_auth.username_file ? await fileSecret(c.basic_auth.username_file) : '');
    const pass = (await secretOrFile(c.basic_auth.password, c.basic_auth.password_file)) ?? '';
    r.value(pass);
    h.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  const bearer = await secretOrFile(c.bearer_token, c.bearer_token_file);
  if (bearer !== undefined) h.authorization = `Bearer ${bearer}`;
  if (c.authorization) {
    const cred = await secretOrFile(c.authorization.credentials, c.authorization.credentials_file);
    if (cred !== undefined) h.authorization = `${c.authorization.type ?? 'Bearer'} ${cred}`;
  }
  r.value(bearer);
  for (const [name, v] of Object.entries(c.http_headers ?? {})) {
    // Prometheus common: { values: [...], secrets: [...], files: [...] } per header.
    const spec = (v ?? {}) as { values?: string[]; secrets?: string[]; files?: string[] };
    const vals = [...(spec.values ?? []), ...(spec.secrets ?? [])];
    for (const f of spec.files ?? []) vals.push(await fileSecret(f));
    for (const s of spec.secrets ?? []) r.value(s);
    if (vals.length > 0) h[name] = vals.length === 1 ? vals[0] : vals;
  }
  return h;
}

async function tlsOptions(c: HttpConfig | undefined) {
  const t = c?.tls_config;
  if (!t) return undefined;
  return {
    ca: t.ca ?? (t.ca_file ? await readFile(t.ca_file, 'utf8') : undefined),
    cert: t.cert ?? (t.cert_file ? await readFile(t.cert_file, 'utf8') : undefined),
    key: t.key?.reveal() ?? (t.key_file ? await readFile(t.key_file, 'utf8') : undefined),
    servername: t.server_name,
    rejectUnauthorized: t.insecure_skip_verify !== true,
  };
}

/** Maps a non-2xx answer: retry 429 and 5xx, give up on other statuses. */
export function statusResult(
  status: number,
  body: string,
  r: Redactor,
  what: string,
): DeliveryResult {
  if (status >= 200 && status < 300) return { ok: true, retryable: false, status };
  const text = trimBytes(r.apply(body.trim()));
  return {
    ok: false,
    retryable: status === 429 || status >= 500,
    status,
    error:
      r.apply(`cannot notify ${what}: unexpected status code ${status}`) +
      (text ? `: ${text}` : ''),
  };
}

/** Maps a thrown request error; refused or invalid destinations will not get better by retrying. */
export function errorResult(err: unknown, r: Redactor, what: string): DeliveryResult {
  const permanent = err instanceof OutboundBlockedError || err instanceof InvalidDestinationError;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    retryable: !permanent && code !== 'ENOENT',
    error: r.apply(`cannot notify ${what}: ${msg}`),
  };
}

/** POSTs a JSON body through the guard and classifies the outcome. Never throws. */
export async function postJSON(ctx: ChannelContext, o: PostOptions): Promise<PostOutcome> {
  const r = new Redactor();
  if (o.secretURL) r.url(o.url);
  for (const s of o.secrets ?? []) r.value(s);
  const what = o.secretURL ? `${originOf(o.url)}/<secret>` : o.url;
  try {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Argus',
      ...(await authHeaders(o.httpConfig, r)),
      ...o.headers,
    };
    const res = await guardedRequest(ctx.guard, o.url, {
      method: 'POST',
      headers,
      body: o.body,
      tenant: ctx.tenant,
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      followRedirects: o.httpConfig?.follow_redirects ?? true,
      tls: await tlsOptions(o.httpConfig),
    });
    return {
      result: statusResult(res.status, res.body.toString('utf8'), r, r.apply(what)),
      response: res,
    };
  } catch (err) {
    return { result: errorResult(err, r, r.apply(what)) };
  }
}

function originOf(u: string): string {
  try {
    return new URL(u).origin;
  } catch {
    return '<invalid URL>';
  }
}
