/**
 * XOR chunk micro-benchmark: encode and decode ns/sample and bytes/sample on realistic series
 * (15 s steps with scrape jitter). Plain script, fixed seed:
 *   npx tsc -p tsconfig.json && node dist/src/tsdb/chunkenc/xor.bench.js
 */
import { MAX_SAMPLES_PER_CHUNK, XorEncoder, XorIterator } from './index.js';
import { mulberry32 } from '../../util/index.js';

const SERIES = 10_000;
const N = MAX_SAMPLES_PER_CHUNK;
const RUNS = 7;

const rng = mulberry32;

type Gen = (r: () => number, i: number, prev: number) => number;
const datasets: [name: string, gen: Gen][] = [
  [
    'counter (int increments)',
    (r, i, p) => (i === 0 ? Math.floor(r() * 1e9) : p + Math.floor(r() * 5000)),
  ],
  [
    'counter (cpu seconds, 2 dp)',
    (r, i, p) => (i === 0 ? 1e5 : Math.round((p + r() * 15) * 100) / 100),
  ],
  ['gauge (random walk)', (r, i, p) => (i === 0 ? r() * 100 : p + (r() - 0.5) * 2)],
  ['gauge (mostly constant)', (r, i, p) => (i === 0 ? 8 : r() < 0.05 ? p + 1 : p)],
];

function makeData(gen: Gen, seed: number): { ts: Float64Array; vs: Float64Array } {
  const r = rng(seed);
  const ts = new Float64Array(SERIES * N);
  const vs = new Float64Array(SERIES * N);
  for (let s = 0; s < SERIES; s++) {
    const t0 = 1_700_000_000_000 + Math.floor(r() * 15_000);
    let v = 0;
    for (let i = 0; i < N; i++) {
      // Scrapes land within a few ms of the 15 s grid; one in 20 is late by up to 50 ms.
      const jitter = r() < 0.05 ? Math.floor(r() * 50) : Math.floor(r() * 3);
      ts[s * N + i] = t0 + i * 15_000 + jitter;
      v = gen(r, i, v);
      vs[s * N + i] = v;
    }
  }
  return { ts, vs };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** CPU time (user+system) in ns: steadier than wall time on a shared 2-core machine. */
function cpuNs(start?: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(start);
  return (c.user + c.system) * 1000;
}

function encodeAll(ts: Float64Array, vs: Float64Array, out: Uint8Array[]): number {
  let bytes = 0;
  for (let s = 0; s < SERIES; s++) {
    const e = new XorEncoder();
    const base = s * N;
    for (let i = 0; i < N; i++) e.append(ts[base + i], vs[base + i]);
    const c = e.finish();
    bytes += c.length;
    out[s] = c;
  }
  return bytes;
}

function decodeAll(chunks: Uint8Array[]): number {
  let sum = 0;
  const it = new XorIterator();
  for (let s = 0; s < SERIES; s++) {
    it.reset(chunks[s]);
    while (it.next()) sum += it.t + it.v;
  }
  return sum;
}

const chunks: Uint8Array[] = new Array<Uint8Array>(SERIES);
const rows: string[][] = [];
let sink = 0;
for (const [name, gen] of datasets) {
  const { ts, vs } = makeData(gen, 42);
  const enc: number[] = [];
  const dec: number[] = [];
  let bytes = 0;
  for (let run = 0; run < RUNS; run++) {
    let c0 = process.cpuUsage();
    bytes = encodeAll(ts, vs, chunks);
    enc.push(cpuNs(c0) / (SERIES * N));
    c0 = process.cpuUsage();
    sink += decodeAll(chunks);
    dec.push(cpuNs(c0) / (SERIES * N));
  }
  // First run is warm-up (JIT); the median of the rest is reported.
  rows.push([
    name,
    median(enc.slice(1)).toFixed(1),
    median(dec.slice(1)).toFixed(1),
    (bytes / (SERIES * N)).toFixed(2),
  ]);
}

const head = [
  'dataset (series=10k, samples/chunk=120)',
  'encode ns/sample',
  'decode ns/sample',
  'bytes/sample',
];
console.log(`XOR chunks, CPU ns per sample (median of ${RUNS - 1} runs after warm-up)`);
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(head));
for (const r of rows) console.log(line(r));
if (sink === 42) console.log(''); // keeps the decode loop observable
