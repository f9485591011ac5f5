/**
 * Postings micro-benchmark: set algebra on sorted Uint32Array postings at head-like scales.
 * Plain script, fixed seed:
 *   npx tsc -p tsconfig.json && node dist/src/tsdb/index/postings.bench.js
 */
import { PostingsList, intersect, subtract, union } from './postings.js';
import { mulberry32 } from '../../util/index.js';

const rng = mulberry32;

/** `n` distinct sorted refs drawn from [0, universe). */
function sample(n: number, universe: number, seed: number): Uint32Array {
  const r = rng(seed);
  const set = new Set<number>();
  while (set.size < n) set.add(Math.floor(r() * universe));
  return Uint32Array.from(set).sort();
}

/** CPU ns per call: median of several timed batches after a warm-up batch. */
function bench(fn: () => number, minCalls = 5): number {
  let sink = 0;
  const per: number[] = [];
  for (let b = 0; b < 6; b++) {
    const c0 = process.cpuUsage();
    let calls = 0;
    let elapsed = 0;
    while (calls < minCalls || elapsed < 50_000) {
      sink += fn();
      calls++;
      const c = process.cpuUsage(c0);
      elapsed = c.user + c.system;
    }
    if (b > 0) per.push((elapsed * 1000) / calls);
  }
  if (sink === -1) console.log('');
  per.sort((x, y) => x - y);
  return per[per.length >> 1];
}

const U = 4_000_000;
const m1 = sample(1_000_000, U, 1);
const m1b = sample(1_000_000, U, 2);
const k100 = sample(100_000, U, 3);
const k10 = sample(10_000, U, 4);
const k1 = sample(1_000, U, 5);
const unions = Array.from({ length: 10 }, (_, i) => sample(100_000, U, 10 + i));
const dense = Uint32Array.from({ length: 1_000_000 }, (_, i) => i);

const cases: [name: string, fn: () => number][] = [
  ['intersect 1M & 1k (gallop)', () => intersect([m1, k1]).length],
  ['intersect 1M & 10k (gallop)', () => intersect([m1, k10]).length],
  ['intersect 1M & 1M (merge)', () => intersect([m1, m1b]).length],
  ['intersect 1M & 100k & 1k', () => intersect([m1, k100, k1]).length],
  ['union 10 x 100k (heap)', () => union(unions).length],
  ['union 1M | 1M (merge)', () => union([m1, m1b]).length],
  ['subtract 1M - 10k', () => subtract(m1, k10).length],
  ['subtract 1k - 1M (gallop)', () => subtract(k1, m1).length],
  [
    'PostingsList.add 1M ascending',
    () => {
      const p = new PostingsList();
      for (let i = 0; i < dense.length; i++) p.add(dense[i]);
      return p.length;
    },
  ],
  [
    'PostingsList.add 10k random',
    () => {
      const p = new PostingsList();
      const r = rng(7);
      for (let i = 0; i < 10_000; i++) p.add(Math.floor(r() * 1e6));
      return p.length;
    },
  ],
];

console.log('postings, CPU time per call (median of 5 batches after warm-up)');
const rows = cases.map(([name, fn]) => {
  const ns = bench(fn);
  return [name, ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} us`];
});
const w0 = Math.max(...rows.map((r) => r[0].length));
for (const [a, b] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(10)}`);
