/**
 * Whole-system ingest benchmark: the same pre-generated remote_write load (PERFORMANCE.md) is
 * sent to real Prometheus and then to Argus, one after the other, and a table compares ingest
 * rate, CPU per sample, peak RSS per series, on-disk bytes per sample and restart time after
 * `kill -9`. Run with `npm run bench -- ingest [--series N] [--steps N] [--senders N]
 * [--only=argus|prometheus] [--keep]`; results also land in `.bench/ingest-<time>.json`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { eachPeer } from './lib/each-peer.js';
import { generateLoad } from './lib/load.js';
import { argus, prometheus, type Peer } from './lib/peers.js';
import { ratios, renderTable } from './lib/report.js';
import { runPeer } from './lib/run-peer.js';

const USAGE = `usage: npm run bench -- ingest [--series N=100000] [--steps N=240] [--senders N=4]
  [--samples-per-request N=2000] [--seed N=1] [--only=argus|prometheus] [--keep] [--out FILE] [--cpu-prof]
  --cpu-prof: write a V8 CPU profile of Argus to .bench/profiles/ (stops it with SIGTERM,
  so its restart is then timed after a graceful stop, not kill -9)`;

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(process.argv.slice(2), {
    series: 'number',
    steps: 'number',
    senders: 'number',
    'samples-per-request': 'number',
    seed: 'number',
    only: 'string',
    keep: 'boolean',
    'cpu-prof': 'boolean',
    out: 'string',
  });
  const num = (k: string, d: number): number => Number(args.get(k) ?? d);
  const only = args.get('only');
  const all: Peer[] = [prometheus, argus];
  const peers = only === undefined ? all : all.filter((p) => p.name === only);
  if (peers.length === 0)
    throw new Error(`cannot select peer: --only=${only}, want argus or prometheus`);
  const log = (msg: string): void =>
    console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

  const stepMs = 15_000;
  const t0 = performance.now();
  // The last step lands on "now", so the whole load lies within the last steps×15 s.
  const endMs = Math.floor(Date.now() / stepMs) * stepMs;
  const load = generateLoad({
    series: num('series', 100_000),
    steps: num('steps', 240),
    stepMs,
    samplesPerRequest: num('samples-per-request', 2000),
    changeRatio: 0.77,
    seed: num('seed', 1),
    endMs,
  });
  log(
    `load: ${load.hosts} hosts × 176 = ${load.series} series × ${load.requests.length ? load.samples / load.series : 0} steps = ` +
      `${load.samples} samples in ${load.requests.length} requests; ${(load.compressedBytes / 1e6).toFixed(0)} MB snappy ` +
      `(${(load.rawBytes / 1e6).toFixed(0)} MB raw), built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const cpuProfileDir = args.has('cpu-prof') ? path.resolve('.bench', 'profiles') : undefined;
  const opts = { senders: num('senders', 4), keep: args.has('keep'), cpuProfileDir, log };
  const { results, skipped, failed } = await eachPeer(peers, only, log, (peer) =>
    runPeer(peer, load, opts),
  );

  console.log(`\n${renderTable(results)}\n`);
  for (const r of results) {
    for (const p of r.probes.filter((x) => x.got !== x.want)) {
      console.log(
        `${r.peer}: probe ${p.selector}: got ${p.got} samples after restart, want ${p.want}`,
      );
    }
    if (r.samplesAccepted !== r.samplesSent) {
      console.log(
        `${r.peer}: accepted ${r.samplesAccepted} of ${r.samplesSent} samples: ${r.firstError}`,
      );
    }
  }
  const out =
    args.get('out') ??
    path.join('.bench', `ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(path.dirname(out), { recursive: true });
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memBytes: os.totalmem(),
    node: process.version,
  };
  const config = {
    series: load.series,
    hosts: load.hosts,
    steps: load.samples / load.series,
    senders: num('senders', 4),
  };
  await writeFile(
    out,
    JSON.stringify(
      {
        when: new Date().toISOString(),
        machine,
        config,
        results,
        skipped,
        failed,
        ratios: ratios(results),
      },
      null,
      2,
    ),
  );
  log(`results written to ${out}`);
  const bad =
    Object.keys(failed).length > 0 ||
    results.some((r) => !r.probesOk || r.samplesAccepted !== r.samplesSent);
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
