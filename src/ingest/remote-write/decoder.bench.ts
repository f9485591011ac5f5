/**
 * Micro-benchmark: decode + series lookup of remote_write requests, the per-sample hot path.
 * Load like the whole-system bench (PERFORMANCE.md): hosts=569 x 176 node_exporter-like series,
 * 2000 samples per request, one sample per series per request, step-major. The appender is a
 * stub that resolves labels to refs with a Map (the store's own cost is not measured here).
 * Prints CPU µs/sample for the first pass (every series new: label decoding + validation) and for
 * steady state (every series cached: hash + byte compare). Snappy is timed separately.
 *
 *   npm run bench -- decoder [--hosts 569] [--steps 6]
 */
import { compressSync, uncompressSync } from 'snappy';
import { DEFAULT_TENANT, type Labels } from '../../model/index.js';
import type { Appender, SeriesRef } from '../../storage/index.js';
import { encodeWriteRequest, type EncodeSeries } from './encode.js';
import { RemoteWriteIngester } from './ingester.js';
import { hostSeries } from '../../../bench/lib/series.js';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const HOSTS = flag('hosts', 569);
const STEPS = flag('steps', 6);
const PER_REQUEST = 2000;
const T0 = 1_700_000_000_000;

/** The whole-system bench's node_exporter-like series of one host, as label pairs. */
function hostPairs(h: number): [string, string][][] {
  return hostSeries(h).map((d) => {
    const pairs: [string, string][] = [];
    for (let i = 0; i < d.labels.length; i += 2) pairs.push([d.labels[i], d.labels[i + 1]]);
    return pairs;
  });
}

/** A stub appender: labels -> ref through a Map keyed by the label hash (as a store would). */
class StubAppender implements Appender {
  private readonly byHash = new Map<number, SeriesRef>();
  private next = 1;
  append(ref: SeriesRef, labels: Labels | null, _t: number, _v: number): SeriesRef {
    if (labels === null) return ref;
    const h = labels.hash();
    let r = this.byHash.get(h);
    if (r === undefined) this.byHash.set(h, (r = this.next++));
    return r;
  }
  commit() {
    return Promise.resolve({ appended: 0, duplicates: 0, newSeries: 0 });
  }
  rollback(): void {}
}

const all: [string, string][][] = [];
for (let h = 0; h < HOSTS; h++) all.push(...hostPairs(h));
const requests: Buffer[][] = []; // per step
for (let s = 0; s < STEPS; s++) {
  const reqs: Buffer[] = [];
  for (let i = 0; i < all.length; i += PER_REQUEST) {
    const batch: EncodeSeries[] = all
      .slice(i, i + PER_REQUEST)
      .map((labels, j) => ({ labels, samples: [{ t: T0 + s * 15_000, v: (i + j) * 1.5 + s }] }));
    reqs.push(compressSync(Buffer.from(encodeWriteRequest(batch))));
  }
  requests.push(reqs);
}
const raws = requests.map((reqs) =>
  reqs.map((b) => uncompressSync(b, { asBuffer: true }) as Buffer),
);

const ing = new RemoteWriteIngester(
  { appender: () => new StubAppender(), setMetadata() {}, getMetadata: () => new Map() },
  { now: () => T0 + 86_400_000 },
);
const app = new StubAppender();
/** CPU µs (user + system) per sample: steadier than wall time on a shared 2-core machine. */
function pass(step: number): number {
  const c = process.cpuUsage();
  let n = 0;
  for (const raw of raws[step]) n += ing.decodeInto(DEFAULT_TENANT, raw, app);
  const d = process.cpuUsage(c);
  return (d.user + d.system) / n;
}
const first = pass(0);
const steady: number[] = [];
for (let s = 1; s < STEPS; s++) steady.push(pass(s));
steady.sort((a, b) => a - b);
let bytes = 0;
const cs = process.cpuUsage();
for (const b of requests[STEPS - 1])
  bytes += (uncompressSync(b, { asBuffer: true }) as Buffer).length;
const cd = process.cpuUsage(cs);
const snappyUs = (cd.user + cd.system) / all.length;

console.log(`decoder series=${all.length} samples/request=${PER_REQUEST} steps=${STEPS}`);
console.log(`  first pass (all series new):   ${first.toFixed(3)} µs/sample`);
console.log(
  `  steady state (cached), median: ${steady[steady.length >> 1].toFixed(3)} µs/sample (min ${steady[0].toFixed(3)})`,
);
console.log(
  `  snappy uncompress:             ${snappyUs.toFixed(3)} µs/sample (${(bytes / all.length).toFixed(1)} raw bytes/sample)`,
);
