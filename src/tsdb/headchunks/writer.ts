/**
 * Writing closed head chunks to `chunks_head/` files. Records are encoded into a buffer at
 * `add` (synchronous, cheap) and written by one asynchronous chain of file writes, so the event
 * loop never waits for the disk. No fsync: the WAL holds every sample, the files only make
 * restarts faster, and a torn or lost tail costs nothing but speed.
 */
import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { errorChain, type Logger } from '../../util/index.js';
import { ENCODING_XOR } from '../chunkenc/index.js';
import {
  FILE_HEADER_SIZE,
  fileHeader,
  fileName,
  putRecord,
  recordSize,
  type PersistedChunk,
} from './format.js';
import type { HeadChunkFile } from './reader.js';

export interface HeadChunkWriterOptions {
  dir: string;
  logger: Logger;
  /** Files found at load (kept until truncation makes them obsolete). */
  files?: readonly HeadChunkFile[];
  /** A new file is started when the current one would grow beyond this. */
  maxFileSize?: number;
  /** Buffered bytes that trigger a write before the timer does. */
  bufferSize?: number;
  /** Buffered records are written at the latest this long after the first was added. */
  flushDelayMs?: number;
}

export const DEFAULT_MAX_FILE_SIZE = 128 << 20;
const DEFAULT_BUFFER_SIZE = 1 << 20;
const DEFAULT_FLUSH_DELAY_MS = 1000;

export interface HeadChunkWriterStats {
  files: number;
  /** Bytes in the files, including records still buffered. */
  bytes: number;
  chunksWritten: number;
  writeErrors: number;
}

/**
 * Appends chunk records to numbered files. Each run starts a new file (an older file may end in
 * a torn record). After a write error it stops (logged once): later records would follow a
 * hole, and the WAL has everything anyway.
 */
export class HeadChunkWriter {
  private readonly files: HeadChunkFile[];
  /** The file being filled (last of `files`); its size counts buffered bytes. */
  private cur: HeadChunkFile;
  private buf: Buffer;
  private pos = 0;
  private bufSeq: number;
  private tail: Promise<void> = Promise.resolve();
  private fh: FileHandle | null = null;
  private fhSeq = -1;
  private timer: NodeJS.Timeout | null = null;
  private failed = false;
  private closed = false;
  private readonly maxFileSize: number;
  private readonly bufferSize: number;
  private readonly flushDelayMs: number;
  chunksWritten = 0;
  writeErrors = 0;

  constructor(private readonly opts: HeadChunkWriterOptions) {
    this.files = [...(opts.files ?? [])].sort((a, b) => a.seq - b.seq);
    this.maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.bufferSize = opts.bufferSize ?? DEFAULT_BUFFER_SIZE;
    this.flushDelayMs = opts.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS;
    const last = this.files.length > 0 ? this.files[this.files.length - 1].seq : 0;
    this.cur = { seq: last + 1, size: FILE_HEADER_SIZE, maxT: -Infinity };
    this.files.push(this.cur);
    this.bufSeq = this.cur.seq;
    this.buf = Buffer.allocUnsafe(this.bufferSize);
  }

  /**
   * Buffers a closed chunk of series `ref` (or a partial one: `c.state` set) whose samples are
   * durable in the WAL. `prevMaxT` is the maxT of the series' previous chunk in the head, or -1
   * when there is none.
   */
  add(ref: number, c: PersistedChunk, prevMaxT: number): void {
    if (this.failed || this.closed) return;
    const len = recordSize(c);
    if (this.cur.size + len > this.maxFileSize && this.cur.size > FILE_HEADER_SIZE) this.rotate();
    if (this.pos + len > this.buf.length) {
      this.seal();
      if (len > this.buf.length) this.buf = Buffer.allocUnsafe(len);
    }
    this.pos = putRecord(this.buf, this.pos, ref, c, prevMaxT, ENCODING_XOR);
    this.cur.size += len;
    if (c.maxT > this.cur.maxT) this.cur.maxT = c.maxT;
    this.chunksWritten++;
    if (this.pos >= this.bufferSize) this.seal();
    else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.seal();
      }, this.flushDelayMs);
      this.timer.unref();
    }
  }

  /** Writes everything buffered; resolves when it is in the files (or the writer failed). */
  flush(): Promise<void> {
    this.seal();
    return this.tail;
  }

  /**
   * Deletes the files whose every chunk ends before `mint` (the head dropped those chunks), and
   * files without a valid record. The current file is first closed off if it is one of them.
   * Returns how many were deleted.
   */
  async truncate(mint: number): Promise<number> {
    if (this.closed) return 0;
    if (this.cur.maxT < mint && this.cur.size > FILE_HEADER_SIZE) this.rotate();
    const victims = this.files.filter(
      (f) => f !== this.cur && (f.maxT < mint || f.maxT === -Infinity),
    );
    if (victims.length === 0) return 0;
    const gone = new Set(victims);
    this.files.splice(0, this.files.length, ...this.files.filter((f) => !gone.has(f)));
    // Queued behind pending writes, so no write re-creates a deleted file.
    await this.enqueue(async () => {
      for (const f of victims) {
        if (this.fhSeq === f.seq) await this.closeFile();
        await rm(path.join(this.opts.dir, fileName(f.seq)), { force: true });
      }
    });
    return victims.length;
  }

  stats(): HeadChunkWriterStats {
    let bytes = 0;
    let files = 0;
    for (const f of this.files) {
      if (f === this.cur && f.size === FILE_HEADER_SIZE) continue; // not created yet
      bytes += f.size;
      files++;
    }
    return { files, bytes, chunksWritten: this.chunksWritten, writeErrors: this.writeErrors };
  }

  /** Writes what is buffered and closes the file; later adds are ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.enqueue(() => this.closeFile());
  }

  /** Closes off the current file: later records go to a new one. */
  private rotate(): void {
    this.seal();
    this.cur = { seq: this.cur.seq + 1, size: FILE_HEADER_SIZE, maxT: -Infinity };
    this.files.push(this.cur);
    this.bufSeq = this.cur.seq;
  }

  /** Hands the buffered records to the write chain. */
  private seal(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pos === 0) return;
    const data = this.buf.subarray(0, this.pos);
    const seq = this.bufSeq;
    this.buf = Buffer.allocUnsafe(this.bufferSize);
    this.pos = 0;
    void this.enqueue(() => this.write(seq, data));
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(async () => {
      if (this.failed) return;
      try {
        await fn();
      } catch (err) {
        this.fail(err);
      }
    });
    return this.tail;
  }

  private async write(seq: number, data: Uint8Array): Promise<void> {
    if (this.fhSeq !== seq) {
      await this.closeFile();
      await mkdir(this.opts.dir, { recursive: true });
      // 'wx': a new file every time; an existing one would mean two writers.
      this.fh = await open(path.join(this.opts.dir, fileName(seq)), 'wx');
      this.fhSeq = seq;
      await writeAll(this.fh, fileHeader());
    }
    await writeAll(this.fh!, data);
  }

  private async closeFile(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    this.fhSeq = -1;
    if (fh !== null) await fh.close();
  }

  private fail(err: unknown): void {
    this.writeErrors++;
    if (this.failed) return;
    this.failed = true;
    this.pos = 0;
    this.opts.logger.error(
      { dir: this.opts.dir, err: errorChain(err) },
      'cannot write head chunks; not persisting head chunks until restart (the WAL has the data)',
    );
    void this.closeFile().catch(() => {});
  }
}

async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await fh.write(data, off, data.length - off);
    off += bytesWritten;
  }
}
