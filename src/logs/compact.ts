import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Labels, type TenantId } from '../model/index.js';
import type { BlockChunkInput } from './block.js';
import { decodeChunk, encodeChunk } from './chunk.js';
import type { BlockState, ChunkEntry, TenantIndex } from './chunk-store-index.js';

/**
 * Log block compaction (ADR 0005 §4, §6). A unit is a set of blocks of one tenant whose oldest
 * chunks fall in the same time window; it becomes one new block holding their live chunks in
 * stream/mint order, with q4 chunks re-encoded as columnar and blooms kept. The new block names
 * its sources and is durable before they are retired, so a crash leaves either the old blocks
 * or the new one (open deletes sources it finds). Reads holding an old block finish on it; an
 * old ref resolves to its new copy.
 */

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
      let rewritten = 0;
      for (const b of unit) {
        for (const c of b.chunks) {
          if (signal?.aborted) return { rewrittenChunks, savedBytes };
          if (c.dropped) continue;
          let data = await host.readEntry(c);
          let format = c.format;
          let settled = c.settled;
          if (format === 'q4' && !settled) {
            const col = encodeChunk(decodeChunk(data), 'columnar');
            // Small or odd chunks can come out larger as columns: keep the q4 bytes then.
            if (col.length < data.length) {
              data = col;
              format = 'columnar';
              rewritten++;
            } else settled = true;
            // Re-encoding is CPU-heavy: let queries and ingest run between chunks.
            await yieldToLoop();
          }
          chunks.push({
            labels: c.labels,
            mint: c.mint,
            maxt: c.maxt,
            entries: c.entries,
            rawBytes: c.rawBytes,
            format,
            settled,
            data,
            bloom: c.bloom,
          });
          moved.push(c);
        }
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
