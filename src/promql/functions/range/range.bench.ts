/**
 * Range-function micro-benchmark (plain script): ns per input sample for `rate` and
 * `avg_over_time` over series=10k, steps=60 (1 h at 60 s step, [5m] windows, 15 s scrape),
 * for integer-valued counters (avg takes the exact running-sum path) and float gauges
 * (per-window Kahan). Fixed seed, windows built once outside the timed loop.
 *
 *   npm run bench -- range [series]
 */
import { Labels } from '../../../model/index.js';
import { absentSteps, type EvalContext, type RangeFunction, type Windows } from '../../steps.js';
import { RANGE_FUNCTIONS } from './index.js';
import { testCall } from './testing.js';

const SERIES = Number(process.argv[2] ?? 10_000);
const STEPS = 60;
const STEP = 60_000;
const RANGE = 300_000;
const SCRAPE = 15_000;

function build(float: boolean): Windows[] {
  let seed = 42;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const n = (STEPS * STEP + RANGE) / SCRAPE;
  const out: Windows[] = [];
  for (let s = 0; s < SERIES; s++) {
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    let v = 0;
    for (let k = 0; k < n; k++) {
      ts[k] = k * SCRAPE + 1;
      v += float ? rnd() * 10 : Math.floor(rnd() * 10);
      vs[k] = v;
    }
    const lo = new Int32Array(STEPS);
    const hi = new Int32Array(STEPS);
    const start = new Float64Array(STEPS);
    const end = new Float64Array(STEPS);
    for (let i = 0; i < STEPS; i++) {
      end[i] = RANGE + i * STEP;
      start[i] = end[i] - RANGE;
      lo[i] = Math.ceil(start[i] / SCRAPE); // first ts > start (ts are k·SCRAPE + 1)
      hi[i] = Math.min(n, Math.floor((end[i] - 1) / SCRAPE) + 1);
    }
    const labels = Labels.fromObject({ __name__: 'x_total', i: String(s) });
    out.push({ labels, ts, vs, lo, hi, start, end, steps: STEPS, rangeMs: RANGE });
  }
  return out;
}

const ctx: EvalContext = {
  times: Float64Array.from({ length: STEPS }, (_, i) => RANGE + i * STEP),
  steps: STEPS,
  warn: () => {},
  info: () => {},
  checkDeadline: () => {},
};

function bench(name: string, fn: RangeFunction, ws: Windows[]): void {
  const out = absentSteps(STEPS);
  const call = testCall(name);
  let samples = 0;
  for (const w of ws) samples += w.hi[STEPS - 1] - w.lo[0];
  for (let r = 0; r < 2; r++) for (const w of ws) fn(w, out, [], ctx, call); // warm-up
  const runs = 5;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < runs; r++) for (const w of ws) fn(w, out, [], ctx, call);
  const ns = Number(process.hrtime.bigint() - t0) / runs;
  console.log(
    `${name.padEnd(36)} ${(ns / 1e6).toFixed(1).padStart(8)} ms/query ${(ns / samples).toFixed(2).padStart(7)} ns/sample`,
  );
}

for (const float of [false, true]) {
  const ws = build(float);
  const kind = float ? 'float gauge' : 'integer counter';
  console.log(`series=${SERIES} steps=${STEPS} range=5m step=1m (${kind})`);
  for (const name of ['rate', 'avg_over_time', 'max_over_time']) {
    bench(`${name} (${kind})`, RANGE_FUNCTIONS.get(name)!, ws);
  }
}
