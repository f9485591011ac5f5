/**
 * One peer's pass through the ingest benchmark: start on a fresh dir, send the whole load, read
 * CPU and peak RSS, persist and measure the snapshot, `kill -9`, time the restart to ready and
 * check that probe series are complete.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Load } from './load.js';
import { dataDirOf, snapshot, type Peer } from './peers.js';
import {
  cpuSeconds,
  dirBytes,
  freePort,
  killHard,
  peakRssBytes,
  stopGracefully,
  waitReady,
  type Spawned,
} from './proc.js';
import { sendAll } from './send.js';

export interface PeerResult {
  peer: string;
  series: number;
  samplesSent: number;
  samplesAccepted: number;
  failures: Record<string, number>;
  firstError: string;
  retries: number;
  sendWallMs: number;
  samplesPerSec: number;
  cpuSeconds: number;
  cpuMicrosPerSample: number;
  peakRssBytes: number;
  rssBytesPerSeries: number;
  dataDirBytesBeforeKill: number;
  snapshotBytes: number;
  bytesPerSample: number;
  firstStartMs: number;
  restartMs: number;
  /** How the first server was stopped before the timed restart (SIGTERM when profiling). */
  restartAfter: 'SIGKILL' | 'SIGTERM';
  probes: { selector: string; want: number; got: number }[];
  probesOk: boolean;
  logFile: string;
}

export interface RunOptions {
  senders: number;
  keep: boolean;
  /** Profile Argus's CPU during the send: it is then stopped with SIGTERM, not `kill -9`. */
  cpuProfileDir?: string;
  log: (msg: string) => void;
}

/** Runs the whole pass; the server is always stopped and, unless `keep`, its dir removed. */
export async function runPeer(peer: Peer, load: Load, opts: RunOptions): Promise<PeerResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `argus-bench-${peer.name}-`));
  await peer.prepare(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let proc: Spawned | undefined;
  try {
    let t0 = performance.now();
    const profile = peer.name === 'argus' ? opts.cpuProfileDir : undefined;
    proc = peer.start(dir, port, profile);
    const firstStartMs = await waitReady(`${base}/-/ready`, proc, t0, 60_000);
    opts.log(`${peer.name}: ready in ${firstStartMs.toFixed(0)} ms (pid ${proc.pid}, dir ${dir})`);

    const cpu0 = await cpuSeconds(proc.pid);
    const sent = await sendAll(
      `${base}/api/v1/write`,
      load.requests,
      load.requestSamples,
      load.after,
      opts.senders,
      peer.headers('write'),
    );
    const cpu = (await cpuSeconds(proc.pid)) - cpu0;
    const rss = await peakRssBytes(proc.pid);
    opts.log(
      `${peer.name}: sent ${load.requests.length} requests in ${(sent.wallMs / 1000).toFixed(1)} s`,
    );
    if (sent.firstError !== '')
      opts.log(`${peer.name}: failures ${JSON.stringify(sent.failures)}: ${sent.firstError}`);

    const snapDir = await snapshot(base, dataDirOf(dir), peer.headers('admin'));
    const snapshotBytes = await dirBytes(snapDir);
    const dataDirBytesBeforeKill = (await dirBytes(dataDirOf(dir))) - snapshotBytes;
    const restartAfter = profile === undefined ? 'SIGKILL' : 'SIGTERM';
    opts.log(
      `${peer.name}: snapshot ${(snapshotBytes / 1e6).toFixed(1)} MB; stopping with ${restartAfter}`,
    );
    if (profile === undefined) await killHard(proc);
    else await stopGracefully(proc, 60_000); // the profile is written on exit
    t0 = performance.now();
    proc = peer.start(dir, port);
    const restartMs = await waitReady(`${base}/-/ready`, proc, t0, 600_000);
    opts.log(`${peer.name}: restarted, ready in ${restartMs.toFixed(0)} ms`);

    const probes = [];
    for (const p of load.probes) {
      const got = await peer.countSamples(base, p.selector, load.firstTs, load.lastTs);
      probes.push({ selector: p.selector, want: p.samples, got });
    }
    const accepted = sent.acceptedSamples;
    return {
      peer: peer.name,
      series: load.series,
      samplesSent: load.samples,
      samplesAccepted: accepted,
      failures: sent.failures,
      firstError: sent.firstError,
      retries: sent.retries,
      sendWallMs: sent.wallMs,
      samplesPerSec: accepted / (sent.wallMs / 1000),
      cpuSeconds: cpu,
      cpuMicrosPerSample: (cpu * 1e6) / Math.max(1, accepted),
      peakRssBytes: rss,
      rssBytesPerSeries: rss / load.series,
      dataDirBytesBeforeKill,
      snapshotBytes,
      bytesPerSample: snapshotBytes / Math.max(1, accepted),
      firstStartMs,
      restartMs,
      restartAfter,
      probes,
      probesOk: probes.every((p) => p.got === p.want),
      logFile: proc.logFile,
    };
  } catch (err) {
    // The dir (and its server log) is about to go: keep the log's tail in the error.
    const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
    const tail = log.split('\n').slice(-12).join('\n');
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- ${peer.name} log tail:\n${tail}`,
      {
        cause: err,
      },
    );
  } finally {
    if (proc) await stopGracefully(proc);
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}
