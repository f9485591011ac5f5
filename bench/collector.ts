/**
 * Whole-system host-collector benchmark: the self-overhead of Argus's built-in host collector at
 * a 1 s interval against node_exporter scraped every 1 s. Runs one after the other:
 *   1. Argus idle (no collector, no scrape jobs): the baseline subtracted from run 2;
 *   2. Argus with only the host collector (`collect.host.interval: 1s`);
 *   3. node_exporter with its default collectors, scraped by this process every 1 s;
 *   4. node_exporter with only the collectors Argus implements (like for like).
 * Figures: CPU % of one core over the window and RSS (Argus: minus the idle baseline).
 * Run with `npm run bench -- collector [--seconds N] [--warmup N]`; results also land in
 * `.bench/collector-<time>.json`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { argus } from './lib/peers.js';
import {
  cpuSeconds,
  freePort,
  rssBytes,
  spawnLogged,
  stopGracefully,
  waitReady,
  type Spawned,
} from './lib/proc.js';
import { scrapingArgus } from './lib/scrape-peers.js';
import { defaultOut, log, machine, sleep, textTable, writeResults } from './lib/table.js';

const USAGE = `usage: npm run bench -- collector [--interval S=1] [--warmup S=30] [--seconds S=60]
  [--keep] [--out FILE] [--cpu-prof]
  --warmup: the collector's JavaScript is still being optimised (V8 background compiles) for
    the first ~30–60 ticks at 1 s, so shorter warm-ups measure JIT warm-up, not steady state
  --cpu-prof: V8 CPU profile of the Argus run with the collector, in .bench/profiles/`;

const NODE_EXPORTER_BIN = process.env.NODE_EXPORTER_BIN ?? '/usr/bin/prometheus-node-exporter';

/** The collectors Argus's host collector implements (docs/user/host-metrics.md). */
const ARGUS_COLLECTORS = [
  'cpu',
  'diskstats',
  'filefd',
  'filesystem',
  'loadavg',
  'meminfo',
  'netclass',
  'netdev',
  'pressure',
  'sockstat',
  'stat',
  'time',
  'uname',
];

interface RunResult {
  run: string;
  windowS: number;
  cpuSeconds: number;
  cpuPercentOfCore: number;
  rssBytes: number;
  series: number;
  scrapes?: number;
  scrapeErrors?: number;
}

interface Options {
  intervalS: number;
  warmupS: number;
  seconds: number;
  keep: boolean;
  cpuProfileDir?: string;
}

/** Warm-up, then CPU and RSS of `pid` over the window. */
async function measure(
  pid: number,
  o: Options,
): Promise<{ cpu: number; windowS: number; rss: number }> {
  await sleep(o.warmupS * 1000);
  const cpu0 = await cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(o.seconds * 1000);
  const cpu = (await cpuSeconds(pid)) - cpu0;
  const windowS = (performance.now() - t0) / 1000;
  return { cpu, windowS, rss: await rssBytes(pid) };
}

async function runArgus(name: string, hostCollectorS: number, o: Options): Promise<RunResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `argus-bench-collector-`));
  let proc: Spawned | undefined;
  try {
    await scrapingArgus.prepare(dir, { targets: [], intervalS: o.intervalS, hostCollectorS });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const profile = hostCollectorS > 0 ? o.cpuProfileDir : undefined;
    proc = scrapingArgus.start(dir, port, profile);
    await waitReady(`${base}/-/ready`, proc, performance.now(), 60_000);
    log(`${name}: ready (pid ${proc.pid}); warm-up ${o.warmupS} s, window ${o.seconds} s`);
    const m = await measure(proc.pid, o);
    const since = (Date.now() / 1000 - 30).toFixed(0);
    const res = await fetch(
      `${base}/api/v1/series?match[]=${encodeURIComponent('{job="node"}')}&start=${since}`,
      { headers: argus.headers('admin') },
    );
    const body = (await res.json()) as { data?: unknown[] };
    return {
      run: name,
      windowS: m.windowS,
      cpuSeconds: m.cpu,
      cpuPercentOfCore: (m.cpu / m.windowS) * 100,
      rssBytes: m.rss,
      series: body.data?.length ?? 0,
    };
  } finally {
    if (proc) await stopGracefully(proc);
    if (!o.keep) await rm(dir, { recursive: true, force: true });
  }
}

async function runNodeExporter(name: string, collectors: string[], o: Options): Promise<RunResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `argus-bench-node-exporter-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const only =
    collectors.length === 0
      ? []
      : ['--collector.disable-defaults', ...collectors.map((c) => `--collector.${c}`)];
  const proc = spawnLogged(
    NODE_EXPORTER_BIN,
    [`--web.listen-address=127.0.0.1:${port}`, ...only],
    path.join(dir, 'node-exporter.log'),
  );
  let stop = false;
  let scrapes = 0;
  let errors = 0;
  let series = 0;
  // The scraper: one request per interval, gzip like Prometheus; its CPU is this process's.
  const scraper = (async () => {
    while (!stop) {
      const next = performance.now() + o.intervalS * 1000;
      try {
        const res = await fetch(url, {
          headers: { 'accept-encoding': 'gzip' },
          signal: AbortSignal.timeout(o.intervalS * 1000),
        });
        const text = await res.text();
        if (res.status === 200) {
          scrapes++;
          series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
        } else errors++;
      } catch {
        errors++;
      }
      await sleep(Math.max(0, next - performance.now()));
    }
  })();
  try {
    await waitReady(url, proc, performance.now(), 30_000);
    log(`${name}: ready (pid ${proc.pid}); warm-up ${o.warmupS} s, window ${o.seconds} s`);
    const m = await measure(proc.pid, o);
    return {
      run: name,
      windowS: m.windowS,
      cpuSeconds: m.cpu,
      cpuPercentOfCore: (m.cpu / m.windowS) * 100,
      rssBytes: m.rss,
      series,
      scrapes,
      scrapeErrors: errors,
    };
  } finally {
    stop = true;
    await scraper;
    await stopGracefully(proc);
    if (!o.keep) await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(process.argv.slice(2), {
    interval: 'number',
    warmup: 'number',
    seconds: 'number',
    keep: 'boolean',
    out: 'string',
    'cpu-prof': 'boolean',
  });
  const num = (k: string, d: number): number => Number(args.get(k) ?? d);
  const o: Options = {
    intervalS: num('interval', 1),
    warmupS: num('warmup', 30),
    seconds: num('seconds', 60),
    keep: args.has('keep'),
    cpuProfileDir: args.has('cpu-prof') ? path.resolve('.bench', 'profiles') : undefined,
  };
  const why = argus.unavailable();
  if (why !== '') throw new Error(`cannot run argus: ${why}`);
  if (!existsSync(NODE_EXPORTER_BIN)) {
    throw new Error(
      `cannot run node_exporter: ${NODE_EXPORTER_BIN} missing (run tools/scripts/ensure-debian.sh prometheus-node-exporter)`,
    );
  }
  log(
    `collector: interval ${o.intervalS} s; warm-up ${o.warmupS} s, window ${o.seconds} s per run`,
  );
  const idle = await runArgus('argus idle (baseline)', 0, o);
  const coll = await runArgus('argus + host collector', o.intervalS, o);
  const neDefault = await runNodeExporter('node_exporter (defaults)', [], o);
  const neSame = await runNodeExporter('node_exporter (Argus collectors)', ARGUS_COLLECTORS, o);

  const net = {
    run: 'argus collector (minus baseline)',
    cpuPercentOfCore: coll.cpuPercentOfCore - idle.cpuPercentOfCore,
    rssBytes: coll.rssBytes - idle.rssBytes,
    series: coll.series,
  };
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const pct = (v: number): string => `${v.toFixed(2)}%`;
  const rows = [idle, coll, net, neDefault, neSame].map((r) => [
    r.run,
    pct(r.cpuPercentOfCore),
    mib(r.rssBytes),
    String(r.series),
  ]);
  const x = (v: number): string => `${v.toFixed(2)}×`;
  const ok = (v: number): string => (v <= 1 ? 'met' : 'MISSED');
  const cpuVsDefault = net.cpuPercentOfCore / neDefault.cpuPercentOfCore;
  const cpuVsSame = net.cpuPercentOfCore / neSame.cpuPercentOfCore;
  rows.push([
    'collector/node_exporter (defaults)',
    `${x(cpuVsDefault)} ≤1.0 ${ok(cpuVsDefault)}`,
    x(net.rssBytes / neDefault.rssBytes),
    '',
  ]);
  rows.push([
    'collector/node_exporter (same)',
    `${x(cpuVsSame)} ≤1.0 ${ok(cpuVsSame)}`,
    x(net.rssBytes / neSame.rssBytes),
    '',
  ]);
  console.log(`\n${textTable(['run', 'CPU of a core', 'RSS', 'series'], rows)}\n`);
  console.log(
    'Argus figures of the collector are the run with it minus the idle baseline run; ' +
      'node_exporter figures are the whole process (its scraper is this bench process).',
  );
  const out = args.get('out') ?? defaultOut('collector');
  await writeResults(out, {
    when: new Date().toISOString(),
    machine: await machine(),
    config: o,
    results: {
      idle,
      collector: coll,
      collectorNet: net,
      nodeExporterDefault: neDefault,
      nodeExporterSame: neSame,
    },
    ratios: { cpuVsDefault, cpuVsSame },
  });
  log(`results written to ${out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
