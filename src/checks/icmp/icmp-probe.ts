/** One probe of an icmp check: guarded resolution, then the system `ping` on the address. */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { describeError } from '../tcp/tcp-connect.js';
import type { ProbeContext, ProbeMetric, ProbeResult } from '../types.js';
import type { IcmpSpec } from './icmp-schema.js';
import { parsePing, type PingSummary } from './ping-output.js';

const MAX_OUTPUT = 64 * 1024;

export async function probeIcmp(spec: IcmpSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const start = ctx.now();
  const metrics: ProbeMetric[] = [];
  const detail: Record<string, string | number | boolean> = {};
  let error: string | undefined;
  try {
    const t0 = performance.now();
    const [addr] = await ctx.guard.resolve(spec.host, 0, ctx.tenant);
    const resolveSeconds = (performance.now() - t0) / 1000;
    detail.address = addr.address;
    metrics.push(
      {
        name: 'probe_icmp_duration_seconds',
        value: resolveSeconds,
        labels: { phase: 'resolve' },
        help: 'Duration of icmp request by phase',
      },
      {
        name: 'probe_dns_lookup_time_seconds',
        value: resolveSeconds,
        help: 'Returns the time taken for probe dns lookup in seconds',
      },
    );
    const run = await runPing(addr.address, addr.family === 6, spec, ctx);
    const s = run.summary;
    if (!s) throw new Error(`cannot ping ${addr.address}: ${run.failure}`);
    Object.assign(detail, {
      sent: s.transmitted,
      received: s.received,
      loss_percent: s.lossPercent,
    });
    metrics.push({
      name: 'probe_icmp_packet_loss_ratio',
      value: s.lossPercent / 100,
      help: 'Argus: share of echo requests without a reply (0-1)',
    });
    if (s.rtt) {
      Object.assign(detail, {
        rtt_min_ms: s.rtt.min,
        rtt_avg_ms: s.rtt.avg,
        rtt_max_ms: s.rtt.max,
      });
      metrics.push({
        name: 'probe_icmp_duration_seconds',
        value: s.rtt.avg / 1000,
        labels: { phase: 'rtt' },
        help: 'Duration of icmp request by phase',
      });
    }
    if (s.ttl !== undefined)
      metrics.push({
        name: 'probe_icmp_reply_hop_limit',
        value: s.ttl,
        help: 'Replied packet hop limit (TTL for ipv4)',
      });
    error = icmpVerdict(spec, s, addr.address, run.aborted ? ctx.timeoutMs : undefined);
  } catch (err) {
    error = describeError(err);
  }
  return {
    success: error === undefined,
    durationSeconds: (ctx.now() - start) / 1000,
    ...(error !== undefined ? { error } : {}),
    metrics,
    detail,
  };
}

/** What was wrong with a finished ping, or undefined. Exported for tests. */
export function icmpVerdict(
  spec: IcmpSpec,
  s: PingSummary,
  address: string,
  abortedAfter?: number,
): string | undefined {
  const of = `${s.received} of ${s.transmitted} echo replies from ${address}`;
  if (abortedAfter !== undefined)
    return `ping to ${address} did not finish within ${abortedAfter}ms (${of} so far)`;
  if (s.received === 0) return `${of}, want at least one`;
  if (s.lossPercent > spec.max_loss_percent)
    return `${of} (${s.lossPercent}% lost), want at most ${spec.max_loss_percent}% lost`;
  if (s.rtt && spec.max_rtt !== undefined && s.rtt.avg > spec.max_rtt)
    return `average round trip ${s.rtt.avg}ms to ${address}, want at most ${spec.max_rtt}ms`;
  return undefined;
}

interface PingRun {
  summary?: PingSummary;
  failure?: string;
  aborted: boolean;
}

/**
 * Runs ping with an argv array (never a shell). `-w` bounds it to the probe's timeout so it
 * prints its summary itself; the signal interrupts it (SIGINT still prints the summary) and
 * SIGKILL follows if it lingers.
 */
function runPing(
  address: string,
  v6: boolean,
  spec: IcmpSpec,
  ctx: ProbeContext,
): Promise<PingRun> {
  const secs = (ms: number): string => (ms / 1000).toFixed(3);
  const deadline = Math.max(1, Math.ceil(ctx.timeoutMs / 1000));
  const args = [
    v6 ? '-6' : '-4', '-n', '-c', String(spec.count), '-i', secs(spec.packet_interval),
    '-W', secs(Math.min(ctx.timeoutMs, 10_000)), '-w', String(deadline), address,
  ]; // prettier-ignore
  return new Promise((resolve) => {
    if (ctx.signal.aborted) return resolve({ failure: 'aborted before start', aborted: true });
    const child = spawn('ping', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    });
    let out = '';
    let err = '';
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 500);
    };
    ctx.signal.addEventListener('abort', onAbort);
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < MAX_OUTPUT) out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < MAX_OUTPUT) err += d.toString('utf8');
    });
    let done = false;
    const finish = (failure?: string): void => {
      if (done) return; // 'error' may be followed by 'close'
      done = true;
      ctx.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      const summary = parsePing(out);
      resolve({
        ...(summary ? { summary } : {}),
        failure: failure ?? (err.trim().split('\n')[0] || 'no summary in its output'),
        aborted,
      });
    };
    child.once('error', (e) => finish(`cannot run ping: ${e.message}`));
    child.once('close', () => finish());
  });
}
