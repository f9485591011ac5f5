/** Filesystem helpers for the WAL directory: listing, reading, creating and syncing files. */
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CHECKPOINT_RE,
  CHECKPOINT_TMP_RE,
  SEGMENT_RE,
  checkpointName,
  fileHeader,
  segmentName,
} from './format.js';

export interface SegmentRef {
  index: number;
  /** Bytes on disk (for the active segment: bytes written so far). */
  size: number;
}

export interface WalLogger {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
}

export interface DirListing {
  segments: SegmentRef[];
  /** Index of the newest complete checkpoint, or null. */
  checkpoint: number | null;
  checkpointBytes: number;
}

/**
 * Lists the WAL dir (creating it if missing) and removes leftovers of interrupted work:
 * unfinished `checkpoint.N.tmp` dirs, checkpoints older than the newest, and segments the newest
 * checkpoint already covers. Unknown entries are left alone and logged.
 */
export async function listDir(dir: string, log: WalLogger): Promise<DirListing> {
  await mkdir(dir, { recursive: true });
  const names = await readdir(dir);
  const segs: SegmentRef[] = [];
  const checkpoints: number[] = [];
  for (const name of names) {
    const cp = CHECKPOINT_RE.exec(name);
    if (SEGMENT_RE.test(name)) {
      const st = await stat(join(dir, name));
      if (st.isFile()) segs.push({ index: Number(name), size: st.size });
      else {
        // Move it aside: left in place it would block creating that segment (EEXIST) later.
        const aside = `${name}.not-a-segment-${Date.now()}`;
        log.warn(
          { dir, name, movedTo: aside },
          'moving aside a non-file entry named like a WAL segment',
        );
        await rename(join(dir, name), join(dir, aside));
      }
    } else if (cp !== null) {
      checkpoints.push(Number(cp[1]));
    } else if (CHECKPOINT_TMP_RE.test(name)) {
      log.info({ dir, name }, 'removing unfinished WAL checkpoint');
      await rm(join(dir, name), { recursive: true, force: true });
    } else {
      log.warn({ dir, name }, 'ignoring unknown entry in WAL dir');
    }
  }
  segs.sort((a, b) => a.index - b.index);
  checkpoints.sort((a, b) => a - b);
  const checkpoint = checkpoints.length > 0 ? checkpoints[checkpoints.length - 1] : null;
  for (const old of checkpoints.slice(0, -1)) {
    log.info({ dir, checkpoint: old }, 'removing superseded WAL checkpoint');
    await rm(join(dir, checkpointName(old)), { recursive: true, force: true });
  }
  let covered = 0;
  while (checkpoint !== null && covered < segs.length && segs[covered].index <= checkpoint) {
    await rm(join(dir, segmentName(segs[covered].index)), { force: true });
    covered++;
  }
  if (covered > 0) {
    log.info({ dir, checkpoint, segments: covered }, 'removed WAL segments covered by checkpoint');
  }
  let checkpointBytes = 0;
  if (checkpoint !== null) {
    const cpDir = join(dir, checkpointName(checkpoint));
    for (const name of await readdir(cpDir).catch(() => [])) {
      checkpointBytes += (await stat(join(cpDir, name)).catch(() => ({ size: 0 }))).size;
    }
  }
  return { segments: segs.slice(covered), checkpoint, checkpointBytes };
}

/** The first `limit` bytes of a file (all of it when limit is undefined). */
export async function readPrefix(path: string, limit?: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const n = limit === undefined ? size : Math.min(size, limit);
    const buf = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const { bytesRead } = await fh.read(buf, off, n - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return off === n ? buf : buf.subarray(0, off);
  } finally {
    await fh.close();
  }
}

/**
 * Truncates and syncs a file: a repair must be durable before later segments get new data, or
 * a power loss could bring the damage back and a later repair would drop acknowledged writes.
 */
export async function truncateDurably(path: string, length: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(length);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a directory so created, renamed or removed entries survive power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Creates a new file with the WAL header; `durable` also syncs it and its directory. Fails if
 * the file exists (an index is never reused while its old file is present).
 */
export async function createLogFile(
  path: string,
  dir: string,
  durable: boolean,
): Promise<FileHandle> {
  const fh = await open(path, 'wx');
  try {
    await writeAll(fh, [fileHeader()], 0);
    if (durable) {
      await fh.datasync();
      await syncDir(dir);
    }
    return fh;
  } catch (err) {
    await fh.close().catch(() => {});
    throw err;
  }
}

/** writev that finishes partial writes; returns the bytes written. */
export async function writeAll(
  fh: FileHandle,
  bufs: Uint8Array[],
  position: number,
): Promise<number> {
  let total = 0;
  for (const b of bufs) total += b.length;
  let done = 0;
  let rest = bufs;
  while (done < total) {
    const { bytesWritten } = await fh.writev(rest, position + done);
    if (bytesWritten <= 0) throw new Error(`writev wrote ${bytesWritten} bytes`);
    done += bytesWritten;
    if (done < total) rest = dropPrefix(rest, bytesWritten);
  }
  return total;
}

/** `bufs` without their first `n` bytes (after a partial writev). */
export function dropPrefix(bufs: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (i < bufs.length && n >= bufs[i].length) n -= bufs[i++].length;
  return i < bufs.length ? [bufs[i].subarray(n), ...bufs.slice(i + 1)] : [];
}
