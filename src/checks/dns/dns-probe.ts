/** One probe of a dns check: a query through node:dns, then the rcode and answer checks. */
import { promises as dnsPromises } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { OutboundBlockedError } from '../../net/index.js';
import { describeError } from '../tcp/tcp-connect.js';
import type { ProbeContext, ProbeMetric, ProbeResult } from '../types.js';
import { type DnsSpec, parseResolver, type RecordType } from './dns-schema.js';

/** node:dns error codes → the response code they stand for. */
const RCODE_OF: Record<string, string> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NOERROR',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
};

export async function probeDns(spec: DnsSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const start = ctx.now();
  const metrics: ProbeMetric[] = [];
  const detail: Record<string, string | number | boolean> = {};
  let error: string | undefined;
  const resolver = new dnsPromises.Resolver({ timeout: Math.max(1, ctx.timeoutMs), tries: 1 });
  const cancel = (): void => resolver.cancel();
  ctx.signal.addEventListener('abort', cancel);
  try {
    if (ctx.signal.aborted) throw new Error('aborted before the query');
    if (spec.resolver !== undefined) {
      const r = parseResolver(spec.resolver)!;
      // The resolver is a destination like any other: the guard decides (name or IP).
      const [addr] = await ctx.guard.resolve(r.host, 0, ctx.tenant);
      const server =
        addr.family === 6 ? `[${addr.address}]:${r.port}` : `${addr.address}:${r.port}`;
      resolver.setServers([server]);
      detail.resolver = server;
    }
    const t0 = performance.now();
    let answers: string[] = [];
    let rcode = 'NOERROR';
    try {
      answers = await query(resolver, spec.query_name, spec.record_type);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const mapped = RCODE_OF[code];
      if (mapped === undefined) {
        throw new Error(
          ctx.signal.aborted
            ? `cannot query ${spec.query_name} ${spec.record_type}: no answer within ${ctx.timeoutMs}ms`
            : `cannot query ${spec.query_name} ${spec.record_type}: ${code || (err as Error).message}`,
          { cause: err },
        );
      }
      rcode = mapped;
    }
    metrics.push(
      {
        name: 'probe_dns_lookup_time_seconds',
        value: (performance.now() - t0) / 1000,
        help: 'Returns the time taken for probe dns lookup in seconds',
      },
      {
        name: 'probe_dns_answer_rrs',
        value: answers.length,
        help: 'Returns number of entries in the answer resource record list',
      },
    );
    detail.rcode = rcode;
    detail.answers = answers.join(', ').slice(0, 500);
    error = verdict(spec, rcode, answers) ?? refusedAnswer(spec, answers, ctx);
  } catch (err) {
    error = describeError(err);
  } finally {
    ctx.signal.removeEventListener('abort', cancel);
  }
  return {
    success: error === undefined,
    durationSeconds: (ctx.now() - start) / 1000,
    ...(error !== undefined ? { error } : {}),
    metrics,
    detail,
  };
}

function verdict(spec: DnsSpec, rcode: string, answers: readonly string[]): string | undefined {
  if (!spec.valid_rcodes.includes(rcode as (typeof spec.valid_rcodes)[number]))
    return `rcode ${rcode}, want ${spec.valid_rcodes.join(' or ')}`;
  if (rcode === 'NOERROR' && answers.length < spec.min_answers)
    return `${answers.length} answers, want at least ${spec.min_answers}`;
  const got = new Set(answers.map(norm));
  const shown = answers.length === 0 ? 'none' : answers.join(', ');
  const missing = (spec.answers_all_of ?? []).filter((a) => !got.has(norm(a)));
  if (missing.length > 0) return `answers ${shown}, missing ${missing.join(', ')}`;
  if (spec.answers_any_of && !spec.answers_any_of.some((a) => got.has(norm(a))))
    return `answers ${shown}, want any of ${spec.answers_any_of.join(', ')}`;
  const unwanted = (spec.answers_none_of ?? []).filter((a) => got.has(norm(a)));
  if (unwanted.length > 0) return `answers ${shown}, want none of ${unwanted.join(', ')}`;
  return undefined;
}

/**
 * A/AAAA answers go through the guard too: a check must not become a way to map which internal
 * names exist (the same rule as `guardedResolve`).
 */
function refusedAnswer(
  spec: DnsSpec,
  answers: readonly string[],
  ctx: ProbeContext,
): string | undefined {
  if (spec.record_type !== 'A' && spec.record_type !== 'AAAA') return undefined;
  for (const a of answers) {
    const v = ctx.guard.checkAddress(spec.query_name, a, ctx.tenant);
    if (!v.allowed) return new OutboundBlockedError(spec.query_name, v.address, v.reason).message;
  }
  return undefined;
}

function norm(s: string): string {
  return s.trim().toLowerCase().replace(/\.$/, '');
}

/** Queries one type and renders each answer as the text the expectations compare. */
async function query(r: dnsPromises.Resolver, name: string, type: RecordType): Promise<string[]> {
  switch (type) {
    case 'A':
      return r.resolve4(name);
    case 'AAAA':
      return r.resolve6(name);
    case 'CNAME':
      return r.resolveCname(name);
    case 'NS':
      return r.resolveNs(name);
    case 'PTR':
      return r.resolvePtr(name);
    case 'MX':
      return (await r.resolveMx(name)).map((m) => `${m.priority} ${m.exchange}`);
    case 'TXT':
      return (await r.resolveTxt(name)).map((chunks) => chunks.join(''));
    case 'SRV':
      return (await r.resolveSrv(name)).map((s) => `${s.priority} ${s.weight} ${s.port} ${s.name}`);
    case 'SOA': {
      const s = await r.resolveSoa(name);
      return [`${s.nsname} ${s.hostmaster} ${s.serial}`];
    }
    case 'CAA':
      return (await r.resolveCaa(name)).map((c) => {
        const entries: [string, unknown][] = Object.entries(c);
        const [tag, value] = entries.find(([k]) => k !== 'critical') ?? ['', ''];
        return `${c.critical} ${tag} ${String(value)}`;
      });
  }
}
