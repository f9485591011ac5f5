/**
 * Whole-system scrape benchmark: 4 synthetic node_exporter-like targets × 10k series (values
 * change on every request), served from a child process, scraped every 1 s by Prometheus and
 * then by Argus (same scrape_configs). Per peer: scraped samples/s, server CPU µs per scraped
 * sample, RSS, and a probe series whose stored sample count must equal the scrapes served.
 * Run with `npm run bench -- scrape [--seconds N] [--warmup N] [--only=argus|prometheus]`;
 * results also land in `.bench/scrape-<time>.json`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { eachPeer } from './lib/each-peer.js';
import { PROBE_SELECTOR } from './lib/exposition.js';
import {
  cpuSeconds,
  freePort,
  peakRssBytes,
  rssBytes,
  stopGracefully,
  waitReady,
  type Spawned,
} from './lib/proc.js';
import { scrapingArgus, scrapingPrometheus, type ScrapePeer } from './lib/scrape-peers.js';
import { defaultOut, log, machine, sleep, textTable, writeResults } from './lib/table.js';
import { Targets } from './lib/targets.js';

const USAGE = `usage: npm run bench -- scrape [--targets N=4] [--series N=10000] [--interval S=1]
  [--warmup S=20] [--seconds S=60] [--seed N=1] [--only=argus|prometheus] [--keep] [--out FILE]
  [--cpu-prof]   (--cpu-prof: V8 CPU profile of Argus over the whole run, in .bench/profiles/)`;

/** Prometheus on this machine class (PERFORMANCE.md): the target for Argus. */
const PROMETHEUS_REFERENCE_US = 0.79;

interface ScrapeResult {
  peer: string;
  windowS: number;
  scrapes: number;
  samplesScraped: number;
  samplesPerSec: number;
  cpuSeconds: number;
  cpuMicrosPerSample: number;
  cpuPercentOfCore: number;
  rssBytes: number;
  peakRssBytes: number;
  targetsCpuSeconds: number;
  probe: { selector: string; want: number; got: number };
  probeOk: boolean;
}

interface Options {
  targets: number;
  series: number;
  intervalS: number;
  warmupS: number;
  seconds: number;
  seed: number;
  keep: boolean;
  cpuProfileDir?: string;
}

async function runPeer(peer: ScrapePeer, o: Options): Promise<ScrapeResult> {
  const targets = await Targets.start(o.targets, o.series, o.seed);
  const dir = await mkdtemp(path.join(os.tmpdir(), `argus-bench-scrape-${peer.name}-`));
  let proc: Spawned | undefined;
  try {
    const addrs = targets.ports.map((p) => `127.0.0.1:${p}`);
    await peer.prepare(dir, { targets: addrs, intervalS: o.intervalS, hostCollectorS: 0 });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const t0 = performance.now();
    const startedMs = Date.now();
    proc = peer.start(dir, port, peer.name === 'argus' ? o.cpuProfileDir : undefined);
    await waitReady(`${base}/-/ready`, proc, t0, 60_000);
    log(`${peer.name}: ready (pid ${proc.pid}, dir ${dir}); warm-up ${o.warmupS} s`);
    await sleep(o.warmupS * 1000);

    const s0 = await targets.stats();
    const cpu0 = await cpuSeconds(proc.pid);
    const tcpu0 = await cpuSeconds(targets.pid);
    const w0 = performance.now();
    log(`${peer.name}: measuring ${o.seconds} s`);
    await sleep(o.seconds * 1000);
    const s1 = await targets.stats();
    const cpu = (await cpuSeconds(proc.pid)) - cpu0;
    const targetsCpu = (await cpuSeconds(targets.pid)) - tcpu0;
    const windowS = (performance.now() - w0) / 1000;
    const rss = await rssBytes(proc.pid);
    const peak = await peakRssBytes(proc.pid);

    // Freeze the targets, let any scrape in flight land, then compare the probe's stored
    // samples with the scrapes target 0 answered over the whole run.
    targets.freeze();
    await sleep(o.intervalS * 1000 * 2 + 1000);
    const final = await targets.stats();
    const selector = PROBE_SELECTOR.replace('}', `,instance="${addrs[0]}"}`);
    const got = await peer.countSamples(base, selector, startedMs - 1000);
    const want = final.served[0];

    const scrapes = s1.served.reduce((a, b, i) => a + b - s0.served[i], 0);
    const samplesScraped = scrapes * targets.series;
    const r: ScrapeResult = {
      peer: peer.name,
      windowS,
      scrapes,
      samplesScraped,
      samplesPerSec: samplesScraped / windowS,
      cpuSeconds: cpu,
      cpuMicrosPerSample: (cpu * 1e6) / Math.max(1, samplesScraped),
      cpuPercentOfCore: (cpu / windowS) * 100,
      rssBytes: rss,
      peakRssBytes: peak,
      targetsCpuSeconds: targetsCpu,
      probe: { selector, want, got },
      probeOk: got === want && want > 0,
    };
    log(
      `${peer.name}: ${scrapes} scrapes, ${(r.samplesPerSec / 1000).toFixed(1)}k samples/s, ` +
        `${r.cpuMicrosPerSample.toFixed(2)} µs/sample, probe ${got}/${want}`,
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
    if (proc) await stopGracefully(proc, 60_000);
    await targets.stop();
    if (!o.keep) await rm(dir, { recursive: true, force: true });
  }
}

function render(results: ScrapeResult[]): string {
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const rows = results.map((r) => [
    r.peer,
    `${(r.samplesPerSec / 1000).toFixed(1)}k`,
    r.cpuMicrosPerSample.toFixed(2),
    `${r.cpuPercentOfCore.toFixed(1)}%`,
    mib(r.rssBytes),
    mib(r.peakRssBytes),
    `${r.probe.got}/${r.probe.want}${r.probeOk ? ' ok' : ' BAD'}`,
  ]);
  const a = results.find((r) => r.peer === 'argus');
  const p = results.find((r) => r.peer === 'prometheus');
  if (a && p) {
    const x = (v: number): string => `${v.toFixed(2)}×`;
    const cpuRatio = a.cpuMicrosPerSample / p.cpuMicrosPerSample;
    rows.push([
      'argus/prometheus',
      x(a.samplesPerSec / p.samplesPerSec),
      x(cpuRatio),
      x(a.cpuPercentOfCore / p.cpuPercentOfCore),
      x(a.rssBytes / p.rssBytes),
      x(a.peakRssBytes / p.peakRssBytes),
      '',
    ]);
    rows.push(['target', '-', `≤1.0 ${cpuRatio <= 1 ? 'met' : 'MISSED'}`, '-', '-', '-', '']);
  }
  return textTable(
    ['system', 'samples/s', 'CPU µs/sample', 'CPU', 'RSS', 'peak RSS', 'probe'],
    rows,
  );
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(process.argv.slice(2), {
    targets: 'number',
    series: 'number',
    interval: 'number',
    warmup: 'number',
    seconds: 'number',
    seed: 'number',
    only: 'string',
    keep: 'boolean',
    out: 'string',
    'cpu-prof': 'boolean',
  });
  const num = (k: string, d: number): number => Number(args.get(k) ?? d);
  const o: Options = {
    targets: num('targets', 4),
    series: num('series', 10_000),
    intervalS: num('interval', 1),
    warmupS: num('warmup', 20),
    seconds: num('seconds', 60),
    seed: num('seed', 1),
    keep: args.has('keep'),
    cpuProfileDir: args.has('cpu-prof') ? path.resolve('.bench', 'profiles') : undefined,
  };
  const only = args.get('only');
  const peers = [scrapingPrometheus, scrapingArgus].filter(
    (p) => only === undefined || p.name === only,
  );
  if (peers.length === 0)
    throw new Error(`cannot select peer: --only=${only}, want argus or prometheus`);
  log(
    `scrape: ${o.targets} targets × ${o.series} series every ${o.intervalS} s; ` +
      `warm-up ${o.warmupS} s, window ${o.seconds} s per peer`,
  );

  const { results, skipped, failed } = await eachPeer(peers, only, log, (peer) => runPeer(peer, o));
  console.log(`\n${render(results)}\n`);
  console.log(
    `(reference: Prometheus 2.42 measured ${PROMETHEUS_REFERENCE_US} µs/sample on this machine class)`,
  );
  const out = args.get('out') ?? defaultOut('scrape');
  await writeResults(out, {
    when: new Date().toISOString(),
    machine: await machine(),
    config: o,
    results,
    skipped,
    failed,
  });
  log(`results written to ${out}`);
  return Object.keys(failed).length > 0 || results.some((r) => !r.probeOk) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
