import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { Labels } from '../model/index.js';
import { ArgusError } from '../util/index.js';
import {
  BlockCorruptError,
  CHUNKS_HEADER_BYTES,
  chunksHeader,
  decodeIndex,
  decodeTombstones,
  encodeIndex,
  encodeTombstones,
  type BlockIndex,
  type IndexChunk,
} from './block-format.js';
import type { ChunkFormat } from './types.js';

/**
 * Block files on disk: `<tenantDir>/<id>/{chunks,index[,tombstones]}`. A block is written in
 * `<id>.tmp/`, fsynced, renamed and its parent fsynced, so a crash leaves the whole block or a
 * `.tmp` dir that open removes. Tombstones are replaced the same way (temp file + rename).
 */

export const CHUNKS_FILE = 'chunks';
export const INDEX_FILE = 'index';
export const TOMBSTONES_FILE = 'tombstones';

/** Writing a block or its tombstones failed; nothing of it is visible. */
export class BlockWriteError extends ArgusError {}

/** A chunk handed to `writeBlock`: encoded bytes plus what the index keeps. */
export interface BlockChunkInput {
  labels: Labels;
  mint: bigint;
  maxt: bigint;
  entries: number;
  rawBytes: number;
  format: ChunkFormat;
  /** See `IndexChunk.settled`. */
  settled?: boolean;
  data: Uint8Array;
  bloom: Uint8Array;
}

export interface WrittenBlock {
  id: string;
  dir: string;
  index: BlockIndex;
  /** Size of the chunks file. */
  bytes: number;
}

/** Sortable by creation time (ms, hex) with a random tail so parallel writers never collide. */
export function newBlockId(nowMs: number): string {
  return Math.floor(nowMs).toString(16).padStart(12, '0') + randomBytes(5).toString('hex');
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

async function writeSynced(path: string, parts: readonly Uint8Array[]): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writev(parts);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes `chunks` (in the given order) as one durable block under `tenantDir`, which must exist.
 * Resolves once the block's files, its directory and its parent entry are fsynced.
 */
export async function writeBlock(
  tenantDir: string,
  tenant: string,
  id: string,
  chunks: readonly BlockChunkInput[],
  sources: readonly string[] = [],
): Promise<WrittenBlock> {
  const tmp = `${tenantDir}/${id}.tmp`;
  const dir = `${tenantDir}/${id}`;
  const streamIds = new Map<string, number>();
  const index: BlockIndex = { tenant, sources: [...sources], streams: [], chunks: [] };
  const parts: Uint8Array[] = [chunksHeader()];
  let offset = CHUNKS_HEADER_BYTES;
  for (const c of chunks) {
    // Label sets are interned per block by their canonical string (stable, collision-free).
    const key = c.labels.flat.join('\u0000');
    let stream = streamIds.get(key);
    if (stream === undefined) {
      stream = index.streams.length;
      streamIds.set(key, stream);
      index.streams.push(c.labels);
    }
    const ic: IndexChunk = {
      stream,
      mint: c.mint,
      maxt: c.maxt,
      entries: c.entries,
      rawBytes: c.rawBytes,
      offset,
      size: c.data.length,
      format: c.format,
      settled: c.settled === true,
      crc: crc32(c.data),
      bloom: c.bloom,
    };
    index.chunks.push(ic);
    parts.push(c.data);
    offset += c.data.length;
  }
  try {
    await mkdir(tmp, { recursive: true });
    // Bounded iovec batches: writev with thousands of buffers is split by the OS anyway.
    const fh = await open(`${tmp}/${CHUNKS_FILE}`, 'w');
    try {
      for (let i = 0; i < parts.length; i += 512) await fh.writev(parts.slice(i, i + 512));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await writeSynced(`${tmp}/${INDEX_FILE}`, [encodeIndex(index)]);
    await syncDir(tmp);
    await rename(tmp, dir);
    await syncDir(tenantDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw new BlockWriteError(`cannot write log block ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { id, dir, index, bytes: offset };
}

export interface LoadedBlock {
  index: BlockIndex;
  /** Chunk indexes dropped by retention. */
  tombstones: number[];
  bytes: number;
}

/**
 * Reads a block's index and tombstones and checks that its chunks file holds every chunk the
 * index names (size only: chunk bytes are checked by CRC when read). Throws BlockCorruptError.
 * Undefined when there is no index: the remains of a deletion (`removeBlock`).
 */
export async function loadBlock(dir: string): Promise<LoadedBlock | undefined> {
  let indexBuf: Buffer;
  let size: number;
  try {
    indexBuf = await readFile(`${dir}/${INDEX_FILE}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BlockCorruptError(`cannot open log block ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    size = (await stat(`${dir}/${CHUNKS_FILE}`)).size;
  } catch (err) {
    throw new BlockCorruptError(`cannot open log block ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const index = decodeIndex(indexBuf, `log block index ${dir}/${INDEX_FILE}`);
  let end = CHUNKS_HEADER_BYTES;
  for (const c of index.chunks) end = Math.max(end, c.offset + c.size);
  if (size !== end) {
    throw new BlockCorruptError(
      `cannot open log block ${dir}: chunks file has ${size} bytes, want ${end}`,
    );
  }
  let tombstones: number[] = [];
  let tsBuf: Buffer | undefined;
  try {
    tsBuf = await readFile(`${dir}/${TOMBSTONES_FILE}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (tsBuf) {
    tombstones = decodeTombstones(tsBuf, `log block tombstones ${dir}/${TOMBSTONES_FILE}`);
    for (const i of tombstones) {
      if (i >= index.chunks.length) {
        throw new BlockCorruptError(
          `cannot open log block ${dir}: tombstone for chunk ${i}, block has ${index.chunks.length}`,
        );
      }
    }
  }
  return { index, tombstones, bytes: size };
}

/** Durably replaces the block's tombstones with `dropped` (temp file, fsync, rename, dir fsync). */
export async function writeTombstones(dir: string, dropped: Iterable<number>): Promise<void> {
  const tmp = `${dir}/${TOMBSTONES_FILE}.tmp`;
  try {
    await writeSynced(tmp, [encodeTombstones(dropped)]);
    await rename(tmp, `${dir}/${TOMBSTONES_FILE}`);
    await syncDir(dir);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new BlockWriteError(`cannot write tombstones of ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Deletes a block. The index goes first (and is made durable), so a crash midway leaves a
 * directory without an index, which open treats as debris, never as a damaged block.
 */
export async function removeBlock(dir: string): Promise<void> {
  await unlink(`${dir}/${INDEX_FILE}`).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await syncDir(dir).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

export { BlockCorruptError };
