/**
 * Whole-system alerting benchmark (issue #7). Scenario `latency` (default): end-to-end delivery
 * latency, remote_write → rule (1 s, `for: 0`) → route (`group_wait: 0s`) → email accepted by a
 * real SMTP server, Argus vs Prometheus 2.42 + Alertmanager 0.25 with the same settings.
 * Scenario `dispatch`: CPU and RSS of notifying 10k firing alerts in 1k groups, Argus's pipeline
 * vs Alertmanager 0.25. Run with `npm run bench -- alerts [--scenario latency|dispatch|all]
 * [--quick]`; results also land in `.bench/alerts-<time>.json` and as one JSON line on stdout.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { runDispatch, type DispatchResult, type DispatchRun } from './lib/alerts-dispatch.js';
import { runLatency, type LatencyResult } from './lib/alerts-latency.js';
import { argusUnavailable, prometheusUnavailable } from './lib/alerts-peers.js';
import {
  argusPipeline,
  latencyVerdict,
  renderDispatch,
  renderLatency,
  renderStages,
} from './lib/alerts-report.js';
import type { HotFunction } from './lib/query-profile.js';
import { defaultOut, log, machine, writeResults } from './lib/table.js';

const USAGE = `usage: npm run bench -- alerts [--scenario latency|dispatch|all] [--quick]
  latency:  [--alerts N=100] [--spacing MS=300] [--eval-interval S=1] [--timeout S=30] [--seed N=1]
  dispatch: [--dispatch-alerts N=10000] [--groups N=1000] [--window S=60]
            [--dispatch-via api|rules] [--dispatch-interval S=5 (rules only)]
  [--only=argus|prometheus] [--keep] [--out FILE] [--cpu-prof]
  --quick: 20 alerts; dispatch 2000 alerts in 200 groups over 20 s
  --cpu-prof: V8 CPU profile of Argus (latency run, dispatch run with alerting) in
  .bench/profiles/, hot functions printed under the tables`;

/** PERFORMANCE.md: Prometheus 2.42 + Alertmanager 0.25 on this machine class, same settings. */
const REFERENCE =
  'p50 0.55 s, p95 0.91 s, p99 1.02 s (~545 ms waiting for the tick, ≤ 16 ms after)';

function printHot(title: string, hot: readonly HotFunction[]): void {
  console.log(title);
  for (const h of hot)
    console.log(
      `  ${h.percent.toFixed(1).padStart(5)}%  ${h.selfMs.toFixed(0).padStart(6)} ms  ${h.name}`,
    );
  console.log('');
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(process.argv.slice(2), {
    scenario: 'string',
    quick: 'boolean',
    alerts: 'number',
    spacing: 'number',
    'eval-interval': 'number',
    timeout: 'number',
    seed: 'number',
    'dispatch-alerts': 'number',
    groups: 'number',
    window: 'number',
    'dispatch-interval': 'number',
    'dispatch-via': 'string',
    only: 'string',
    keep: 'boolean',
    out: 'string',
    'cpu-prof': 'boolean',
  });
  const loadavgAtStart = os.loadavg();
  const quick = args.has('quick');
  const num = (k: string, d: number, q = d): number => Number(args.get(k) ?? (quick ? q : d));
  const scenario = args.get('scenario') ?? 'latency';
  if (!['latency', 'dispatch', 'all'].includes(scenario))
    throw new Error(`cannot select scenario: got ${scenario}, want latency, dispatch or all`);
  const only = args.get('only');
  if (only !== undefined && only !== 'argus' && only !== 'prometheus')
    throw new Error(`cannot select peer: --only=${only}, want argus or prometheus`);
  const keep = args.has('keep');
  const want = (p: 'argus' | 'prometheus'): boolean => {
    if (only !== undefined && only !== p) return false;
    const why = p === 'argus' ? argusUnavailable() : prometheusUnavailable();
    if (why === '') return true;
    if (only !== undefined) throw new Error(`cannot run ${p}: ${why}`);
    log(`${p}: SKIPPED: ${why}`);
    return false;
  };
  const peers = (['prometheus', 'argus'] as const).filter(want);
  const failed: Record<string, string> = {};
  const attempt = async <R>(name: string, fn: () => Promise<R>): Promise<R | undefined> => {
    try {
      return await fn();
    } catch (err) {
      failed[name] = err instanceof Error ? err.message : String(err);
      log(`${name}: FAILED: ${failed[name]}`);
      return undefined;
    }
  };

  const latencyOpts = {
    alerts: num('alerts', 100, 20),
    spacingMs: num('spacing', 300),
    evalIntervalS: num('eval-interval', 1),
    timeoutS: num('timeout', 30),
    seed: num('seed', 1),
    keep,
    cpuProfileDir: args.has('cpu-prof') ? path.resolve('.bench', 'profiles') : undefined,
    log,
  };
  const latency: LatencyResult[] = [];
  if (scenario !== 'dispatch') {
    for (const p of peers) {
      const r = await attempt(`latency/${p}`, () => runLatency(p, latencyOpts));
      if (r) latency.push(r);
    }
    console.log(`\n${renderLatency(latency)}\n`);
    const stages = renderStages(latency);
    if (stages !== '') console.log(`${stages}\n`);
    const hot = latency.find((r) => r.hot !== undefined)?.hot;
    if (hot !== undefined)
      printHot('argus CPU from the first crossing on (self time, main thread):', hot);
    console.log(`(reference, PERFORMANCE.md: Prometheus 2.42 + Alertmanager 0.25 ${REFERENCE})\n`);
  }

  const viaArg = args.get('dispatch-via') ?? 'api';
  if (viaArg !== 'api' && viaArg !== 'rules')
    throw new Error(`cannot select --dispatch-via: got ${viaArg}, want api or rules`);
  const via: 'api' | 'rules' = viaArg;
  const dispatchOpts = {
    alerts: num('dispatch-alerts', 10_000, 2000),
    groups: num('groups', 1000, 200),
    windowS: num('window', 60, 20),
    evalIntervalS: num('dispatch-interval', 5),
    via,
    keep,
    cpuProfileDir: latencyOpts.cpuProfileDir,
    log,
  };
  const dispatch: DispatchResult[] = [];
  if (scenario !== 'latency') {
    const runs: DispatchRun[] = [];
    if (peers.includes('prometheus')) runs.push('alertmanager');
    if (peers.includes('argus')) runs.push('argus-baseline', 'argus');
    for (const run of runs) {
      const r = await attempt(`dispatch/${run}`, () => runDispatch(run, dispatchOpts));
      if (r) dispatch.push(r);
    }
    console.log(`\n${renderDispatch(dispatch, dispatchOpts.windowS)}\n`);
    const hot = dispatch.find((r) => r.hot !== undefined)?.hot;
    if (hot !== undefined)
      printHot('argus CPU in the dispatch window (self time, main thread):', hot);
  }

  const verdict = latencyVerdict(latency);
  const summary = {
    bench: 'alerts',
    scenario,
    latency: latency.map((r) => ({
      peer: r.peer,
      delivered: r.delivered,
      alerts: r.alerts,
      latencyMs: r.latencyMs,
      waitMs: r.waitMs,
      afterEvalMs: r.afterEvalMs,
      stages: r.stages,
    })),
    ...verdict,
    dispatch,
    argusPipeline: argusPipeline(dispatch),
    failed,
  };
  console.log(JSON.stringify(summary));
  const out = args.get('out') ?? defaultOut('alerts');
  await writeResults(out, {
    when: new Date().toISOString(),
    machine: { ...(await machine()), loadavgAtStart, loadavgAtEnd: os.loadavg() },
    config: {
      latency: { ...latencyOpts, log: undefined },
      dispatch: { ...dispatchOpts, log: undefined },
    },
    ...summary,
    perAlert: Object.fromEntries(latency.map((r) => [r.peer, r.perAlert])),
  });
  log(`results written to ${out}`);
  const incomplete =
    latency.some((r) => r.delivered !== r.alerts) ||
    dispatch.some((r) => r.run !== 'argus-baseline' && r.groupsNotified !== dispatchOpts.groups);
  return Object.keys(failed).length > 0 || incomplete ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
