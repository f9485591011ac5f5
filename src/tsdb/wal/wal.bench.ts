/**
 * WAL micro-benchmark: write throughput per fsync mode with 1 and 8 concurrent writers of 50 KB
 * records, and the record codecs (samples/s, series/s) on remote_write-like batches. Plain
 * script, fixed seed; data in a temp dir under /tmp:
 *   npm run bench -- wal        (or: npx tsc -p tsconfig.json && node dist/src/tsdb/wal/wal.bench.js)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/index.js';
import {
  Wal,
  decodeSamples,
  decodeSamplesInto,
  decodeSeries,
  encodeSamples,
  encodeSeries,
  type FsyncMode,
} from './index.js';
import { mulberry32 } from '../../util/index.js';

const RECORD_BYTES = 50 * 1024;
const WRITE_SECONDS = 2;
const SAMPLES_PER_RECORD = 2000;
const SERIES = 100_000;

const rng = mulberry32;

async function benchWrites(mode: FsyncMode, writers: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-wal-bench-'));
  const r = rng(1);
  const payload = new Uint8Array(RECORD_BYTES).map(() => Math.floor(r() * 256));
  const wal = await Wal.open({ dir, fsync: mode });
  const deadline = performance.now() + WRITE_SECONDS * 1000;
  let records = 0;
  const lat: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await wal.write([payload]);
        lat.push(performance.now() - t);
        records++;
      }
    }),
  );
  const secs = (performance.now() - start) / 1000;
  const s = wal.stats();
  await wal.close();
  await rm(dir, { recursive: true, force: true });
  lat.sort((a, b) => a - b);
  const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))].toFixed(2);
  return [
    mode.padEnd(6),
    String(writers).padStart(7),
    ((records * RECORD_BYTES) / secs / 2 ** 20).toFixed(1).padStart(8),
    String(Math.round(records / secs)).padStart(10),
    String(s.fsyncs).padStart(7),
    `${p(0.5)}/${p(0.99)}`.padStart(14),
  ].join('  ');
}

/** Remote-write-like batches: one sample per series, refs ascending from a random start, ts within a scrape. */
function sampleBatches(n: number): { refs: Uint32Array; ts: Float64Array; vs: Float64Array }[] {
  const r = rng(2);
  const out = [];
  for (let b = 0; b < n; b++) {
    const refs = new Uint32Array(SAMPLES_PER_RECORD);
    const ts = new Float64Array(SAMPLES_PER_RECORD);
    const vs = new Float64Array(SAMPLES_PER_RECORD);
    const base = Math.floor(r() * (SERIES - SAMPLES_PER_RECORD));
    const t0 = 1_700_000_000_000 + b * 15_000;
    for (let i = 0; i < SAMPLES_PER_RECORD; i++) {
      refs[i] = base + i;
      ts[i] = t0 + Math.floor(r() * 20);
      vs[i] = r() * 1e6;
    }
    out.push({ refs, ts, vs });
  }
  return out;
}

function time(fn: () => void, runs = 5): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[runs >> 1];
}

function benchCodecs(): void {
  const batches = sampleBatches(500); // 1M samples
  const total = batches.length * SAMPLES_PER_RECORD;
  let recs: Uint8Array[] = [];
  const encMs = time(() => {
    recs = batches.map((b) => encodeSamples(b.refs, b.ts, b.vs, SAMPLES_PER_RECORD));
  });
  let bytes = 0;
  for (const rec of recs) bytes += rec.length;
  let sum = 0;
  const decMs = time(() => {
    for (const rec of recs) decodeSamples(rec, (_r, _t, v) => (sum += v));
  });
  const refs = new Float64Array(SAMPLES_PER_RECORD);
  const ts = new Float64Array(SAMPLES_PER_RECORD);
  const vs = new Float64Array(SAMPLES_PER_RECORD);
  const intoMs = time(() => {
    for (const rec of recs) decodeSamplesInto(rec, refs, ts, vs);
  });
  const rate = (ms: number) => `${(((total / ms) * 1000) / 1e6).toFixed(1)}M samples/s`;
  console.log(
    `samples: ${total} in records of ${SAMPLES_PER_RECORD}, ${(bytes / total).toFixed(2)} bytes/sample`,
  );
  console.log(`  encodeSamples       ${rate(encMs)}`);
  console.log(`  decodeSamples       ${rate(decMs)}  (callback)`);
  console.log(`  decodeSamplesInto   ${rate(intoMs)}  (typed arrays)`);

  // node_exporter-like series: 569 hosts × 176 metrics, ~6 labels each.
  const r = rng(3);
  const entries = Array.from({ length: SERIES }, (_, i) => ({
    ref: i,
    labels: Labels.fromObject({
      __name__: `node_metric_${i % 176}_total`,
      instance: `host-${Math.floor(i / 176)}.example.org:9100`,
      job: 'node',
      mode: ['idle', 'user', 'system', 'iowait'][i % 4],
      cpu: String(i % 8),
      device: `dev${Math.floor(r() * 10)}`,
    }),
  }));
  const chunks: Uint8Array[] = [];
  const sEnc = time(() => {
    chunks.length = 0;
    for (let i = 0; i < entries.length; i += 1000)
      chunks.push(encodeSeries(entries.slice(i, i + 1000)));
  }, 3);
  let n = 0;
  const sDec = time(() => {
    for (const c of chunks) decodeSeries(c, () => n++);
  }, 3);
  const srate = (ms: number) => `${Math.round((SERIES / ms) * 1000).toLocaleString('en')} series/s`;
  console.log(`series: ${SERIES} node_exporter-like, 6 labels`);
  console.log(`  encodeSeries        ${srate(sEnc)}`);
  console.log(`  decodeSeries        ${srate(sDec)}`);
  if (sum === 42 && n < 0) console.log('unreachable');
}

/** End-to-end restart path: read + checksum + decodeSamplesInto of a WAL of 2M samples. */
async function benchReplay(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-wal-bench-'));
  const batches = sampleBatches(1000);
  const wal = await Wal.open({ dir, fsync: 'none', segmentSize: 16 * 2 ** 20 });
  for (const b of batches) await wal.write([encodeSamples(b.refs, b.ts, b.vs, SAMPLES_PER_RECORD)]);
  await wal.close();
  const refs = new Float64Array(SAMPLES_PER_RECORD);
  const ts = new Float64Array(SAMPLES_PER_RECORD);
  const vs = new Float64Array(SAMPLES_PER_RECORD);
  const ms: number[] = [];
  let bytes = 0;
  for (let run = 0; run < 3; run++) {
    const w = await Wal.open({ dir });
    const t = performance.now();
    const stats = await w.replay((rec) => decodeSamplesInto(rec, refs, ts, vs));
    ms.push(performance.now() - t);
    bytes = stats.bytes;
    await w.close();
  }
  await rm(dir, { recursive: true, force: true });
  const med = ms.sort((a, b) => a - b)[1];
  const total = batches.length * SAMPLES_PER_RECORD;
  console.log(
    `replay (warm cache): ${total} samples, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${med.toFixed(0)} ms = ` +
      `${(((total / med) * 1000) / 1e6).toFixed(1)}M samples/s`,
  );
}

async function main(): Promise<void> {
  console.log(
    `WAL writes: ${RECORD_BYTES / 1024} KB records, ${WRITE_SECONDS} s per row, dir under ${tmpdir()}`,
  );
  console.log('mode    writers      MB/s   records/s   fsyncs   p50/p99 ms');
  for (const mode of ['batch', 'always', 'none'] as const) {
    for (const writers of [1, 8]) console.log(await benchWrites(mode, writers));
  }
  console.log();
  benchCodecs();
  await benchReplay();
}

await main();
