import { Labels } from '../../model/index.js';
import { XorEncoder, XorIterator, MAX_SAMPLES_PER_CHUNK } from '../chunkenc/index.js';
import {
  writeBlock,
  type Block,
  type BlockMeta,
  type ChunkMeta,
  type SeriesChunks,
} from '../block/index.js';

/**
 * Merges blocks into one new block under `parentDir` (the inputs are left alone; the caller
 * deletes them once the new block is open). Series are merged k-way by labels; chunks that do
 * not overlap are copied as they are, overlapping ones are decoded, merged by timestamp and
 * re-encoded (for equal timestamps the sample of the earliest block in `blocks` wins).
 */
export async function compactBlocks(
  blocks: readonly Block[],
  parentDir: string,
  opts: { segmentBytes?: number } = {},
): Promise<BlockMeta> {
  if (blocks.length === 0)
    throw new RangeError('cannot compact blocks: got none, want at least one');
  const metas = blocks.map((b) => b.meta);
  const sources = [...new Set(metas.flatMap((m) => m.compaction.sources))];
  return writeBlock(
    parentDir,
    {
      minTime: Math.min(...metas.map((m) => m.minTime)),
      maxTime: Math.max(...metas.map((m) => m.maxTime)),
      level: Math.max(...metas.map((m) => m.compaction.level)) + 1,
      sources,
      ...(opts.segmentBytes !== undefined ? { segmentBytes: opts.segmentBytes } : {}),
    },
    mergeSeries(blocks.map((b) => b.series())),
  );
}

/** K-way merge of label-sorted series streams; chunks of equal label sets are merged. */
export function* mergeSeries(streams: Iterator<SeriesChunks>[]): Generator<SeriesChunks> {
  const heads: (SeriesChunks | undefined)[] = streams.map((s) => nextOf(s));
  for (;;) {
    let min: Labels | undefined;
    for (const h of heads)
      if (h && (min === undefined || Labels.compare(h.labels, min) < 0)) min = h.labels;
    if (min === undefined) return;
    const parts: ChunkMeta[][] = [];
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && Labels.compare(h.labels, min) === 0) {
        parts.push(h.chunks);
        heads[i] = nextOf(streams[i]);
      }
    }
    yield { labels: min, chunks: parts.length === 1 ? parts[0] : mergeChunks(parts) };
  }
}

function nextOf(it: Iterator<SeriesChunks>): SeriesChunks | undefined {
  const r = it.next();
  return r.done ? undefined : r.value;
}

/**
 * Merges the chunk lists of one series from several blocks. Chunks are ordered by minTime
 * (stable, so earlier lists win ties); runs of overlapping chunks are re-encoded.
 */
export function mergeChunks(parts: ChunkMeta[][]): ChunkMeta[] {
  const all = parts.flat().sort((a, b) => a.minTime - b.minTime);
  const out: ChunkMeta[] = [];
  for (let i = 0; i < all.length;) {
    let j = i + 1;
    let maxt = all[i].maxTime;
    while (j < all.length && all[j].minTime <= maxt) {
      maxt = Math.max(maxt, all[j].maxTime);
      j++;
    }
    if (j === i + 1) out.push(all[i]);
    else out.push(...reencode(all.slice(i, j), parts));
    i = j;
  }
  return out;
}

/** Decodes overlapping chunks, merges samples by time (first list wins ties), re-chunks. */
function reencode(group: ChunkMeta[], parts: ChunkMeta[][]): ChunkMeta[] {
  // Priority of a chunk = index of the list it came from, so ties keep the earliest block.
  const prio = new Map<ChunkMeta, number>();
  parts.forEach((p, i) => p.forEach((c) => prio.set(c, i)));
  const its = group
    .map((c) => ({ it: new XorIterator(c.data), prio: prio.get(c) ?? 0, ok: false }))
    .sort((a, b) => a.prio - b.prio);
  for (const s of its) s.ok = s.it.next();
  const out: ChunkMeta[] = [];
  let enc = new XorEncoder();
  let lastT = -Infinity;
  for (;;) {
    let best: (typeof its)[number] | undefined;
    for (const s of its) if (s.ok && (best === undefined || s.it.t < best.it.t)) best = s;
    if (best === undefined) break;
    const t = best.it.t;
    if (t > lastT) {
      if (enc.numSamples >= MAX_SAMPLES_PER_CHUNK) {
        out.push({ minTime: enc.minTime, maxTime: enc.maxTime, data: enc.finish() });
        enc = new XorEncoder();
      }
      enc.append(t, best.it.v);
      lastT = t;
    }
    // Skip this timestamp in every source (dedupe), keeping the winner's value above.
    for (const s of its) while (s.ok && s.it.t <= t) s.ok = s.it.next();
  }
  if (enc.numSamples > 0)
    out.push({ minTime: enc.minTime, maxTime: enc.maxTime, data: enc.finish() });
  return out;
}
