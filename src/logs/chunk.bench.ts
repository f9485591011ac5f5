/**
 * Chunk codec micro-benchmark (plain script): ratio and MB/s of q4 and columnar, bloom size and
 * build speed, and a rare-id lookup (bloom + literal prefilter) against a scan of every chunk.
 *
 *   npx tsc -p tsconfig.json && node dist/src/logs/chunk.bench.js [raw.log] [MB]
 *
 * With the ADR 0005 study corpus (`raw.log`, one line per record, streams interleaved) lines are
 * cut into 1 MiB chunks in file order; without it, synthetic JSON and access-log lines (fixed
 * seed). `zstd -3` of the same bytes is printed when the `zstd` binary is on PATH.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mulberry32 } from '../util/index.js';
import { bloomMayContain, buildBloom } from './bloom.js';
import { decodeChunk, encodeChunk } from './chunk.js';
import { planScan, scanChunkBytes } from './chunk-scan.js';
import { queryTokens } from './tokenize.js';
import type { ChunkData, ChunkFormat } from './types.js';

const file = process.argv[2];
const MB = Number(process.argv[3] ?? 40);
const CHUNK = 1 << 20;

function synthetic(bytes: number): string[] {
  const rnd = mulberry32(42);
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += ((rnd() * 16) | 0).toString(16);
    return s;
  };
  const out: string[] = [];
  for (let size = 0; size < bytes;) {
    const line =
      rnd() < 0.5
        ? `{"ts":"2026-11-27T15:00:${String((rnd() * 60) | 0).padStart(2, '0')}.${(rnd() * 1000) | 0}Z","level":"info","trace_id":"${hex(32)}","span_id":"${hex(16)}","msg":"request done","status":${rnd() < 0.9 ? 200 : 503},"bytes":${(rnd() * 1e5) | 0}}`
        : `10.1.${(rnd() * 255) | 0}.${(rnd() * 255) | 0} - - [27/Nov/2026:15:00:00 +0000] "GET /api/v2/items/${(rnd() * 1e4) | 0} HTTP/1.1" 200 ${(rnd() * 1e4) | 0} "-" "kube-probe/1.28" rt=0.${(rnd() * 999) | 0} trace_id=${hex(32)}`;
    out.push(line);
    size += line.length + 1;
  }
  return out;
}

const text =
  file && existsSync(file)
    ? readFileSync(file)
        .subarray(0, MB * 1e6)
        .toString()
    : '';
const lines = text ? text.split('\n').slice(0, -1) : synthetic(MB * 1e6);
const chunks: ChunkData[] = [];
for (let i = 0, size = 0, start = 0; i < lines.length; i++) {
  size += lines[i].length + 1;
  if (size < CHUNK && i < lines.length - 1) continue;
  const ls = lines.slice(start, i + 1);
  const ts = BigInt64Array.from(
    ls,
    (_, j) => 1_764_255_600_000_000_000n + BigInt(start + j) * 3_481_113n,
  );
  chunks.push({ ts, lines: ls, fields: ls.map(() => undefined) });
  start = i + 1;
  size = 0;
}
const raw = lines.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
console.log(`${file ? file : 'synthetic'}: ${(raw / 1e6).toFixed(1)} MB, ${chunks.length} chunks`);
try {
  const z = execFileSync('zstd', ['-3', '-c', '-q'], {
    input: lines.join('\n') + '\n',
    maxBuffer: 1 << 30,
  });
  console.log(`zstd -3: ${((100 * z.length) / raw).toFixed(2)}% of raw`);
} catch {
  console.log('zstd -3: not available');
}

const encoded = new Map<ChunkFormat, Uint8Array[]>();
for (const format of ['q4', 'columnar'] as const) {
  const t0 = performance.now();
  const datas = chunks.map((c) => encodeChunk(c, format));
  const t1 = performance.now();
  for (const d of datas) decodeChunk(d);
  const t2 = performance.now();
  const size = datas.reduce((a, d) => a + d.length, 0);
  encoded.set(format, datas);
  console.log(
    `${format}: ${((100 * size) / raw).toFixed(2)}% of raw, encode ${(raw / 1e3 / (t1 - t0)).toFixed(1)} MB/s, decode ${(raw / 1e3 / (t2 - t1)).toFixed(1)} MB/s`,
  );
}
const t0 = performance.now();
const blooms = chunks.map((c) => buildBloom(c.lines));
const t1 = performance.now();
const bloomBytes = blooms.reduce((a, b) => a + b.length, 0);
console.log(
  `bloom: ${((100 * bloomBytes) / raw).toFixed(2)}% of raw, build ${(raw / 1e3 / (t1 - t0)).toFixed(1)} MB/s`,
);

const q4 = encoded.get('q4') ?? [];
const id = /[0-9a-f]{32}/.exec(lines[lines.length >> 1])?.[0] ?? 'absent';
for (const needle of [id, 'ffffeeeeddddccccbbbbaaaa99998888']) {
  const filters = [{ op: '|=' as const, value: needle }];
  const keys = queryTokens(filters);
  const plan = planScan(filters);
  const scan = (d: Uint8Array): number =>
    scanChunkBytes(d, plan, 0n, 1n << 62n, true).data.lines.length;
  let read = 0;
  let hits = 0;
  const a = performance.now();
  for (let i = 0; i < q4.length; i++) {
    if (!keys.every((k) => bloomMayContain(blooms[i], k))) continue;
    read++;
    hits += scan(q4[i]);
  }
  const b = performance.now();
  for (const d of q4) scan(d);
  const c = performance.now();
  console.log(
    `|= ${needle}: ${hits} hits, ${read} of ${q4.length} chunks read, ${(b - a).toFixed(1)} ms; every chunk ${(c - b).toFixed(1)} ms`,
  );
}
