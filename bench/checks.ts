/**
 * Whole-system health-check benchmark (issue #8): N HTTP checks (default 1,000) every S seconds
 * (default 10) against one local target server in a child process, probed first by
 * blackbox_exporter + Prometheus (the peer: results stored), then by Argus (`kind: http` checks,
 * results stored as probe_* metrics). Per peer: checks/min completed and interval jitter per
 * target (both from the target's arrival times), CPU % of a core and CPU ms per check (/proc,
 * every process of the peer), RSS, and `count(probe_success)` read back. Run with
 * `npm run bench -- checks [--seconds N] [--warmup N] [--checks N] [--only=argus|blackbox]`;
 * results also land in `.bench/checks-<time>.json`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import {
  argusPeer,
  argusSchedulingLag,
  blackboxPeer,
  queryScalar,
  type CheckPeer,
  type RunningPeer,
} from './lib/checks-peers.js';
import { jitterStats, type JitterStats } from './lib/checks-stats.js';
import { CheckTargets } from './lib/checks-targets.js';
import { eachPeer } from './lib/each-peer.js';
import { cpuSeconds, peakRssBytes, rssBytes } from './lib/proc.js';
import { defaultOut, log, machine, sleep, textTable, writeResults } from './lib/table.js';

const USAGE = `usage: npm run bench -- checks [--checks N=1000] [--interval S=10] [--timeout S=5]
  [--warmup S=30] [--seconds S=120] [--only=argus|blackbox] [--keep] [--out FILE]
  [--cpu-prof]   (--cpu-prof: V8 CPU profile of Argus over the whole run, in .bench/profiles/)`;

/** blackbox_exporter 0.23 + Prometheus on this machine class (PERFORMANCE.md). */
const PEER_REFERENCE_MS_PER_CHECK = 1.1;
const JITTER_P99_TARGET_MS = 5;

interface ChecksResult {
  peer: string;
  windowS: number;
  checksPerMin: number;
  cpuSeconds: number;
  cpuPercentOfCore: number;
  cpuMsPerCheck: number;
  rssBytes: number;
  peakRssBytes: number;
  jitter: JitterStats;
  /** `count(probe_success)` after the window; want = the number of checks. */
  storedProbeSuccess: number;
  targetCpuSeconds: number;
  loadavg: number[];
  /** Argus only: its own scheduling lag quantiles and run/skip counters from /metrics. */
  argusMetrics?: Record<string, number>;
}

interface Options {
  checks: number;
  intervalS: number;
  timeoutS: number;
  warmupS: number;
  seconds: number;
  keep: boolean;
  cpuProfileDir?: string;
}

async function sumOver(r: RunningPeer, f: (pid: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (const p of r.procs) total += await f(p.pid);
  return total;
}

async function runPeer(peer: CheckPeer, o: Options): Promise<ChecksResult> {
  const targets = await CheckTargets.start(o.checks);
  const dir = await mkdtemp(path.join(os.tmpdir(), `argus-bench-checks-${peer.name}-`));
  let running: RunningPeer | undefined;
  try {
    const urls = Array.from({ length: o.checks }, (_, i) => targets.url(i));
    running = await peer.start(dir, {
      urls,
      intervalS: o.intervalS,
      timeoutS: o.timeoutS,
      cpuProfileDir: peer.name === 'argus' ? o.cpuProfileDir : undefined,
    });
    log(`${peer.name}: ready (pids ${running.procs.map((p) => p.pid).join(', ')}, dir ${dir})`);
    log(`${peer.name}: warm-up ${o.warmupS} s`);
    await sleep(o.warmupS * 1000);

    const w0 = await targets.now();
    const cpu0 = await sumOver(running, cpuSeconds);
    const tcpu0 = await cpuSeconds(targets.pid);
    const t0 = performance.now();
    log(`${peer.name}: measuring ${o.seconds} s`);
    await sleep(o.seconds * 1000);
    const w1 = await targets.now();
    const cpu = (await sumOver(running, cpuSeconds)) - cpu0;
    const targetCpu = (await cpuSeconds(targets.pid)) - tcpu0;
    const windowS = (performance.now() - t0) / 1000;
    const rss = await sumOver(running, rssBytes);
    const peak = await sumOver(running, peakRssBytes);
    const loadavg = os.loadavg();

    const { arrivals, other } = await targets.arrivals();
    if (other > 0) log(`${peer.name}: ${other} requests for unknown paths`);
    const jitter = jitterStats(arrivals, o.intervalS * 1000, w0, w1);
    const stored = await queryScalar(running, 'count(probe_success)');
    const argusMetrics = peer.name === 'argus' ? await argusSchedulingLag(running) : undefined;
    const r: ChecksResult = {
      peer: peer.name,
      windowS,
      checksPerMin: (jitter.arrivals / windowS) * 60,
      cpuSeconds: cpu,
      cpuPercentOfCore: (cpu / windowS) * 100,
      cpuMsPerCheck: (cpu * 1000) / Math.max(1, jitter.arrivals),
      rssBytes: rss,
      peakRssBytes: peak,
      jitter,
      storedProbeSuccess: stored,
      targetCpuSeconds: targetCpu,
      loadavg,
      argusMetrics,
    };
    log(
      `${peer.name}: ${jitter.arrivals} checks (${r.checksPerMin.toFixed(0)}/min), ` +
        `${r.cpuMsPerCheck.toFixed(3)} ms CPU/check, jitter p99 ${jitter.p99Ms.toFixed(2)} ms, ` +
        `count(probe_success) ${stored}, load ${loadavg.map((l) => l.toFixed(2)).join(' ')}`,
    );
    return r;
  } catch (err) {
    const tail = (await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => ''))
      .split('\n')
      .slice(-12)
      .join('\n');
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- ${peer.name} log tail:\n${tail}`,
      { cause: err },
    );
  } finally {
    // SIGTERM (not -9): a CPU profile is only written on a clean exit.
    if (running) await running.stop();
    await targets.stop();
    if (!o.keep) await rm(dir, { recursive: true, force: true });
  }
}

function render(results: ChecksResult[], want: number): string {
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const ms = (v: number): string => v.toFixed(2);
  const rows = results.map((r) => [
    r.peer === 'blackbox' ? 'blackbox+prometheus' : r.peer,
    r.checksPerMin.toFixed(0),
    `${r.cpuPercentOfCore.toFixed(1)}%`,
    r.cpuMsPerCheck.toFixed(3),
    `${mib(r.rssBytes)} / ${mib(r.peakRssBytes)}`,
    `${ms(r.jitter.p50Ms)} / ${ms(r.jitter.p99Ms)} / ${ms(r.jitter.maxMs)}`,
    `${r.storedProbeSuccess}/${want}${r.storedProbeSuccess === want ? ' ok' : ' BAD'}`,
  ]);
  const a = results.find((r) => r.peer === 'argus');
  const p = results.find((r) => r.peer === 'blackbox');
  if (a && p) {
    const x = (v: number): string => `${v.toFixed(2)}×`;
    const cpuRatio = a.cpuMsPerCheck / p.cpuMsPerCheck;
    rows.push([
      'argus/peer',
      x(a.checksPerMin / p.checksPerMin),
      x(a.cpuPercentOfCore / p.cpuPercentOfCore),
      x(cpuRatio),
      `${x(a.rssBytes / p.rssBytes)} / ${x(a.peakRssBytes / p.peakRssBytes)}`,
      `${x(a.jitter.p50Ms / p.jitter.p50Ms)} / ${x(a.jitter.p99Ms / p.jitter.p99Ms)}`,
      '',
    ]);
    rows.push([
      'target',
      '-',
      '-',
      `≤1.0 ${cpuRatio <= 1 ? 'met' : 'MISSED'}, ≤0.5 ${cpuRatio <= 0.5 ? 'met' : 'MISSED'}`,
      '-',
      `p99 ≤${JITTER_P99_TARGET_MS} ms ${a.jitter.p99Ms <= JITTER_P99_TARGET_MS ? 'met' : 'MISSED'}`,
      '',
    ]);
  }
  return textTable(
    [
      'system',
      'checks/min',
      'CPU',
      'CPU ms/check',
      'RSS end / peak',
      'jitter p50/p99/max ms',
      'probe_success',
    ],
    rows,
  );
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(process.argv.slice(2), {
    checks: 'number',
    interval: 'number',
    timeout: 'number',
    warmup: 'number',
    seconds: 'number',
    only: 'string',
    keep: 'boolean',
    out: 'string',
    'cpu-prof': 'boolean',
  });
  const num = (k: string, d: number): number => Number(args.get(k) ?? d);
  const intervalS = num('interval', 10);
  const o: Options = {
    checks: num('checks', 1000),
    intervalS,
    timeoutS: num('timeout', Math.min(5, intervalS)),
    warmupS: num('warmup', 30),
    seconds: num('seconds', 120),
    keep: args.has('keep'),
    cpuProfileDir: args.has('cpu-prof') ? path.resolve('.bench', 'profiles') : undefined,
  };
  const only = args.get('only');
  const peers = [blackboxPeer, argusPeer].filter((p) => only === undefined || p.name === only);
  if (peers.length === 0)
    throw new Error(`cannot select peer: --only=${only}, want argus or blackbox`);
  log(
    `checks: ${o.checks} HTTP checks every ${o.intervalS} s (timeout ${o.timeoutS} s); ` +
      `warm-up ${o.warmupS} s, window ${o.seconds} s per peer; load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );

  const { results, skipped, failed } = await eachPeer(peers, only, log, (peer) => runPeer(peer, o));
  console.log(`\n${render(results, o.checks)}\n`);
  console.log(
    `(reference: blackbox_exporter 0.23 + Prometheus measured ≈${PEER_REFERENCE_MS_PER_CHECK} ms ` +
      'CPU per check, jitter p99 1.3 ms, on this machine class)',
  );
  const a = results.find((r) => r.peer === 'argus');
  if (a?.argusMetrics) {
    const m = a.argusMetrics;
    const lag = Object.keys(m)
      .filter((k) => !k.startsWith('argus_'))
      .map((q) => `q${q} ${(m[q] * 1000).toFixed(2)} ms`)
      .join(', ');
    console.log(
      `argus_check_scheduling_lag_seconds: ${lag || 'n/a'}; runs ${m.argus_check_runs_total}, ` +
        `skipped ${m.argus_check_skipped_total}`,
    );
  }
  const out = args.get('out') ?? defaultOut('checks');
  await writeResults(out, {
    when: new Date().toISOString(),
    machine: await machine(),
    config: o,
    results,
    skipped,
    failed,
  });
  log(`results written to ${out}`);
  return Object.keys(failed).length > 0 || results.some((r) => r.storedProbeSuccess !== o.checks)
    ? 1
    : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
