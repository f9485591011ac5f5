/**
 * Writing a checkpoint: the records still needed from the previous checkpoint and the segments
 * it replaces, into `checkpoint.N.tmp`, synced, then renamed to `checkpoint.N` (atomic).
 */
import { mkdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointName, encodeBatch, HEADER_SIZE, scanFile, segmentName } from './format.js';
import {
  createLogFile,
  readPrefix,
  syncDir,
  writeAll,
  type SegmentRef,
  type WalLogger,
} from './wal-files.js';
import { checkpointFiles } from './wal-replay.js';

/** Keeps (or rewrites) a record of the replaced files: null drops it. */
export type CheckpointFilter = (rec: Uint8Array) => Uint8Array | null;

export interface CheckpointResult {
  records: number;
  /** Bytes of the files written. */
  bytes: number;
}

const FLUSH_BYTES = 1 << 20;

/** Appends framed records to numbered files in one directory, rolling at `fileSize`. */
class FileSeqWriter {
  private fh: FileHandle | null = null;
  private file = -1;
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  records = 0;
  bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly fileSize: number,
  ) {}

  async add(rec: Uint8Array): Promise<void> {
    const frame = encodeBatch([rec]);
    if (
      this.fh === null ||
      (this.size + this.pendingBytes > HEADER_SIZE &&
        this.size + this.pendingBytes + frame.length > this.fileSize)
    ) {
      await this.nextFile();
    }
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    this.records++;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.fh === null || this.pendingBytes === 0) return;
    await writeAll(this.fh, this.pending, this.size);
    this.size += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private async nextFile(): Promise<void> {
    await this.closeFile();
    this.file++;
    this.fh = await createLogFile(join(this.dir, segmentName(this.file)), this.dir, false);
    this.size = HEADER_SIZE;
  }

  private async closeFile(): Promise<void> {
    if (this.fh === null) return;
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
    this.bytes += this.size;
    this.fh = null;
  }

  /** Flushes, syncs and closes; guarantees at least one (possibly empty) file. */
  async finish(): Promise<void> {
    if (this.fh === null) await this.nextFile();
    await this.closeFile();
  }

  async abort(): Promise<void> {
    await this.fh?.close().catch(() => {});
    this.fh = null;
  }
}

/**
 * Writes `checkpoint.<upTo>` from `extra`, then the filtered records of the previous checkpoint
 * and of `segs`, in log order; `filter` null keeps none of them, so they are not even read.
 * Damage in a source file is logged and the rest of that file skipped (the live log cannot be
 * cut here). Does not delete anything but its own temp dir.
 */
export async function writeCheckpoint(
  dir: string,
  upTo: number,
  prev: number | null,
  segs: readonly SegmentRef[],
  filter: CheckpointFilter | null,
  extra: readonly Uint8Array[],
  fileSize: number,
  log: WalLogger,
): Promise<CheckpointResult> {
  const tmp = join(dir, `${checkpointName(upTo)}.tmp`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  const w = new FileSeqWriter(tmp, fileSize);
  try {
    for (const rec of extra) await w.add(rec);
    const sources: string[] = [];
    if (filter !== null && prev !== null) {
      for (const f of await checkpointFiles(dir, prev))
        sources.push(join(dir, checkpointName(prev), f));
    }
    if (filter !== null) for (const s of segs) sources.push(join(dir, segmentName(s.index)));
    for (const path of sources) {
      const kept: Uint8Array[] = [];
      const buf = await readPrefix(path);
      const res = scanFile(buf, (rec) => {
        const r = filter === null ? null : filter(rec);
        if (r !== null) kept.push(r);
      });
      if (res.damage !== null) {
        log.warn(
          {
            file: path,
            offset: res.validEnd,
            droppedBytes: buf.length - res.validEnd,
            reason: res.damage,
          },
          'WAL file damaged while checkpointing; skipped its rest',
        );
      }
      for (const r of kept) await w.add(r);
    }
    await w.finish();
    await syncDir(tmp);
    await rename(tmp, join(dir, checkpointName(upTo)));
    await syncDir(dir);
  } catch (err) {
    await w.abort();
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  return { records: w.records, bytes: w.bytes };
}
