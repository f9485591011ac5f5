import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { Labels } from '../../model/index.js';
import { chunkNumSamples, ENCODING_XOR, XorEncoder, XorIterator } from '../chunkenc/index.js';
import { ChunkWriter, DEFAULT_SEGMENT_BYTES } from './chunks-writer.js';
import { BlockWriteError } from './errors.js';
import { IndexBuilder } from './index-writer.js';
import {
  CHUNKS_DIR,
  formatMeta,
  INDEX_FILE,
  META_FILE,
  META_VERSION,
  type BlockMeta,
} from './meta.js';
import { newUlid } from './ulid.js';

/** One chunk handed to the writer: an XOR chunk's bytes and its first/last sample times. */
export interface ChunkMeta {
  minTime: number;
  maxTime: number;
  data: Uint8Array;
}

/** A series and its chunks, time-ordered and not overlapping. */
export interface SeriesChunks {
  labels: Labels;
  chunks: ChunkMeta[];
}

export interface WriteBlockOptions {
  /** Block range: samples in [minTime, maxTime) are kept, chunks straddling it are clipped. */
  minTime: number;
  maxTime: number;
  /** Compaction level (1 = cut from the head). */
  level?: number;
  /** Level-1 ancestors (default: the new block itself). */
  sources?: string[];
  /** Maximum chunk segment size (default 512 MiB; tests use small ones). */
  segmentBytes?: number;
}

/**
 * Writes a block under `parentDir`: files go to `<ulid>.tmp/`, are fsynced, and the directory
 * is renamed to `<ulid>/` (then the parent is fsynced), so a crash leaves either no block or a
 * complete one plus, at worst, a `.tmp` dir that `openBlocks` removes.
 *
 * `series` MUST be sorted by `Labels.compare` with unique label sets (else BlockWriteError);
 * series without samples in range are left out. Chunks are stored as given unless they cross
 * the block range, in which case their in-range samples are re-encoded.
 */
export async function writeBlock(
  parentDir: string,
  opts: WriteBlockOptions,
  series: Iterable<SeriesChunks>,
): Promise<BlockMeta> {
  if (
    !Number.isSafeInteger(opts.minTime) ||
    !Number.isSafeInteger(opts.maxTime) ||
    opts.minTime >= opts.maxTime
  ) {
    throw new BlockWriteError(
      `cannot write block: range [${opts.minTime}, ${opts.maxTime}): want integers with minTime < maxTime`,
    );
  }
  const ulid = newUlid();
  const tmp = `${parentDir}/${ulid}.tmp`;
  const final = `${parentDir}/${ulid}`;
  await mkdir(`${tmp}/${CHUNKS_DIR}`, { recursive: true });
  const cw = new ChunkWriter(`${tmp}/${CHUNKS_DIR}`, opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES);
  try {
    const ix = new IndexBuilder();
    let numSamples = 0;
    const metas: number[] = [];
    for (const s of series) {
      metas.length = 0;
      let prevMax = -Infinity;
      for (const c of s.chunks) {
        if (c.minTime > c.maxTime || c.minTime <= prevMax) {
          throw new BlockWriteError(
            `cannot write block: series ${s.labels.toString()}: chunk [${c.minTime}, ${c.maxTime}] overlaps or precedes the previous chunk ending at ${prevMax}`,
          );
        }
        prevMax = c.maxTime;
        let data = c.data;
        let mint = c.minTime;
        let maxt = c.maxTime;
        if (maxt < opts.minTime || mint >= opts.maxTime) continue;
        if (mint < opts.minTime || maxt >= opts.maxTime) {
          const clipped = clip(data, opts.minTime, opts.maxTime);
          if (clipped === undefined) continue;
          ({ data, minTime: mint, maxTime: maxt } = clipped);
        }
        numSamples += chunkNumSamples(data);
        const ref = await cw.write(ENCODING_XOR, data);
        metas.push(mint, maxt, ref);
      }
      if (metas.length > 0) ix.add(s.labels, metas, metas.length / 3);
    }
    await cw.close();
    const meta: BlockMeta = {
      ulid,
      minTime: opts.minTime,
      maxTime: opts.maxTime,
      stats: { numSamples, numSeries: ix.numSeries, numChunks: cw.numChunks },
      compaction: { level: opts.level ?? 1, sources: [...(opts.sources ?? [ulid])].sort() },
      version: META_VERSION,
    };
    await writeSynced(`${tmp}/${INDEX_FILE}`, ix.finish());
    await writeSynced(`${tmp}/${META_FILE}`, formatMeta(meta));
    await syncDir(`${tmp}/${CHUNKS_DIR}`);
    await syncDir(tmp);
    await rename(tmp, final);
    await syncDir(parentDir);
    return meta;
  } catch (err) {
    await cw.abort();
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The samples of `data` in [mint, maxt) re-encoded, or undefined when none are. */
function clip(data: Uint8Array, mint: number, maxt: number): ChunkMeta | undefined {
  const it = new XorIterator(data);
  const enc = new XorEncoder(data.length);
  while (it.next()) if (it.t >= mint && it.t < maxt) enc.append(it.t, it.v);
  if (enc.numSamples === 0) return undefined;
  return { minTime: enc.minTime, maxTime: enc.maxTime, data: enc.finish() };
}

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a directory so renames and new entries in it are durable. */
export async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
