/**
 * Head micro-benchmark (plain script): append throughput through the Appender with the WAL on
 * (fsync=batch and none), head memory per series, and restart speed (head chunk files + WAL
 * replay; `HEAD_CHUNKS=0` turns head chunk files off).
 *
 *   npx tsc -p tsconfig.json && node --expose-gc dist/src/tsdb/head.bench.js [series] [steps]
 *
 * Load shape as the ingest benchmark: node_exporter-like series, one sample per series per
 * batch of 2,000, 4 batches in flight, 15 s steps, random-walk values (fixed seed). After the
 * first step series are appended by ref (as the remote-write series cache does).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TENANT, Labels } from '../model/index.js';
import { nopLogger } from '../util/index.js';
import { defaultTsdbConfig } from './config.js';
import { Tsdb } from './tsdb.js';

const SERIES = Number(process.argv[2] ?? 100_000);
const STEPS = Number(process.argv[3] ?? 30);
const BATCH = 2000;
const SENDERS = 4;
const headChunks = process.env.HEAD_CHUNKS !== '0';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function makeLabels(n: number): Labels[] {
  const out: Labels[] = [];
  const modes = ['idle', 'user', 'system', 'iowait', 'irq', 'softirq', 'steal', 'nice'];
  for (let i = 0; i < n; i++) {
    const host = Math.floor(i / 176);
    const k = i % 176;
    out.push(
      Labels.fromObject({
        __name__: k < 64 ? 'node_cpu_seconds_total' : `node_metric_${k % 40}_${k >> 2}`,
        instance: `host-${host}.example.com:9100`,
        job: 'node',
        cpu: k < 64 ? String(k >> 3) : '',
        mode: k < 64 ? modes[k & 7] : '',
        device: k >= 64 && k < 100 ? `eth${k % 4}` : '',
      }),
    );
  }
  return out;
}

function heapBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function run(fsync: 'batch' | 'none'): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'argus-head-bench-'));
  const config = defaultTsdbConfig();
  config.wal.fsync = fsync;
  const labels = makeLabels(SERIES);
  const refs = new Float64Array(SERIES);
  const vals = new Float64Array(SERIES);
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const t0 = Date.now() - STEPS * 15_000 - 60_000;
  const base = heapBytes();
  let db: Tsdb | null = new Tsdb({
    dir,
    config,
    logger: nopLogger,
    compactionIntervalMs: 0,
    headChunks,
  });
  await db.open();
  let firstStepMs = 0;
  const start = performance.now();
  for (let step = 0; step < STEPS; step++) {
    const stepStart = performance.now();
    const t = t0 + step * 15_000;
    let next = 0;
    const sender = async () => {
      for (;;) {
        const from = next;
        if (from >= SERIES) return;
        next = Math.min(SERIES, from + BATCH);
        const app = db!.appender(DEFAULT_TENANT);
        for (let i = from; i < next; i++) {
          if (rnd() < 0.77) vals[i] += Math.round(rnd() * 100) / 10;
          refs[i] = app.append(refs[i], step === 0 ? labels[i] : null, t, vals[i]);
        }
        await app.commit();
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    if (step === 0) firstStepMs = performance.now() - stepStart;
  }
  const ms = performance.now() - start;
  const samples = SERIES * STEPS;
  const steadyRate = (SERIES * (STEPS - 1)) / ((ms - firstStepMs) / 1000);
  const heap = heapBytes() - base;
  const st = db.stats().tenants[0];
  await db.close();
  labels.length = 0;
  // As after a restart: the first store's head is garbage before replay starts.
  db = null;
  gc();
  // Replay: a fresh store on the same dir.
  const r0 = performance.now();
  const db2 = new Tsdb({ dir, config, logger: nopLogger, compactionIntervalMs: 0, headChunks });
  await db2.open();
  const replayMs = performance.now() - r0;
  const st2 = db2.stats().tenants[0];
  // Samples restored: re-encoded from the WAL plus those in chunks loaded from chunks_head/.
  const restored = st2.replayedSamples + st2.replaySamplesInChunks;
  await db2.close();
  await rm(dir, { recursive: true, force: true });
  return {
    fsync,
    'series×steps': `${SERIES}×${STEPS}`,
    'append samples/s (all)': fmt(samples / (ms / 1000)),
    'append samples/s (by ref)': fmt(steadyRate),
    'first step (new series) ms': fmt(firstStepMs),
    'heap bytes/series': fmt(heap / SERIES),
    'head chunks': fmt(st.headChunks),
    'wal bytes/sample': (st.walBytes / samples).toFixed(2),
    fsyncs: String(st.walFsyncs),
    'restored samples/s': fmt(restored / (replayMs / 1000)),
    'from chunk files': fmt(st2.replaySamplesInChunks),
    'replay ms': fmt(replayMs),
  };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

const rows = [];
for (const mode of ['batch', 'none'] as const) rows.push(await run(mode));
console.table(rows);
