/**
 * Token bloom micro-benchmark (plain script) on a `bench/logs-gen.ts` corpus: lines cut into
 * 1 MiB chunks per stream (as scan.bench.ts and sealing cut them), then
 * - build CPU ms per MiB of `buildBloomUtf8` (what the seal worker runs) and `buildBloom`, and
 *   the bloom's size in % of the lines' bytes;
 * - per probe literal (`|=`): chunks skipped and the false-positive rate (chunks let through
 *   that do not hold the literal, over chunks that do not), from samples of the corpus and
 *   random absent ids.
 *
 *   npx tsc -p tsconfig.json && node dist/src/logs/bloom.bench.js CORPUS_DIR [runs] [probes]
 *
 * CPU time (process.cpuUsage), best of `runs`: on a shared machine wall time is noise.
 */
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../util/index.js';
import { bloomMayContain, buildBloom, buildBloomUtf8 } from './bloom.js';
import { queryTokens } from './tokenize.js';

const DIR = process.argv[2] ?? '/tmp/p3/corpus';
const RUNS = Number(process.argv[3] ?? 5);
const PROBES = Number(process.argv[4] ?? 40);
const CHUNK = 1 << 20;

/** Per-stream chunks of ≥ 1 MiB of lines, each as the lines' UTF-8 bytes joined by "\n". */
function chunksOf(dir: string): Buffer[] {
  const c = JSON.parse(readFileSync(`${dir}/corpus.json`, 'utf8')) as {
    rawFile: string;
    lines: number;
    streams: unknown[];
  };
  const raw = readFileSync(c.rawFile);
  const streamOf = readFileSync(`${dir}/streams.u8`);
  const acc = c.streams.map(() => ({ parts: [] as Buffer[], bytes: 0 }));
  const out: Buffer[] = [];
  const cut = (k: number): void => {
    if (acc[k].parts.length === 0) return;
    const b = Buffer.concat(acc[k].parts);
    out.push(b.subarray(0, b.length - 1));
    acc[k] = { parts: [], bytes: 0 };
  };
  let pos = 0;
  for (let i = 0; i < c.lines; i++) {
    const nl = raw.indexOf(10, pos);
    const a = acc[streamOf[i]];
    a.parts.push(raw.subarray(pos, nl + 1));
    a.bytes += nl + 1 - pos;
    pos = nl + 1;
    if (a.bytes >= CHUNK) cut(streamOf[i]);
  }
  for (let k = 0; k < acc.length; k++) cut(k);
  return out;
}

function cpuMs(fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  return best;
}

const chunks = chunksOf(DIR);
const mib = chunks.reduce((a, c) => a + c.length, 0) / 2 ** 20;
let blooms: Uint8Array[] = [];
const utf8Ms = cpuMs(() => (blooms = chunks.map((c) => buildBloomUtf8(c))));
const lines = chunks.map((c) => c.toString('utf8').split('\n'));
const linesMs = cpuMs(() => lines.forEach((l) => buildBloom(l)));
const bloomBytes = blooms.reduce((a, b) => a + b.length, 0);
console.log(
  JSON.stringify({
    chunks: chunks.length,
    mib: Number(mib.toFixed(1)),
    bloomPctOfLines: Number(((100 * bloomBytes) / (mib * 2 ** 20)).toFixed(3)),
    buildBloomUtf8MsPerMiB: Number((utf8Ms / mib).toFixed(2)),
    buildBloomMsPerMiB: Number((linesMs / mib).toFixed(2)),
  }),
);

const rnd = mulberry32(7);
const text = chunks.map((c) => c.toString('latin1'));
const hex = (n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdef'[(rnd() * 16) | 0]).join('');
/** `n` first captures of `re` at random places of the corpus. */
function sample(re: RegExp, n: number): string[] {
  const out: string[] = [];
  for (let tries = 0; out.length < n && tries < n * 1000; tries++) {
    const t = text[(rnd() * text.length) | 0];
    const at = (rnd() * Math.max(1, t.length - 2000)) | 0;
    const m = re.exec(t.slice(at, at + 2000));
    if (m) out.push(m[1]);
  }
  return out;
}
const traces = sample(/trace_id[":=]+([0-9a-f]{32})/, PROBES);
const spans = sample(/span_id":"([0-9a-f]{16})"/, PROBES);
const users = sample(/"user_id":(\d+),/, PROBES);
const needle = (JSON.parse(readFileSync(`${DIR}/corpus.json`, 'utf8')) as { needle: string })
  .needle;
const probes: [string, string[]][] = [
  ['rare needle', [needle]],
  ['trace id', traces],
  ['absent 32-hex id', traces.map(() => hex(32))],
  ['16-hex prefix of a trace id', traces.map((t) => t.slice(0, 16))],
  ['span id', spans],
  ['absent 16-hex id', spans.map(() => hex(16))],
  ['IP', sample(/\n(10\.\d+\.\d+\.\d+) /, PROBES)],
  ['user_id number', users],
  ['"user_id":N', users.map((u) => `"user_id":${u}`)],
  ['"user_id":N,', users.map((u) => `"user_id":${u},`)],
  ['timeout', ['timeout']],
  ['status=5', ['status=5']],
];
for (const [name, lits] of probes) {
  let passed = 0;
  let fp = 0;
  let without = 0;
  let lost = 0;
  for (const lit of lits) {
    const keys = queryTokens([{ op: '|=', value: lit }]);
    blooms.forEach((b, i) => {
      const may = keys.every((k) => bloomMayContain(b, k));
      const holds = chunks[i].indexOf(lit) >= 0;
      if (may) passed++;
      if (!holds) without++;
      if (!holds && may) fp++;
      if (holds && !may) lost++;
    });
  }
  console.log(
    JSON.stringify({
      probe: name,
      literals: lits.length,
      skippedPerLiteral: Number(((chunks.length * lits.length - passed) / lits.length).toFixed(1)),
      falsePositivePct: without > 0 ? Number(((100 * fp) / without).toFixed(2)) : null,
      lost, // must be 0: a chunk holding the literal was skipped
    }),
  );
}
