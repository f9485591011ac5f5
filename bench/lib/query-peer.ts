/**
 * One peer's pass through the query benchmark: start on a fresh dir, check that it serves
 * `/api/v1/query_range` (Argus answers 404 until the query API lands: the peer is then skipped),
 * send the whole load with remote_write, wait until every sample is queryable, then run each
 * query once to warm up and `runs` times timed, keeping the last answer for the comparison.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Load } from './load.js';
import type { Peer } from './peers.js';
import { freePort, stopGracefully, waitReady, type Spawned } from './proc.js';
import { parseMatrix, type MatrixSeries } from './query-compare.js';
import { exprOf, type BenchQuery, type QueryRange } from './query-mix.js';
import { sendAll } from './send.js';

export interface QueryTiming {
  id: string;
  /** Wall time of each timed run: request sent to the last byte of the answer (ms). */
  runsMs: number[];
  /** Answer size of the last run. */
  bytes: number;
  /** The last run's answer, or the error it gave. */
  result?: MatrixSeries[];
  error?: string;
  /**
   * Windows of the timed runs on the monotonic clock in ms (`process.hrtime`), the clock V8's
   * CPU profile timestamps use on Linux, so the profile's samples can be matched to queries.
   */
  windows: [number, number][];
  /**
   * Argus only: the longest the server's event loop was blocked during the timed runs (ms), from
   * its own `nodejs_eventloop_lag_max_seconds` (prom-client resets it at each /metrics read).
   */
  loopMaxMs?: number;
}

export interface QueryPeerResult {
  peer: string;
  /** Set when the peer could not be benchmarked (e.g. no query API yet). */
  skipped?: string;
  loadWallMs: number;
  samplesAccepted: number;
  queries: QueryTiming[];
  /** The V8 CPU profile written on exit (Argus with --cpu-prof). */
  profileFile?: string;
  /** Epoch ms when the server was spawned (profile files written after it are this run's). */
  spawnedAtEpochMs: number;
}

export interface QueryPeerOptions {
  range: QueryRange;
  runs: number;
  senders: number;
  keep: boolean;
  cpuProfileDir?: string;
  log: (msg: string) => void;
}

/** CLOCK_MONOTONIC in ms, as V8's profile timestamps (µs) on Linux. */
export const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

/** Argus reads with a read-scoped token (hashed lookup), not Basic auth (argon2 per request). */
function argusReadToken(dir: string): string {
  const r = spawnSync(
    process.execPath,
    [
      path.resolve('bin/argus'),
      'token',
      'create',
      '--user',
      'admin',
      '--scope',
      'read',
      '--name',
      'bench-query',
      '--data-dir',
      path.join(dir, 'data'),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`cannot create a read token: ${r.stderr}`);
  return r.stdout.trim();
}

async function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(300_000) });
  return { status: res.status, body: await res.text() };
}

function rangeUrl(base: string, expr: string, r: QueryRange): string {
  return (
    `${base}/api/v1/query_range?query=${encodeURIComponent(expr)}` +
    `&start=${r.start.toFixed(3)}&end=${r.end.toFixed(3)}&step=${r.step}`
  );
}

/** Instant query returning the single scalar-like value of a one-element vector (NaN if none). */
async function instantValue(
  base: string,
  expr: string,
  timeSec: number,
  headers: Record<string, string>,
): Promise<number> {
  const url = `${base}/api/v1/query?query=${encodeURIComponent(expr)}&time=${timeSec.toFixed(3)}`;
  const { status, body } = await get(url, headers);
  if (status !== 200)
    throw new Error(`cannot query ${expr}: HTTP ${status}: ${body.slice(0, 300)}`);
  const env = JSON.parse(body) as { data: { result: { value: [number, string] }[] } };
  const v = env.data.result[0]?.value[1];
  return v === undefined ? NaN : Number(v);
}

/**
 * Waits (bounded) until the peer answers with every series and every sample of the load:
 * `count` over all series at the last step, and `count_over_time` of the probe series.
 */
async function waitComplete(
  base: string,
  load: Load,
  headers: Record<string, string>,
  log: (msg: string) => void,
): Promise<void> {
  const at = (load.lastTs + 1) / 1000;
  // Starts 1 ms before the first sample: complete under closed (2.x) and left-open (3.x) ranges.
  const span = `${load.lastTs - load.firstTs + 2}ms`;
  const deadline = performance.now() + 180_000;
  let last = '';
  for (;;) {
    const series = await instantValue(base, 'count({__name__=~".+"})', at, headers);
    const counts = [];
    for (const p of load.probes) {
      counts.push(await instantValue(base, `count_over_time(${p.selector}[${span}])`, at, headers));
    }
    const steps = load.samples / load.series;
    last = `series ${series}/${load.series}, probe samples ${counts.join(',')}/${steps}`;
    if (series === load.series && counts.every((c) => c === steps)) {
      log(`complete: ${last}`);
      return;
    }
    if (performance.now() > deadline) throw new Error(`cannot see the whole load: ${last}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The server's `nodejs_eventloop_lag_max_seconds` in ms since the last /metrics read (NaN if absent). */
async function loopLagMaxMs(base: string, headers: Record<string, string>): Promise<number> {
  const { status, body } = await get(`${base}/metrics`, headers);
  if (status !== 200) return NaN;
  const m = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)/m.exec(body);
  return m ? Number(m[1]) * 1000 : NaN;
}

/** Runs the whole pass; the server is always stopped and, unless `keep`, its dir removed. */
export async function runQueryPeer(
  peer: Peer,
  load: Load,
  queries: readonly BenchQuery[],
  opts: QueryPeerOptions,
): Promise<QueryPeerResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `argus-bench-query-${peer.name}-`));
  await peer.prepare(dir);
  const readHeaders: Record<string, string> =
    peer.name === 'argus' ? { Authorization: `Bearer ${argusReadToken(dir)}` } : {};
  if (peer.name === 'argus') {
    // No host collector: its node_* series would join the load's and change every answer.
    const cfg = path.join(dir, 'argus.yml');
    await writeFile(cfg, 'collect:\n  host:\n    enabled: false\n');
    process.env.ARGUS_CONFIG = cfg; // read by the child spawned below (peers.ts passes env on)
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profile = peer.name === 'argus' ? opts.cpuProfileDir : undefined;
  const out: QueryPeerResult = {
    peer: peer.name,
    loadWallMs: 0,
    samplesAccepted: 0,
    queries: [],
    spawnedAtEpochMs: Date.now(),
  };
  let proc: Spawned | undefined;
  try {
    const t0 = performance.now();
    proc = peer.start(dir, port, profile);
    delete process.env.ARGUS_CONFIG;
    const readyMs = await waitReady(`${base}/-/ready`, proc, t0, 60_000);
    opts.log(`${peer.name}: ready in ${readyMs.toFixed(0)} ms (pid ${proc.pid}, dir ${dir})`);

    const probe = await get(rangeUrl(base, '1', opts.range), readHeaders);
    if (probe.status !== 200) {
      out.skipped =
        probe.status === 404
          ? 'answers 404 on /api/v1/query_range (query API not merged yet)'
          : `cannot query: HTTP ${probe.status}: ${probe.body.slice(0, 200)}`;
      return out;
    }

    const sent = await sendAll(
      `${base}/api/v1/write`,
      load.requests,
      load.requestSamples,
      load.after,
      opts.senders,
      peer.headers('write'),
    );
    out.loadWallMs = sent.wallMs;
    out.samplesAccepted = sent.acceptedSamples;
    opts.log(
      `${peer.name}: loaded ${sent.acceptedSamples}/${load.samples} samples in ${(sent.wallMs / 1000).toFixed(1)} s`,
    );
    if (sent.acceptedSamples !== load.samples) {
      throw new Error(`cannot load: ${JSON.stringify(sent.failures)}: ${sent.firstError}`);
    }
    await waitComplete(base, load, readHeaders, (m) => opts.log(`${peer.name}: ${m}`));

    for (const q of queries) {
      const url = rangeUrl(base, exprOf(q), opts.range);
      const timing: QueryTiming = { id: q.id, runsMs: [], bytes: 0, windows: [] };
      out.queries.push(timing);
      for (let run = 0; run <= opts.runs; run++) {
        const ma = monoMs();
        const a = performance.now();
        const { status, body } = await get(url, readHeaders);
        const b = performance.now();
        if (status !== 200) {
          timing.error = `HTTP ${status}: ${body.slice(0, 300)}`;
          break;
        }
        if (run === 0) {
          // Warm-up done: start the loop-stall window of the timed runs.
          if (peer.name === 'argus') await loopLagMaxMs(base, readHeaders);
          continue;
        }
        timing.runsMs.push(b - a);
        timing.windows.push([ma, monoMs()]);
        if (run === opts.runs) {
          timing.bytes = body.length;
          try {
            timing.result = parseMatrix(body);
          } catch (err) {
            timing.error = err instanceof Error ? err.message : String(err);
          }
        }
      }
      if (peer.name === 'argus' && timing.error === undefined)
        timing.loopMaxMs = await loopLagMaxMs(base, readHeaders);
      const med = [...timing.runsMs].sort((x, y) => x - y)[timing.runsMs.length >> 1];
      opts.log(
        `${peer.name}: ${q.id}: ${timing.error ?? `median ${med?.toFixed(1)} ms, ${timing.result?.length} series`}`,
      );
    }
    return out;
  } catch (err) {
    const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
    const tail = log.split('\n').slice(-12).join('\n');
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- ${peer.name} log tail:\n${tail}`,
      { cause: err },
    );
  } finally {
    delete process.env.ARGUS_CONFIG;
    // A graceful stop: node --cpu-prof writes its profile only on a clean exit.
    if (proc) await stopGracefully(proc, 60_000);
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}
