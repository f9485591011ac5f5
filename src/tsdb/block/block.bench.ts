/**
 * Block micro-benchmark (series=100k, samples=120, step=15s): write a block, open it (with and
 * without chunk CRC verification), read every sample back, bytes/sample of index and chunks,
 * and select latency for a 1-series and a 10k-series matcher. Plain script, fixed seed:
 *   npm run bench -- block        (or: npx tsc -p tsconfig.json && node dist/src/tsdb/block/block.bench.js)
 */
import { rmSync, mkdtempSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Labels, Matcher } from '../../model/index.js';
import { MAX_SAMPLES_PER_CHUNK, XorEncoder } from '../chunkenc/index.js';
import { Block } from './block.js';
import { writeBlock, type SeriesChunks } from './writer.js';
import { mulberry32 } from '../../util/index.js';

const HOSTS = 568;
const METRICS = 176; // 568 x 176 = 99,968 series, node_exporter-like
const N = MAX_SAMPLES_PER_CHUNK;
const STEP = 15_000;
const T0 = 1_700_000_000_000;

const rng = mulberry32;

function makeSeries(): SeriesChunks[] {
  const r = rng(42);
  const out: SeriesChunks[] = [];
  for (let h = 0; h < HOSTS; h++) {
    for (let m = 0; m < METRICS; m++) {
      const labels = Labels.fromObject({
        __name__: `node_metric_${m}_total`,
        instance: `host-${h}:9100`,
        job: 'node',
        ...(m % 8 === 0 ? { mode: ['idle', 'user', 'system', 'iowait'][h % 4] } : {}),
      });
      const enc = new XorEncoder();
      let v = Math.floor(r() * 1e6);
      for (let i = 0; i < N; i++) {
        // Random walk; 77% of steps change, like the peer benchmark's load.
        if (r() < 0.77) v += Math.floor(r() * 1000);
        enc.append(T0 + i * STEP + Math.floor(r() * 3), v);
      }
      out.push({
        labels,
        chunks: [{ minTime: enc.minTime, maxTime: enc.maxTime, data: enc.finish() }],
      });
    }
  }
  return out.sort((a, b) => Labels.compare(a.labels, b.labels));
}

function ms(from: bigint): number {
  return Number(process.hrtime.bigint() - from) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(`${tmpdir()}/argus-block-bench-`);
  try {
    const series = makeSeries();
    const samples = series.length * N;
    const rows: [string, string][] = [];
    let t = process.hrtime.bigint();
    const meta = await writeBlock(dir, { minTime: T0, maxTime: T0 + N * STEP }, series);
    const writeMs = ms(t);
    rows.push([
      'write block',
      `${writeMs.toFixed(0)} ms (${((writeMs * 1e6) / samples).toFixed(1)} ns/sample)`,
    ]);
    const bdir = `${dir}/${meta.ulid}`;
    const indexBytes = statSync(`${bdir}/index`).size;
    let chunkBytes = 0;
    for (const f of readdirSync(`${bdir}/chunks`))
      chunkBytes += statSync(`${bdir}/chunks/${f}`).size;
    rows.push(['index bytes/sample', (indexBytes / samples).toFixed(3)]);
    rows.push(['chunks bytes/sample', (chunkBytes / samples).toFixed(3)]);
    rows.push(['total bytes/sample', ((indexBytes + chunkBytes) / samples).toFixed(3)]);

    t = process.hrtime.bigint();
    Block.open(bdir).close();
    rows.push(['open (verify chunk CRCs)', `${ms(t).toFixed(1)} ms`]);
    t = process.hrtime.bigint();
    const block = Block.open(bdir, { verifyChunks: false });
    rows.push(['open (no chunk verify)', `${ms(t).toFixed(1)} ms`]);

    const q = block.querier(T0, T0 + N * STEP);
    t = process.hrtime.bigint();
    let n = 0;
    let sum = 0;
    for (const s of q.select([new Matcher('=~', '__name__', '.+')])) {
      const it = s.iterator();
      while (it.next()) {
        n++;
        sum += it.v;
      }
    }
    const readMs = ms(t);
    if (n !== samples) throw new Error(`read ${n} samples, want ${samples} (${sum})`);
    rows.push([
      'read all samples',
      `${readMs.toFixed(0)} ms (${((readMs * 1e6) / samples).toFixed(1)} ns/sample)`,
    ]);

    const one = [
      new Matcher('=', '__name__', 'node_metric_5_total'),
      new Matcher('=', 'instance', 'host-17:9100'),
    ];
    const tenK = [new Matcher('=~', 'instance', 'host-([0-9]|[1-4][0-9]|5[0-6]):9100')];
    for (const [name, matchers] of [
      ['select 1 series', one],
      ['select 10k series', tenK],
    ] as const) {
      const sel: number[] = [];
      const full: number[] = [];
      let count = 0;
      for (let run = 0; run < 7; run++) {
        t = process.hrtime.bigint();
        const res = q.select(matchers);
        sel.push(ms(t));
        count = res.length;
        for (const s of res) {
          const it = s.iterator();
          while (it.next());
        }
        full.push(ms(t));
      }
      rows.push([
        `${name} (${count})`,
        `${median(sel).toFixed(3)} ms select, ${median(full).toFixed(3)} ms with all samples`,
      ]);
    }
    q.close();
    block.close();

    console.log(
      `block.bench: series=${series.length}, samples/series=${N}, step=15s, node ${process.version}`,
    );
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
