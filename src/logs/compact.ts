import { Labels, type TenantId } from '../model/index.js';
import type { BlockChunkInput } from './block.js';
import { type CompactPool, sharedCompactPool } from './compact-pool.js';
import type { BlockState, ChunkEntry, TenantIndex } from './chunk-store-index.js';

/**
 * Log block compaction (ADR 0005 §4, §6). A unit is a set of blocks of one tenant whose oldest
 * chunks fall in the same time window; it becomes one new block holding their live chunks in
 * stream/mint order, with q4 chunks re-encoded as columnar and blooms kept. The new block names
 * its sources and is durable before they are retired, so a crash leaves either the old blocks
 * or the new one (open deletes sources it finds). Reads holding an old block finish on it; an
 * old ref resolves to its new copy. Re-encoding runs in a worker thread (`CompactPool`): the
 * main thread only reads chunks, writes the new block and keeps the books.
 */

/** Re-encodes in flight per unit: keeps the worker busy during reads, bounds memory. */
const IN_FLIGHT = 4;

/** What compaction needs from the store. */
export interface CompactHost {
  tenants(): Iterable<TenantIndex>;
  readEntry(c: ChunkEntry): Promise<Uint8Array>;
  /** Writes `chunks` as one durable block, then retires `sources`; `moved[i]` became `chunks[i]`. */
  swap(
    tenant: TenantId,
    chunks: BlockChunkInput[],
    sources: BlockState[],
    moved: ChunkEntry[],
  ): Promise<number>;
}

export interface CompactOptions {
  windowNs: bigint;
  maxBlockBytes: number;
  /** Where q4 chunks are re-encoded (default: the process-wide one-thread pool). */
  pool?: CompactPool;
}

function liveBytes(b: BlockState): number {
  let n = 0;
  for (const c of b.chunks) if (!c.dropped) n += c.sizeBytes;
  return n;
}

/** A block that compaction must rewrite even alone: q4 chunks or space held by tombstones. */
function needsRewrite(b: BlockState): boolean {
  if (b.tombstones.size > 0) return true;
  for (const c of b.chunks) if (!c.dropped && c.format === 'q4' && !c.settled) return true;
  return false;
}

/**
 * The units to compact among `blocks` (one tenant): per window, blocks that need a rewrite
 * plus clean blocks under half of `maxBlockBytes`, packed in id (creation) order into units of
 * at most `maxBlockBytes` live bytes (a single larger block is a unit of its own). A unit of one
 * clean block is left alone, so a compacted store is a fixed point.
 */
export function planCompaction(blocks: Iterable<BlockState>, opts: CompactOptions): BlockState[][] {
  const windows = new Map<bigint, BlockState[]>();
  for (const b of blocks) {
    if (b.retired) continue;
    const w = b.minT / opts.windowNs;
    const list = windows.get(w);
    if (list) list.push(b);
    else windows.set(w, [b]);
  }
  const units: BlockState[][] = [];
  for (const w of [...windows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cands = windows
      .get(w)!
      .filter((b) => needsRewrite(b) || liveBytes(b) < opts.maxBlockBytes / 2)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    let unit: BlockState[] = [];
    let size = 0;
    const flush = (): void => {
      if (unit.length > 1 || (unit.length === 1 && needsRewrite(unit[0]))) units.push(unit);
      unit = [];
      size = 0;
    };
    for (const b of cands) {
      const n = liveBytes(b);
      if (unit.length > 0 && size + n > opts.maxBlockBytes) flush();
      unit.push(b);
      size += n;
    }
    flush();
  }
  return units;
}

/** Compacts every tenant's units; stops between chunks when `signal` aborts (nothing half-done). */
export async function runCompaction(
  host: CompactHost,
  opts: CompactOptions,
  signal?: AbortSignal,
): Promise<{ rewrittenChunks: number; savedBytes: number }> {
  let rewrittenChunks = 0;
  let savedBytes = 0;
  for (const ti of [...host.tenants()]) {
    for (const unit of planCompaction(ti.blocks.values(), opts)) {
      const chunks: BlockChunkInput[] = [];
      const moved: ChunkEntry[] = [];
      const pool = opts.pool ?? sharedCompactPool();
      // Re-encodes in flight: chunk index -> columnar bytes (null: keep q4, settled).
      const recoding: { i: number; job: Promise<Uint8Array | null> }[] = [];
      let rewritten = 0;
      const settle = async (): Promise<void> => {
        const { i, job } = recoding.shift()!;
        const col = await job;
        if (col) {
          chunks[i] = { ...chunks[i], data: col, format: 'columnar' };
          rewritten++;
        } else chunks[i] = { ...chunks[i], settled: true };
      };
      try {
        for (const b of unit) {
          for (const c of b.chunks) {
            if (signal?.aborted) return { rewrittenChunks, savedBytes };
            if (c.dropped) continue;
            const data = await host.readEntry(c);
            if (c.format === 'q4' && !c.settled) {
              if (recoding.length >= IN_FLIGHT) await settle();
              recoding.push({ i: chunks.length, job: pool.recode(data) });
            }
            chunks.push({
              labels: c.labels,
              mint: c.mint,
              maxt: c.maxt,
              entries: c.entries,
              rawBytes: c.rawBytes,
              format: c.format,
              settled: c.settled,
              data,
              bloom: c.bloom,
            });
            moved.push(c);
          }
        }
        while (recoding.length > 0) await settle();
      } finally {
        // Stopped early (abort, read error): results still due are dropped, failures too.
        for (const r of recoding.splice(0)) r.job.catch(() => undefined);
      }
      if (signal?.aborted) return { rewrittenChunks, savedBytes };
      if (chunks.length === 0) continue; // every chunk dropped: retention retires such blocks
      // Chunks and their origins sorted together (stream, then mint).
      const order = chunks.map((_, i) => i);
      order.sort(
        (i, j) =>
          Labels.compare(chunks[i].labels, chunks[j].labels) ||
          (chunks[i].mint < chunks[j].mint ? -1 : chunks[i].mint > chunks[j].mint ? 1 : i - j),
      );
      const before = unit.reduce((n, b) => n + b.bytes, 0);
      const after = await host.swap(
        ti.tenant,
        order.map((i) => chunks[i]),
        unit,
        order.map((i) => moved[i]),
      );
      rewrittenChunks += rewritten;
      savedBytes += before - after;
    }
  }
  return { rewrittenChunks, savedBytes };
}
