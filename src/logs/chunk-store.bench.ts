/**
 * Chunk store figures (plain script): open time for N blocks and index memory per chunk, with
 * blooms as large as a real 1 MiB chunk's (built from generated nginx and JSON lines).
 *
 *   npx tsc -p tsconfig.json && node --expose-gc dist/src/logs/chunk-store.bench.js [blocks] [chunksPerBlock]
 *
 * Blocks are written directly (`writeBlock`) with tiny placeholder chunk bytes: opening never
 * reads chunk bytes, so only the index matters here.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Labels, tenantId } from '../model/index.js';
import { mulberry32 } from '../util/index.js';
import { newBlockId, writeBlock, type BlockChunkInput } from './block.js';
import { buildBloom } from './bloom.js';
import { FileChunkStore } from './chunk-store.js';

const BLOCKS = Number(process.argv[2] ?? 1000);
const PER_BLOCK = Number(process.argv[3] ?? 10);
const STREAMS = 50;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function realisticLines(bytes: number): string[] {
  const rnd = mulberry32(42);
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(rnd() * 16).toString(16);
    return s;
  };
  const out: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const l =
      i % 2 === 0
        ? `10.${i % 250}.${(i * 7) % 250}.${(i * 13) % 250} - - [27/Nov/2026:10:00:00 +0000] "GET /api/v1/items/${Math.floor(rnd() * 1e6)}?trace=${hex(32)} HTTP/1.1" 200 ${Math.floor(rnd() * 9000)} "-" "Mozilla/5.0"`
        : JSON.stringify({
            level: 'info',
            trace_id: hex(32),
            span_id: hex(16),
            user: `u${Math.floor(rnd() * 1e5)}`,
            msg: 'request served',
            dur_ms: Math.floor(rnd() * 500),
          });
    out.push(l);
    n += l.length + 1;
  }
  return out;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(`${tmpdir()}/argus-logblocks-bench-`);
  try {
    const t = tenantId('bench');
    const bloom = buildBloom(realisticLines(1 << 20));
    const streams = Array.from({ length: STREAMS }, (_, i) =>
      Labels.fromObject({ app: `app${i % 10}`, env: i % 2 ? 'prod' : 'dev', instance: `i${i}` }),
    );
    const tdir = `${dir}/tenants/${t}`;
    await mkdir(tdir, { recursive: true });
    const t0 = performance.now();
    for (let b = 0; b < BLOCKS; b++) {
      const chunks: BlockChunkInput[] = [];
      for (let c = 0; c < PER_BLOCK; c++) {
        const ts = BigInt(b * PER_BLOCK + c) * 60_000_000_000n;
        chunks.push({
          labels: streams[(b * PER_BLOCK + c) % STREAMS],
          mint: ts,
          maxt: ts + 59_000_000_000n,
          entries: 5000,
          rawBytes: 1 << 20,
          format: 'q4',
          data: new Uint8Array(64),
          bloom,
        });
      }
      await writeBlock(tdir, t, newBlockId(Date.now()), chunks);
    }
    const writeMs = performance.now() - t0;
    gc();
    const before = process.memoryUsage();
    const t1 = performance.now();
    const s = await FileChunkStore.open({ dir });
    const openMs = performance.now() - t1;
    gc();
    const after = process.memoryUsage();
    const chunks = BLOCKS * PER_BLOCK;
    const heap = after.heapUsed - before.heapUsed;
    const buffers = after.arrayBuffers - before.arrayBuffers;
    const t2 = performance.now();
    let found = 0;
    for (let i = 0; i < 100; i++) {
      found += s.find(t, [], 0n, 1n << 62n, [`trace${i}`, 'zzzzqqqqxxxx']).chunks.length;
    }
    const findMs = (performance.now() - t2) / 100;
    console.log(
      JSON.stringify({
        blocks: BLOCKS,
        chunks,
        bloomBytes: bloom.length,
        writeMs: Math.round(writeMs),
        openMs: Math.round(openMs),
        openUsPerBlock: Math.round((openMs / BLOCKS) * 1000),
        heapBytesPerChunk: Math.round(heap / chunks),
        bufferBytesPerChunk: Math.round(buffers / chunks),
        findAllWithTokenMs: Number(findMs.toFixed(2)),
        found,
        stats: s.stats(),
      }),
    );
    await s.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
