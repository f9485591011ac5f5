/** One probe of an http check. */
import type { OutgoingHttpHeaders } from 'node:http';
import { type GuardedResponse, type HopInfo, guardedRequest } from '../../net/index.js';
import {
  certMetrics,
  certNotAfter,
  commonName,
  tlsConnectionOptions,
  tlsVersionLabel,
} from '../tls/tls-certs.js';
import { describeError } from '../tcp/tcp-connect.js';
import type { ProbeContext, ProbeMetric, ProbeResult } from '../types.js';
import { checkBody, checkStatus } from './http-conditions.js';
import type { HttpSpec } from './http-schema.js';

const PHASES = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;
const DAY_MS = 86_400_000;

export async function probeHttp(spec: HttpSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const start = ctx.now();
  const hops: HopInfo[] = [];
  let res: GuardedResponse | undefined;
  let error: string | undefined;
  let regexFailed = false;
  try {
    const headers = await requestHeaders(spec, ctx);
    const tls = await tlsConnectionOptions(spec.tls, ctx);
    res = await guardedRequest(ctx.guard, spec.url, {
      method: spec.method,
      headers,
      body: spec.body,
      tenant: ctx.tenant,
      followRedirects: spec.follow_redirects,
      maxRedirects: spec.max_redirects,
      maxBodyBytes: ctx.maxBodyBytes,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      tls,
      onHop: (h) => hops.push(h),
    });
    error = checkStatus(spec, res.status);
    if (!error) {
      const verdict = checkBody(spec, res.body.toString('utf8'));
      error = verdict.error;
      regexFailed = verdict.regexFailed;
    }
  } catch (err) {
    error = describeError(err);
  }
  const elapsedMs = ctx.now() - start;
  if (!error && spec.max_latency !== undefined && elapsedMs > spec.max_latency)
    error = `response took ${Math.round(elapsedMs)}ms, want at most ${spec.max_latency}ms`;
  const final = res ? hops.at(-1) : undefined;
  const detail: Record<string, string | number | boolean> = {};
  if (res) {
    detail.status = res.status;
    detail.url = res.url;
    detail.redirects = res.redirects.length;
    detail.body_bytes = res.body.length;
  }
  if (final?.remoteAddress) detail.address = final.remoteAddress;
  if (final?.tls) {
    detail.tls_version = tlsVersionLabel(final.tls.protocol);
    const leaf = final.tls.certificates[0];
    if (leaf) {
      detail.cert_days_left = Math.floor((certNotAfter(leaf) - ctx.now()) / DAY_MS);
      detail.cert_subject = commonName(leaf.subject);
    }
  }
  return {
    success: error === undefined,
    durationSeconds: elapsedMs / 1000,
    ...(error !== undefined ? { error } : {}),
    metrics: metrics(res, hops, final, regexFailed),
    detail,
  };
}

async function requestHeaders(spec: HttpSpec, ctx: ProbeContext): Promise<OutgoingHttpHeaders> {
  const headers: OutgoingHttpHeaders = { 'user-agent': 'Argus-Health-Check/1' };
  for (const [name, value] of Object.entries(spec.headers))
    headers[name.toLowerCase()] = await secret(ctx, value, `headers.${name}`);
  if (spec.basic_auth) {
    const password = await secret(ctx, spec.basic_auth.password, 'basic_auth.password');
    const token = Buffer.from(`${spec.basic_auth.username}:${password}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  if (spec.bearer_token !== undefined)
    headers.authorization = `Bearer ${await secret(ctx, spec.bearer_token, 'bearer_token')}`;
  return headers;
}

async function secret(
  ctx: ProbeContext,
  ref: Parameters<ProbeContext['secret']>[0],
  field: string,
): Promise<string> {
  try {
    return await ctx.secret(ref);
  } catch (err) {
    throw new Error(`cannot read ${field}: ${(err as Error).message}`, { cause: err });
  }
}

function metrics(
  res: GuardedResponse | undefined,
  hops: readonly HopInfo[],
  final: HopInfo | undefined,
  regexFailed: boolean,
): ProbeMetric[] {
  // Phases add up over the redirect hops, as blackbox_exporter's do.
  const sums = { resolve: 0, connect: 0, tls: 0, processing: 0, transfer: 0 };
  for (const h of hops) {
    sums.resolve += h.timings.resolveMs;
    sums.connect += h.timings.connectMs;
    sums.tls += h.timings.tlsMs;
    sums.processing += h.timings.processingMs;
    sums.transfer += h.timings.transferMs;
  }
  const declared = Number(res?.headers['content-length']);
  const out: ProbeMetric[] = [
    ...PHASES.map((phase) => ({
      name: 'probe_http_duration_seconds',
      value: sums[phase] / 1000,
      labels: { phase },
      help: 'Duration of http request by phase, summed over all redirects',
    })),
    {
      name: 'probe_dns_lookup_time_seconds',
      value: (hops[0]?.timings.resolveMs ?? 0) / 1000,
      help: 'Returns the time taken for probe dns lookup in seconds',
    },
    {
      name: 'probe_http_status_code',
      value: res?.status ?? 0,
      help: 'Response HTTP status code',
    },
    {
      name: 'probe_http_content_length',
      value:
        Number.isFinite(declared) && res?.headers['content-length'] !== undefined ? declared : -1,
      help: 'Length of http content response (-1 when not declared)',
    },
    {
      name: 'probe_http_uncompressed_body_length',
      value: res?.body.length ?? 0,
      help: 'Length of uncompressed response body',
    },
    {
      name: 'probe_http_redirects',
      value: res?.redirects.length ?? 0,
      help: 'The number of redirects',
    },
    {
      name: 'probe_http_ssl',
      value: res?.url.startsWith('https:') ? 1 : 0,
      help: 'Indicates if SSL was used for the final redirect',
    },
    {
      name: 'probe_http_version',
      value: final ? Number(final.httpVersion) || 0 : 0,
      help: 'Returns the version of HTTP of the probe response',
    },
    {
      name: 'probe_failed_due_to_regex',
      value: regexFailed ? 1 : 0,
      help: 'Indicates if probe failed due to regex',
    },
  ];
  if (final?.tls) out.push(...certMetrics(final.tls.certificates, final.tls.protocol));
  return out;
}
